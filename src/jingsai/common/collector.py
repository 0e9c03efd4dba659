"""Bulk work that makes many small objects without reference cycles (a 100,000-row
import, the results of 100,000 entries) runs with Python's cyclic garbage
collector paused: otherwise the collector walks those objects over and over
(a third of such work's time). Reference counting still frees them."""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
