"""Lambda assets without Docker: pip installs platform wheels into one folder per function.

``python -m infra.assets build`` writes ``build/assets/<platform>/{ingress,worker}``. The worker folder holds the
project's dependencies, the ``app`` and ``tools`` packages without the local tooling (fakes, evaluations, the
demo, the CLI, reports) and the OpenAPI specs under ``specs/``, less grpc (the Cloud Logging tool speaks
HTTP/JSON) and the AWS SDK core that the Lambda runtime provides. The ingress folder holds only what
``app.ingress.handler`` imports: the ``app`` modules it loads and the distributions they come from, pinned to the
versions installed here, less the runtime's AWS SDK.

Every module of both assets is byte-compiled by an interpreter of the Lambda runtime's Python version (found on
``PATH`` as ``python3.11`` when this one is another version), with unchecked hashes, so the byte code stays valid
when the deployment zip resets file times. The worker's dependencies ship as byte code only (``module.pyc`` in place
of ``module.py``), which keeps it under its size target; the bot's own modules keep their source beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as metadata
import importlib.util
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra.interpreter import PYTHON_VERSION, AssetBuildError, byte_compiler

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "build" / "assets"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
PROJECT = "runbook-aiops"
# The Lambda Python runtime ships boto3 and its dependencies; the ingress uses those (the worker brings its own).
RUNTIME_SDK = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})
# The worker brings its own urllib3, dateutil, six and jmespath (versions the tests ran), not the runtime's.
WORKER_RUNTIME_SDK = frozenset({"boto3", "botocore", "s3transfer"})
# google-api-core pulls grpc in; the Cloud Logging client runs on HTTP/JSON and imports without it.
WORKER_UNUSED = frozenset({"grpcio", "grpcio-status"})
SOURCE_PACKAGES = ("app", "tools")
SHIPPED_SPECS = "specs"  # OpenAPI specs the deploy configuration names by path (infra.api_config): in the worker
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# Local tooling: what the CLI, the demo and the evaluations run on a laptop or in CI, never in the worker.
TOOLING = ("app/fakes/", "app/evals/", "app/reports/chart.py", "app/demo.py", "app/demo_thread.py", "app/cli.py",
           "app/triage.py", "app/runbooks/commands.py")
_BUILDER_VERSION = "2"
_CLOSURE_SCRIPT = """
import json, sys
before = set(sys.modules)
import {entry}
files = {{name: getattr(module, "__file__", None) for name, module in list(sys.modules.items()) if name not in before}}
print(json.dumps({{name: path for name, path in files.items() if path}}))
"""


@dataclass(frozen=True)
class AssetPlan:
    """What goes into one asset folder."""

    name: str
    requirements: tuple[str, ...]
    resolve_dependencies: bool
    sources: tuple[str, ...]  # files relative to the repository root
    compile_all: bool
    compile_site: tuple[str, ...] = ()  # site-package files (relative) to compile when not compile_all
    removed: frozenset[str] = frozenset()  # distributions taken out again after pip resolved them
    sourceless: bool = False  # dependencies as byte code only; the bot's own sources stay


def normalise(name: str) -> str:
    """A distribution name in its canonical form (``Python_Dateutil`` → ``python-dateutil``)."""
    return name.lower().replace("_", "-").replace(".", "-")


def import_closure(entry: str) -> dict[str, str]:
    """Module name → file of every module that importing ``entry`` loads, in a fresh interpreter."""
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", _CLOSURE_SCRIPT.format(entry=entry)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    if done.returncode != 0:
        raise AssetBuildError(f"cannot import {entry}: {done.stderr.strip()[-2000:]}")
    closure: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return closure


def site_roots() -> tuple[Path, ...]:
    """Folders installed distributions live in."""
    return tuple(sorted({Path(p).resolve() for p in sys.path if p.endswith("site-packages")}))


def ingress_plan(closure: dict[str, str]) -> AssetPlan:
    """The ingress asset: exactly the imported ``app`` modules and distributions, minus the runtime's SDK."""
    sources, site_files = split_files(closure.values())
    owners = metadata.packages_distributions()
    tops = {Path(path).parts[0].removesuffix(".py") for path in site_files}
    dists = {normalise(dist) for top in tops for dist in owners.get(top, [])} - RUNTIME_SDK - {PROJECT}
    pins = tuple(sorted(f"{dist}=={metadata.version(dist)}" for dist in dists))
    kept = tuple(sorted(path for path in site_files if not _owned_by(path, owners, RUNTIME_SDK)))
    return AssetPlan("ingress", pins, False, tuple(sorted(sources)), False, kept)


