"""Keep native libraries' chatter (mediapipe's glog/absl/TFLite banners, FFmpeg) off stderr.

Those lines go straight to file descriptor 2, so the Python logging module cannot catch
them, and a one-line error from the CLI would drown in them. Two tools:

- `native_stderr_silenced()`: fd 2 goes to /dev/null for a block (opening a video).
- `NoiseFilter`: while a pose model is open, fd 2 is a pipe read by a thread that drops
  the known banner lines and passes everything else through unchanged (a real failure
  still shows). Reference counted: nested users share one filter.
Set STATION_NATIVE_VERBOSE=1 to see everything.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from typing import Iterator

# glog reads these when the library loads: warnings and below stay quiet where honoured.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_NOISE = re.compile(
    rb"^(?:[WI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] .*"          # absl/glog W/I lines
    rb"|INFO: Created TensorFlow Lite .*"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called .*"
    rb"|\[ WARN:\d+@[\d.]+\] global .*)$")

_lock = threading.Lock()
_users = 0
_saved_fd: int | None = None
_thread: threading.Thread | None = None


def _verbose() -> bool:
    return bool(os.environ.get("STATION_NATIVE_VERBOSE"))


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    if _verbose():
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def original_stderr_fd() -> int:
    """The descriptor the user's terminal is on (fd 2 unless the filter is installed)."""
    return _saved_fd if _saved_fd is not None else 2


def _pump(read_fd: int, out_fd: int) -> None:
    pending = b""
    while True:
        try:
            chunk = os.read(read_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        out = b"".join(line + b"\n" for line in lines if not _NOISE.match(line))
        if b"\r" in pending:  # a progress bar redraws its line without a newline
            head, _, pending = pending.rpartition(b"\r")
            out += head + b"\r"
        if out:
            os.write(out_fd, out)
    if pending and not _NOISE.match(pending):
        os.write(out_fd, pending)
    os.close(read_fd)


def filter_acquire() -> None:
    global _users, _saved_fd, _thread
    if _verbose():
        return
    with _lock:
        _users += 1
        if _users > 1:
            return
        sys.stderr.flush()
        _saved_fd = os.dup(2)
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 2)
        os.close(write_fd)
        _thread = threading.Thread(target=_pump, args=(read_fd, _saved_fd),
                                   name="stderr-filter", daemon=True)
        _thread.start()


def filter_release() -> None:
    global _users, _saved_fd, _thread
    if _verbose():
        return
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users > 0:
            return
        sys.stderr.flush()
        os.dup2(_saved_fd, 2)      # closes the pipe's last writer: the pump drains and ends
        if _thread is not None:
            _thread.join(timeout=2.0)
        os.close(_saved_fd)
        _saved_fd, _thread = None, None
