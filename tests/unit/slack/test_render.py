"""Block Kit rendering: Slack's limits, escaping, rating buttons and the notes people rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.models import (
    Alert,
    BlockedCall,
    EvidenceResult,
    Finding,
    Job,
    JobKind,
    Rating,
    RatingLevel,
    TriageRecord,
    TriageReport,
    Usage,
)
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


def test_report_text_is_title_decision_and_cause() -> None:
    assert render.report_text(record()) == "Late write [close]: The task runner wrote started_at late."
    assert render.report_text(record(report=None)) == "Investigation finished"


def test_footer_links_the_runbook_and_prices_the_tokens() -> None:
    rendered = render.footer(
        record(
            runbook_id="jobs-004",
            runbook_link="https://github.example.com/ops/runbooks/blob/main/jobs/jobs-004.md",
            timings_ms={"total": 61_200.0},
            usage=Usage(total_tokens=18_250, estimated_cost_usd=0.0874),
            follows="tri-aaaaaaaaaaaa",
        )
    )

    assert rendered == (
        "ref `tri-0123456789ab` · follows `tri-aaaaaaaaaaaa` · "
        "runbook <https://github.example.com/ops/runbooks/blob/main/jobs/jobs-004.md|jobs-004> · 61.2s · "
        "18,250 tokens · ≈ $0.09 · model `none`"
    )


def test_local_runbook_files_are_not_linked() -> None:
    footer = render.footer(record(runbook_id="jobs-004", runbook_link="file:///srv/runbooks/jobs-004.md"))
    assert "runbook `jobs-004`" in footer
    assert "file://" not in footer


def test_small_costs_keep_their_digits() -> None:
    assert "≈ $0.0042" in render.footer(record(usage=Usage(total_tokens=900, estimated_cost_usd=0.0042)))


def test_report_ends_with_tally_footer_and_buttons() -> None:
    blocks = render.report_blocks(record())

    assert [block["type"] for block in blocks[-3:]] == ["section", "context", "actions"]
    assert blocks[-3]["accessory"]["action_id"] == "rate_detail"
    assert blocks[-2]["elements"][0]["text"].startswith("ref `tri-0123456789ab`")


def test_report_shows_the_current_tally() -> None:
    ratings = [Rating(record_id="tri-0123456789ab", user="U1", level=RatingLevel.BETTER, rated_at=1.0)]
    blocks = render.report_blocks(record(), ratings)
    assert blocks[-3]["text"]["text"] == "*Ratings* (1) · 🌟 Better than I would have done ×1: <@U1>"


def test_japanese_question_gets_japanese_headings_and_buttons() -> None:
    question = Alert(text="ジョブ 123 が失敗しました。なぜですか？")
    job = JOB.model_copy(update={"kind": JobKind.QUESTION, "alert": question})
    joined = "\n".join(texts(render.report_blocks(record(job=job, mode="evidence-only"))))

    for heading in ("*原因*", "*推奨対応*", "モデルなしで作成しました", "*評価* · まだありません"):
        assert heading in joined
    buttons = render.report_blocks(record(job=job))[-1]["elements"]
    assert buttons[0]["text"]["text"] == "自分より良い"


def test_long_evidence_is_folded_with_its_size() -> None:
    output = "line " * 400  # 2,000 characters
    blocks = render.report_blocks(record(evidence=[EvidenceResult(step_id="logs", tool="cloud_logging_query",
                                                                 status="ok", output=output)]))

    evidence = next(text for text in texts(blocks) if text.startswith("*Evidence*"))
    assert evidence.endswith(f"… _(+{len(output.strip()) - render.EVIDENCE_SNIPPET_CHARS:,} characters folded)_")
    assert len(evidence) < 400


def test_many_evidence_steps_spill_into_sections_then_say_how_many_are_left() -> None:
    evidence = [
        EvidenceResult(step_id=f"s{n}", tool="cloud_logging_query", status="ok", output=f"{n} " + "x" * 400)
        for n in range(60)
    ]
    blocks = render.report_blocks(record(evidence=evidence))
    sections = [text for text in texts(blocks) if "`cloud_logging_query`" in text]

    assert len(sections) == render.MAX_EVIDENCE_SECTIONS
    assert all(len(section) <= 3000 for section in sections)
    shown = sum(section.count("`cloud_logging_query`") for section in sections)
    assert sections[-1].endswith(f"…and {60 - shown} more steps (ref `tri-0123456789ab`)")
