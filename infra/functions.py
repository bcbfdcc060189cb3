"""One bot Lambda function: its own role (no managed policies), its own log group, arm64 and Python 3.11."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import BundlingOptions, DockerImage, Duration, ILocalBundling, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import RETENTION_DAYS, DeployConfigError, FunctionSize, WorkerNetwork

RUNTIME = lambda_.Runtime.PYTHON_3_11  # the version the assets' wheels and byte code are built for
ARCHITECTURE = lambda_.Architecture.ARM_64
RUNBOOKS_MOUNT = "/opt/runbooks"  # where the runbook layer's files appear in the worker


def retention(days: int) -> logs.RetentionDays:
    """The CDK retention for a number of days that the configuration has already validated."""
    finite = [period for period in logs.RetentionDays if period is not logs.RetentionDays.INFINITE]
    return finite[RETENTION_DAYS.index(days)]


@dataclass(frozen=True)
class LambdaAssets:
    """The two prebuilt asset folders (``python -m infra.assets build``)."""

    ingress: Path
    worker: Path

    @classmethod
    def from_folder(cls, root: Path) -> LambdaAssets:
        """The ``ingress`` and ``worker`` folders under ``root``, checked to hold their handlers.

        Raises:
            DeployConfigError: A folder is missing or does not hold its handler module.
        """
        assets = cls(ingress=root / "ingress", worker=root / "worker")
        for folder, handler in ((assets.ingress, "app/ingress/handler.py"), (assets.worker, "app/worker/handler.py")):
            if not (folder / handler).is_file():
                raise DeployConfigError(f"Lambda asset {folder} lacks {handler}: run `make assets` first")
        return assets


@dataclass(frozen=True)
class FunctionSpec:
    """What differs between the two functions."""

    description: str
    code: Path
    handler: str
    size: FunctionSize
    environment: dict[str, str]
    log_retention_days: int
    layers: tuple[lambda_.ILayerVersion, ...] = ()
    network: WorkerNetwork | None = None


# What Lambda needs to attach a function to subnets; EC2 grants these on no narrower resource than '*'.
VPC_ACCESS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
              "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses")


class BotFunction(Construct):
    """A function with a dedicated role and log group; callers add exactly the statements it needs."""

    def __init__(self, scope: Construct, construct_id: str, spec: FunctionSpec) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=spec.description
        )
        self.log_group = logs.LogGroup(
            self, "Logs", retention=retention(spec.log_retention_days), removal_policy=RemovalPolicy.DESTROY
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=lambda_.Code.from_asset(str(spec.code)),
            memory_size=spec.size.memory_mb,
            timeout=Duration.seconds(spec.size.timeout_seconds),
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            environment=spec.environment,
            layers=list(spec.layers),
        )
        self.log_group.grant_write(self.role)
        if spec.network is not None:
            self._attach(spec.network)

    def _attach(self, network: WorkerNetwork) -> None:
        """Run in the given subnets (by id: no lookup, so synthesis makes no AWS call)."""
        function = self.function.node.default_child
        assert isinstance(function, lambda_.CfnFunction)  # noqa: S101 - what lambda_.Function is made of
        function.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
            subnet_ids=list(network.subnet_ids), security_group_ids=list(network.security_group_ids)
        )
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="AttachToConfiguredSubnets", actions=list(VPC_ACCESS), resources=["*"]
        ))

    def allow(self, *statements: iam.PolicyStatement) -> None:
        """Add statements to the function's own role."""
        for statement in statements:
            self.role.add_to_principal_policy(statement)


@jsii.implements(ILocalBundling)
class _CopyInto:
    """Local bundling (no Docker): copy a folder into ``<output>/<name>``."""

    def __init__(self, source: Path, name: str) -> None:
        self._source = source
        self._name = name

    def try_bundle(self, output_dir: str, *_args: Any, **_kwargs: Any) -> bool:
        shutil.copytree(self._source, Path(output_dir) / self._name, dirs_exist_ok=True)
        return True


def runbook_layer(scope: Construct, construct_id: str, folder: Path) -> lambda_.LayerVersion:
    """A layer holding the runbook catalog; the worker reads it at ``/opt/runbooks``."""
    bundling = BundlingOptions(
        image=DockerImage.from_registry("local-bundling-only"),  # never pulled: the local copy always succeeds
        local=_CopyInto(folder, "runbooks"),
    )
    return lambda_.LayerVersion(
        scope,
        construct_id,
        code=lambda_.Code.from_asset(str(folder), bundling=bundling),
        compatible_architectures=[ARCHITECTURE],
        compatible_runtimes=[RUNTIME],
        description="Runbook catalog (Markdown with YAML front matter)",
    )
