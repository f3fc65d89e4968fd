"""Is this person walking or running? Evidence from the legs alone, no event detector.

A gait swaps the feet: the vector from the right ankle to the left ankle changes sign
every step — along x when seen side-on, along y (the swing foot is higher) when seen from
the front or back. Standing, jumping with the feet together and jumping jacks keep one
sign. Each swap is counted with hysteresis (the separation must pass `±swap_trunks` trunk
lengths) and must hold for HOLD_S, so model jitter and one-frame label flips do not count.
Seen from the front, a man jumping on a box still collects a swap or two in 3 s from the
model's jitter; that is why FirstPersonCheck also asks for a side view.
"""
from __future__ import annotations

import warnings

import numpy as np

from station.contracts import LM
from station.view import decide_view

#: Ankle separation (trunk lengths) a step must pass on each side to count as a swap.
SWAP_TRUNKS = 0.3
#: Seconds the feet must stay swapped for a swap to count (a running step lasts ~0.33 s).
HOLD_S = 0.1
#: Seconds of presence needed before the legs can say anything.
MIN_JUDGE_S = 1.5
#: Swaps in the first 3 s that make the first person a walker or runner (a slow walk
#: gives 3; kept low so a walker alone is never searched for among others).
MIN_SWAPS_FIRST = 2

_L_FOOT = [LM["left_ankle"], LM["left_heel"], LM["left_foot_index"]]
_R_FOOT = [LM["right_ankle"], LM["right_heel"], LM["right_foot_index"]]


def trunk_length_px(xy: np.ndarray) -> np.ndarray:
    """Shoulder-mid to hip-mid distance per frame (N,), NaN where unseen."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pairs: not seen
        sh = np.nanmean(xy[:, [LM["left_shoulder"], LM["right_shoulder"]]], axis=1)
        hip = np.nanmean(xy[:, [LM["left_hip"], LM["right_hip"]]], axis=1)
    return np.linalg.norm(sh - hip, axis=1)


def hip_centre_px(xy: np.ndarray) -> np.ndarray:
    """Mid-hip per frame (N, 2), NaN where unseen."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(xy[:, [LM["left_hip"], LM["right_hip"]]], axis=1)


def _foot_px(xy: np.ndarray, idx: list[int]) -> np.ndarray:
    # The ankle, else the heel, else the toes: whichever the model saw.
    out = xy[:, idx[0]].copy()
    for j in idx[1:]:
        miss = ~np.isfinite(out[:, 0])
        out[miss] = xy[miss, j]
    return out


def count_swaps(values: np.ndarray, t_ns: np.ndarray, threshold: float,
                hold_s: float = HOLD_S) -> int:
    """Sign changes of `values` past ±threshold that then hold for `hold_s` (NaN and
    samples inside ±threshold are skipped): a one-frame flip of a landmark is not a step."""
    state = 0
    pending = 0
    pending_since = 0
    swaps = 0
    hold_ns = int(hold_s * 1e9)
    for v, t in zip(values, t_ns):
        if v > threshold:
            s = 1
        elif v < -threshold:
            s = -1
        else:
            continue
        if state == 0:
            state = s
        elif s == state:
            pending = 0
        elif pending != s:
            pending, pending_since = s, int(t)
        elif int(t) - pending_since >= hold_ns:
            swaps += 1
            state, pending = s, 0
    return swaps


def leg_swaps(xy: np.ndarray, t_ns: np.ndarray, swap_trunks: float = SWAP_TRUNKS) -> int:
    """Feet swaps in frames `xy` (N, 33, 2) at times `t_ns`: the larger count of the
    x and y axes."""
    if len(xy) < 2:
        return 0
    trunk = trunk_length_px(xy)
    trunk = trunk[np.isfinite(trunk) & (trunk > 1.0)]
    if trunk.size == 0:
        return 0
    sep = (_foot_px(xy, _L_FOOT) - _foot_px(xy, _R_FOOT)) / float(np.median(trunk))
    return max(count_swaps(sep[:, 0], t_ns, swap_trunks), count_swaps(sep[:, 1], t_ns, swap_trunks))


class FirstPersonCheck:
    """Is the first person found a side-on walker or runner? Fed poses in time order,
    `push` returns None until the first `judge_s` seconds with a person are in, then the
    verdict (True also when the person was seen too briefly to tell: no evidence against)."""

    def __init__(self, judge_s: float = 3.0, min_swaps: int = MIN_SWAPS_FIRST) -> None:
        self.judge_ns = int(judge_s * 1e9)
        self.min_swaps = min_swaps
        self._xy: list[np.ndarray] = []
        self._t: list[int] = []
        self._t0: int | None = None
        self.verdict: bool | None = None
        self.view = "unknown"
        self.swaps = 0

    def push(self, xy: np.ndarray, t_ns: int) -> bool | None:
        if self.verdict is not None:
            return self.verdict
        if self._t0 is None:
            if not np.isfinite(xy[:, 0]).any():
                return None
            self._t0 = t_ns
        self._xy.append(xy)
        self._t.append(t_ns)
        if t_ns - self._t0 >= self.judge_ns:
            self._judge()
        return self.verdict

    def finish(self) -> bool:
        """Verdict at the end of the clip (True when too little was seen)."""
        if self.verdict is None:
            if self._t and (self._t[-1] - self._t[0]) / 1e9 >= MIN_JUDGE_S:
                self._judge()
            else:
                self.verdict = True
        return self.verdict

    def _judge(self) -> None:
        xy = np.array(self._xy, np.float64)
        t = np.array(self._t, np.int64)
        self.view = decide_view(xy, t, None, self.judge_ns / 1e9).view
        self.swaps = leg_swaps(xy, t)
        self.verdict = self.view == "side" and self.swaps >= self.min_swaps
        self._xy, self._t = [], []
