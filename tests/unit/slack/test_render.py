"""Block Kit rendering: Slack's limits, escaping, rating buttons and the notes people rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.models import Alert, BlockedCall, EvidenceResult, Finding, Job, JobKind, TriageRecord, TriageReport, Usage
from app.slack import render

JOB = Job(
    kind=JobKind.ALERT,
    event_id="Ev1",
    channel="C1",
    ts="1.000100",
    thread_ts="1.000100",
    alert=Alert(text="started_at has no value", time=datetime(2026, 11, 20, tzinfo=UTC)),
)


def report(**changes: Any) -> TriageReport:
    values: dict[str, Any] = {
        "title": "Late write",
        "cause": "The task runner wrote started_at late.",
        "findings": [],
        "recommended_action": "Close after the next health check.",
        "decision": "close",
        "confidence": "high",
    }
    values.update(changes)
    return TriageReport(**values)


def record(**changes: Any) -> TriageRecord:
    values: dict[str, Any] = {"id": "tri-0123456789ab", "job": JOB, "mode": "model", "report": report()}
    values.update(changes)
    return TriageRecord(**values)


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if block["type"] in ("section", "header"):
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return found


def test_huge_reports_stay_within_slack_limits() -> None:
    findings = [Finding(statement=f"{n} " + "s" * 1000, evidence="e" * 1000) for n in range(200)]
    evidence = [
        EvidenceResult(step_id=f"step-{n}", tool="cloud_logging_query", status="ok", output="x" * 5000)
        for n in range(100)
    ]
    blocked = [BlockedCall(tool=f"tool_{n}_" + "z" * 100, reason="no") for n in range(100)]
    big = record(
        report=report(title="T" * 500, cause="c" * 10_000, recommended_action="a" * 10_000, findings=findings),
        evidence=evidence,
        blocked_calls=blocked,
        model_note="n" * 5000,
    )

    blocks = render.report_blocks(big)

    assert len(blocks) <= 50
    assert all(len(text) <= 3000 for text in texts(blocks))
    assert len(blocks[0]["text"]["text"]) <= 150
    assert blocks[-1]["type"] == "actions"
    assert "ref `tri-0123456789ab`" in texts(blocks)[-1]


def test_cut_text_ends_with_an_ellipsis() -> None:
    blocks = render.report_blocks(record(report=report(cause="c" * 5000)))

    cause = next(text for text in texts(blocks) if text.startswith("*Cause*"))
    assert len(cause) == 3000
    assert cause.endswith("…")


def test_mrkdwn_control_characters_are_escaped() -> None:
    nasty = report(
        cause="latency <p99> & errors <!channel>",
        findings=[Finding(statement="a < b", evidence="x & y > z")],
        recommended_action="run <https://evil.example|this>",
    )

    joined = "\n".join(texts(render.report_blocks(record(report=nasty))))

    assert "latency &lt;p99&gt; &amp; errors &lt;!channel&gt;" in joined
    assert "• a &lt; b — _x &amp; y &gt; z_" in joined
    assert "run &lt;https://evil.example|this&gt;" in joined
    assert "<!channel>" not in joined


def test_escape() -> None:
    assert render.escape("<a> & <b>") == "&lt;a&gt; &amp; &lt;b&gt;"
    assert render.escape("&amp;") == "&amp;amp;"


def test_four_rating_buttons_carry_the_reference() -> None:
    actions = render.report_blocks(record())[-1]

    assert actions["type"] == "actions"
    assert actions["block_id"] == "rate:tri-0123456789ab"
    assert [(b["action_id"], b["value"]) for b in actions["elements"]] == [
        ("rate_better", "tri-0123456789ab"),
        ("rate_same", "tri-0123456789ab"),
        ("rate_partly", "tri-0123456789ab"),
        ("rate_wrong", "tri-0123456789ab"),
    ]
    assert all(b["type"] == "button" for b in actions["elements"])


def test_evidence_only_note_is_present_only_in_evidence_only_mode() -> None:
    evidence_only = render.report_blocks(record(mode="evidence-only", model_note="No model is configured."))
    with_model = render.report_blocks(record(mode="model"))

    assert evidence_only[1]["type"] == "context"
    assert evidence_only[1]["elements"][0]["text"] == (
        ":information_source: Produced without a model: evidence and the runbook's own guidance, no diagnosis. "
        "No model is configured."
    )
    assert not any("Produced without a model" in text for text in texts(with_model))


def test_model_note_is_a_warning_in_model_mode() -> None:
    blocks = render.report_blocks(record(model_note="stopped at the turn limit"))

    assert ":warning: stopped at the turn limit" in texts(blocks)


def test_evidence_and_blocked_calls_are_listed() -> None:
    evidence = [
        EvidenceResult(step_id="job", tool="jobs_get_job", status="ok", output="started_at:\n  null"),
        EvidenceResult(step_id="logs", tool="cloud_logging_query", status="timeout", error="no answer within 20s"),
    ]
    blocks = render.report_blocks(record(evidence=evidence, blocked_calls=[BlockedCall(tool="use_aws", reason="x")]))

    joined = "\n".join(texts(blocks))
    assert "✓ *job* `jobs_get_job` started_at: null" in joined
    assert "⌛ *logs* `cloud_logging_query` no answer within 20s" in joined
    assert ":no_entry: Blocked tool calls (not executed): `use_aws`" in joined


def test_footer_names_runbook_time_tokens_and_model() -> None:
    rendered = render.footer(
        record(runbook_id="jobs-004", timings_ms={"total": 2500.0}, usage=Usage(total_tokens=12345), model="bedrock:x")
    )

    assert rendered == "ref `tri-0123456789ab` · runbook `jobs-004` · 2.5s · 12,345 tokens · $0 · model `bedrock:x`"
    assert "no runbook matched" in render.footer(record())


def test_failure_text_has_reference_and_redacts() -> None:
    text = render.failure_text("tri-0123456789ab", "SlackPostError: token xoxb-1234-abcdefghij <bad>")

    assert "failed" in text
    assert "ref `tri-0123456789ab`" in text
    assert "xoxb-1234-abcdefghij" not in text
    assert "&lt;bad&gt;" in text


def test_progress_text_lists_lines_under_the_reference() -> None:
    assert render.progress_text("tri-1", ["a", "b"]) == ":mag: Investigating… (ref `tri-1`)\na\nb"


def test_report_text_is_title_and_cause() -> None:
    assert render.report_text(record()) == "Late write: The task runner wrote started_at late."
    assert render.report_text(record(report=None)) == "Investigation finished"
