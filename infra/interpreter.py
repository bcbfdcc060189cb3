"""Which interpreter writes the assets' byte code: one of the Lambda runtime's version, whatever runs the build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

PYTHON_VERSION = "3.11"  # the Lambda runtime's


class AssetBuildError(Exception):
    """An asset cannot be built: pip failed, or no interpreter can compile byte code for the runtime."""


def byte_compiler(python: str | None = None) -> str:
    """The interpreter that compiles byte code for the Lambda runtime: ``python``, this one, or ``python3.11``.

    Raises:
        AssetBuildError: No Python 3.11 interpreter was given or found.
    """
    if python is None and f"{sys.version_info.major}.{sys.version_info.minor}" == PYTHON_VERSION:
        return sys.executable
    found = shutil.which(python or f"python{PYTHON_VERSION}")
    if found is None:
        raise AssetBuildError(
            f"byte code must match the Lambda runtime: install Python {PYTHON_VERSION} or pass --python PATH to it"
        )
    done = subprocess.run(  # noqa: S603 - the interpreter the operator named
        [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    if done.stdout.strip() != PYTHON_VERSION:
        raise AssetBuildError(f"{found} is not Python {PYTHON_VERSION} (byte code must match the Lambda runtime)")
    return found


def compile_with(python: str, root: Path, files: Iterable[Path]) -> int:
    """Run ``infra.assets.compile_tree`` in ``python``: byte code of that interpreter's version.

    infra/assets.py imports only the standard library and this module, so a bare interpreter can run it.

    Raises:
        AssetBuildError: The interpreter failed.
    """
    listing = json.dumps([str(path) for path in files])
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from infra.assets import compile_tree; "
        "from pathlib import Path; print(compile_tree(Path(sys.argv[2]), map(Path, json.loads(sys.stdin.read()))))"
    )
    done = subprocess.run(  # noqa: S603 - the checked 3.11 interpreter, a fixed script
        [python, "-I", "-c", script, str(Path(__file__).resolve().parents[1]), str(root)],
        input=listing, capture_output=True, text=True, timeout=1800, check=False,
    )
    if done.returncode != 0:
        raise AssetBuildError(f"{python} could not compile byte code: {done.stderr.strip()[-2000:]}")
    return int(done.stdout.strip().splitlines()[-1])
