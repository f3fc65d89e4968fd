"""`--source synthetic`: the synthetic runner as a camera.

Paced (`realtime=True`, the default for `station run`): frames come out at the clip's
fps on the monotonic clock, each stamped with its due time; a reader that falls behind
gets the newest due frame, as from a camera, and the skipped ones are counted. Unpaced:
frames come out as fast as they are read, stamped with the scenario time, so a run
replays exactly.

Each frame's landmarks and mask stay available from `source.feed` by frame number:
station.pose.synthetic.SyntheticPoseEstimator(source.feed) returns them as the Pose.
"""
from __future__ import annotations

import time
from typing import Callable

from station.contracts import Frame
from station.synth.knobs import KnobSet
from station.synth.live import SyntheticFeed

from hardware.frame_source import FrameSource


class SyntheticFrameSource(FrameSource):
    live = True

    def __init__(self, knobs: KnobSet | None = None, seconds: float = 3600.0, seed: int = 0,
                 realtime: bool = True,
                 clock_ns: Callable[[], int] = time.monotonic_ns,
                 sleep_s: Callable[[float], None] = time.sleep) -> None:
        self.feed = SyntheticFeed(knobs, seconds, seed)
        self.fps = self.feed.fps
        self.size_px = self.feed.size_px
        self.realtime = realtime
        self.live = realtime
        self._clock_ns, self._sleep_s = clock_ns, sleep_s
        self._t0_ns: int | None = None
        self._seq = 0
        self.skipped_frames = 0
        self._closed = False

    def open(self) -> None:
        if self._t0_ns is None:
            self._t0_ns = self._clock_ns()

    @property
    def frame_count(self) -> int | None:
        return self.feed.frame_count

    def _due_ns(self, seq: int) -> int:
        return self._t0_ns + round(seq * 1e9 / self.fps)

    def read(self) -> Frame | None:
        if self._closed:
            return None
        self.open()
        seq = self._seq
        if self.realtime:
            now = self._clock_ns()
            newest_due = int((now - self._t0_ns) * self.fps // 1_000_000_000)
            if newest_due > seq:
                self.skipped_frames += newest_due - seq
                seq = newest_due
            wait_ns = self._due_ns(seq) - now
            if wait_ns > 0:
                self._sleep_s(wait_ns / 1e9)
        f = self.feed.frame(seq)
        if f is None:
            return None
        self._seq = seq + 1
        t_ns = self._due_ns(seq) if self.realtime else f.t_ns
        return Frame(image=f.image, t_ns=t_ns, seq=seq)

    def close(self) -> None:
        self._closed = True
