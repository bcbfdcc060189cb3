"""Step Functions executions that end as real ones do, for moto.

moto's executions stay ``RUNNING`` (or all fail alike, by a process-wide setting), ``StopExecution`` drops its
``error`` and ``cause``, a ``TIMED_OUT`` execution has no ``stopDate`` and the history is a canned one. Here an
execution can be given its outcome (``FAILED``, ``TIMED_OUT``, ``ABORTED`` or ``SUCCEEDED``, with error, cause,
output and times) by :func:`seed_execution`; ``DescribeExecution`` and ``ListExecutions`` report it, and
``GetExecutionHistory`` tells it as AWS does (``ExecutionStarted``, the state entered, the task's failure, and
``ExecutionFailed``/``ExecutionTimedOut``/``ExecutionAborted``/``ExecutionSucceeded``), honouring
``reverseOrder`` and ``maxResults``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.stepfunctions import models as sfn_models
from moto.stepfunctions import responses as sfn_responses

_OUTCOMES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
_FINAL_EVENT = {
    "FAILED": ("ExecutionFailed", "executionFailedEventDetails"),
    "TIMED_OUT": ("ExecutionTimedOut", "executionTimedOutEventDetails"),
    "ABORTED": ("ExecutionAborted", "executionAbortedEventDetails"),
    "SUCCEEDED": ("ExecutionSucceeded", "executionSucceededEventDetails"),
}


class OutcomeError(ValueError):
    """A seeded outcome names an unknown status or state."""


def seed_execution(execution: Any, outcome: dict[str, Any]) -> None:
    """Give a moto execution its outcome: ``status``, ``error``, ``cause``, ``output``, ``state``, dates.

    Raises:
        OutcomeError: The status is not one Step Functions reports.
    """
    status = str(outcome.get("status", execution.status))
    if status not in _OUTCOMES:
        raise OutcomeError(f"status must be one of {', '.join(_OUTCOMES)}, not {status!r}")
    execution.status = status
    execution.error = outcome.get("error", execution.error)
    execution.cause = outcome.get("cause", execution.cause)
    if "output" in outcome:
        execution.output = outcome["output"]
    execution.start_date = outcome.get("startDate", execution.start_date)
    if status != "RUNNING":
        execution.stop_date = outcome.get("stopDate") or execution.stop_date or utcnow()
    execution.failed_state = outcome.get("state")
    execution.told = True


def history(execution: Any, machine: Any) -> list[dict[str, Any]]:
    """The execution's events, oldest first, as ``GetExecutionHistory`` lists them."""
    definition = json.loads(machine.definition)
    name = execution.failed_state or definition.get("StartAt", "")
    state = definition.get("States", {}).get(name)
    if state is None:
        raise OutcomeError(f"the state machine has no state {name!r}")
    started = {"input": execution.execution_input, "inputDetails": {"truncated": False}, "roleArn": machine.roleArn}
    entered = {"name": name, "input": execution.execution_input, "inputDetails": {"truncated": False}}
    events: list[tuple[datetime, str, str, dict[str, Any]]] = [
        (execution.start_date, "ExecutionStarted", "executionStartedEventDetails", started),
        (execution.start_date, f"{state.get('Type', 'Task')}StateEntered", "stateEnteredEventDetails", entered),
    ]
    if execution.status == "FAILED" and state.get("Type") == "Task":
        events += _task_events(execution, state)
    if execution.status in _FINAL_EVENT:
        kind, key = _FINAL_EVENT[execution.status]
        details = {"output": execution.output or "{}"} if execution.status == "SUCCEEDED" else {
            "error": execution.error, "cause": execution.cause}
        events.append((execution.stop_date, kind, key, details))
    return [
        {"timestamp": stamp, "type": kind, "id": number, "previousEventId": number - 1,
         key: {name: value for name, value in details.items() if value is not None}}
        for number, (stamp, kind, key, details) in enumerate(events, start=1)
    ]


def _task_events(execution: Any, state: dict[str, Any]) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    resource = str(state.get("Resource", ""))
    timed_out = execution.error == "States.Timeout"
    failure = {"error": execution.error, "cause": execution.cause}
    if resource.startswith("arn:aws:lambda:"):
        end = "LambdaFunctionTimedOut" if timed_out else "LambdaFunctionFailed"
        return [
            (execution.start_date, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails",
             {"resource": resource, "input": execution.execution_input,
              "timeoutInSeconds": state.get("TimeoutSeconds")}),
            (execution.start_date, "LambdaFunctionStarted", "lambdaFunctionStartedEventDetails", {}),
            (execution.stop_date, end, end[0].lower() + end[1:] + "EventDetails", failure),
        ]
    service, _, action = resource.removeprefix("arn:aws:states:::").partition(":")
    task = {"resourceType": service, "resource": action}
    end = "TaskTimedOut" if timed_out else "TaskFailed"
    return [
        (execution.start_date, "TaskScheduled", "taskScheduledEventDetails",
         {**task, "region": execution.region_name, "parameters": json.dumps(state.get("Parameters", {}))}),
        (execution.start_date, "TaskStarted", "taskStartedEventDetails", task),
        (execution.stop_date, end, end[0].lower() + end[1:] + "EventDetails", {**task, **failure}),
    ]


def _get_execution_history(self: Any, execution_arn: str) -> dict[str, Any]:
    machine = self._get_state_machine_for_execution(execution_arn)
    execution = self.describe_execution(execution_arn)
    if not getattr(execution, "told", False):
        return {"events": execution.get_execution_history(machine.roleArn)}
    return {"events": history(execution, machine)}


def _respond_history(self: Any) -> Any:
    events = self.stepfunction_backend.get_execution_history(self._get_param("executionArn"))["events"]
    if self._get_param("reverseOrder"):
        events = list(reversed(events))
    limit = self._get_int_param("maxResults")
    return ActionResult({"events": events[:limit] if limit else events})


def _respond_stop(self: Any) -> Any:
    arn = self._get_param("executionArn")
    execution = self.stepfunction_backend.stop_execution(arn)
    seed_execution(execution, {"status": "ABORTED", "error": self._get_param("error"),
                               "cause": self._get_param("cause"), "stopDate": execution.stop_date})
    return ActionResult({"stopDate": execution.stop_date})


def _with_stop_date(respond: Any) -> Any:
    def respond_with_stop_date(self: Any) -> Any:
        answer = respond(self)
        items = answer.result.get("executions") or [answer.result]
        for item in items:
            if item.get("status") == "TIMED_OUT" and "stopDate" not in item:
                item["stopDate"] = self.stepfunction_backend.describe_execution(item["executionArn"]).stop_date
        return answer

    respond_with_stop_date.wrapped = respond  # type: ignore[attr-defined]
    return respond_with_stop_date


def install_step_functions() -> None:
    """Serve seeded execution outcomes from moto's Step Functions (idempotent, process-wide)."""
    backend, response = sfn_models.StepFunctionBackend, sfn_responses.StepFunctionResponse
    setattr(backend, "get_execution_history", _get_execution_history)  # noqa: B010 - replacing moto's is the point
    setattr(response, "get_execution_history", _respond_history)  # noqa: B010
    setattr(response, "stop_execution", _respond_stop)  # noqa: B010
    for name in ("describe_execution", "list_executions"):
        current = getattr(response, name)
        setattr(response, name, _with_stop_date(getattr(current, "wrapped", current)))
