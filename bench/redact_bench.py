"""Redaction throughput: ``tools.redact.redact`` over a realistic tool result, clean and with secrets in it.

The text mixes ECS/Lambda log lines, JSON API bodies, ARNs, image digests and request ids (the shapes tool results
have); the "with secrets" variant plants one corpus secret every 200 lines. Figures are MB per second, median of
several runs, and the time for a 1 MB result (about what a large Cloud Logging page is before capping).
"""

from __future__ import annotations

import json
import statistics
import time

from tests.fixtures.secrets.corpus import CORPUS
from tools.redact import MASK, redact

RUNS = 5
LINES = 20_000


def _line(n: int) -> str:
    shapes = (
        f"2026-11-20T03:12:{n % 60:02d}Z ERROR runner-{n % 7} request 1f0e6f9c-52a4-4d0b-9a51-{n:012d} "
        f"CannotPullContainerError: no matching manifest for linux/amd64 job_id={16852935 + n}",
        json.dumps({"taskArn": f"arn:aws:ecs:us-east-1:123456789012:task/prod/{n:032x}",
                    "image": f"repo/app@sha256:{n:064x}", "lastStatus": "STOPPED", "nextToken": None}),
        f"GET https://api.example.com/v1/jobs/{n}/ status=200 took={n % 900}ms user=svc-{n % 13}",
        f"REPORT RequestId: {n:08x}-aaaa-bbbb-cccc-{n:012x} Duration: 812.33 ms Max Memory Used: 201 MB",
    )
    return shapes[n % len(shapes)]


def _texts() -> tuple[str, str]:
    clean = [_line(n) for n in range(LINES)]
    planted = list(clean)
    for index in range(0, LINES, 200):
        planted[index] += " " + CORPUS[(index // 200) % len(CORPUS)][1]
    return "\n".join(clean), "\n".join(planted)


def _rate(text: str) -> tuple[float, float]:
    """Median MB/s and median seconds over the runs."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        redact(text)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    return len(text) / 1e6 / seconds, seconds


def redaction_rows() -> list[tuple[str, str, str, str, str]]:
    """Throughput on clean and on secret-bearing text, and the cost of one 1 MB result."""
    clean, planted = _texts()
    if MASK not in redact(planted) or any(secret in redact(planted) for _, _, secret in CORPUS):
        raise SystemExit("redaction benchmark: a planted secret survived")
    clean_rate, _ = _rate(clean)
    planted_rate, _ = _rate(planted)
    _, one_mb = _rate(clean[:1_000_000])
    size = f"{len(clean) / 1e6:.1f} MB"
    return [
        ("redaction throughput, clean tool output", f"{clean_rate:.1f} MB/s", size, "", f"n={RUNS}"),
        ("redaction throughput, one secret per 200 lines", f"{planted_rate:.1f} MB/s", size, "", f"n={RUNS}"),
        ("redaction of a 1 MB tool result", f"{one_mb * 1000:.0f} ms", "", "", f"n={RUNS}"),
    ]


if __name__ == "__main__":
    for row in redaction_rows():
        print("  ".join(row))
