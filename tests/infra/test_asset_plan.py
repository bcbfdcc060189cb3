"""What goes into each asset, decided without downloading anything."""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from infra.assets import (
    PYTHON_VERSION,
    REPO_ROOT,
    RUNTIME_SDK,
    AssetBuildError,
    AssetPlan,
    byte_compiler,
    compile_tree,
    compile_with,
    constraints,
    import_closure,
    ingress_plan,
    installed,
    measure,
    remove_distributions,
    runtime_python,
    split_files,
    worker_plan,
)


@pytest.fixture(scope="module")
def ingress() -> AssetPlan:
    return ingress_plan(import_closure("app.ingress.handler"))


@pytest.mark.slow
def test_ingress_asset_holds_the_imported_distributions_pinned_to_the_tested_versions(ingress: AssetPlan) -> None:
    pins = dict(requirement.split("==") for requirement in ingress.requirements)
    assert {"slack-bolt", "slack-sdk", "aws-lambda-powertools", "pydantic", "pydantic-core",
            "pydantic-settings"} <= set(pins)
    assert pins["slack-bolt"] == metadata.version("slack-bolt")
    assert not set(pins) & RUNTIME_SDK  # the Lambda runtime provides the AWS SDK
    assert not set(pins) & {"strands-agents", "pyyaml", "httpx", "mcp", "opentelemetry-api", "runbook-aiops"}
    assert ingress.resolve_dependencies is False


@pytest.mark.slow
def test_ingress_asset_holds_only_the_app_modules_the_ingress_imports(ingress: AssetPlan) -> None:
    sources = set(ingress.sources)
    assert {"app/__init__.py", "app/config.py", "app/ingress/handler.py", "app/ingress/dedupe.py"} <= sources
    assert not [path for path in sources if path.startswith(("app/worker/", "app/agent/", "tools/"))]
    site = ingress.compile_site
    assert any(path.startswith("slack_bolt/") for path in site)
    assert not any(path.startswith(("botocore/", "boto3/")) for path in site)


def test_worker_asset_holds_the_declared_dependencies_and_both_packages() -> None:
    plan = worker_plan()
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert list(plan.requirements) == declared
    assert plan.resolve_dependencies
    assert {"app/worker/handler.py", "app/prompts/system.md", "tools/registry.py"} <= set(plan.sources)
    assert not [path for path in plan.sources if "__pycache__" in path or path.endswith(".pyc")]


def test_worker_asset_leaves_out_the_local_tooling_grpc_and_the_runtime_sdk() -> None:
    plan = worker_plan()
    assert not [path for path in plan.sources if path.startswith(("app/fakes/", "app/evals/", "app/reports/chart"))]
    assert not {"app/cli.py", "app/demo.py", "app/triage.py", "app/runbooks/commands.py"} & set(plan.sources)
    assert {"grpcio", "grpcio-status", "boto3", "botocore"} <= plan.removed
    assert plan.compile_all and plan.sourceless


def test_constraints_pin_what_is_installed_here_except_the_project() -> None:
    pins = constraints()
    assert f"pydantic=={metadata.version('pydantic')}" in pins
    assert not [pin for pin in pins if pin.startswith("runbook-aiops==")]


def test_byte_code_is_hash_based_and_unchecked(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    good = tmp_path / "pkg" / "good.py"
    good.write_text("VALUE = 42\n")
    bad = tmp_path / "pkg" / "bad.py"
    bad.write_text("print 'python 2'\n")

    assert compile_tree(tmp_path, [good, bad, tmp_path / "missing.py"]) == 1
    cached = next((tmp_path / "pkg" / "__pycache__").glob("good.*.pyc")).read_bytes()
    assert int.from_bytes(cached[4:8], "little") == 0b01  # hash-based, source not checked
    assert not list((tmp_path / "pkg" / "__pycache__").glob("bad.*"))


def test_measure_counts_file_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.bin").write_bytes(b"x" * 1000)
    (tmp_path / "two.bin").write_bytes(b"y" * 234)

    size = measure(tmp_path)

    assert (size.files, size.bytes) == (2, 1234)
    assert size.megabytes == pytest.approx(0.001234)


def test_installed_reads_the_distributions_of_a_folder(tmp_path: Path) -> None:
    info = tmp_path / "Some_Package-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Some_Package\nVersion: 1.2.3\n")
    assert installed(tmp_path) == {"some-package": "1.2.3"}


def test_sourceless_byte_code_replaces_the_source(tmp_path: Path) -> None:
    module = tmp_path / "lib.py"
    module.write_text("VALUE = 7\n")

    assert compile_tree(tmp_path, [module], sourceless=True) == 1

    assert not module.exists()
    assert (tmp_path / "lib.pyc").is_file()
    assert not (tmp_path / "__pycache__").exists()


def test_byte_code_is_written_by_the_runtime_interpreter(tmp_path: Path) -> None:
    module = tmp_path / "lib.py"
    module.write_text("VALUE = 7\n")
    python = runtime_python()

    assert compile_with(python, tmp_path, [module], sourceless=False) == 1

    assert [path.name for path in (tmp_path / "__pycache__").iterdir()] == [
        f"lib.cpython-{PYTHON_VERSION.replace('.', '')}.pyc"]


def test_removing_a_distribution_deletes_its_files_and_empty_folders(tmp_path: Path) -> None:
    info = tmp_path / "grpcio-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: grpcio\nVersion: 1.0\n")
    (tmp_path / "grpc" / "_cython").mkdir(parents=True)
    (tmp_path / "grpc" / "_cython" / "cygrpc.so").write_bytes(b"\0")
    (tmp_path / "grpc" / "__init__.py").write_text("")
    (info / "RECORD").write_text("grpc/__init__.py,,\ngrpc/_cython/cygrpc.so,,\ngrpcio-1.0.dist-info/METADATA,,\n")
    (tmp_path / "keep.py").write_text("")

    assert remove_distributions(tmp_path, frozenset({"grpcio", "absent"})) == ["grpcio"]

    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.py"]


def test_another_interpreter_writes_byte_code_of_its_own_version(tmp_path: Path) -> None:
    other = shutil.which("python3.11")
    if other is None or Path(other).resolve() == Path(sys.executable).resolve():
        pytest.skip("needs a python3.11 on the PATH besides this interpreter")
    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "mod.py"
    source.write_text("VALUE = 42\n")

    assert compile_tree(tmp_path, [source], byte_compiler(other)) == 1
    assert [path.name for path in (tmp_path / "pkg" / "__pycache__").iterdir()] == ["mod.cpython-311.pyc"]


def test_a_byte_compiler_of_another_version_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "python3.12"
    fake.write_text("#!/bin/sh\necho 3.12\n")
    fake.chmod(0o755)
    with pytest.raises(AssetBuildError, match="is not Python 3.11"):
        byte_compiler(str(fake))
    with pytest.raises(AssetBuildError, match="install Python 3.11 or pass --python"):
        byte_compiler(str(tmp_path / "missing"))


@pytest.mark.parametrize("entry", ["app.worker.handler", "app.executor.handler"])
def test_every_bot_module_a_lambda_imports_is_in_the_worker_asset(entry: str) -> None:
    sources, _ = split_files(import_closure(entry).values())

    assert sources
    assert sorted(sources - set(worker_plan().sources)) == []
