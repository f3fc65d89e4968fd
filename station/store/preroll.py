"""The recorder's pre-roll: frames, strides and events seen before a session starts.

The SessionTracker starts a session at the first of the strides that prove someone is
running, which it only knows a few strides later; the recorder therefore keeps the last
`preroll_s` of items in memory and hands over, at the start, the ones that belong to the
new session: strides from the start time on, frames and events from a little before it
(the first stride's own frames).
"""
from __future__ import annotations

from collections import deque

#: Frames (and events) before the session's start kept with it.
FRAMES_BEFORE_START_S = 2.5


class PreRoll:
    def __init__(self, preroll_s: float) -> None:
        self.preroll_ns = int(preroll_s * 1e9)
        self._frames: deque = deque()
        self._strides: deque = deque()
        self._events: deque = deque()

    def add_frame(self, item: tuple) -> None:
        """`item` as queued by the recorder, without its image (never kept before a start)."""
        self._frames.append(item)
        self._trim(self._frames, item[1])

    def add(self, item: tuple) -> None:
        """A stride or event item; cues before a session are not kept."""
        kind = item[0]
        if kind == "cue":
            return
        pre = self._strides if kind == "stride" else self._events
        pre.append(item)
        self._trim(pre, item[1])

    def take(self, start_ns: int) -> tuple[list[tuple], list[tuple]]:
        """(frames, strides+events) that belong to a session starting at `start_ns`; the
        pre-roll is empty afterwards."""
        early_ns = start_ns - int(FRAMES_BEFORE_START_S * 1e9)
        frames = [it for it in self._frames if it[1] >= early_ns]
        others = [it for it in self._strides if it[1] >= start_ns] + \
                 [it for it in self._events if it[1] >= early_ns]
        for pre in (self._frames, self._strides, self._events):
            pre.clear()
        return frames, others

    def _trim(self, pre: deque, now_ns: int) -> None:
        while pre and pre[0][1] < now_ns - self.preroll_ns:
            pre.popleft()
