"""Local state files readable by their owner only (pure standard library: the ingress imports this)."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def private_file(path: Path) -> Path:
    """Create ``path`` (and its folder) readable and writable by the owner only; an existing file is narrowed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE)
    os.close(descriptor)
    path.chmod(PRIVATE)
    return path
