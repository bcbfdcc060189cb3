"""Run a runbook's evidence steps in parallel, each with a timeout; no step stops the others."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.models import EvidenceResult
from app.runbooks.model import PLACEHOLDER, RELATIVE_TIME, TIME_ARGS, EvidenceSpec, Runbook
from tools.registry import ToolRegistry

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

Refusal = Callable[[str, dict[str, Any]], "str | None"]
StepListener = Callable[[EvidenceSpec, "EvidenceResult | None"], None]


class MissingFieldError(Exception):
    """A step's argument names a field the alert did not provide."""


def render_args(args: dict[str, Any], fields: dict[str, str], alert_time: datetime) -> dict[str, Any]:
    """Fill ``{field}`` placeholders and turn relative times into times around the alert.

    Relative values (``-15m``, ``+12h``) of ``since``/``until`` (and of boto3's ``StartTime``/``EndTime``), at any
    depth, become ISO-8601 times relative to ``alert_time``; dates YAML already parsed become ISO-8601 too.

    Raises:
        MissingFieldError: A placeholder has no value.
    """
    rendered: dict[str, Any] = {}
    for key, value in args.items():
        value = _render_value(value, fields, alert_time)
        if key in TIME_ARGS and isinstance(value, str):
            value = _absolute(value, alert_time)
        elif isinstance(value, datetime):
            value = value.isoformat()
        rendered[key] = value
    return rendered


def _render_value(value: Any, fields: dict[str, str], alert_time: datetime) -> Any:
    if isinstance(value, str):
        return _fill(value, fields)
    if isinstance(value, dict):
        return render_args(value, fields, alert_time)
    if isinstance(value, list):
        return [_render_value(item, fields, alert_time) for item in value]
    return value


async def collect_evidence(
    runbook: Runbook,
    fields: dict[str, str],
    alert_time: datetime,
    registry: ToolRegistry,
    *,
    timeout: float,
    refuse: Refusal | None = None,
    on_step: StepListener | None = None,
) -> list[EvidenceResult]:
    """Every step's outcome, in the runbook's order; ``refuse`` is the same policy the agent's calls pass.

    ``on_step(step, None)`` is called when a step starts and ``on_step(step, result)`` when it ends.
    """

    async def observed(step: EvidenceSpec) -> EvidenceResult:
        if on_step:
            on_step(step, None)
        result = await _run_step(step, fields, alert_time, registry, timeout, refuse)
        if on_step:
            on_step(step, result)
        return result

    return list(await asyncio.gather(*(observed(step) for step in runbook.evidence)))


async def _run_step(
    step: EvidenceSpec,
    fields: dict[str, str],
    alert_time: datetime,
    registry: ToolRegistry,
    timeout: float,
    refuse: Refusal | None,
) -> EvidenceResult:
    try:
        args = render_args(step.args, fields, alert_time)
    except MissingFieldError as exc:
        return EvidenceResult(step_id=step.id, tool=step.tool, args=step.args, status="skipped", error=str(exc))
    reason = refuse(step.tool, args) if refuse else None
    if reason:
        return EvidenceResult(step_id=step.id, tool=step.tool, args=args, status="blocked", error=reason)
    if step.tool not in registry:
        return EvidenceResult(
            step_id=step.id, tool=step.tool, args=args, status="error", error=f"unknown tool {step.tool!r}"
        )
    return await _call(step, args, registry, timeout)


async def _call(step: EvidenceSpec, args: dict[str, Any], registry: ToolRegistry, timeout: float) -> EvidenceResult:
    result = EvidenceResult(step_id=step.id, tool=step.tool, args=args, status="error")
    started = time.perf_counter()
    try:
        outcome = await asyncio.wait_for(registry.call(step.tool, args), timeout)
    except TimeoutError:
        elapsed = (time.perf_counter() - started) * 1000
        return result.model_copy(
            update={"status": "timeout", "error": f"no answer within {timeout:g}s", "duration_ms": elapsed}
        )
    except Exception as exc:  # a failing step is reported, never fatal to the others
        elapsed = (time.perf_counter() - started) * 1000
        return result.model_copy(update={"error": f"{type(exc).__name__}: {exc}", "duration_ms": elapsed})
    if outcome.status == "ok":
        update = {"status": "ok", "output": outcome.text, "duration_ms": outcome.duration_ms, "data": outcome.data}
        return result.model_copy(update=update)
    return result.model_copy(update={"error": outcome.text, "duration_ms": outcome.duration_ms})


def _fill(value: str, fields: dict[str, str]) -> str:
    missing = [name for name in PLACEHOLDER.findall(value) if not fields.get(name)]
    if missing:
        raise MissingFieldError(f"skipped: the alert has no {', '.join(sorted(set(missing)))}")
    return PLACEHOLDER.sub(lambda found: fields[found.group(1)], value)


def _absolute(value: str, alert_time: datetime) -> str:
    found = RELATIVE_TIME.match(value.strip())
    if not found:
        return value
    sign, amount, unit = found.groups()
    delta = timedelta(**{_UNITS[unit]: int(amount)})
    moment = alert_time + delta if sign == "+" else alert_time - delta
    return moment.isoformat()
