"""Fewer glibc malloc arenas for the live station.

glibc gives each thread that allocates its own arena (up to 8 per core), and memory freed
in one arena is not reused by another. The live loop's capture and processing threads,
MediaPipe's workers and the stderr filter each hold one, with the frames and masks that
pass between them freed in a different arena than the one they came from: peak RSS of
`station demo --real-pose` 443 MB with glibc's default, 410 MB with MALLOC_ARENA_MAX=2
(this machine, 2 cores, 20 s; same pose CPU time per frame within noise). One arena, all
threads in the main one: 393.5-395.1 MB against 400.6-404.3 with two, four runs
alternated (session 7), with the same frame rate and pose time (p50 20.5-21.9 ms against
21.2-21.3) and no worse capture->cue latency (p95 30.9-36.6 ms against 40.5-42.5): the
threads seldom allocate at the same moment (the frame, its mask and the pose pass
between them one at a time).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

#: mallopt's parameter number for the arena limit (glibc malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8
LIVE_ARENAS = 1


def limit_malloc_arenas(arenas: int = LIVE_ARENAS) -> bool:
    """Cap glibc's malloc arenas (call before the threads start: a thread that already
    has an arena keeps it). True when set; False off glibc or when refused (an explicit
    MALLOC_ARENA_MAX in the environment is left as it is)."""
    if not sys.platform.startswith("linux"):
        return False
    import os
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False        # not glibc (musl has no arenas to cap)
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_ARENA_MAX, int(arenas)) == 1
    if not ok:
        log.debug("mallopt(M_ARENA_MAX, %d) refused", arenas)
    return ok
