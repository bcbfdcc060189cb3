"""The worker's init phase imports what the first Slack post needs, not the agent, the MCP server or X-Ray."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("strands", "fastmcp", "mcp", "httpx", "aws_xray_sdk", "google", "github", "boto3", "opentelemetry")
SCRIPT = """
import json, sys
import app.worker.handler
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_importing_the_worker_handler_loads_none_of_the_heavy_libraries() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True, env={"PATH": "", "AWS_DEFAULT_REGION": "us-east-1"})

    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))

    assert "app" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