def worker_plan() -> AssetPlan:
    """The worker asset: the project's dependencies as pyproject.toml declares them, and its packages' runtime part."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    sources = [
        relative
        for package in SOURCE_PACKAGES
        for path in sorted((REPO_ROOT / package).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        and not (relative := path.relative_to(REPO_ROOT).as_posix()).startswith(TOOLING)
    ]
    sources += [path.relative_to(REPO_ROOT).as_posix() for path in sorted((REPO_ROOT / SHIPPED_SPECS).rglob("*"))
                if path.is_file() and path.suffix in SPEC_SUFFIXES]
    return AssetPlan("worker", tuple(project["dependencies"]), True, tuple(sources), True,
                     removed=WORKER_RUNTIME_SDK | WORKER_UNUSED, sourceless=True)


def runtime_sdk_plan() -> AssetPlan:
    """The AWS SDK as the Lambda runtime provides it, for running the ingress asset off Lambda (tests)."""
    pins = tuple(sorted(f"{dist}=={metadata.version(dist)}" for dist in RUNTIME_SDK))
    return AssetPlan("runtime-sdk", pins, False, (), True)


def split_files(paths: Iterable[str]) -> tuple[set[str], set[str]]:
    """The bot's own files (relative to the repository) and installed files (relative to site-packages)."""
    sources, site_files = set(), set()
    roots = site_roots()
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_relative_to(REPO_ROOT) and path.relative_to(REPO_ROOT).parts[0] in SOURCE_PACKAGES:
            sources.add(path.relative_to(REPO_ROOT).as_posix())
            continue
        for root in roots:
            if path.is_relative_to(root):
                site_files.add(path.relative_to(root).as_posix())
    return sources, site_files


def _owned_by(path: str, owners: Mapping[str, list[str]], dists: frozenset[str]) -> bool:
    top = Path(path).parts[0].removesuffix(".py")
    return any(normalise(dist) in dists for dist in owners.get(top, []))


def constraints() -> list[str]:
    """Pins of every distribution installed here, so assets carry the versions the tests ran."""
    pins = {}
    for dist in metadata.distributions():
        name = normalise(dist.metadata["Name"])
        if name != PROJECT:
            pins[name] = f"{name}=={dist.version}"
    return sorted(pins.values())


def runtime_python(python: str | None = None) -> str:
    """The interpreter that writes the runtime's byte code: ``python``, this one, or ``python3.11`` on ``PATH``.

    Raises:
        AssetBuildError: No interpreter of the runtime's Python version is given or found.
    """
    return byte_compiler(python)


def build(
    plan: AssetPlan, out: Path = DEFAULT_OUT, platform: str = LAMBDA_PLATFORM, python: str | None = None
) -> Path:
    """Build (or reuse, when nothing changed) the asset folder ``out/platform/plan.name``.

    ``python`` is the Python 3.11 interpreter that compiles the byte code (see :func:`runtime_python`).

    Raises:
        AssetBuildError: pip failed, or no interpreter of the runtime's Python version is found.
    """
    python = runtime_python(python)
    target = out / platform / plan.name
    stamp = target.with_name(f"{plan.name}.stamp")
    fingerprint = _fingerprint(plan, platform)
    if target.is_dir() and stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _pip_install(plan, target, platform, out)
    remove_distributions(target, plan.removed)
    for source in plan.sources:
        (target / source).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / source, target / source)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    _compile(python, target, plan)
    stamp.write_text(fingerprint, encoding="utf-8")
    return target


def _fingerprint(plan: AssetPlan, platform: str) -> str:
    digest = hashlib.sha256(json.dumps([_BUILDER_VERSION, platform, repr(plan), constraints()]).encode())
    for source in plan.sources:
        digest.update((REPO_ROOT / source).read_bytes())
    return digest.hexdigest()


