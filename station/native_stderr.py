"""Silence native libraries (mediapipe glog/absl/TFLite, FFmpeg) while they start up.

Those lines go straight to file descriptor 2, so the Python logging module cannot catch
them; a one-line error from the CLI would drown in them. Only start-up is silenced:
anything printed later (a real failure) still shows.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

# glog reads this when the library loads: warnings and below stay quiet.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    if os.environ.get("STATION_POSE_VERBOSE"):
        yield
        return
    # Native code writes to descriptor 2 whatever Python's sys.stderr is.
    fd = 2
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
