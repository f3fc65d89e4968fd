"""Play a finite source at its own pace, as a camera would deliver it (`run --realtime`).

Frames come out when their time (relative to the first frame) is due on the monotonic
clock; when the consumer is slower, the live loop's mailbox drops the stale ones, exactly
as with a camera. Frames are re-stamped with their due time on the monotonic clock.
"""
from __future__ import annotations

import time
from typing import Callable

from hardware.frame_source import FrameSource
from station.contracts import Frame


class PacedSource(FrameSource):
    live = True

    def __init__(self, inner: FrameSource, clock_ns: Callable[[], int] = time.monotonic_ns,
                 sleep_s: Callable[[float], None] = time.sleep) -> None:
        self.inner = inner
        self.fps = inner.fps
        self.size_px = inner.size_px
        self._clock_ns, self._sleep_s = clock_ns, sleep_s
        self._start_ns: int | None = None
        self._first_t_ns: int | None = None

    def open(self) -> None:
        self.inner.open()

    @property
    def frame_count(self) -> int | None:
        return self.inner.frame_count

    def read(self) -> Frame | None:
        frame = self.inner.read()
        if frame is None:
            return None
        if self._start_ns is None:
            self._start_ns, self._first_t_ns = self._clock_ns(), frame.t_ns
        due = self._start_ns + (frame.t_ns - self._first_t_ns)
        wait_ns = due - self._clock_ns()
        if wait_ns > 0:
            self._sleep_s(wait_ns / 1e9)
        return Frame(frame.image, due, frame.seq)

    def close(self) -> None:
        self.inner.close()
