"""Scenario folders written on the fly: a one-runbook catalog and a scenario.yaml around it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

RUNBOOK = """---
id: disk-001
title: Disk almost full on a bastion host
severity: medium
tags: [disk, bastion]
match:
  - regex: "(?i)disk usage \\\\d+%"
extract:
  host: "on ([a-z0-9-]+)"
evidence:
  - id: related
    tool: search_runbooks
    args: {query: "disk {host}"}
  - id: needs-a-field
    tool: search_runbooks
    args: {query: "{volume}"}
---
# disk-001: Disk almost full

## Procedure
Find the biggest folders under /var and rotate the logs.
"""
VOLUME_RULE = '  volume: "volume (\\\\S+)"\n'

ScenarioFactory = Callable[..., Path]


@pytest.fixture
def make_scenario(tmp_path: Path) -> ScenarioFactory:
    """Write a scenario folder; keyword arguments override parts of scenario.yaml."""

    def make(name: str = "disk-alert", *, script: list[dict[str, Any]] | None = None, **parts: Any) -> Path:
        folder = tmp_path / "scenarios" / name
        (folder / "runbooks").mkdir(parents=True)
        (folder / "runbooks" / "disk-001.md").write_text(RUNBOOK.replace("extract:\n", "extract:\n" + VOLUME_RULE))
        document: dict[str, Any] = {
            "name": name,
            "input": {"kind": "alert", "text": "Disk usage 91% on bastion-2 (/var) for 10 minutes"},
            "runbooks": "runbooks",
            "expect": {"runbook": "disk-001", "evidence_facts": ["disk-001"]},
        }
        if script is not None:
            (folder / "script.yaml").write_text(yaml.safe_dump({"turns": script}))
            document["model_script"] = "script.yaml"
        document.update(parts)
        (folder / "scenario.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
        return folder

    return make
