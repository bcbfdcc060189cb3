"""The catalog is parsed once per source revision: folder modification times, snapshot versions."""

from __future__ import annotations

import os
from pathlib import Path

from app.runbooks.loader import CatalogLoader
from app.runbooks.source import FolderSource, RunbookFile, Snapshot

RUNBOOK = "---\nid: {id}\ntitle: {title}\n---\nBody.\n"


def write(folder: Path, name: str, title: str, mtime_ns: int | None = None) -> None:
    path = folder / f"{name}.md"
    path.write_text(RUNBOOK.format(id=name, title=title), encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def test_an_unchanged_folder_gives_the_same_catalog(tmp_path: Path) -> None:
    write(tmp_path, "a-1", "Disk full")
    loader = CatalogLoader(FolderSource(tmp_path, recheck_seconds=0.0))

    assert loader.load() is loader.load()


def test_an_edited_added_or_removed_file_gives_a_new_catalog(tmp_path: Path) -> None:
    write(tmp_path, "a-1", "Disk full", mtime_ns=1_000_000_000)
    loader = CatalogLoader(FolderSource(tmp_path, recheck_seconds=0.0))
    first = loader.load()

    write(tmp_path, "a-1", "Disk almost full", mtime_ns=2_000_000_000)
    edited = loader.load()
    write(tmp_path, "b-1", "Memory")
    added = loader.load()
    (tmp_path / "a-1.md").unlink()
    removed = loader.load()

    assert [rb.title for rb in first.runbooks] == ["Disk full"]
    assert [rb.title for rb in edited.runbooks] == ["Disk almost full"]
    assert [rb.id for rb in added.runbooks] == ["a-1", "b-1"]
    assert [rb.id for rb in removed.runbooks] == ["b-1"]


def test_the_folder_is_listed_again_only_after_the_recheck_interval(tmp_path: Path) -> None:
    now = [100.0]
    write(tmp_path, "a-1", "Disk full", mtime_ns=1_000_000_000)
    loader = CatalogLoader(FolderSource(tmp_path, recheck_seconds=5.0, clock=lambda: now[0]))
    first = loader.load()
    write(tmp_path, "a-1", "Disk almost full", mtime_ns=2_000_000_000)

    now[0] = 104.0
    assert loader.load() is first
    now[0] = 105.5
    assert [rb.title for rb in loader.load().runbooks] == ["Disk almost full"]


class CountingSource:
    """A source whose version is set by the test (a GitHub ref moving to a new commit)."""

    def __init__(self) -> None:
        self.version = "acme/ops@aaaaaaaaaaaa"
        self.fetches = 0

    def fetch(self) -> Snapshot:
        self.fetches += 1
        title = "Disk full" if self.version.endswith("a") else "Disk almost full"
        return Snapshot(self.version, (RunbookFile("a-1.md", RUNBOOK.format(id="a-1", title=title)),))


def test_a_new_commit_gives_a_new_catalog_and_the_same_commit_reuses_it() -> None:
    source = CountingSource()
    loader = CatalogLoader(source)
    first = loader.load()
    again = loader.load()
    fetches = source.fetches
    source.version = "acme/ops@bbbbbbbbbbbb"
    moved = loader.load()

    assert again is first and fetches == 2  # the source is asked each time; the parse is reused
    assert moved is not first
    assert [rb.title for rb in moved.runbooks] == ["Disk almost full"]
