"""Benchmark (not a test): the Lambda assets' sizes, unzipped and zipped, against their targets.

Run with ``make bench`` (``python -m bench.assets``). Builds the Linux arm64 assets with pip (reused when nothing
changed), then sums the file sizes in each folder (what Lambda's 250 MB unzipped limit counts) and zips each
folder with deflate, as the deployment package would be.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from infra.assets import LAMBDA_PLATFORM, build_all, measure

TARGETS_MB = {"ingress": 20, "worker": 100}
BYTE_CODE_TARGETS = {"ingress": 0.0, "worker": 0.9}  # the ingress compiles the modules its handler imports


def byte_code_share(folder: Path) -> float:
    """Share of the folder's modules that Python can load from byte code (sourceless or cached beside the source)."""
    sources = {path.with_suffix("") for path in folder.rglob("*.py") if "__pycache__" not in path.parts}
    sourceless = {path.with_suffix("") for path in folder.rglob("*.pyc") if "__pycache__" not in path.parts}
    cached = {path.parent.parent / path.name.split(".")[0] for path in folder.rglob("__pycache__/*.pyc")}
    modules = sources | sourceless
    return len((sourceless | cached) & modules) / max(len(modules), 1)


def zipped_bytes(folder: Path) -> int:
    """Size of the folder as a deflate zip."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "asset.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    bundle.write(path, path.relative_to(folder).as_posix())
        return archive.stat().st_size


def main() -> None:
    folders = build_all(platform=LAMBDA_PLATFORM)
    rows = [("asset", "unzipped", "zipped", "files", "byte code", "target (unzipped)", "ok")]
    summary = {}
    for name, folder in folders.items():
        size = measure(folder)
        zipped = zipped_bytes(folder) / 1_000_000
        share = byte_code_share(folder)
        fits = size.megabytes <= TARGETS_MB[name] and share >= BYTE_CODE_TARGETS[name]
        rows.append((name, f"{size.megabytes:.1f} MB", f"{zipped:.1f} MB", str(size.files), f"{share:.0%}",
                     f"<= {TARGETS_MB[name]} MB", "yes" if fits else "NO"))
        summary[f"{name}_byte_code_share"] = round(share, 3)
        summary[f"{name}_unzipped_mb"] = round(size.megabytes, 1)
        summary[f"{name}_zipped_mb"] = round(zipped, 1)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"Lambda assets ({LAMBDA_PLATFORM}, python -m infra.assets build)")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
