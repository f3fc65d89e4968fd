"""The one decorator every kernel uses, and where their compiled code is cached.

cache=True: compiled machine code is stored so a station starts in well under a second
after the first run. nogil=True: the live loop's capture and recorder threads keep running
while a kernel works. No fastmath: it assumes no NaNs, and NaN is how an unmeasurable value
travels through every kernel here. error_model="numpy": a division by zero gives inf/NaN as
in NumPy instead of raising.

Numba checks a cached function only against its own source file: a kernel that calls a
jitted helper from another module keeps running the OLD helper after that module changes.
So the cache lives in a folder named after a hash of every kernel source file, and any
change to kernels/ starts a fresh cache (NUMBA_CACHE_DIR, or kernels/__pycache__, is the
parent).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba
from numba.core import config as _numba_config


def _kernels_source_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> str:
    base = os.environ.get("NUMBA_CACHE_DIR") or str(Path(__file__).parent / "__pycache__")
    return os.path.join(base, f"kernels-{_kernels_source_hash()}")


_numba_config.CACHE_DIR = _cache_dir()

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
