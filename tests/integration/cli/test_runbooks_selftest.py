"""``aiops runbooks test``: the runbooks' own examples, run offline like unit tests of their logic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.fakes.jobs_api import SAMPLE_SPEC

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
RUNBOOK = r"""---
id: q-1
title: Queue paused
extract: {queue: 'queue (\w+)'}
evidence:
  - {id: queue, tool: jobs_get_queue, args: {queue_name: '{queue}'}}
facts:
  paused: queue.paused
verdicts:
  - {when: 'paused == `true`', decision: escalate, cause: 'queue {queue} is paused', step: 1}
  - {when: 'paused == `false`', decision: close, cause: 'queue {queue} runs', step: 2}
examples:
  - name: paused
    fields: {queue: gpu}
    steps: {queue: {paused: true}}
    expect: {decision: escalate, step: 1, cause: 'gpu is paused'}
{more}
---
# Q
## Procedure
1. Paused: escalate.
2. Running: close.
"""

pytestmark = pytest.mark.usefixtures("aiops_env", "jobs_api_spec")


@pytest.fixture
def jobs_api_spec(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample jobs API configured, as the repository's runbooks expect (their steps name its tools)."""
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


def catalog(tmp_path: Path, more: str = "") -> str:
    (tmp_path / "q.md").write_text(RUNBOOK.replace("{more}", more), encoding="utf-8")
    return str(tmp_path)


def test_the_sample_catalog_passes_its_own_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["runbooks", "test", str(REPO_RUNBOOKS), "--json"])
    view = json.loads(capsys.readouterr().out)

    assert code == 0
    assert view["passed"] is True and view["problems"] == []
    decided = [item for item in view["runbooks"] if item["examples"]]
    assert len(decided) >= 4
    assert all(item["uncovered_cases"] == [] for item in decided)


def test_a_case_without_an_example_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["runbooks", "test", catalog(tmp_path)])
    out = capsys.readouterr().out

    assert code == 0
    assert "q-1: 1/1 examples passed" in out
    assert "no example reaches case 1 (close, step 2): paused == `false`" in out
    assert out.strip().endswith("1/1 examples passed, 0 failed, 1 verdict cases without an example, 0 runbook problems")


def test_a_wrong_expectation_fails_with_what_differed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "  - name: running\n    fields: {queue: gpu}\n    steps: {queue: {paused: false}}\n" \
            "    expect: {decision: monitor, step: 1}"

    code = main(["runbooks", "test", catalog(tmp_path, wrong)])
    out = capsys.readouterr().out

    assert code == 1
    assert "FAIL running: decision is close, expected monitor; step is 2, expected 1" in out


def test_a_runbook_that_does_not_load_fails_the_test_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = "  - name: broken\n    steps: {queue: {}}\n    expect: {decision: reboot}"

    code = main(["runbooks", "test", catalog(tmp_path, bad)])
    captured = capsys.readouterr()

    assert code == 1
    assert "q.md:19: examples.1.expect.decision:" in captured.err
