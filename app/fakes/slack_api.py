"""A local fake of the Slack Web API that speaks the real HTTP wire protocol.

Point the real ``slack_sdk.WebClient(base_url=fake.url)`` at it. It keeps messages in memory, records every call
and can be told to fail the next call to a method.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from app.fakes.http import HTTPRequest, HTTPResponse, LocalHTTPFake
from app.fakes.slack_surfaces import FakeFile, SlackSurfaces

_JSON_FIELDS = ("blocks", "attachments", "view")

Result = tuple[int, dict[str, Any]]


@dataclass
class SlackCall:
    """One request received by the fake.

    Attributes:
        method: The Web API method, e.g. ``chat.postMessage``.
        params: Decoded request params (JSON body, form body or query string).
        token: The token from the ``Authorization: Bearer`` header (or the ``token`` param).
    """

    method: str
    params: dict[str, Any]
    token: str | None


class FakeSlackAPI(LocalHTTPFake):
    """An in-memory Slack Web API served over HTTP on 127.0.0.1.

    Attributes:
        calls: Every call received, in order.
        fail_next: Method name -> Slack error code; the next call to that method fails once with that error.
        failing: Method name -> Slack error code; every call to that method fails with it until removed.
        surfaces: App Home views, thread statuses, uploaded files, response-URL posts and channel membership.
    """

    name = "fake-slack-api"

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",  # noqa: S107 - a fake token for a local fake
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        team_id: str = "T0TEAM",
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.calls: list[SlackCall] = []
        self.fail_next: dict[str, str] = {}
        self.failing: dict[str, str] = {}
        self.surfaces = SlackSurfaces(lambda: self.url.removesuffix("/api/"), self._post_as_bot)
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._counter = 0
        self._ts_base = int(time.time() * 1_000_000)  # message ts follow the real clock, as alert times do
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "conversations.replies": self._replies,
            "views.open": self._views_open,
            "usergroups.users.list": self._usergroup_users,
            **self.surfaces.methods(),
        }
        self.usergroups: dict[str, list[str]] = {}
        """User group id → member user ids, for ``usergroups.users.list``."""

    @property
    def url(self) -> str:
        """The ``base_url`` to give ``WebClient``, with a trailing slash."""
        return super().url + "/api/"

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        """Decode a Web API call (query string, JSON or form body; bearer or ``token`` param) and answer it."""
        with self._lock:
            served = self.surfaces.serve(request)
        if served is not None:
            return served
        params: dict[str, Any] = {name: values[0] for name, values in request.query.items()}
        if request.body and "application/json" in request.headers.get("content-type", ""):
            params.update(json.loads(request.body.decode("utf-8")))
        elif request.body:
            form = dict(parse_qsl(request.body.decode("utf-8")))
            for key in _JSON_FIELDS:
                if isinstance(form.get(key), str):
                    form[key] = json.loads(form[key])
            params.update(form)
        auth = request.headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("token")
        params.pop("token", None)
        method = request.path.rstrip("/").rsplit("/", 1)[-1]
        status, payload = self._handle(SlackCall(method, params, token))
        return HTTPResponse.json(payload, status, {"Retry-After": "1"} if status == 429 else None)

    # inspection and seeding

    def calls_to(self, method: str) -> list[SlackCall]:
        """Return the calls made to one method, in order."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str | None = None,
        bot_id: str | None = None,
        thread_ts: str | None = None,
        blocks: list[Any] | None = None,
        attachments: list[Any] | None = None,
    ) -> str:
        """Seed a message as if a person or an integration posted it.

        Returns:
            The new message's ts.
        """
        message: dict[str, Any] = {"type": "message", "text": text}
        if user is not None:
            message["user"] = user
        if bot_id is not None:
            message["bot_id"] = bot_id
        if blocks is not None:
            message["blocks"] = blocks
        if attachments is not None:
            message["attachments"] = attachments
        with self._lock:
            return str(self._store(channel, message, thread_ts)["ts"])

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Return the parent message and its replies, oldest first, in their current state."""
        with self._lock:
            return copy.deepcopy(self._thread_of(channel, ts))

    def join(self, channel: str, *users: str) -> None:
        """Make people members of a channel (what ``users.conversations`` lists for them)."""
        with self._lock:
            for user in users:
                joined = self.surfaces.members.setdefault(user, [])
                if channel not in joined:
                    joined.append(channel)

    def home_view(self, user: str) -> dict[str, Any] | None:
        """The App Home view last published for a person, or None."""
        with self._lock:
            return copy.deepcopy(self.surfaces.home_views.get(user))

    def response_url(self, key: str) -> str:
        """A response URL served by this fake, as Slack sends with slash commands and shortcuts."""
        with self._lock:
            return self.surfaces.response_url(key)

    def responses(self, key: str) -> list[dict[str, Any]]:
        """What was posted to the response URL ``key``, in order."""
        with self._lock:
            return copy.deepcopy(self.surfaces.responses.get(key, []))

    def file(self, file_id: str) -> FakeFile:
        """An uploaded file; raises KeyError if unknown."""
        with self._lock:
            return copy.deepcopy(self.surfaces.files[file_id])

    def status(self, channel: str, thread_ts: str) -> str:
        """The bot's status shown in a thread now ("" when none)."""
        with self._lock:
            return self.surfaces.current_status.get((channel, thread_ts), "")

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """Return one message in its current state; raises KeyError if unknown."""
        with self._lock:
            return copy.deepcopy(self._messages[channel][ts])

    # internals (callers hold self._lock where state is touched)

    def _next_ts(self) -> str:
        self._counter += 1
        value = self._ts_base + 100 * self._counter
        seconds, micros = divmod(value, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _store(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> dict[str, Any]:
        message["ts"] = self._next_ts()
        channel_messages = self._messages.setdefault(channel, {})
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = channel_messages.get(thread_ts)
            if parent is not None:
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
        channel_messages[message["ts"]] = message
        return message

    def _thread_of(self, channel: str, ts: str) -> list[dict[str, Any]]:
        channel_messages = self._messages.get(channel, {})
        if ts not in channel_messages:
            return []
        root = channel_messages[ts].get("thread_ts") or ts
        found = [m for m in channel_messages.values() if m["ts"] == root or m.get("thread_ts") == root]
        return sorted(found, key=lambda m: (m["ts"] != root, float(m["ts"])))

    def _handle(self, call: SlackCall) -> Result:
        with self._lock:
            self.calls.append(call)
            if call.token != self.bot_token:
                return 200, {"ok": False, "error": "invalid_auth"}
            handler = self._methods.get(call.method)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method"}
            error = self.fail_next.pop(call.method, None) or self.failing.get(call.method)
            if error is not None:
                return (429 if error == "ratelimited" else 200), {"ok": False, "error": error}
            return 200, handler(call.params)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": "bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(params.get(key) for key in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        message: dict[str, Any] = {"type": "message", "text": params.get("text") or ""}
        for key in ("blocks", "attachments"):
            if params.get(key):
                message[key] = params[key]
        stored = self._post_as_bot(str(channel), message, params.get("thread_ts") or None)
        return {"ok": True, "channel": channel, "ts": stored["ts"], "message": copy.deepcopy(stored)}

    def _post_as_bot(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> dict[str, Any]:
        """Store a message by the bot; its reply in a thread clears its status there, as Slack does."""
        message.update(user=self.bot_user_id, bot_id=self.bot_id)
        self.surfaces.clear_status(channel, thread_ts)
        return self._store(channel, message, thread_ts)

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel") or ""), str(params.get("ts") or "")
        message = self._messages.get(channel, {}).get(ts)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        for key in ("text", "blocks", "attachments"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message.get("text", ""),
            "message": copy.deepcopy(message),
        }

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        messages = self._thread_of(str(params.get("channel") or ""), str(params.get("ts") or ""))
        if not messages:
            return {"ok": False, "error": "thread_not_found"}
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 1000)
        page = messages[start : start + limit]
        has_more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": copy.deepcopy(page),
            "has_more": has_more,
            "response_metadata": {"next_cursor": str(start + limit) if has_more else ""},
        }

    def _usergroup_users(self, params: dict[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup") or "")
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.usergroups[group])}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") or not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        self._counter += 1
        opened = {**copy.deepcopy(view), "id": f"V{self._counter:08d}", "team_id": self.team_id}
        opened.setdefault("state", {"values": {}})
        return {"ok": True, "view": opened}
