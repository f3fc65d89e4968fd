"""The one decorator every kernel uses.

cache=True: compiled machine code is stored (NUMBA_CACHE_DIR or __pycache__) so a station
starts in well under a second after the first run. nogil=True: the live loop's capture and
recorder threads keep running while a kernel works. No fastmath: it assumes no NaNs, and
NaN is how an unmeasurable value travels through every kernel here. error_model="numpy":
a division by zero gives inf/NaN as in NumPy instead of raising.
"""
from __future__ import annotations

import numba

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
