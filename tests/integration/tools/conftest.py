"""Tool tests talk to local fakes and moto only: any attempt to resolve another host fails the test."""

import pytest


@pytest.fixture(autouse=True)
def _loopback(loopback_only: list[str]) -> None:
    """Every test here runs under ``loopback_only``."""
