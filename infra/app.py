"""CDK entry point (``cdk.json``): read the configuration, check the assets, synthesise with cdk-nag.

Context keys: ``config`` (the YAML file, default ``infra/config.yaml``) and ``assets`` (the folder holding the
``ingress`` and ``worker`` asset folders, default ``build/assets/manylinux2014_aarch64``). No AWS calls are made:
the stack is environment-agnostic and takes its account and region at deploy time.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import App, Aspects, cx_api
from cdk_nag import AwsSolutionsChecks

from infra.assets import DEFAULT_OUT, LAMBDA_PLATFORM
from infra.config import DEFAULT_CONFIG, REPO_ROOT, DeployConfigError, load_config
from infra.functions import LambdaAssets
from infra.stack import AiopsStack


def build_app(app: App) -> AiopsStack:
    """Add the configured stack, with the AWS Solutions checks, to ``app``.

    Raises:
        DeployConfigError: The configuration is invalid or the assets have not been built.
    """
    config_path = Path(str(app.node.try_get_context("config") or DEFAULT_CONFIG))
    assets_root = Path(str(app.node.try_get_context("assets") or DEFAULT_OUT / LAMBDA_PLATFORM))
    config, runbooks = load_config(config_path if config_path.is_absolute() else REPO_ROOT / config_path)
    assets = LambdaAssets.from_folder(assets_root if assets_root.is_absolute() else REPO_ROOT / assets_root)
    stack = AiopsStack(app, config.stack_name, config=config, assets=assets, runbooks=runbooks)
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return stack


def findings(assembly: cx_api.CloudAssembly) -> list[str]:
    """Error and warning annotations of the synthesised stacks (cdk-nag reports its findings as these)."""
    return [
        f"{message.level.value}: {message.id}: {str(message.entry.data).strip()}"
        for stack in assembly.stacks
        for message in stack.messages
        if message.level in (cx_api.SynthesisMessageLevel.ERROR, cx_api.SynthesisMessageLevel.WARNING)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.app", description="Synthesise the stack offline.")
    parser.add_argument("--config", help="deployment configuration file (default: the cdk.json context)")
    args = parser.parse_args(argv)
    app = App(context={"config": args.config} if args.config else None)
    try:
        build_app(app)
    except DeployConfigError as exc:
        raise SystemExit(f"error: {exc}") from exc
    assembly = app.synth()
    problems = findings(assembly)
    print("\n".join(problems) or f"synthesised to {assembly.directory}: no cdk-nag findings")
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
