"""Which runbook actions a deployed executor would refuse: the ``actions:`` half of ``runbooks check --deploy-config``.

The executor's role (infra/executor.py, infra/remediation.py) allows each ``aws_write`` the catalog declares on
the resources the investigation scope names for its service, and nothing when the catalog is read from GitHub
(its writes are generated from the folder shipped at synth). A jobs API action needs the deployment's jobs API,
and must be one of its spec's write operations. An action's ``verify`` steps are reads made with the
investigation scope, checked as evidence steps are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from app.runbooks.actions import AWS_WRITE_TOOL, ActionSpec
from app.runbooks.catalog import Catalog
from app.runbooks.parse import Lines, Problem
from app.runbooks.scope import DeployedScope, step_reasons

_REFUSED = "the deployed executor refuses it"


def action_refusals(catalog: Catalog, texts: Mapping[str, str], scope: DeployedScope) -> list[Problem]:
    """One problem per action call or verification step the deployment would refuse, at its line in its file."""
    import botocore.session

    session, problems = botocore.session.get_session(), []
    for runbook in catalog.runbooks:
        lines = _front_matter_lines(texts.get(runbook.path, ""))
        for index, action in enumerate(runbook.actions):
            where = f"actions.{action.id}"
            problems += [Problem(runbook.path, f"{_REFUSED}: {reason}", lines.of(("actions", index, "tool")), where)
                         for reason in call_reasons(action, scope)]
            for number, step in enumerate(action.verify.steps):
                line = lines.of(("actions", index, "verify", "steps", number))
                problems += [Problem(runbook.path, f"the deployed scope refuses it: {reason}", line,
                                     f"{where}.verify.{step.id}") for reason in step_reasons(step, scope, session)]
    return problems


def call_reasons(action: ActionSpec, scope: DeployedScope) -> Iterator[str]:
    """Why the deployed executor would not make the action's call."""
    if action.tool == AWS_WRITE_TOOL:
        service, operation = str(action.args.get("service", "")), str(action.args.get("operation", ""))
        params = action.args.get("params") or {}
        if "{" in service + operation or not isinstance(params, dict):
            return
        if scope.writes_from_github:
            yield (f"{service}.{operation}: the deployment reads its runbooks from GitHub, so the executor's role "
                   "is granted no AWS action (ship the runbooks as a folder to grant the catalog's writes)")
            return
        reason = scope.write_refusal(service, operation, params)
        if reason is not None:
            yield reason
        return
    if "jobs_api_spec" not in scope.settings:
        yield f"{action.tool} needs the jobs API, which the deployment does not configure (set jobs_api_spec)"
    elif scope.jobs_writes is not None and action.tool not in scope.jobs_writes:
        known = ", ".join(sorted(scope.jobs_writes)) or "none"
        yield f"{action.tool} is not a write operation of the jobs API spec (its writes: {known})"


def _front_matter_lines(text: str) -> Lines:
    """The line lookup of a runbook file's front matter (empty when the text has none)."""
    if not text.startswith("---"):
        return Lines(None)
    body = text.split("\n", 1)[1] if "\n" in text else ""
    end = body.find("\n---")
    try:
        tree: Any = yaml.compose(body[: end if end >= 0 else len(body)], Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # the parser already reported it; a problem then has no line
        tree = None
    return Lines(tree)
