"""The progress message's lines: runbook, steps, the agent's tool calls, the route, in the alert's language."""

from __future__ import annotations

from app.models import Decision, EvidenceResult, Verdict
from app.runbooks.model import EvidenceSpec, Runbook
from app.slack.progress_lines import (
    agent_tool_end_line,
    agent_tool_line,
    continuing_line,
    route_line,
    runbook_line,
    step_line,
    verdict_line,
)


def test_step_lines_while_running_and_when_done() -> None:
    step = EvidenceSpec(id="job", tool="jobs_get_job", args={})
    ok = EvidenceResult(step_id="job", tool="jobs_get_job", status="ok", output="job 16852935 SUCCEEDED\n" + "x" * 300)
    skipped = EvidenceResult(step_id="job", tool="jobs_get_job", status="skipped",
                             error="skipped: the alert has no job_id")

    assert step_line(step, None, "en", "jobs API") == "… querying jobs API (job)"
    assert step_line(step, None, "ja", "jobs API") == "… jobs API を照会中 (job)"
    done = step_line(step, ok, "en", "jobs API")
    assert done.startswith("✓ jobs API (job): job 16852935 SUCCEEDED x")
    assert done.endswith("…") and len(done) < 130
    assert step_line(step, skipped, "en", "jobs API") == "– jobs API (job): skipped: the alert has no job_id"
    assert step_line(step, None, "en") == "… querying jobs_get_job (job)"  # a tool set without a label


def test_step_output_is_escaped() -> None:
    step = EvidenceSpec(id="q", tool="cloud_logging_query", args={})
    result = EvidenceResult(step_id="q", tool="cloud_logging_query", status="error", error="<!channel> & bad")
    assert step_line(step, result, "en", "Cloud Logging") == "✗ Cloud Logging (q): &lt;!channel&gt; &amp; bad"


def test_runbook_line() -> None:
    runbook = Runbook(id="jobs-004", title="Job <ok> & done")
    assert runbook_line(runbook, "en") == "📖 runbook jobs-004 — Job &lt;ok&gt; &amp; done"
    assert runbook_line(None, "ja") == "📖 一致する Runbook はありません"


def test_agent_tool_lines_show_how_each_call_ended() -> None:
    assert agent_tool_line("runbooks", "en") == "… 🤖 querying runbooks"
    ends = [agent_tool_end_line("GitHub", end) for end in ("ok", "error", "blocked")]
    assert ends == ["✓ 🤖 GitHub", "✗ 🤖 GitHub", "⛔ 🤖 GitHub"]


def test_route_line_is_escaped() -> None:
    assert route_line("job 1 → <@U1> & co") == "🧭 job 1 → &lt;@U1&gt; &amp; co"


def test_continuing_line_names_the_earlier_investigation() -> None:
    assert continuing_line("tri-332184ede12c", "en") == "↩️ continuing from ref `tri-332184ede12c`"


def test_verdict_lines() -> None:
    held = Verdict(decision=Decision.CLOSE, step="<2>", case=0)

    assert verdict_line(held, "en").startswith("⚖️ runbook verdict: ")
    assert verdict_line(held, "en").endswith("(step &lt;2&gt;)")
    assert verdict_line(Verdict(decision=Decision.CLOSE), "ja") == "⚖️ 成立した判定条件はありません"
