"""What the live gauges show: each metric's median over the last few strides.

One stride can read badly (a contact found late after a burst of dropped frames, a leg the
pose model lost for a moment): shown alone it flashes a number like 116 deg on the screen.
The cue engine already decides on most of the last 4 strides; the gauges use the same
window, so what the runner reads agrees with what they are told.
"""
from __future__ import annotations

import math
import statistics
from collections import deque


class RecentStrides:
    def __init__(self, n_strides: int = 4) -> None:
        self._values: deque[dict[str, float]] = deque(maxlen=n_strides)

    def clear(self) -> None:
        self._values.clear()

    def add(self, values: dict[str, float]) -> None:
        self._values.append(dict(values))

    def medians(self) -> dict[str, float]:
        names = dict.fromkeys(name for v in self._values for name in v)
        out = {}
        for name in names:
            seen = [x for v in self._values if (x := v.get(name, math.nan)) == x]  # not NaN
            out[name] = statistics.median(seen) if seen else math.nan
        return out
