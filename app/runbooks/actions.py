"""Remediation in the runbook format: the few actions a responder may take, proposed for a person to approve.

An action is one write call (a jobs API operation, or an AWS operation through ``aws_write``) with argument
templates over the runbook's facts and extracted fields; the verdict decisions (and optionally cases) that may
propose it; who may approve it; how long a proposal stays open; its risk; and a ``verify`` part: read-only steps
run again after a delay and a JMESPath condition over their data that must then hold.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.runbooks.logic import Expression
from app.runbooks.steps import EvidenceSpec

_DURATION = re.compile(r"^(\d+)([smh])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
AWS_WRITE_TOOL = "aws_write"
"""The tool name of an AWS remediation: ``args: {service, operation, params}``."""


def duration_seconds(value: str) -> int:
    """``30s``, ``10m``, ``2h`` in seconds.

    Raises:
        ValueError: Not such a duration.
    """
    found = _DURATION.match(value.strip())
    if found is None:
        raise ValueError(f"{value!r} is not a duration like 30s, 10m or 2h")
    return int(found.group(1)) * _SECONDS[found.group(2)]


def _duration(value: str) -> str:
    duration_seconds(value)
    return value


Duration = Annotated[str, AfterValidator(_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Approvers(_Strict):
    """Slack user ids, and user groups (ids like ``S0123ABC``) whose members may approve."""

    users: tuple[str, ...] = ()
    usergroups: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _someone(self) -> Approvers:
        if not (self.users or self.usergroups):
            raise ValueError("name at least one approving user or user group")
        return self


class Verification(_Strict):
    """After ``after``, the ``steps`` run again and ``expect`` (over their data, by step id) must hold."""

    after: Duration = "30s"
    steps: tuple[EvidenceSpec, ...] = Field(min_length=1)
    expect: Expression


class ActionSpec(_Strict):
    """One remediation a runbook allows."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    tool: str = Field(min_length=1)
    args: dict[str, Any] = Field(default_factory=dict)
    propose_on: tuple[Literal["close", "monitor", "escalate", "act"], ...] = ("act",)
    cases: tuple[int, ...] = ()
    approvers: Approvers
    expires: Duration = "30m"
    risk: str = Field(min_length=1)
    verify: Verification

    def proposes(self, decision: str, case: int | None) -> bool:
        """Whether a verdict with this decision and case may propose the action."""
        return decision in self.propose_on and (not self.cases or case in self.cases)
