"""A fixed-size ring of per-frame rows (time + values): constant work per frame."""
from __future__ import annotations

import math

import numpy as np


class FrameRing:
    def __init__(self, capacity: int, n_columns: int) -> None:
        self.capacity = int(capacity)
        self.t_s = np.full(self.capacity, np.nan)
        self.values = np.full((self.capacity, n_columns), np.nan)
        self._next = 0
        self.count = 0

    def push(self, t_s: float, row: np.ndarray) -> None:
        i = self._next
        self.t_s[i] = t_s
        self.values[i] = row
        self._next = (i + 1) % self.capacity
        self.count = min(self.count + 1, self.capacity)

    def clear(self) -> None:
        self.t_s[:] = np.nan
        self._next = 0
        self.count = 0

    def window(self, t0_s: float, t1_s: float, pad_frames: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Rows with t0 <= t <= t1 plus `pad_frames` on each side, oldest first (copies)."""
        start = (self._next - self.count) % self.capacity
        order = (start + np.arange(self.count)) % self.capacity
        t = self.t_s[order]
        lo = int(np.searchsorted(t, t0_s, side="left")) - pad_frames
        hi = int(np.searchsorted(t, t1_s, side="right")) + pad_frames
        sel = order[max(lo, 0):min(hi, self.count)]
        return self.t_s[sel].copy(), self.values[sel].copy()

    @property
    def oldest_t_s(self) -> float:
        if self.count == 0:
            return math.nan
        return float(self.t_s[(self._next - self.count) % self.capacity])
