"""Garbage collection paced by a batch's rows rather than by allocation counts.

CPython's cyclic collector runs whenever enough container objects were allocated since its
last run. A batch evaluation allocates lists and tuples for every row read, and holds a
chunk's rows while it works on them, so the collector would run hundreds of times per chunk
and keep walking the same live rows, finding nothing: the engine frees its rows by reference
counting and creates no reference cycles on the hot path (tests/test_batch_io.py checks
that). Within `paced_collection`, the objects that exist at the start (rules, calendars,
imported modules) are set aside (`gc.freeze`), automatic collection is off, and a full
collection runs once per `every` rows instead, so a cycle created anyway is still freed
and memory stays flat.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ROWS_PER_COLLECTION = 100_000


@contextmanager
def paced_collection(every: int = ROWS_PER_COLLECTION) -> Iterator[Callable[[int], None]]:
    """Yields `done(rows)`: tell it the rows handled so far; it collects every `every` rows.
    On leaving, automatic collection is as it was before."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    next_collection = every

    def done(rows: int) -> None:
        nonlocal next_collection
        if rows >= next_collection:
            gc.collect()
            next_collection = rows + every

    try:
        yield done
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
