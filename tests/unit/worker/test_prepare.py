"""Prepared: a value built in a thread from the cold start, waited for on first use, its error kept."""

from __future__ import annotations

import threading

import pytest

from app.config import ConfigError
from app.worker.prepare import Prepared


def test_get_waits_for_the_build_and_returns_the_same_value_each_time() -> None:
    release = threading.Event()
    calls: list[int] = []

    def build() -> list[str]:
        release.wait(5)
        calls.append(1)
        return ["built"]

    prepared = Prepared(build, "tools")
    release.set()

    first, second = prepared.get(), prepared.get()

    assert first == ["built"]
    assert first is second
    assert calls == [1]


def test_the_build_starts_at_once_in_another_thread() -> None:
    started = threading.Event()
    names: list[str] = []

    def build() -> None:
        names.append(threading.current_thread().name)
        started.set()

    Prepared(build, "tools")

    assert started.wait(5)
    assert names == ["prepare-tools"]


def test_a_failed_build_raises_its_error_and_the_next_get_builds_again() -> None:
    attempts: list[int] = []

    def build() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConfigError("secret 'x' could not be read: timed out")
        return "built"

    prepared = Prepared(build, "tools")

    with pytest.raises(ConfigError, match="secret 'x' could not be read"):
        prepared.get()
    assert prepared.get() == "built"
    assert prepared.get() == "built"
    assert len(attempts) == 2


def test_a_build_that_keeps_failing_fails_every_get_with_its_error() -> None:
    prepared: Prepared[None] = Prepared(lambda: (_ for _ in ()).throw(ConfigError("secret 'x' not found")), "tools")

    for _ in range(3):
        with pytest.raises(ConfigError, match="secret 'x' not found"):
            prepared.get()