def _pip_install(plan: AssetPlan, target: Path, platform: str, out: Path) -> None:
    pins = out / "constraints.txt"
    pins.parent.mkdir(parents=True, exist_ok=True)
    pins.write_text("\n".join(constraints()) + "\n", encoding="utf-8")
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(target), "--platform", platform, "--implementation", "cp",
        "--python-version", PYTHON_VERSION, "--only-binary=:all:", "--constraint", str(pins),
    ]
    if not plan.resolve_dependencies:
        command.append("--no-deps")
    done = subprocess.run([*command, *plan.requirements], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise AssetBuildError(f"pip could not install the {plan.name} asset for {platform}:\n{done.stderr[-3000:]}")


def remove_distributions(target: Path, names: frozenset[str]) -> list[str]:
    """Delete the files of the named distributions from a pip ``--target`` folder; returns the names removed."""
    removed = []
    for info in sorted(target.glob("*.dist-info")):
        meta = metadata.PathDistribution(info)
        name = normalise(meta.metadata["Name"])
        if name not in names:
            continue
        folders = set()
        for entry in meta.files or ():
            path = (target / entry).resolve()
            if path.is_relative_to(target.resolve()) and path.is_file():
                path.unlink()
                folders.add(path.parent)
        shutil.rmtree(info, ignore_errors=True)
        _prune_empty(target.resolve(), folders)
        removed.append(name)
    return removed


def _prune_empty(root: Path, folders: set[Path]) -> None:
    """Remove the folders left empty, and their parents up to ``root``."""
    for folder in sorted(folders, key=lambda item: len(item.parts), reverse=True):
        while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _compile(python: str, target: Path, plan: AssetPlan) -> None:
    own = {(target / path).resolve() for path in plan.sources if path.endswith(".py")}
    if plan.compile_all:
        files = sorted(target.rglob("*.py"))
    else:
        files = [target / path for path in (*plan.sources, *plan.compile_site) if path.endswith(".py")]
    sourceless = [path for path in files if plan.sourceless and path.resolve() not in own]
    kept = [path for path in files if not (plan.sourceless and path.resolve() not in own)]
    compile_with(python, target, kept, sourceless=False)
    compile_with(python, target, sourceless, sourceless=True)


def compile_with(python: str, root: Path, files: Sequence[Path], *, sourceless: bool) -> int:
    """:func:`compile_tree` run by ``python`` (the runtime's version), so the byte code is that version's.

    Raises:
        AssetBuildError: The interpreter failed.
    """
    request = json.dumps({"root": str(root), "files": [str(path) for path in files], "sourceless": sourceless})
    done = subprocess.run(  # noqa: S603 - the runtime's interpreter running this module
        [python, "-E", "-c", "import infra.assets as a; a.compile_request()"],
        input=request, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if done.returncode != 0:
        raise AssetBuildError(f"{python} could not compile {root}: {done.stderr.strip()[-2000:]}")
    return int(done.stdout.strip() or 0)


def compile_request() -> None:
    """Read a compile request (JSON on stdin, from :func:`compile_with`), compile it, print how many compiled."""
    request = json.loads(sys.stdin.read())
    root = Path(request["root"])
    print(compile_tree(root, [Path(path) for path in request["files"]], sourceless=request["sourceless"]))


def compile_tree(root: Path, files: Iterable[Path], python: str = sys.executable, *, sourceless: bool = False) -> int:
    """Compile ``files`` under ``root`` to byte code that is used without checking the source's time stamp.

    ``sourceless`` writes ``module.pyc`` in place of ``module.py`` (the source is deleted), which Python imports as
    it is; otherwise the byte code goes to ``__pycache__`` beside the source.

    ``python`` is the interpreter whose byte code is written; another than this one compiles in a subprocess.

    Returns:
        How many files were compiled; files that are not valid Python for this interpreter stay source only.
    """
    if python != sys.executable:
        return compile_with(python, root, list(files), sourceless=sourceless)
    compiled = 0
    for path in files:
        if not path.is_file():
            continue
        cfile = path.with_suffix(".pyc") if sourceless else Path(importlib.util.cache_from_source(str(path)))
        try:
            py_compile.compile(
                str(path), cfile=str(cfile), dfile=path.relative_to(root).as_posix(), doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        except py_compile.PyCompileError:
            continue
        if sourceless:
            path.unlink()
        compiled += 1
    return compiled


def host_platform() -> str:
    """The manylinux tag of this machine, for an asset whose native code can be imported here."""
    import platform as _platform

    return f"manylinux2014_{_platform.machine()}"


@dataclass(frozen=True)
class Size:
    """An asset folder's unzipped size."""

    name: str
    files: int
    bytes: int

    @property
    def megabytes(self) -> float:
        """Size in MB (10^6 bytes), as Lambda's quotas count."""
        return self.bytes / 1_000_000


def measure(folder: Path) -> Size:
    """Unzipped size: the sum of the file sizes in the folder (what Lambda's 250 MB limit counts)."""
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]
    return Size(folder.name, len(sizes), sum(sizes))


def installed(folder: Path) -> dict[str, str]:
    """Distribution name → version of the distributions installed in an asset folder."""
    found = {}
    for info in folder.glob("*.dist-info"):
        meta = metadata.PathDistribution(info)
        found[normalise(meta.metadata["Name"])] = meta.version
    return found


def build_all(
    out: Path = DEFAULT_OUT, platform: str = LAMBDA_PLATFORM, python: str | None = None
) -> dict[str, Path]:
    """Both assets for one platform, their byte code compiled by ``python`` (see :func:`runtime_python`)."""
    return {
        "ingress": build(ingress_plan(import_closure("app.ingress.handler")), out, platform, python),
        "worker": build(worker_plan(), out, platform, python),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Build both assets and print their unzipped sizes, one JSON line each."""
    parser = argparse.ArgumentParser(prog="python -m infra.assets", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--platform", default=LAMBDA_PLATFORM, help="'host' for this machine's platform")
    parser.add_argument("--python", help=f"the Python {PYTHON_VERSION} that compiles byte code (default: this "
                        f"interpreter when it is {PYTHON_VERSION}, else python{PYTHON_VERSION} on the PATH)")
    args = parser.parse_args(argv)
    platform = host_platform() if args.platform == "host" else args.platform
    try:
        folders = build_all(args.out, platform, args.python)
    except AssetBuildError as exc:
        raise SystemExit(f"error: {exc}") from exc
    for name, folder in folders.items():
        size = measure(folder)
        print(json.dumps({"asset": name, "platform": platform, "folder": str(folder), "files": size.files,
                          "unzipped_mb": round(size.megabytes, 1)}))


if __name__ == "__main__":
    main()
