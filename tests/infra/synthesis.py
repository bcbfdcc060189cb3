"""Synthesis support: the real CDK app on placeholder asset folders, offline, without Docker.

Synthesis only hashes and stages the asset folders, so tiny folders holding the two handler files stand in for
the real assets (``python -m infra.assets build`` makes those; tests marked ``assets`` check them).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App  # noqa: E402 - after the variable the jsii runtime reads at start
from aws_cdk.assertions import Template  # noqa: E402

from infra.app import build_app  # noqa: E402
from infra.stack import AiopsStack  # noqa: E402

PROFILE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
BASE_CONFIG: dict[str, Any] = {
    "alert_channels": ["C0ALERTS01", "G0PRIVATE1"],
    "model": f"bedrock:{PROFILE}",
    "model_regions": ["us-east-1", "us-west-2"],
    "log_retention_days": 90,
    "ingress": {"memory_mb": 256, "timeout_seconds": 10},
    "worker": {"memory_mb": 1536, "timeout_seconds": 600},
    "investigation": {
        "log_groups": ["/aws/lambda/jobs-*", "/ecs/jobs-api"],
        "ecs_clusters": ["jobs"],
        "state_machines": ["jobs-*"],
        "sqs_queues": ["jobs-queue"],
        "lambda_functions": ["jobs-healthcheck"],
        "cloudwatch_metrics": True,
    },
}


@dataclass
class Synthesised:
    """A synthesised stack and its template."""

    stack: AiopsStack
    template: Template

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template.to_json()["Resources"]
        return resources

    def of_type(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.resources.items() if value["Type"] == kind}

    def function(self, handler_module: str) -> dict[str, Any]:
        found = [
            value["Properties"] for value in self.of_type("AWS::Lambda::Function").values()
            if value["Properties"]["Handler"].startswith(handler_module)
        ]
        assert len(found) == 1, handler_module
        return found[0]

    def logical_id(self, kind: str, fragment: str) -> str:
        found = [key for key in self.of_type(kind) if fragment in key]
        assert len(found) == 1, (kind, fragment, found)
        return found[0]


def synthesise(config: dict[str, Any], assets: Path, folder: Path) -> Synthesised:
    """Synthesise through the CDK entry point, with the configuration written to a YAML file."""
    path = folder / f"config-{abs(hash(json.dumps(config, sort_keys=True)))}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    app = App(context={"config": str(path), "assets": str(assets)})
    stack = build_app(app)
    return Synthesised(stack=stack, template=Template.from_stack(stack))
