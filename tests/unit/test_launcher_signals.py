from __future__ import annotations

import os
import signal

import pytest

from leadflow_local.launcher import Signals, StopRequested


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_termination_and_a_closed_terminal_all_ask_for_a_clean_stop(
    sig: signal.Signals,
) -> None:
    with Signals() as signals:
        assert not signals.received
        os.kill(os.getpid(), sig)
        assert signals.received and not signals.urgent
        with pytest.raises(StopRequested):
            signals.check()
