"""Runbook matching figures: accuracy on the benchmark catalog and the sample catalog, load and match latency.

Accuracy: top-1 is the selected runbook (a rule, or a lexical match above the thresholds); top-3 counts the right
runbook among the first three candidates; a false positive is an unrelated text for which a runbook is selected.
Latency: catalogs of 10, 1,000 and 5,000 runbooks made from the benchmark catalog (copies with their own ids and
a few words of their own), loaded cold (read, parse, index, compile) and warm (revision unchanged), then matched.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from app.alerts import normalise
from app.models import Alert
from app.runbooks.catalog import Catalog, load_catalog
from app.runbooks.loader import CatalogLoader
from app.runbooks.source import RECHECK_SECONDS, FolderSource
from app.worker.report import runbook_section

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "matching"
SIZES = (10, 1000, 5000)
Row = tuple[str, str, str, str, str]


def _alerts(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))["alerts"]
    return data


def score(catalog: Catalog, alerts: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """(hits, total) for top-1, top-3 (overall, with and without the name) and false positives."""
    counts: dict[str, list[int]] = {key: [0, 0] for key in
                                    ("top1", "top3", "top1 named", "top1 unnamed", "false positives")}
    for item in alerts:
        ranked = catalog.rank(Alert(text=item["text"]), limit=3)
        selected = ranked[0].runbook.id if ranked and ranked[0].claimed else None
        if item["expect"] is None:
            counts["false positives"][0] += selected is not None
            counts["false positives"][1] += 1
            continue
        hit = selected == item["expect"]
        for key in ("top1", "top1 named" if item.get("named") else "top1 unnamed"):
            counts[key][0] += hit
            counts[key][1] += 1
        counts["top3"][0] += item["expect"] in [match.runbook.id for match in ranked]
        counts["top3"][1] += 1
    return {key: (hit, total) for key, (hit, total) in counts.items()}


def accuracy_rows() -> list[Row]:
    """Accuracy on the benchmark catalog and on the sample catalog (its sample alerts and paraphrases)."""
    rows: list[Row] = []
    bench = load_catalog(FolderSource(BENCH / "catalog"))
    sample = load_catalog(FolderSource(ROOT / "runbooks"))
    sample_alerts = [{"expect": rb.id, "named": False, "text": runbook_section(rb, "Sample alert")}
                     for rb in sample.runbooks]
    paraphrases = _alerts(ROOT / "tests" / "fixtures" / "runbooks" / "paraphrases.yaml")
    for name, catalog, alerts in (("benchmark catalog", bench, _alerts(BENCH / "alerts.yaml")),
                                  ("sample catalog, sample alerts", sample, sample_alerts),
                                  ("sample catalog, paraphrases", sample, paraphrases)):
        for key, (hit, total) in score(catalog, alerts).items():
            if total:
                rows.append((f"match {key}: {name}", f"{hit}/{total}", f"{hit / total:.1%}",
                             f"{len(catalog.runbooks)} runbooks", ""))
    return rows


def _synthetic(folder: Path, size: int) -> list[str]:
    """``size`` runbooks copied from the benchmark and sample catalogs (rules included); returns alert texts."""
    sources = sorted((BENCH / "catalog").rglob("*.md")) + sorted((ROOT / "runbooks").rglob("*-*.md"))
    alerts = [item["text"] for item in _alerts(BENCH / "alerts.yaml")]
    sample = load_catalog(FolderSource(ROOT / "runbooks"))
    alerts += [runbook_section(rb, "Sample alert") for rb in sample.runbooks]
    chance = random.Random(size)
    for n in range(size):
        text = sources[n % len(sources)].read_text("utf-8")
        runbook_id = text.split("id: ", 1)[1].split("\n", 1)[0]
        extra = " ".join(chance.choice(alerts).split()[:6])
        text = text.replace(f"id: {runbook_id}", f"id: {runbook_id}-{n}", 1) + f"\nSeen with: {extra} (copy {n})\n"
        (folder / f"{runbook_id}-{n}.md").write_text(text, "utf-8")
    return alerts


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def latency_rows() -> list[Row]:
    """Cold load, warm load (unchanged revision: within the re-check interval, and re-listed) and match."""
    rows: list[Row] = []
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            alerts = _synthetic(Path(folder), size)
            loader = CatalogLoader(FolderSource(Path(folder)))
            cpu = time.process_time()
            cold = _timed(loader.load, 1)[0]
            cpu = time.process_time() - cpu
            catalog = loader.load()
            warm = _timed(loader.load, 20)
            relisted = CatalogLoader(FolderSource(Path(folder), recheck_seconds=0.0))
            relisted.load()
            relist = _timed(relisted.load, 5)
            matches = [_timed(partial(catalog.match, Alert(text=text)), 1)[0] for text in alerts]
            p95 = sorted(matches)[int(len(matches) * 0.95)] * 1000
            rows += [
                (f"catalog load, cold: {size} runbooks", f"{cold * 1000:.0f} ms", f"cpu {cpu * 1000:.0f} ms",
                 "read, parse, index, compile", ""),
                (f"catalog load, warm: {size} runbooks", f"{_median_ms(warm):.3f} ms",
                 f"within the {RECHECK_SECONDS:g} s re-check", "median of 20", ""),
                (f"catalog load, warm re-check: {size} runbooks", f"{_median_ms(relist):.1f} ms",
                 "folder listed, modification times unchanged", "median of 5", ""),
                (f"match: {size} runbooks", f"{_median_ms(matches):.2f} ms", f"p95 {p95:.2f} ms",
                 f"{len(matches)} alerts", ""),
            ]
    return rows


def label_rows() -> list[Row]:
    """The ingress's alert parsing on 40,000-character messages built to make a backtracking label regex stall."""
    hostile = {"spaces after a label": "- a: x" + " " * 40_000 + "y`z", "40,000 blank lines": "\n" * 40_000 + "x",
               "a bullet of tabs and spaces": "- " + " \t" * 20_000,
               "350 labels padded with spaces": ("- key: value" + " " * 100 + "\n") * 350}
    rows: list[Row] = []
    for name, text in hostile.items():
        times = _timed(partial(normalise, {"text": text}), 5)
        rows.append((f"alert parsing, 40,000 characters: {name}", f"{_median_ms(times):.1f} ms",
                     f"max {max(times) * 1000:.1f} ms", "< 3 s (Slack's ack)", "median of 5"))
    return rows


if __name__ == "__main__":
    for row in accuracy_rows() + latency_rows() + label_rows():
        print("  ".join(part for part in row if part))
