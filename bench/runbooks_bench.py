"""Runbook engine figures: catalog load from GitHub cold versus cached, and top-1 match accuracy.

The GitHub figures drive the real source (PyGithub) against the local GitHub fake holding the sample catalog,
once with no added latency and once with a fixed per-request latency standing in for a round trip to GitHub.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from app.fakes.github_api import FakeGitHub
from app.models import Alert
from app.runbooks.cache import CatalogCache
from app.runbooks.catalog import Catalog, load_catalog
from app.runbooks.github import GitHubSource, client_for, parse_github_spec
from app.runbooks.source import FolderSource
from app.worker.report import runbook_section

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "ghp-bench-token"
SPEC = "github:acme/ops@main:runbooks"
LATENCIES = (0.0, 0.05)
REPEATS = 5
EDITED = "runbooks/jobs/jobs-004-started-at-missing.md"


def _measure(fake: FakeGitHub, make: Callable[[], GitHubSource], prepare: Callable[[], None]) -> tuple[int, float]:
    """Requests and median milliseconds of one catalog load (fetch and parse) from a source built by ``make``."""
    times, requests = [], 0
    for _ in range(REPEATS):
        prepare()
        source = make()
        before = len(fake.requests)
        started = time.perf_counter()
        load_catalog(source)
        times.append((time.perf_counter() - started) * 1000)
        requests = len(fake.requests) - before
    return requests, sorted(times)[len(times) // 2]


def github_load_rows() -> list[tuple[str, str, str, str, str]]:
    """Cold, cached in memory, cached on disk (a new process) and after a one-file commit, per latency."""
    folder_root = ROOT / "runbooks"
    files = {f"runbooks/{p.relative_to(folder_root)}": p.read_text("utf-8") for p in folder_root.rglob("*.md")}
    return [row for latency in LATENCIES for row in _rows_at(latency, files)]


def _rows_at(latency: float, files: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    with FakeGitHub(token=TOKEN, latency=latency) as fake, tempfile.TemporaryDirectory() as state:
        fake.push("acme/ops", files)
        folder = Path(state) / "cache"
        warm = GitHubSource(parse_github_spec(SPEC), client_for(fake.url, TOKEN), CatalogCache(folder))

        def fresh(where: Path | None = folder) -> GitHubSource:
            return GitHubSource(parse_github_spec(SPEC), client_for(fake.url, TOKEN), CatalogCache(where))

        def edit() -> None:
            warm.fetch()  # the cache holds the current commit; then one runbook changes
            fake.push("acme/ops", {**files, EDITED: files[EDITED] + f"\n<!-- revision {time.time_ns()} -->\n"})

        cases: list[tuple[str, Callable[[], GitHubSource], Callable[[], None]]] = [
            ("cold (empty cache)", lambda: fresh(None), lambda: None),
            ("unchanged ref, warm process (memory)", lambda: warm, warm.fetch),
            ("unchanged ref, new process (disk cache)", fresh, warm.fetch),
            ("ref moved by a one-file commit", lambda: warm, edit),
        ]
        for name, make, prepare in cases:
            count, median = _measure(fake, make, prepare)
            rows.append((f"github catalog load: {name}", f"{median:.1f} ms", f"{count} requests",
                         f"latency {latency * 1000:.0f} ms/request", f"median of {REPEATS}"))
    return rows


def accuracy_rows() -> list[tuple[str, str, str, str, str]]:
    """Top-1 on the sample alerts (rules, then lexical alone) and on the paraphrases (lexical only)."""
    catalog = load_catalog(FolderSource(ROOT / "runbooks"))
    samples = [(rb.id, runbook_section(rb, "Sample alert")) for rb in catalog.runbooks]
    by_rule = sum(1 for rb_id, text in samples if _selected(catalog, text) == rb_id)
    lexical = sum(1 for rb_id, text in samples if catalog.search(text, limit=1)[0].runbook.id == rb_id)
    data: list[dict[str, Any]] = yaml.safe_load(
        (ROOT / "tests" / "fixtures" / "runbooks" / "paraphrases.yaml").read_text("utf-8"))["alerts"]
    covered = [item for item in data if item["expect"]]
    picks = [_selected(catalog, item["text"]) for item in covered]
    right = sum(1 for item, pick in zip(covered, picks, strict=True) if pick == item["expect"])
    wrong = sum(1 for item, pick in zip(covered, picks, strict=True) if pick and pick != item["expect"])
    uncovered = [item for item in data if not item["expect"]]
    claimed = sum(1 for item in uncovered if _selected(catalog, item["text"]))
    n = len(samples)
    return [
        ("match top-1: sample alerts (rules first)", f"{by_rule}/{n}", f"{by_rule / n:.0%}", "", ""),
        ("match top-1: sample alerts, lexical alone", f"{lexical}/{n}", f"{lexical / n:.0%}", "", ""),
        ("match top-1: paraphrases (lexical only)", f"{right}/{len(covered)}", f"{right / len(covered):.0%}",
         f"{wrong} wrong, {len(covered) - right - wrong} none", ""),
        ("match: uncovered alerts claimed", f"{claimed}/{len(uncovered)}", "", "", ""),
    ]


def _selected(catalog: Catalog, text: str) -> str | None:
    found = catalog.match(Alert(text=text))
    return found.runbook.id if found else None
