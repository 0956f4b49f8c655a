from __future__ import annotations

import pytest

from leadflow_shared.readiness import Readiness


def test_ready_once_every_condition_is_reported_true_and_not_after_one_goes_false() -> None:
    readiness = Readiness(["relaying", "joined"])
    assert not readiness.ready
    readiness.report("relaying", True)
    assert not readiness.ready
    readiness.report("joined", True)
    assert readiness.ready
    readiness.report("joined", False)
    assert not readiness.ready
    assert readiness.conditions() == {"relaying": True, "joined": False}


def test_an_unknown_condition_is_a_mistake() -> None:
    with pytest.raises(KeyError):
        Readiness(["relaying"]).report("relayed", True)
