"""A service process's collector: what exists is frozen, and gen 0 runs less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from leadflow_shared.service.gc_tuning import THRESHOLDS, tune_gc


@pytest.fixture
def restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restored")
def test_tuning_freezes_what_exists_and_raises_the_thresholds() -> None:
    tune_gc()
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0
