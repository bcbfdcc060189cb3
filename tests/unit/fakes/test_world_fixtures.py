"""Fixture files can say "{{now-15m}}", so they stay valid on any day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.fakes.world import render_fixtures

NOW = datetime(2026, 11, 21, 3, 12, 9, tzinfo=UTC)


def test_now_templates_become_iso_times_and_epoch_millis(tmp_path: Path) -> None:
    source = tmp_path / "in"
    (source / "github" / "acme" / "app").mkdir(parents=True)
    (source / "logs.jsonl").write_text('{"timestamp": "{{now-15m}}"}\n{"timestamp": "{{now}}"}\n')
    (source / "aws.yaml").write_text("- {service: logs, op: put_log_events, params: {t: {{now+2h|ms}}}}\n")
    (source / "github" / "acme" / "app" / "main.py").write_text("print('{{now}} stays in source code')\n")

    out = render_fixtures(source, tmp_path / "out", NOW)

    assert (out / "logs.jsonl").read_text() == (
        '{"timestamp": "2026-11-21T02:57:09.000000Z"}\n{"timestamp": "2026-11-21T03:12:09.000000Z"}\n'
    )
    assert (
        (out / "aws.yaml").read_text()
        == f"- {{service: logs, op: put_log_events, params: {{t: {int(NOW.timestamp() * 1000) + 7_200_000}}}}}\n"
    )
    assert (out / "github" / "acme" / "app" / "main.py").read_text() == "print('{{now}} stays in source code')\n"
