"""The Slack fake's methods beyond messages: App Home views, thread status, file uploads, response URLs, membership.

Each speaks the Web API's wire format as ``slack_sdk`` expects it: ``views.publish``, ``users.conversations``,
``assistant.threads.setStatus``, the two-step external upload that ``files_upload_v2`` drives
(``files.getUploadURLExternal``, a raw POST to the returned ``upload_url``, ``files.completeUploadExternal``)
and the ``response_url`` of slash commands and shortcuts (a JSON POST answered with ``ok``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.fakes.http import HTTPRequest, HTTPResponse

MAX_HOME_BLOCKS = 100
UPLOAD_PREFIX = "/upload/v1/"
RESPONSE_PREFIX = "/response/"


@dataclass
class FakeFile:
    """A file uploaded through the external upload flow.

    Attributes:
        id: The file id (``F…``).
        filename: The name given to ``files.getUploadURLExternal``.
        length: The length announced before the upload.
        content: The bytes posted to the upload URL (None until then).
        title: The title given at completion.
        shared: ``(channel, thread_ts)`` where the file was shared, once completed.
    """

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    shared: list[tuple[str, str]] = field(default_factory=list)


class SlackSurfaces:
    """State and handlers of the extra methods; the fake holds its lock while they run."""

    def __init__(self, base_url: Callable[[], str], post: Callable[[str, dict[str, Any], str | None], dict[str, Any]]):
        self._base_url = base_url
        self._post = post
        self.home_views: dict[str, dict[str, Any]] = {}
        self.statuses: list[tuple[str, str, str]] = []
        self.current_status: dict[tuple[str, str], str] = {}
        self.files: dict[str, FakeFile] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.members: dict[str, list[str]] = {}
        self._counter = 0

    def methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        """Web API method name → handler."""
        return {
            "views.publish": self._views_publish,
            "users.conversations": self._users_conversations,
            "assistant.threads.setStatus": self._set_status,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    def serve(self, request: HTTPRequest) -> HTTPResponse | None:
        """Answer an upload or a response-URL POST; None for any other path (a Web API call)."""
        if request.path.startswith(UPLOAD_PREFIX):
            return self._upload(request.path.removeprefix(UPLOAD_PREFIX), request.body)
        if request.path.startswith(RESPONSE_PREFIX):
            key = request.path.removeprefix(RESPONSE_PREFIX)
            if key not in self.responses:
                return HTTPResponse(404, b"no_active_hooks", {"Content-Type": "text/plain"})
            self.responses[key].append(json.loads(request.body.decode("utf-8") or "{}"))
            return HTTPResponse(200, b"ok", {"Content-Type": "text/plain"})
        return None

    def response_url(self, key: str) -> str:
        """A ``response_url`` that accepts POSTs (as Slack gives with a slash command or a shortcut)."""
        self.responses.setdefault(key, [])
        return f"{self._base_url()}{RESPONSE_PREFIX}{key}"

    def clear_status(self, channel: str, thread_ts: str | None) -> None:
        """The bot replied in the thread: Slack removes its status there."""
        if thread_ts:
            self.current_status.pop((channel, thread_ts), None)

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:09d}"

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view, user = params.get("view"), str(params.get("user_id") or "")
        if not user:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > MAX_HOME_BLOCKS:
            return {"ok": False, "error": "invalid_blocks"}
        published = {**copy.deepcopy(view), "id": self._next_id("V"), "type": "home"}
        self.home_views[user] = published
        return {"ok": True, "view": copy.deepcopy(published)}

    def _users_conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user") or "")
        channels = self.members.get(user, [])
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        page = channels[start : start + limit]
        more = start + limit < len(channels)
        return {
            "ok": True,
            "channels": [{"id": channel, "is_channel": True, "is_member": True} for channel in page],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _set_status(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, thread_ts = str(params.get("channel_id") or ""), str(params.get("thread_ts") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not thread_ts:
            return {"ok": False, "error": "invalid_thread_ts"}
        if "status" not in params:
            return {"ok": False, "error": "invalid_arguments"}
        status = str(params["status"])
        self.statuses.append((channel, thread_ts, status))
        if status:
            self.current_status[(channel, thread_ts)] = status
        else:
            self.current_status.pop((channel, thread_ts), None)
        return {"ok": True}

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename, length = str(params.get("filename") or ""), str(params.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        self.files[file_id] = FakeFile(file_id, filename, int(length))
        return {"ok": True, "upload_url": f"{self._base_url()}{UPLOAD_PREFIX}{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, body: bytes) -> HTTPResponse:
        found = self.files.get(file_id)
        if found is None:
            return HTTPResponse(404, b"upload_url_not_found", {"Content-Type": "text/plain"})
        found.content = body
        return HTTPResponse(200, f"OK - {len(body)}".encode(), {"Content-Type": "text/plain"})

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        listed = params.get("files")
        if isinstance(listed, str):
            listed = json.loads(listed)
        if not isinstance(listed, list) or not listed:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in listed:
            found = self.files.get(str(item.get("id") or ""))
            if found is None or found.content is None:
                return {"ok": False, "error": "file_not_found"}
            if len(found.content) != found.length:
                return {"ok": False, "error": "file_size_mismatch"}
            found.title = str(item.get("title") or found.filename)
            done.append(found)
        channel, thread_ts = str(params.get("channel_id") or ""), str(params.get("thread_ts") or "")
        if channel:
            self._share(done, channel, thread_ts, str(params.get("initial_comment") or ""))
        return {"ok": True, "files": [self._info(found) for found in done]}

    def _share(self, done: list[FakeFile], channel: str, thread_ts: str, comment: str) -> None:
        message = {"type": "message", "text": comment, "files": [self._info(found) for found in done], "upload": True}
        self._post(channel, message, thread_ts or None)
        for found in done:
            found.shared.append((channel, thread_ts))

    @staticmethod
    def _info(found: FakeFile) -> dict[str, Any]:
        return {"id": found.id, "name": found.filename, "title": found.title, "size": found.length,
                "mimetype": "text/plain", "filetype": "text"}
