"""The one module that talks to the Slack Web API for the worker."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tools.redact import redact, redact_data

logger = logging.getLogger(__name__)


class SlackPostError(Exception):
    """Slack refused or could not take a message."""


class Poster(Protocol):
    """Posts and updates messages in a thread."""

    def post(self, channel: str, thread_ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        """Post in a thread; returns the new message's ts."""
        ...

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a message's text and blocks."""
        ...

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The thread's messages, oldest first."""
        ...


class MemoryPoster:
    """Keeps the messages in memory instead of posting them (``aiops triage`` prints them)."""

    def __init__(self) -> None:
        self.messages: dict[str, dict[str, Any]] = {}

    def post(self, channel: str, thread_ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        """Store a message; returns a made-up ts."""
        ts = f"{len(self.messages) + 1}.000000"
        self.messages[ts] = {
            "channel": channel, "thread_ts": thread_ts, "text": redact(text), "blocks": redact_data(blocks)
        }
        return ts

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a stored message."""
        self.messages[ts].update(text=redact(text), blocks=redact_data(blocks))

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages stored for that thread."""
        return [m for m in self.messages.values() if m["channel"] == channel and m["thread_ts"] == thread_ts]


class SlackPoster:
    """Posts and updates the bot's messages in alert threads."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))

    def post(self, channel: str, thread_ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        """Post in a thread; returns the new message's ts."""
        try:
            response = self._client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=redact(text), blocks=redact_data(blocks), unfurl_links=False
            )
        except _SLACK_FAILURES as exc:
            raise SlackPostError(f"chat.postMessage failed: {_reason(exc)}") from exc
        return str(response["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a message's text and blocks."""
        try:
            self._client.chat_update(channel=channel, ts=ts, text=redact(text), blocks=redact_data(blocks or []))
        except _SLACK_FAILURES as exc:
            raise SlackPostError(f"chat.update failed: {_reason(exc)}") from exc

    def thread(self, channel: str, thread_ts: str, limit: int = 1000) -> list[dict[str, Any]]:
        """The thread's messages, oldest first: the parent and the newest ``limit - 1`` replies.

        ``conversations.replies`` pages from the oldest message, so every page is read (200 at a time).
        """
        messages: list[dict[str, Any]] = []
        cursor = ""
        while True:
            try:
                response = self._client.conversations_replies(
                    channel=channel, ts=thread_ts, limit=200, cursor=cursor or None
                )
            except _SLACK_FAILURES as exc:
                raise SlackPostError(f"conversations.replies failed: {_reason(exc)}") from exc
            messages.extend(response.get("messages") or [])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        if len(messages) > limit:
            messages = [messages[0], *messages[len(messages) - limit + 1 :]]
        return messages


# An error answer, and no answer at all: a timeout, a refused connection, a broken response.
_SLACK_FAILURES = (SlackClientError, OSError)


def _reason(exc: Exception) -> str:
    """Slack's error code, or the kind of transport failure."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error"))
    return f"{type(exc).__name__}: {exc}"
