"""A one-line progress bar on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from station.native_stderr import original_stderr_fd


class ProgressBar:
    def __init__(self, label: str, total: int | None, stream: TextIO | None = None,
                 min_interval_s: float = 0.2) -> None:
        self.label = label
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        if stream is None:
            # fd 2 may be the native-noise filter's pipe; the terminal is behind it.
            self.enabled = os.isatty(original_stderr_fd())
        else:
            self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = time.monotonic()
        self._last = 0.0
        self._min_interval_s = min_interval_s
        self.count = 0

    def update(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self._min_interval_s:
            return
        self._last = now
        rate = self.count / max(now - self._start, 1e-9)
        if self.total:
            frac = min(1.0, self.count / self.total)
            bar = "#" * int(frac * 30)
            text = f"{self.label} [{bar:<30}] {self.count}/{self.total} {rate:5.1f}/s"
        else:
            text = f"{self.label} {self.count} {rate:5.1f}/s"
        self.stream.write("\r" + text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()
