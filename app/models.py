"""Domain models shared by the ingress, the worker and the CLI (pydantic only: the ingress imports this)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class JobKind(StrEnum):
    """What started an investigation."""

    ALERT = "alert"
    QUESTION = "question"
    RATING = "rating"
    APPROVAL = "approval"
    HOME = "home"
    COMMAND = "command"
    DRAFT = "draft"


class Alert(BaseModel):
    """An alert or question normalised from whatever shape Slack delivered it in."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    text: str = ""
    source: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    severity: str = ""
    time: datetime = Field(default_factory=utcnow)
    link: str = ""
    status: Literal["firing", "resolved"] = "firing"

    def full_text(self) -> str:
        """Title and text together, the way people read the alert."""
        return "\n".join(part for part in (self.title, self.text) if part)


class RatingLevel(StrEnum):
    """How a person judged a reply, compared with doing the work themselves."""

    BETTER = "better"
    SAME = "same"
    PARTLY = "partly"
    WRONG = "wrong"


Score = Annotated[int, Field(ge=1, le=4)]


class Rating(BaseModel):
    """One person's rating of one report; a newer rating by the same person replaces the older one."""

    record_id: str = Field(min_length=1)
    user: str = Field(min_length=1)
    level: RatingLevel
    accuracy: Score | None = None
    clarity: Score | None = None
    coverage: Score | None = None
    comment: str | None = None
    rated_at: float = Field(description="When the person rated (epoch seconds); the newest rating wins.")


class ApprovalClick(BaseModel):
    """A click on a proposed action's Approve or Reject button, bound to the message it was clicked on."""

    record_id: str = Field(min_length=1)
    proposal_id: str = Field(min_length=1)
    user: str = Field(min_length=1)
    approve: bool
    channel: str = Field(min_length=1)
    message_ts: str = Field(min_length=1)
    clicked_at: float


class SlackRequest(BaseModel):
    """What a Slack surface asked for: the App Home, a slash command, the draft button or a message shortcut."""

    action: Literal["home", "match", "status", "draft", "shortcut"]
    text: str = Field(default="", description="The slash command's argument (the text to match).")
    response_url: str = Field(default="", description="Where an ephemeral answer goes (commands, shortcuts).")
    record_id: str = Field(default="", description="The report a draft is made from.")


_REQUEST_KINDS = frozenset({"home", "command", "draft"})


class Job(BaseModel):
    """The unit of work the ingress hands to the worker."""

    kind: JobKind
    event_id: str
    team: str = ""
    channel: str
    ts: str = Field(description="Timestamp of the message that started the job.")
    thread_ts: str = Field(description="Thread to reply in.")
    user: str = ""
    alert: Alert
    in_thread: bool = Field(default=False, description="A question asked inside an existing thread.")
    rating: Rating | None = Field(default=None, description="The rating to store, for rating jobs.")
    approval: ApprovalClick | None = Field(default=None, description="The click to check, for approval jobs.")
    request: SlackRequest | None = Field(default=None, description="What a Slack surface asked for.")

    @model_validator(mode="after")
    def _rating_jobs_carry_a_rating(self) -> Job:
        if (self.kind is JobKind.RATING) != (self.rating is not None):
            raise ValueError("a rating job needs a rating, and only a rating job has one")
        if (self.kind is JobKind.APPROVAL) != (self.approval is not None):
            raise ValueError("an approval job needs a click, and only an approval job has one")
        if self.kind.value in _REQUEST_KINDS and self.request is None:
            raise ValueError(f"a {self.kind.value} job needs a request")
        return self


class Decision(StrEnum):
    """What the on-call engineer should do with the alert."""

    CLOSE = "close"
    MONITOR = "monitor"
    ESCALATE = "escalate"
    ACT = "act"
    UNKNOWN = "unknown"


class Finding(BaseModel):
    """One thing the investigation established, with what shows it."""

    statement: str = Field(description="What was found, one sentence, with ids and times.")
    evidence: str = Field(description="The tool output or log line that shows it, quoted briefly.")


class TriageReport(BaseModel):
    """The structured result of an investigation; rendered deterministically for Slack."""

    title: str = Field(description="Short title naming the alert source or the question.")
    cause: str = Field(description="The cause in one or two sentences: which runbook case this is, with the ids.")
    findings: list[Finding] = Field(default_factory=list, description="What was checked and found, with evidence.")
    recommended_action: str = Field(description="The next step, citing the runbook step that justifies it.")
    decision: Decision = Field(description="close, monitor, escalate, act, or unknown.")
    confidence: Literal["low", "medium", "high"] = Field(description="How sure the cause is.")
    proposed_action: str | None = Field(
        default=None, description="Id of one of the runbook's declared actions to propose to a person, or null."
    )


