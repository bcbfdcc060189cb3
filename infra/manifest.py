"""``make manifest``: the Slack app manifest with the deployed stack's request URL filled in.

``cdk deploy --outputs-file`` (run by ``make deploy``) writes the stack outputs as JSON; this reads the
configured stack's ``SlackRequestUrl`` from that file and writes ``infra/slack-manifest.yaml`` with it in both
``request_url`` fields. No AWS call is made.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from infra.config import DEFAULT_CONFIG, REPO_ROOT, DeployConfigError, load_config

TEMPLATE = REPO_ROOT / "infra" / "slack-manifest.yaml"
DEFAULT_OUTPUTS = REPO_ROOT / "build" / "stack-outputs.json"
DEFAULT_MANIFEST = REPO_ROOT / "build" / "slack-manifest.yaml"


def request_url(outputs_file: Path, stack_name: str) -> str:
    """The deployed ingress's URL from a ``cdk deploy --outputs-file`` file.

    Raises:
        DeployConfigError: The file is missing or unreadable, or holds no such stack or output.
    """
    try:
        outputs: Any = json.loads(outputs_file.read_text(encoding="utf-8"))
    except OSError as exc:
        message = f"cannot read stack outputs {outputs_file}: {exc.strerror} (run `make deploy` first)"
        raise DeployConfigError(message) from exc
    except json.JSONDecodeError as exc:
        raise DeployConfigError(f"{outputs_file} is not JSON: {exc.msg}") from exc
    url = (outputs.get(stack_name) or {}).get("SlackRequestUrl") if isinstance(outputs, dict) else None
    if not isinstance(url, str) or not url.startswith("https://"):
        stacks = ", ".join(outputs) if isinstance(outputs, dict) else "none"
        raise DeployConfigError(f"{outputs_file} has no SlackRequestUrl for stack {stack_name} (stacks: {stacks})")
    return url


def filled_manifest(url: str, template: Path = TEMPLATE) -> dict[str, Any]:
    """The manifest with ``url`` as its event, interactivity and slash-command request URL."""
    manifest: dict[str, Any] = yaml.safe_load(template.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    settings["event_subscriptions"]["request_url"] = url
    settings["interactivity"]["request_url"] = url
    for command in (manifest.get("features") or {}).get("slash_commands") or []:
        command["url"] = url
    return manifest


def main(argv: Sequence[str] | None = None) -> None:
    """Write the filled manifest and say where it is."""
    parser = argparse.ArgumentParser(prog="python -m infra.manifest", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the deployment configuration")
    parser.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help="cdk deploy --outputs-file JSON")
    parser.add_argument("--out", type=Path, default=DEFAULT_MANIFEST)
    args = parser.parse_args(argv)
    try:
        config, _ = load_config(args.config)
        url = request_url(args.outputs, config.stack_name)
    except DeployConfigError as exc:
        raise SystemExit(f"error: {exc}") from exc
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Slack app manifest for stack {config.stack_name}: paste it at https://api.slack.com/apps\n"
    args.out.write_text(header + yaml.safe_dump(filled_manifest(url), sort_keys=False), encoding="utf-8")
    print(f"wrote {args.out} (request URL {url})")


if __name__ == "__main__":
    main()
