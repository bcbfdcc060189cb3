"""``aiops runbooks match --batch FILE``: one JSON line per alert, the coverage summary, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.fakes.jobs_api import SAMPLE_SPEC

ROOT = Path(__file__).resolve().parents[3]
HISTORY = """Task stopped: OutOfMemoryError: Container killed due to memory usage (exit code 137) job_id=1

ZookeeperQuorumLost on zk-1.prod.internal
ZookeeperQuorumLost on zk-2.prod.internal
Coffee machine on floor 4 is out of beans
"""


@pytest.fixture(autouse=True)
def jobs_api_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample jobs API configured, as the repository's runbooks expect (their steps name its tools)."""
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "alerts.txt"
    path.write_text(HISTORY, encoding="utf-8")
    return path


def test_each_alert_gives_one_json_line_and_the_summary_groups_the_unmatched(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["runbooks", "match", "--batch", str(history), "--runbooks", str(ROOT / "runbooks"), "--json"])

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rows, summary = lines[:-1], lines[-1]["summary"]
    assert code == 0
    assert [(row["line"], row["selected"]) for row in rows] == [(1, "ecs-002"), (3, None), (4, None), (5, None)]
    assert rows[0]["kind"] == "rule" and rows[0]["candidates"][0]["id"] == "ecs-002"
    assert (summary["alerts"], summary["matched"], summary["unmatched"]) == (4, 1, 3)
    assert summary["by_runbook"] == {"ecs-002": 1}
    first = summary["unmatched_groups"][0]
    assert (first["count"], first["example"]) == (2, "ZookeeperQuorumLost on zk-1.prod.internal")


def test_without_json_the_summary_is_for_people_on_stderr(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["runbooks", "match", "--batch", str(history), "--runbooks", str(ROOT / "runbooks")])

    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 4
    assert err.splitlines()[0] == "4 alerts: 1 matched (25%), 3 unmatched"
    assert "      2  zookeeperquorumlost zookeeper quorum lost  e.g. ZookeeperQuorumLost on zk-1" in err


def test_usage_errors(history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe alert\n")

    assert main(["runbooks", "match", "--batch", str(tmp_path / "missing.txt")]) == 2
    assert main(["runbooks", "match", "some text", "--batch", str(history)]) == 2
    assert main(["runbooks", "check", "--batch", str(history)]) == 2
    assert main(["runbooks", "match", "--batch", str(binary), "--runbooks", str(ROOT / "runbooks")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "goes with 'match'" in err and "not UTF-8" in err
