"""Build a Lambda's dependencies on its first invocation and keep them for the container's life."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from app.config import Settings, apply_log_level, load_settings

T = TypeVar("T")


class ColdStart(Generic[T]):
    """Holds what ``build(settings)`` returns, built once, on first use rather than at import time."""

    def __init__(self, build: Callable[[Settings], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: T | None = None

    def get(self) -> T:
        """The built dependencies, building them from the environment's settings the first time."""
        with self._lock:
            if self._built is None:
                settings = load_settings()
                apply_log_level(settings)
                self._built = self._build(settings)
            return self._built
