"""Stopped ECS tasks that read as AWS reports them, for moto.

moto's ``StopTask`` leaves the task without ``stopCode``, ``stoppingAt`` or ``stoppedAt`` and its containers
``PENDING`` with exit code 0. Here a stopped task gets ``stopCode: UserInitiated`` and its times, its containers
``STOPPED``; :func:`seed_task` sets what a crash leaves (``EssentialContainerExited``, a container's exit code
137 and reason ``OutOfMemoryError: …``, the times) for a scenario to read back with ``describe_tasks``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.core.utils import utcnow
from moto.ecs import models as ecs_models

_STOP_CODES = ("TaskFailedToStart", "EssentialContainerExited", "UserInitiated", "ServiceSchedulerInitiated",
               "SpotInterruption", "TerminationNotice")


class TaskSeedError(ValueError):
    """A seeded stopped task names an unknown stop code or container."""


def seed_task(task: Any, params: dict[str, Any], times: dict[str, datetime]) -> None:
    """Set a task's ``stopCode``, times (``startedAt``, ``stoppingAt``, ``stoppedAt``) and containers' outcomes.

    Raises:
        TaskSeedError: The stop code is unknown, or a container is named that the task does not have.
    """
    if "stopCode" in params:
        if params["stopCode"] not in _STOP_CODES:
            raise TaskSeedError(f"stopCode must be one of {', '.join(_STOP_CODES)}")
        task.stop_code = params["stopCode"]
    for key, attribute in (("startedAt", "started_at"), ("stoppingAt", "stopping_at"), ("stoppedAt", "stopped_at")):
        if key in times:
            setattr(task, attribute, times[key])
    if "stoppedReason" in params:
        task.stopped_reason = params["stoppedReason"]
    containers = {container.name: container for container in task.containers}
    for given in params.get("containers", []):
        container = containers.get(given.get("name"))
        if container is None:
            raise TaskSeedError(f"the task has no container {given.get('name')!r} ({', '.join(containers)})")
        container.last_status = given.get("lastStatus", "STOPPED")
        if "exitCode" in given:
            container.exitCode = int(given["exitCode"])
        if "reason" in given:
            container.reason = given["reason"]


def _stop_task(original: Any) -> Any:
    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        task = original(self, cluster_str, task_str, reason)
        now = utcnow()
        task.stop_code = getattr(task, "stop_code", None) or "UserInitiated"
        task.stopping_at = getattr(task, "stopping_at", None) or now
        task.stopped_at = getattr(task, "stopped_at", None) or now
        for container in task.containers:
            container.last_status = "STOPPED"
        return task

    stop_task.wrapped = original  # type: ignore[attr-defined]
    return stop_task


def install_ecs() -> None:
    """Give moto's stopped ECS tasks their stop code, times and stopped containers (idempotent, process-wide)."""
    backend = ecs_models.EC2ContainerServiceBackend
    current = backend.stop_task
    setattr(backend, "stop_task", _stop_task(getattr(current, "wrapped", current)))  # noqa: B010
