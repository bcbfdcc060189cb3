"""The ingress Lambda imports none of the worker's heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

WORKER_ONLY = ("strands", "google", "github", "fastmcp")

SCRIPT = f"""
import json, sys
import app.ingress.handler
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {set(WORKER_ONLY)!r})))
"""


@pytest.mark.slow
def test_ingress_handler_imports_no_worker_dependencies() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


@pytest.mark.slow
def test_the_check_would_see_a_worker_import() -> None:
    script = SCRIPT.replace("import app.ingress.handler", "import app.ingress.handler, strands")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "strands" in json.loads(done.stdout.strip().splitlines()[-1])
