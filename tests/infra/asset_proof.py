"""Run a Lambda handler from an asset folder in a fresh interpreter that sees nothing but that folder.

``python -I -S`` leaves only the standard library on ``sys.path``; the script puts the given folders in front
and reports every loaded module whose file lies outside them and the standard library.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = """
import json, sys, sysconfig
folders, handler, event = sys.argv[1].split("|"), sys.argv[2], json.loads(sys.argv[3])
sys.path[:0] = folders
module_name, _, function = handler.rpartition(".")
import importlib
entry = getattr(importlib.import_module(module_name), function)

class Context:
    function_name = "aiops-proof"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:aiops-proof"
    aws_request_id = "proof-request"

    def get_remaining_time_in_millis(self):
        return 600000

result = entry(event, Context())
allowed = (*folders, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
files = {getattr(module, "__file__", None) or "" for module in list(sys.modules.values())}
outside = sorted(path for path in files if path and not path.startswith(allowed))
tops = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"result": result, "outside": outside, "modules": tops}))
"""


def run_handler(
    folders: list[Path], handler: str, event: dict[str, Any], env: dict[str, str], timeout: float = 180
) -> dict[str, Any]:
    """The handler's result, the modules loaded from outside ``folders``, and the top-level modules loaded."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", SCRIPT, "|".join(map(str, folders)), handler, json.dumps(event)],
        env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd="/",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def run_script(folders: list[Path], code: str, env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run ``code`` with only ``folders`` and the standard library importable (``args`` from ``sys.argv[2]``).

    Returns its last output line.
    """
    prelude = "import sys; sys.path[:0] = sys.argv[1].split('|')\n"
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", prelude + code, "|".join(map(str, folders)), *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd="/",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout.strip().splitlines()[-1]
