"""The GitHub catalog cache: ref states, snapshots by commit SHA and file contents by blob SHA.

Kept in memory and, when a folder is given, on disk (a warm Lambda's ``/tmp`` or the CLI's state folder), so
an unchanged ref costs one conditional request across invocations and runs. A cache that cannot be written
or read is logged and skipped: it only ever saves requests.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.runbooks.source import RunbookFile, Snapshot

logger = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RefState:
    """What a ref resolved to last time, and the ETag that proves it unchanged."""

    etag: str
    sha: str
    tree_sha: str
    link_base: str
    checked_at: str


@dataclass(frozen=True)
class CachedFile:
    """One runbook file of a snapshot: its path, blob SHA, link, and why it could not be read (if so)."""

    path: str
    sha: str
    link: str
    error: str = ""


class CatalogCache:
    """Memory in front of an optional folder; one instance per repository."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._refs: dict[str, RefState] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._blobs: dict[str, str] = {}
        self._writable = folder is not None

    def ref(self, key: str) -> RefState | None:
        """The last state of a ref (``REF:PATH``), or None."""
        if key not in self._refs:
            stored = self._read_json("refs.json") or {}
            if isinstance(stored.get(key), dict):
                try:
                    self._refs[key] = RefState(**stored[key])
                except TypeError:
                    logger.warning("ignoring a malformed cached ref state for %s", key)
        return self._refs.get(key)

    def put_ref(self, key: str, state: RefState) -> None:
        """Remember a ref's state."""
        self._refs[key] = state
        stored = self._read_json("refs.json") or {}
        stored[key] = asdict(state)
        self._write("refs.json", json.dumps(stored, indent=1))

    def snapshot(self, sha: str, path: str, version: str) -> Snapshot | None:
        """The snapshot of ``path`` at commit ``sha``, from memory or disk, or None."""
        key = _name(f"{sha}-{path}")
        if key not in self._snapshots:
            manifest = self._read_json(f"snapshots/{key}.json")
            files = self._files(manifest) if isinstance(manifest, list) else None
            if files is not None:
                self._snapshots[key] = Snapshot(version=version, files=files)
        return self._snapshots.get(key)

    def put_snapshot(self, sha: str, path: str, snapshot: Snapshot, blob_shas: dict[str, str]) -> None:
        """Remember a snapshot; ``blob_shas`` maps each file's path to its blob SHA."""
        key = _name(f"{sha}-{path}")
        self._snapshots[key] = snapshot
        manifest = [
            asdict(CachedFile(item.path, blob_shas[item.path], item.link, item.error)) for item in snapshot.files
        ]
        self._write(f"snapshots/{key}.json", json.dumps(manifest, indent=1))

    def blob(self, sha: str) -> str | None:
        """A file's text by blob SHA, or None."""
        if sha not in self._blobs and self._folder is not None:
            try:
                self._blobs[sha] = (self._folder / "blobs" / _name(sha)).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
        return self._blobs.get(sha)

    def put_blob(self, sha: str, text: str) -> None:
        """Remember a file's text by blob SHA."""
        self._blobs[sha] = text
        self._write(f"blobs/{_name(sha)}", text)

    def _files(self, manifest: list[Any]) -> tuple[RunbookFile, ...] | None:
        files = []
        for entry in manifest:
            try:
                item = CachedFile(**entry)
            except TypeError:
                return None
            text = "" if item.error else self.blob(item.sha)
            if text is None:
                return None
            files.append(RunbookFile(path=item.path, text=text, link=item.link, error=item.error))
        return tuple(files)

    def _read_json(self, name: str) -> Any:
        if self._folder is None:
            return None
        try:
            return json.loads((self._folder / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable cache file %s: %s", self._folder / name, exc)
            return None

    def _write(self, name: str, text: str) -> None:
        if self._folder is None or not self._writable:
            return
        target = self._folder / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as handle:
                handle.write(text)
            os.replace(handle.name, target)
        except OSError as exc:  # e.g. a read-only folder: keep to memory from now on, and say so once
            self._writable = False
            logger.warning("cannot write the runbook cache %s (%s); caching in memory only", target, exc)


def cache_folder(root: Path, api_url: str, full_name: str) -> Path:
    """The cache folder of one repository on one GitHub host."""
    return root / _name(api_url.split("://", 1)[-1]) / _name(full_name.replace("/", "__"))


def _name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "_"
