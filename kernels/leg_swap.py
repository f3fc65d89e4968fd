"""Left/right leg-swap repair by continuity.

Side-on, the far leg hides behind the near one and pose models often trade their labels for
a few frames. Each frame the legs' points are compared with where the repaired track
predicts them (last position plus last velocity); when the crossed assignment fits much
better than the given one, the labels are swapped back. Continuity can itself lock onto a
wrong identity, so after `max_swapped_frames` in a row the model's labels are trusted again.

State (3, 2, P, 2): row 0 the last repaired leg points, row 1 the ones before, row 2 [0]
counts consecutive swapped frames. P = 5 points per leg: hip, knee, ankle, heel, toe.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

LEFT_LEG = np.array([23, 25, 27, 29, 31], np.int64)
RIGHT_LEG = np.array([24, 26, 28, 30, 32], np.int64)
N_LEG_POINTS = 5


def new_state() -> np.ndarray:
    return np.full((3, 2, N_LEG_POINTS, 2), np.nan)


@jit
def _cost(xy: np.ndarray, idx: np.ndarray, pred: np.ndarray) -> tuple[float, int]:
    """Sum of distances of the leg points (knee..toe) to a prediction, and how many counted."""
    total = 0.0
    n = 0
    for p in range(1, idx.shape[0]):  # the hips overlap side-on: they decide nothing
        dx = xy[idx[p], 0] - pred[p, 0]
        dy = xy[idx[p], 1] - pred[p, 1]
        d = math.hypot(dx, dy)
        if not math.isnan(d):
            total += d
            n += 1
    return total, n


@jit
def repair_leg_swap(xy: np.ndarray, state: np.ndarray, left_idx: np.ndarray,
                    right_idx: np.ndarray, ratio: float, min_gain_px: float,
                    max_swapped_frames: int) -> bool:
    """Swap the legs of `xy` (33, 2) in place when continuity says so; True if swapped."""
    pred = np.empty((2, left_idx.shape[0], 2))
    have_pred = True
    for leg in range(2):
        for p in range(left_idx.shape[0]):
            for c in range(2):
                last = state[0, leg, p, c]
                before = state[1, leg, p, c]
                if math.isnan(last):
                    pred[leg, p, c] = math.nan
                elif math.isnan(before):
                    pred[leg, p, c] = last
                else:
                    pred[leg, p, c] = 2.0 * last - before
    keep_l, nkl = _cost(xy, left_idx, pred[0])
    keep_r, nkr = _cost(xy, right_idx, pred[1])
    swap_l, nsl = _cost(xy, right_idx, pred[0])
    swap_r, nsr = _cost(xy, left_idx, pred[1])
    if nkl + nkr < 4 or nkl + nkr != nsl + nsr:
        have_pred = False
    keep = keep_l + keep_r
    swap = swap_l + swap_r
    swapped = False
    if have_pred and swap < ratio * keep and keep - swap > min_gain_px \
            and state[2, 0, 0, 0] < max_swapped_frames:
        for p in range(left_idx.shape[0]):
            for c in range(2):
                a = xy[left_idx[p], c]
                xy[left_idx[p], c] = xy[right_idx[p], c]
                xy[right_idx[p], c] = a
        swapped = True
        state[2, 0, 0, 0] += 1.0
    else:
        state[2, 0, 0, 0] = 0.0
    for p in range(left_idx.shape[0]):
        for c in range(2):
            for leg in range(2):
                idx = left_idx[p] if leg == 0 else right_idx[p]
                v = xy[idx, c]
                if not math.isnan(v):
                    state[1, leg, p, c] = state[0, leg, p, c]
                    state[0, leg, p, c] = v
    return swapped


def repair_leg_swap_ref(xy_series: np.ndarray, ratio: float, min_gain_px: float,
                        max_swapped_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference over a series (n, 33, 2): repaired copy and the per-frame swap flags."""
    xy_series = np.array(xy_series, float)
    legs = np.stack([LEFT_LEG, RIGHT_LEG])
    last = np.full((2, N_LEG_POINTS, 2), np.nan)
    before = np.full((2, N_LEG_POINTS, 2), np.nan)
    run = 0
    flags = np.zeros(len(xy_series), bool)
    for i, xy in enumerate(xy_series):
        pred = np.where(np.isnan(before), last, 2 * last - before)
        d_keep = np.hypot(*(xy[legs[:, 1:]] - pred[:, 1:]).transpose(2, 0, 1))
        d_swap = np.hypot(*(xy[legs[::-1, 1:]] - pred[:, 1:]).transpose(2, 0, 1))
        ok_keep, ok_swap = np.isfinite(d_keep), np.isfinite(d_swap)
        keep, swap = d_keep[ok_keep].sum(), d_swap[ok_swap].sum()
        decidable = ok_keep.sum() >= 4 and ok_keep.sum() == ok_swap.sum()
        if decidable and swap < ratio * keep and keep - swap > min_gain_px \
                and run < max_swapped_frames:
            xy[legs[0]], xy[legs[1]] = xy[legs[1]].copy(), xy[legs[0]].copy()
            flags[i] = True
            run += 1
        else:
            run = 0
        cur = xy[legs]
        seen = np.isfinite(cur)
        before = np.where(seen, last, before)
        last = np.where(seen, cur, last)
    return xy_series, flags
