"""The garbage collector of a service process, tuned for many short-lived objects.

A request or a batch allocates thousands of small objects (parsed JSON, models, rows) that
reference counting frees at once; CPython's cycle collector still runs a generation-0 pass
every 700 allocations net of frees, and its older generations walk everything the process
imported. Both are wasted work here: gen 0 runs every 50,000 allocations instead, and what
exists once the process is set up (modules, the app, the pools) is frozen out of every pass.
Measured on capture's intake (`make bench`'s closed loop, 256 connections, side by side):
12% less CPU a request in the API process, 8% more leads a second.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Freeze what exists now out of the collector's passes, and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