StepStatus = Literal["ok", "skipped", "error", "blocked", "timeout"]


class EvidenceResult(BaseModel):
    """The outcome of one runbook evidence step."""

    step_id: str
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    status: StepStatus
    output: str = ""
    error: str = ""
    duration_ms: float = 0.0
    data: Any = Field(default=None, description="What the tool returned as data (redacted JSON), for the facts.")
    data_cut: bool = Field(default=False, description="The stored data was cut to fit the record.")

    def summary(self, limit: int = 300) -> str:
        """One line for records and progress messages."""
        detail = self.error or self.output
        detail = " ".join(detail.split())
        if len(detail) > limit:
            detail = detail[: limit - 1] + "…"
        return f"{self.step_id} ({self.tool}): {self.status}" + (f" — {detail}" if detail else "")


class BlockedCall(BaseModel):
    """A tool call the allowlist refused; nothing was executed."""

    tool: str
    input: dict[str, Any] = Field(default_factory=dict)
    reason: str


class ToolCall(BaseModel):
    """One tool call the agent made: how long it took and how much it returned."""

    tool: str
    status: str
    duration_ms: float = 0.0
    result_chars: int = 0


class Usage(BaseModel):
    """What an investigation cost."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    turns: int = 0
    tool_calls: int = 0
    latency_ms: float = 0.0
    stop_reason: str = ""
    estimated_cost_usd: float = Field(default=0.0, description="Tokens priced at the configured rates.")


class Verdict(BaseModel):
    """The runbook's own reading of the evidence: its facts and the first verdict case that holds."""

    decision: Decision = Decision.UNKNOWN
    cause: str = ""
    step: str = Field(default="", description="The procedure step that justifies the decision.")
    step_text: str = Field(default="", description="That step's text in the runbook.")
    confidence: Literal["low", "medium", "high"] = "low"
    case: int | None = Field(default=None, description="Index of the verdict case that held; None when none did.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Facts whose data was there, by name.")
    labels: dict[str, str] = Field(default_factory=dict, description="Readable names of the facts.")
    unknown: dict[str, str] = Field(default_factory=dict, description="Facts that could not be read, and why.")
    skipped_cases: list[int] = Field(default_factory=list, description="Cases that needed an unknown fact.")

    @property
    def reached(self) -> bool:
        """Whether a case held."""
        return self.case is not None


ProposalStatus = Literal["proposed", "approved", "rejected", "expired", "executed", "verified", "unverified", "failed"]


class AuditEntry(BaseModel):
    """One step in a proposal's life: who did what, when, and what came of it (redacted)."""

    at: datetime = Field(default_factory=utcnow)
    event: str
    by: str = ""
    detail: str = ""


class Proposal(BaseModel):
    """A runbook action proposed for approval: the exact call, its risk, who may approve, until when."""

    id: str
    record_id: str
    runbook_id: str
    action_id: str
    title: str
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    risk: str = ""
    fields: dict[str, Any] = Field(default_factory=dict, description="The values the call and verification use.")
    approvers: list[str] = Field(default_factory=list)
    usergroups: list[str] = Field(default_factory=list)
    expires_at: datetime
    proposed_by: Literal["verdict", "model"] = "verdict"
    status: ProposalStatus = "proposed"
    channel: str = ""
    message_ts: str = ""
    thread_ts: str = ""
    history: list[AuditEntry] = Field(default_factory=list)


class TriageRecord(BaseModel):
    """Everything stored about one investigation, keyed by its reference id."""

    id: str
    created_at: datetime = Field(default_factory=utcnow)
    status: Literal["ok", "failed"] = "ok"
    job: Job
    runbook_id: str = ""
    runbook_title: str = ""
    mode: Literal["model", "evidence-only"] = "evidence-only"
    model: str = "none"
    model_note: str = ""
    notes: list[str] = Field(default_factory=list, description="Problems met on the way, shown in the reply.")
    evidence: list[EvidenceResult] = Field(default_factory=list)
    report: TriageReport | None = None
    verdict: Verdict | None = Field(default=None, description="The runbook's verdict, reached without a model.")
    probes: list[EvidenceResult] = Field(
        default_factory=list, description="Probes of the entities the text named, when no runbook matched its words."
    )
    route: str = Field(default="", description="How the probes led to the runbook (or that they did not).")
    proposal: Proposal | None = Field(default=None, description="The runbook action proposed for approval.")
    usage: Usage = Field(default_factory=Usage)
    blocked_calls: list[BlockedCall] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: str = ""
    reply_ts: str = ""
    runbook_link: str = ""
    follows: str = Field(default="", description="Reference of the earlier record a follow-up continued from.")
