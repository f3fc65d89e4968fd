"""The session's px -> cm scale, and which evidence it came from (METRICS.md "Scale").

Order of preference, and why it differs from METRICS.md's list: a belt speed the user
gives is a direct measurement on a treadmill (stance foot speed in px/s over belt speed in
cm/s), so it comes first; then the runner's height given by the user; then a default
height. Heights become a scale through the straight-leg hip->ankle length, 0.49 x stature
(Winter's anthropometric table: hip joint 0.53, ankle 0.039), taken as the 95th
percentile of the leg length seen (the leg is straightest near contact).
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np

from kernels.frame_features import F_FOOT_FORWARD_PX

DEFAULT_HEIGHT_CM = 170.0
LEG_TO_HEIGHT = 0.49


def _percentile_95(a: np.ndarray) -> float:
    """np.percentile(a, 95) ('linear'), by partition: np.percentile costs ~100 us on
    3000 values with numpy 1.x, this ~12 us, and it runs at every stride."""
    h = (len(a) - 1) * 0.95
    lo = int(h)
    hi = min(lo + 1, len(a) - 1)
    part = np.partition(a, [lo, hi])
    return float(part[lo] + (h - lo) * (part[hi] - part[lo]))


class SessionScale:
    def __init__(self, height_cm: float | None, belt_kmh: float | None) -> None:
        self.height_cm = height_cm
        self.belt_cm_s = None if belt_kmh is None else belt_kmh / 3.6 * 100.0
        # A NumPy ring, not a deque: the percentile is taken at every stride, and
        # converting 3000 Python floats cost ~150 us each time.
        self._legs = np.empty(3000)
        self._n_legs = 0
        self._belt_px_s: deque = deque(maxlen=64)

    @property
    def source(self) -> str:
        if self.belt_cm_s is not None and self._belt_px_s:
            return "belt_speed"
        return "runner_height" if self.height_cm is not None else "default_height"

    @property
    def px_per_cm(self) -> float:
        if self.belt_cm_s is not None and self._belt_px_s:
            return float(np.median(self._belt_px_s)) / self.belt_cm_s
        if not self._n_legs:
            return math.nan
        height = self.height_cm if self.height_cm is not None else DEFAULT_HEIGHT_CM
        legs = self._legs[:min(self._n_legs, len(self._legs))]
        return _percentile_95(legs) / (LEG_TO_HEIGHT * height)

    def observe_leg_length(self, leg_px: float) -> None:
        self._legs[self._n_legs % len(self._legs)] = leg_px
        self._n_legs += 1

    def observe_stance(self, t: np.ndarray, V: np.ndarray, foot: int, c0: float,
                       toe_off: float) -> None:
        """Belt speed in px/s: the foot's backward speed while it lies flat (the middle of
        stance, before the heel rises)."""
        if self.belt_cm_s is None:
            return
        tc = toe_off - c0
        sel = (t >= c0 + 0.2 * tc) & (t <= c0 + 0.5 * tc)
        x = V[sel, F_FOOT_FORWARD_PX + foot]
        ok = np.isfinite(x)
        if ok.sum() >= 3:
            slope = np.polyfit(t[sel][ok], x[ok], 1)[0]
            if slope < 0:
                self._belt_px_s.append(-slope)

    def describe(self) -> dict:
        return {"px_per_cm": None if math.isnan(self.px_per_cm) else round(self.px_per_cm, 4),
                "source": self.source}
