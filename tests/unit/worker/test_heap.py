"""The cold start's objects are frozen once; later ones stay collectable."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.worker.heap import freeze_cold_start


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_the_first_call_freezes_what_exists_and_the_next_ones_freeze_nothing_more() -> None:
    freeze_cold_start()
    frozen = gc.get_freeze_count()
    later = [[index] for index in range(1000)]  # objects of an investigation

    freeze_cold_start()

    assert frozen > 0
    assert gc.get_freeze_count() == frozen
    assert later[-1] == [999]
