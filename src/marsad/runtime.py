"""Process settings for long batch runs (the CLI and batch workers call this; the library
itself never changes process-wide state)."""

from __future__ import annotations

import gc

#: allocations between young collections (CPython's default is 700), and how many young
#: collections make an older one (default 10)
GC_THRESHOLDS = (10_000, 20, 20)


def tune_gc_for_batch() -> None:
    """Call once the pipeline is loaded, before analysing many articles: its dictionaries
    and models move to the permanent generation (``gc.freeze``) and collections run less
    often. The pipeline's caches hold many long-lived objects; walking them again and
    again cost about 4% of an ``analyze`` run (0.9 s of GC on 2,000 ANT articles, 0.2 s
    after this)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
