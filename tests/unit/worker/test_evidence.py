"""Evidence steps: argument rendering, and parallel collection where no step stops the others."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from strands import tool

from app.runbooks.model import EvidenceSpec, Runbook
from app.worker.evidence import MissingFieldError, collect_evidence, render_args
from tools.registry import ToolRegistry

ALERT_TIME = datetime(2026, 11, 20, 3, 12, 9, tzinfo=UTC)


def test_render_args_fills_placeholders_and_keeps_other_values() -> None:
    args = {"job_id": "{job_id}", "query": "task {task} of job {job_id}", "limit": 3, "nested": {"id": "{task}"}}

    rendered = render_args(args, {"job_id": "16852935", "task": "normal-4"}, ALERT_TIME)

    assert rendered == {
        "job_id": "16852935",
        "query": "task normal-4 of job 16852935",
        "limit": 3,
        "nested": {"id": "normal-4"},
    }


def test_render_args_turns_relative_times_into_times_around_the_alert() -> None:
    args = {"since": "-15m", "until": "+12h", "filter": "-15m"}

    rendered = render_args(args, {}, ALERT_TIME)

    assert rendered["since"] == "2026-11-20T02:57:09+00:00"
    assert rendered["until"] == "2026-11-20T15:12:09+00:00"
    assert rendered["filter"] == "-15m"  # only since/until are times


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-30s", "2026-11-20T03:11:39+00:00"),
        ("-2d", "2026-11-18T03:12:09+00:00"),
        ("2026-11-19T00:00:00Z", "2026-11-19T00:00:00Z"),
        ("yesterday", "yesterday"),
    ],
)
def test_render_args_since_formats(value: str, expected: str) -> None:
    assert render_args({"since": value}, {}, ALERT_TIME) == {"since": expected}


@pytest.mark.parametrize("fields", [{}, {"job_id": ""}])
def test_render_args_raises_on_a_missing_field(fields: dict[str, str]) -> None:
    with pytest.raises(MissingFieldError, match="the alert has no job_id"):
        render_args({"path": "/v1/jobs/{job_id}/"}, fields, ALERT_TIME)


def test_render_args_names_every_missing_field_once() -> None:
    with pytest.raises(MissingFieldError) as raised:
        render_args({"q": "{task} {job_id} {task}"}, {}, ALERT_TIME)

    assert str(raised.value) == "skipped: the alert has no job_id, task"


def test_render_args_fills_placeholders_inside_lists() -> None:
    assert render_args({"ids": ["{job_id}", "fixed"]}, {"job_id": "42"}, ALERT_TIME) == {"ids": ["42", "fixed"]}


def test_render_args_raises_for_a_missing_field_inside_a_list() -> None:
    with pytest.raises(MissingFieldError, match="the alert has no job_id"):
        render_args({"ids": ["{job_id}"]}, {}, ALERT_TIME)


@tool
def get_job(job_id: str) -> str:
    """Read a job.

    Args:
        job_id: The job id.
    """
    return f"job {job_id}: SUCCEEDED"


@tool
def explode(reason: str) -> str:
    """Always fail.

    Args:
        reason: Why.
    """
    raise RuntimeError(f"boom: {reason}")


@tool
async def stall(seconds: float) -> str:
    """Wait longer than anyone should.

    Args:
        seconds: How long.
    """
    await asyncio.sleep(seconds)
    return "finally"


deleted: list[str] = []


@tool
def delete_job(job_id: str) -> str:
    """Would delete a job.

    Args:
        job_id: The job id.
    """
    deleted.append(job_id)
    return "deleted"


def runbook_of(*steps: tuple[str, str, dict[str, Any]]) -> Runbook:
    return Runbook(
        id="test-001",
        title="Test",
        evidence=tuple(EvidenceSpec(id=step_id, tool=name, args=args) for step_id, name, args in steps),
    )


def refuse_deletes(name: str, args: dict[str, Any]) -> str | None:
    return f"{name} is not read-only" if name.startswith("delete_") else None


def test_collect_evidence_reports_every_step_in_runbook_order() -> None:
    deleted.clear()
    runbook = runbook_of(
        ("job", "get_job", {"job_id": "{job_id}"}),
        ("request", "get_job", {"job_id": "{request_id}"}),
        ("unknown", "no_such_tool", {}),
        ("fails", "explode", {"reason": "disk"}),
        ("slow", "stall", {"seconds": 30}),
        ("write", "delete_job", {"job_id": "{job_id}"}),
    )
    registry = ToolRegistry([get_job, explode, stall, delete_job])

    results = asyncio.run(
        collect_evidence(runbook, {"job_id": "42"}, ALERT_TIME, registry, timeout=0.5, refuse=refuse_deletes)
    )

    assert [(r.step_id, r.status) for r in results] == [
        ("job", "ok"),
        ("request", "skipped"),
        ("unknown", "error"),
        ("fails", "error"),
        ("slow", "timeout"),
        ("write", "blocked"),
    ]
    job, request, unknown, fails, slow, write = results
    assert (job.args, job.output) == ({"job_id": "42"}, "job 42: SUCCEEDED")
    assert request.args == {"job_id": "{request_id}"}
    assert request.error == "skipped: the alert has no request_id"
    assert unknown.error == "unknown tool 'no_such_tool'"
    assert "boom: disk" in fails.error
    assert slow.error == "no answer within 0.5s"
    assert write.error == "delete_job is not read-only"
    assert write.args == {"job_id": "42"}
    assert deleted == []


def test_collect_evidence_runs_steps_in_parallel() -> None:
    barrier = threading.Barrier(3, timeout=5)

    @tool
    def meet(name: str) -> str:
        """Wait until all three steps are running at once.

        Args:
            name: Who arrives.
        """
        barrier.wait()
        return f"{name} met the others"

    runbook = runbook_of(*((f"step-{n}", "meet", {"name": f"s{n}"}) for n in range(3)))

    results = asyncio.run(collect_evidence(runbook, {}, ALERT_TIME, ToolRegistry([meet]), timeout=10))

    assert [(r.status, r.output) for r in results] == [("ok", f"s{n} met the others") for n in range(3)]


def test_collect_evidence_output_is_redacted_and_capped() -> None:
    @tool
    def leaky(lines: int) -> str:
        """Print a secret and a lot of text.

        Args:
            lines: How many filler lines.
        """
        return "key AKIAABCDEFGHIJKLMNOP\n" + "\n".join(f"INFO line {n}" for n in range(lines))

    runbook = runbook_of(("leak", "leaky", {"lines": 5000}))
    registry = ToolRegistry([leaky], result_max_chars=1000)

    (result,) = asyncio.run(collect_evidence(runbook, {}, ALERT_TIME, registry, timeout=5))

    assert result.status == "ok"
    assert "AKIAABCDEFGHIJKLMNOP" not in result.output
    assert result.output.startswith("key [REDACTED]")
    assert len(result.output) <= 1300
    assert "[cut: showed" in result.output


def test_collect_evidence_with_no_steps_is_empty() -> None:
    assert asyncio.run(collect_evidence(runbook_of(), {}, ALERT_TIME, ToolRegistry([]), timeout=1)) == []


def test_render_args_turns_nested_boto3_times_and_yaml_dates_into_iso() -> None:
    args = {
        "params": {"StartTime": "-3h", "EndTime": "+15m", "Period": 300, "Dimensions": [{"Value": "{queue}"}]},
        "until": datetime(2026, 11, 20, 4, 0, tzinfo=UTC),
    }

    rendered = render_args(args, {"queue": "jobs-prod-gpu"}, ALERT_TIME)

    assert rendered == {
        "params": {
            "StartTime": "2026-11-20T00:12:09+00:00",
            "EndTime": "2026-11-20T03:27:09+00:00",
            "Period": 300,
            "Dimensions": [{"Value": "jobs-prod-gpu"}],
        },
        "until": "2026-11-20T04:00:00+00:00",
    }
