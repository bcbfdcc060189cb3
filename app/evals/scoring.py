"""Score one run against its scenario's expectations: each check passes, fails (with why) or does not apply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.evals.runner import RunOutcome
from app.evals.scenario import Expectation

CheckStatus = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One scored check of a scenario."""

    name: str
    status: CheckStatus
    detail: str = ""


def score(expect: Expectation, outcome: RunOutcome) -> list[Check]:
    """Every check of a scenario, in a fixed order."""
    return [
        runbook_check(expect, outcome),
        facts_check("evidence_facts", expect.evidence_facts, evidence_text(outcome)),
        _report_check(expect, outcome),
        forbidden_tools_check(expect, outcome),
        prompt_tokens_check(expect, outcome),
        decision_check(expect, outcome),
        facts_check("verdict_facts", expect.verdict_facts, verdict_text(outcome)),
    ]


def decision_check(expect: Expectation, outcome: RunOutcome) -> Check:
    """The reply's decision is the expected one; without a model, the runbook's verdict decides it."""
    if expect.decision is None:
        return Check("decision", "skip", "no decision expected")
    report = outcome.record.report
    got = report.decision.value if report is not None else "none"
    verdict = outcome.record.verdict
    ruled = verdict.decision.value if verdict is not None else "no verdict"
    if got != expect.decision:
        return Check("decision", "fail", f"expected {expect.decision}, the reply says {got} (runbook verdict: {ruled})")
    if outcome.record.mode != "model" and ruled != expect.decision:
        return Check("decision", "fail", f"expected {expect.decision} from the runbook's verdict, got {ruled}")
    return Check("decision", "pass", f"{got} (runbook verdict: {ruled})")


def verdict_text(outcome: RunOutcome) -> str:
    """The runbook verdict's cause and its facts, as one text."""
    verdict = outcome.record.verdict
    if verdict is None:
        return ""
    facts = "\n".join(f"{name}: {value}" for name, value in verdict.facts.items())
    return f"{verdict.cause}\n{facts}"


def runbook_check(expect: Expectation, outcome: RunOutcome) -> Check:
    """The matched runbook is the expected one (or none, when none is expected)."""
    got = outcome.record.runbook_id or None
    if got == expect.runbook:
        return Check("runbook", "pass", got or "no runbook, as expected")
    return Check("runbook", "fail", f"expected {expect.runbook or 'no runbook'}, matched {got or 'no runbook'}")


def facts_check(name: str, facts: list[str], text: str) -> Check:
    """Every fact (a case-insensitive regular expression) occurs in the text."""
    if not facts:
        return Check(name, "skip", "no facts expected")
    missing = [fact for fact in facts if not re.search(fact, text, re.IGNORECASE | re.MULTILINE)]
    if missing:
        return Check(name, "fail", f"{len(missing)}/{len(facts)} not found: " + "; ".join(map(repr, missing)))
    return Check(name, "pass", f"{len(facts)}/{len(facts)} found")


def forbidden_tools_check(expect: Expectation, outcome: RunOutcome) -> Check:
    """No forbidden tool ran, by the agent or by an evidence step; blocked attempts are shown, not failed."""
    ran = {call.tool for call in outcome.record.tool_calls}
    ran |= {item.tool for item in outcome.record.evidence if item.status in ("ok", "error", "timeout")}
    called = sorted(ran & set(expect.forbidden_tools))
    blocked = sorted({call.tool for call in outcome.record.blocked_calls})
    note = f"; blocked attempts: {', '.join(blocked)}" if blocked else ""
    if called:
        return Check("forbidden_tools", "fail", f"called {', '.join(called)}{note}")
    if not expect.forbidden_tools:
        return Check("forbidden_tools", "skip", "none listed" + note)
    return Check("forbidden_tools", "pass", f"none of {len(expect.forbidden_tools)} called{note}")


def prompt_tokens_check(expect: Expectation, outcome: RunOutcome) -> Check:
    """The model's input tokens stay under the scenario's budget (only when a model ran)."""
    used = outcome.record.usage.input_tokens
    if expect.max_prompt_tokens is None:
        return Check("prompt_tokens", "skip", f"{used} used, no limit set")
    if outcome.record.mode != "model":
        return Check("prompt_tokens", "skip", "no model ran")
    if used > expect.max_prompt_tokens:
        return Check("prompt_tokens", "fail", f"{used} > {expect.max_prompt_tokens}")
    return Check("prompt_tokens", "pass", f"{used} <= {expect.max_prompt_tokens}")


def evidence_text(outcome: RunOutcome) -> str:
    """All that the evidence steps collected or reported, as one text."""
    parts = [
        f"{item.step_id} {item.tool} {item.status}\n{item.output}\n{item.error}" for item in outcome.record.evidence
    ]
    return "\n".join(parts)


def _report_check(expect: Expectation, outcome: RunOutcome) -> Check:
    if outcome.record.mode != "model":
        return Check("report_facts", "skip", "no model ran")
    return facts_check("report_facts", expect.report_facts, outcome.reply)
