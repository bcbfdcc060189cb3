"""The Slack app manifest grants the scopes for every Web API method the bot calls, and sends it its events."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST: dict[str, Any] = yaml.safe_load((ROOT / "infra" / "slack-manifest.yaml").read_text(encoding="utf-8"))
# Web API method → the bot scopes it needs (conversations.replies: one per kind of channel the bot reads)
SCOPES = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},  # telling a person they are over the questions-per-minute limit
    "chat_update": {"chat:write"},
    "conversations_replies": {"channels:history", "groups:history"},
    "views_open": set(),  # the rating modal: needs a trigger_id from an interaction, no scope
}
CALL = re.compile(r"\.((?:chat|conversations|views|reactions|users|files|pins|bookmarks)_[A-Za-z]+)\(")


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
    needed = set().union(*SCOPES.values()) | {"app_mentions:read"}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_events_and_interactivity_go_to_the_ingress_url() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.channels", "message.groups"}
    assert settings["interactivity"]["is_enabled"] is True
    url = settings["event_subscriptions"]["request_url"]
    assert url == settings["interactivity"]["request_url"]
    assert url.startswith("https://REPLACE-WITH-SlackRequestUrl")
    assert settings["socket_mode_enabled"] is False
