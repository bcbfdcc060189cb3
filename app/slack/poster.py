"""The one module that talks to the Slack Web API for the worker.

Beyond thread messages it sets the bot's status in a thread (``assistant.threads.setStatus``), publishes App
Home views, uploads text files into threads (the external upload flow of ``files_upload_v2``), lists the
channels a person is in, and answers slash commands and shortcuts on their ``response_url``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

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

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        """Show what the bot is doing under a thread ("" clears it)."""
        ...

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """Publish a person's App Home view."""
        ...

    def upload_text(self, channel: str, thread_ts: str, upload: TextUpload) -> str:
        """Share a text file in a thread; returns the file id."""
        ...

    def respond(self, response_url: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Answer a slash command or a shortcut privately (ephemeral) on its response URL."""
        ...

    def member_channels(self, user: str) -> set[str]:
        """The channels a person is in that the bot can see."""
        ...


@dataclass(frozen=True)
class TextUpload:
    """A text file to share: its name, content, title and the message that goes with it."""

    filename: str
    content: str
    title: str
    comment: str = ""


class MemoryPoster:
    """Keeps the messages in memory instead of posting them (``aiops triage`` prints them)."""

    def __init__(self) -> None:
        self.messages: dict[str, dict[str, Any]] = {}
        self.statuses: list[tuple[str, str, str]] = []
        self.home_views: dict[str, dict[str, Any]] = {}
        self.uploads: list[tuple[str, str, TextUpload]] = []
        self.responses: list[tuple[str, str, list[dict[str, Any]] | None]] = []
        self.members: dict[str, set[str]] = {}

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

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        """Note the status."""
        self.statuses.append((channel, thread_ts, redact(status)))

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """Keep the view."""
        self.home_views[user] = redact_data(view)

    def upload_text(self, channel: str, thread_ts: str, upload: TextUpload) -> str:
        """Keep the file; returns a made-up file id."""
        self.uploads.append((channel, thread_ts, upload))
        return f"F{len(self.uploads):09d}"

    def respond(self, response_url: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Keep the answer."""
        self.responses.append((response_url, redact(text), redact_data(blocks)))

    def member_channels(self, user: str) -> set[str]:
        """The channels given in ``members``."""
        return set(self.members.get(user, set()))


class SlackPoster:
    """Posts and updates the bot's messages in alert threads."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        self._webhook_timeout = client.timeout

    def post(self, channel: str, thread_ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        """Post in a thread; returns the new message's ts."""
        try:
            response = self._client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=redact(text), blocks=redact_data(blocks), unfurl_links=False
            )
        except SlackApiError as exc:
            raise SlackPostError(f"chat.postMessage failed: {exc.response.get('error')}") from exc
        return str(response["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a message's text and blocks."""
        try:
            self._client.chat_update(channel=channel, ts=ts, text=redact(text), blocks=redact_data(blocks or []))
        except SlackApiError as exc:
            raise SlackPostError(f"chat.update failed: {exc.response.get('error')}") from exc

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
            except SlackApiError as exc:
                raise SlackPostError(f"conversations.replies failed: {exc.response.get('error')}") from exc
            messages.extend(response.get("messages") or [])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        if len(messages) > limit:
            messages = [messages[0], *messages[len(messages) - limit + 1 :]]
        return messages

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        """``assistant.threads.setStatus`` (``chat:write``); Slack clears it when the bot next posts in the thread."""
        try:
            self._client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=redact(status))
        except SlackApiError as exc:
            raise SlackPostError(f"assistant.threads.setStatus failed: {exc.response.get('error')}") from exc

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """``views.publish`` of a ``home`` view for one person."""
        try:
            self._client.views_publish(user_id=user, view=redact_data(view))
        except SlackApiError as exc:
            raise SlackPostError(f"views.publish failed: {exc.response.get('error')}") from exc

    def upload_text(self, channel: str, thread_ts: str, upload: TextUpload) -> str:
        """``files_upload_v2``: get an upload URL, post the bytes, complete the upload into the thread."""
        try:
            response = self._client.files_upload_v2(
                channel=channel, thread_ts=thread_ts, filename=upload.filename, content=redact(upload.content),
                title=upload.title, initial_comment=redact(upload.comment) or None, snippet_type="markdown",
            )
        except SlackApiError as exc:
            raise SlackPostError(f"file upload failed: {exc.response.get('error')}") from exc
        return str((response.get("file") or {}).get("id") or "")

    def respond(self, response_url: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """POST an ephemeral answer to a response URL (no token: the URL itself is the credential)."""
        hook = WebhookClient(response_url, timeout=self._webhook_timeout)
        try:
            answer = hook.send(text=redact(text), blocks=redact_data(blocks), response_type="ephemeral")
        except OSError as exc:
            raise SlackPostError(f"response_url unreachable: {exc}") from exc
        if answer.status_code != 200:
            raise SlackPostError(f"response_url refused the answer: {answer.status_code} {answer.body[:100]}")

    def member_channels(self, user: str) -> set[str]:
        """``users.conversations`` for a person: public channels, and private ones the bot shares with them."""
        found: set[str] = set()
        cursor = ""
        while True:
            try:
                response = self._client.users_conversations(
                    user=user, types="public_channel,private_channel", exclude_archived=True, limit=200,
                    cursor=cursor or None,
                )
            except SlackApiError as exc:
                raise SlackPostError(f"users.conversations failed: {exc.response.get('error')}") from exc
            found.update(str(channel["id"]) for channel in response.get("channels") or [])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return found
