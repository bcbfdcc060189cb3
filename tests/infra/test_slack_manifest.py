"""The Slack app manifest grants the scopes for every Web API method the bot calls, no scope it does not use, and
offers every surface the code listens to (events, the home tab, the shortcut and the command)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from app.slack.command_blocks import COMMAND, SHORTCUT_CALLBACK

ROOT = Path(__file__).resolve().parents[2]
MANIFEST: dict[str, Any] = yaml.safe_load((ROOT / "infra" / "slack-manifest.yaml").read_text(encoding="utf-8"))
# Web API method → the bot scopes it needs (conversations.replies: one per kind of channel the bot reads)
SCOPES = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_replies": {"channels:history", "groups:history"},
    "views_open": set(),  # the rating modal: needs a trigger_id from an interaction, no scope
    "views_publish": set(),  # the App Home view: needs the home tab, no scope
    "assistant_threads_setStatus": {"chat:write"},  # accepted with chat:write in channel threads
    "files_upload_v2": {"files:write"},  # files.getUploadURLExternal and files.completeUploadExternal
    "users_conversations": {"channels:read", "groups:read"},  # public and private channels of a person
    "usergroups_users_list": {"usergroups:read"},  # who may approve a runbook action
}
# Scopes that no Web API call needs but a surface does: the app_mention event, the command and the shortcut
SURFACE_SCOPES = {"app_mentions:read", "commands"}
CALL = re.compile(
    r"\.((?:chat|conversations|views|reactions|users|files|pins|bookmarks|assistant|usergroups)_[A-Za-z0-9_]+)\("
)


def called_methods() -> set[str]:
    return {match for path in (ROOT / "app").rglob("*.py") if "fakes" not in path.parts
            for match in CALL.findall(path.read_text(encoding="utf-8"))}


def test_every_called_method_has_its_scopes() -> None:
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    methods = called_methods()
    assert methods, "the scan found no Web API calls"
    for method in methods:
        assert method in SCOPES, f"{method}: add its scopes to the manifest and to this table"
        assert SCOPES[method] <= granted, method


def test_no_scope_beyond_what_the_bot_uses() -> None:
    needed = set().union(*(SCOPES[method] for method in called_methods())) | SURFACE_SCOPES
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_the_scan_sees_every_kind_of_call() -> None:
    assert {"chat_update", "views_publish", "assistant_threads_setStatus", "files_upload_v2",
            "users_conversations", "usergroups_users_list"} <= called_methods()


def test_the_surfaces_the_code_listens_to_are_offered() -> None:
    features = MANIFEST["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    (shortcut,) = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT_CALLBACK)
    (command,) = features["slash_commands"]
    assert command["command"] == COMMAND
    assert command["url"] == MANIFEST["settings"]["event_subscriptions"]["request_url"]


def test_events_and_interactivity_go_to_the_ingress_url() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.channels", "message.groups"
    }
    assert settings["interactivity"]["is_enabled"] is True
    url = settings["event_subscriptions"]["request_url"]
    assert url == settings["interactivity"]["request_url"]
    assert url.startswith("https://REPLACE-WITH-SlackRequestUrl")
    assert settings["socket_mode_enabled"] is False
