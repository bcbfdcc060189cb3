"""The worker in the operator's subnets, to reach a private API; set by subnet and security group ids, no lookup."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from synthesis import BASE_CONFIG, Synthesised
from test_stack_iam import by_sid
from test_stack_nag import nag_findings

from infra.config import DeployConfig

NETWORK = {"subnet_ids": ["subnet-0a1b2c3d4e5f60718", "subnet-0123456789abcdef0"],
           "security_group_ids": ["sg-0fedcba9876543210"]}


def test_the_worker_runs_in_the_configured_subnets_and_passes_the_checks(synth: Callable[..., Synthesised]) -> None:
    stack = synth(worker_vpc=NETWORK)

    worker = stack.function("app.worker.handler")
    assert worker["VpcConfig"] == {"SubnetIds": NETWORK["subnet_ids"],
                                   "SecurityGroupIds": NETWORK["security_group_ids"]}
    assert "VpcConfig" not in stack.function("app.ingress.handler")  # Slack reaches the ingress on its URL
    assert "AttachToConfiguredSubnets" in by_sid(stack, "WorkerBotRole")
    assert "AttachToConfiguredSubnets" not in by_sid(stack, "IngressBotRole")
    assert nag_findings(stack.stack) == []


def test_without_a_network_the_worker_is_not_in_a_vpc(base: Synthesised) -> None:
    assert "VpcConfig" not in base.function("app.worker.handler")
    assert "AttachToConfiguredSubnets" not in by_sid(base, "WorkerBotRole")


@pytest.mark.parametrize("network", [
    {"subnet_ids": ["vpc-0a1b2c3d"], "security_group_ids": ["sg-0fedcba9876543210"]},
    {"subnet_ids": [], "security_group_ids": ["sg-0fedcba9876543210"]},
    {"subnet_ids": ["subnet-0a1b2c3d4e5f60718"]},
])
def test_a_network_needs_subnet_and_security_group_ids(network: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="worker_vpc"):
        DeployConfig.model_validate({**BASE_CONFIG, "worker_vpc": network})
