"""Which evidence steps and probes a deployed worker would refuse: ``aiops runbooks check --deploy-config FILE``.

The deployed scope is what the worker's role may read (IAM actions and log group patterns) and which tool
families the deployment configures (the jobs API, Cloud Logging, GitHub). A step is refused when its AWS
operation is not granted, when a log group it queries matches no granted pattern, or when its tool is not
deployed. Arguments filled from the alert (``{cluster}``) are checked as far as their literal text goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from app.runbooks.catalog import Catalog
from app.runbooks.model import EvidenceSpec
from app.runbooks.parse import Problem
from app.runbooks.source import ENTITIES_FILE
from tools.aws_policy import SYSTEM as AWS

# botocore signing names that differ from the IAM service prefix
_IAM_PREFIX = {"monitoring": "cloudwatch"}
# tool name prefix → the deploy configuration setting that deploys it
TOOL_SETTINGS = {"jobs_": "jobs_api_spec", "cloud_logging_": "google_project", "github_": "github_repos"}


@dataclass(frozen=True)
class DeployedScope:
    """What a deployed worker may read."""

    actions: frozenset[str]  # IAM actions, e.g. ecs:DescribeTasks
    log_groups: tuple[str, ...]  # names, or prefixes ending in '*'
    settings: frozenset[str]  # the TOOL_SETTINGS values the deployment sets
    # why the executor's role refuses an ``aws_write`` (service, operation, params), or None
    write_refusal: Callable[[str, str, Mapping[str, Any]], str | None]
    jobs_writes: frozenset[str] | None = None  # the configured APIs' write tools, when their specs are known here
    writes_from_github: bool = False  # a GitHub catalog: the executor is granted no AWS write at synth


def iam_action(service: str, operation: str, session: Any = None) -> str | None:
    """The IAM action of a boto3 call (``stepfunctions``, ``describe_execution`` → ``states:DescribeExecution``)."""
    import botocore.session
    from botocore import xform_name

    session = session or botocore.session.get_session()
    if service not in session.get_available_services():
        return None
    model = session.get_service_model(service)
    names = {xform_name(name): name for name in model.operation_names}
    if operation not in names:
        return None
    prefix = model.signing_name or model.endpoint_prefix
    return f"{_IAM_PREFIX.get(prefix, prefix)}:{names[operation]}"


def refusals(catalog: Catalog, texts: Mapping[str, str], scope: DeployedScope) -> list[Problem]:
    """One problem per evidence step and probe the deployed scope would refuse, at the step's line in its file."""
    import botocore.session

    session, problems = botocore.session.get_session(), []
    steps = [(runbook.path, "", step, f"evidence.{step.id}")
             for runbook in catalog.runbooks for step in runbook.evidence]
    steps += [(ENTITIES_FILE, f"kind: {kind.kind}", probe, f"probes.{kind.kind}.{probe.id}")
              for kind in catalog.entities.kinds for probe in kind.probes]
    for path, after, step, where in steps:
        for reason in step_reasons(step, scope, session):
            line = _step_line(texts.get(path, ""), step.id, after)
            problems.append(Problem(path, f"the deployed scope refuses it: {reason}", line, where))
    return problems


def step_reasons(step: EvidenceSpec, scope: DeployedScope, session: Any) -> Iterator[str]:
    """Why the deployed read scope refuses one read step (an evidence step, a probe or a verification step)."""
    for prefix, setting in TOOL_SETTINGS.items():
        if step.tool.startswith(prefix) and setting not in scope.settings:
            yield f"{step.tool} is not deployed (set {setting})"
    read, insights = AWS.tools
    if step.tool == read:
        yield from _aws_read_reasons(step.args, scope, session)
    if step.tool == insights:
        yield from _log_group_reasons(step.args.get("log_groups"), scope)


def _aws_read_reasons(args: Mapping[str, Any], scope: DeployedScope, session: Any) -> Iterator[str]:
    service, operation = str(args.get("service", "")), str(args.get("operation", ""))
    if "{" in service + operation:
        return
    action = iam_action(service, operation, session)
    if action is None:
        yield f"{service}.{operation} is not an AWS API operation"
    elif action not in scope.actions:
        yield f"{action} is not granted (see `investigation` in the deploy configuration)"


def _log_group_reasons(groups: Any, scope: DeployedScope) -> Iterator[str]:
    for group in groups if isinstance(groups, list) else []:
        if not any(may_match(str(group), pattern) for pattern in scope.log_groups):
            yield f"log group {group} matches no granted log group ({', '.join(scope.log_groups) or 'none'})"


def may_match(name: str, pattern: str) -> bool:
    """True when the name (whose ``{field}`` parts are filled from the alert) can fall under the pattern."""
    literal, templated = name.split("{", 1)[0], "{" in name
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return literal.startswith(stem) or (templated and stem.startswith(literal))
    return pattern == name or (templated and pattern.startswith(literal))


def _step_line(text: str, step_id: str, after: str = "") -> int | None:
    """The line of the step's ``id:`` (the first one after the line ``after``, when given)."""
    started = not after
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().removeprefix("- ").strip()
        started = started or stripped == after
        if started and stripped in (f"id: {step_id}", f"id: '{step_id}'", f'id: "{step_id}"'):
            return number
    return None

