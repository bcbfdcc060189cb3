"""The decision part of the runbook format: facts read from the evidence, verdict cases, and self-test examples.

Facts and ``when`` conditions are JMESPath expressions (the query language of the AWS CLI's ``--query``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

DECISIONS = ("close", "monitor", "escalate", "act")
RESERVED_NAMES = frozenset({"null", "true", "false", "fields", "alert"})
"""Names a fact may not take: bare ``null``/``true``/``false`` read as literals, ``fields``/``alert`` are roots."""
NAME_PATTERN = r"^[a-z_][a-z0-9_]*$"


def _expression(value: str) -> str:
    try:
        jmespath.compile(value)
    except JMESPathError as exc:
        raise ValueError(f"invalid JMESPath expression {value!r}: {_reason(exc)}") from exc
    return value


def _reason(exc: JMESPathError) -> str:
    return " ".join(str(exc).split())


def _fact_shorthand(value: Any) -> Any:
    return {"query": value} if isinstance(value, str | list) else value


def _alternatives(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


def _all_compile(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError("give a query, or a list of alternative queries")
    for value in values:
        _expression(value)
    return values


Expression = Annotated[str, AfterValidator(_expression)]
Queries = Annotated[tuple[str, ...], BeforeValidator(_alternatives), AfterValidator(_all_compile)]
StepRef = Annotated[str, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactSpec(_Strict):
    """A named value read from the evidence steps' data; ``label`` is how the reply names it.

    ``query`` may list alternatives: the first one whose steps returned data and whose value is not null wins
    (a job's exit reason from the stopped ECS task, else from the jobs API).
    """

    query: Queries
    label: str = ""

    def queries(self) -> tuple[str, ...]:
        """The query, or its alternatives in order."""
        return self.query


Fact = Annotated[FactSpec, BeforeValidator(_fact_shorthand)]


class VerdictCase(_Strict):
    """One case of the decision: when ``when`` holds, ``decision`` follows, justified by procedure ``step``."""

    when: Expression
    decision: Literal["close", "monitor", "escalate", "act"]
    cause: str = Field(min_length=1)
    step: StepRef = Field(min_length=1)
    confidence: Literal["low", "medium", "high"] = "medium"


class ExampleExpectation(_Strict):
    """The verdict an example must reach; ``cause`` is a phrase the cause must contain."""

    decision: Literal["close", "monitor", "escalate", "act", "unknown"]
    step: StepRef | None = None
    cause: str | None = None
    propose: str | None = Field(default=None, description="The action id the verdict must propose; 'none' for none.")


class Example(_Strict):
    """Step data in, expected verdict out; a step not listed is taken as not run (its facts unknown)."""

    name: str = Field(min_length=1)
    fields: dict[str, str] = Field(default_factory=dict)
    steps: dict[str, Any] = Field(default_factory=dict)
    expect: ExampleExpectation


FactName = Annotated[str, Field(pattern=NAME_PATTERN)]
