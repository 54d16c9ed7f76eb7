"""Pausing Python's cyclic garbage collector while a large, acyclic structure is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large, acyclic structure is built (a
    shortlist of thousands of leaders, a report over tens of thousands of agreements):
    refcounting still frees everything, and the collector no longer scans — and promotes to its
    oldest generation — the objects alive half-way, whose full collections of the whole process
    made one call in twenty several times slower. The collector runs again afterwards as usual
    (if it was running)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
