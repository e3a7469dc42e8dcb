"""Hand memory freed after training back to the operating system, so a worker does not keep training's high-water mark.

Training the classifier builds every character and word n-gram of the training texts before it keeps the frequent
ones, and scikit-learn's intermediate matrices come and go: glibc keeps most of that freed heap mapped, so a worker
that trained its model at start-up would stay about 100 MB larger than one that loaded it from the cache. glibc's
malloc_trim(0) returns the free pages; elsewhere (another C library, another OS) nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def release_freed_memory() -> bool:
    """Collect garbage and give freed heap pages back to the OS; True when glibc's malloc_trim ran."""
    gc.collect()
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


__all__ = ["release_freed_memory"]
