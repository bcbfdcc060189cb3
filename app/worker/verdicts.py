"""The verdict step of an investigation: the evidence steps' data through the runbook's facts and cases."""

from __future__ import annotations

from app.models import Alert, EvidenceResult, Verdict
from app.runbooks.model import Runbook
from app.runbooks.verdict import StepData, decide
from tools.data import trim_data

STORED_DATA_CHARS = 8000
"""How much of each step's data the triage record keeps (the facts are read from all of it first)."""
_WHY = {"error": "failed", "timeout": "timed out", "blocked": "was blocked", "skipped": "was skipped"}


def runbook_verdict(
    runbook: Runbook | None, evidence: list[EvidenceResult], fields: dict[str, str], alert: Alert
) -> Verdict | None:
    """The runbook's verdict, or None when the runbook declares no verdict cases."""
    if runbook is None or not runbook.verdicts:
        return None
    about = {"title": alert.title, "text": alert.text, "source": alert.source, "labels": dict(alert.labels),
             "time": alert.time.isoformat(), "severity": alert.severity}
    return decide(runbook, step_data(evidence), fields, about)


def step_data(evidence: list[EvidenceResult]) -> dict[str, StepData]:
    """Each step's data when it returned some, else why it did not (failed, timed out, skipped, blocked)."""
    steps: dict[str, StepData] = {}
    for item in evidence:
        if item.status == "ok" and item.data is not None:
            steps[item.step_id] = StepData(data=item.data)
        elif item.status == "ok":
            steps[item.step_id] = StepData(missing="returned text but no data")
        else:
            detail = _first_line(item.error)
            steps[item.step_id] = StepData(missing=f"{_WHY.get(item.status, item.status)} ({detail})")
    return steps


def stored(evidence: list[EvidenceResult], max_chars: int = STORED_DATA_CHARS) -> list[EvidenceResult]:
    """The steps as the record keeps them: each one's data cut to ``max_chars`` characters of JSON."""
    kept = []
    for item in evidence:
        data, cut = trim_data(item.data, max_chars) if item.data is not None else (None, False)
        kept.append(item.model_copy(update={"data": data, "data_cut": cut}) if cut else item)
    return kept


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    line = line.removeprefix("skipped: ")
    return line if len(line) <= limit else line[: limit - 1] + "…"
