"""Vertical oscillation of one step: the hips' height range from a periodic fit, not from the
two most extreme frames.

Why (measured on the synthetic runner, tests/test_gait_accuracy.py): max - min of the
frames is an extreme-value statistic, so landmark jitter always widens it. With 2 px of
jitter (1.4 px on the hip midpoint) it read +0.4 to +0.9 cm at 30 fps and +0.9 to +1.3 cm at
60 fps (more frames, more chances for an outlier; the issue allows 1 cm), and without
jitter it missed the true peak between frames (-0.2 cm at 30 fps). The hips rise and fall
once per step, so their height over the step is a periodic curve with the step's period:
a least-squares fit of its first N_HARMONICS harmonics (enough for the asymmetric stance
dip and flight crest) averages the jitter over all the frames, and the curve's own range
is the oscillation (clean input: within 0.25 cm; noisy: -0.05 .. +0.5 cm, median).
The fit runs over the step and BOUNCE_PAD_STEPS of the next one (more frames against
jitter; the two steps of a stride bounce alike). Too few frames, or a hole in them of
more than MAX_GAP_STEPS of the period (dropped frames: the curve would be free there):
max - min of the step's frames, as before.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels._linalg import solve_in_place

N_HARMONICS = 3
BOUNCE_PAD_STEPS = 0.5
MAX_GAP_STEPS = 0.25
RANGE_GRID = 120        # phases at which the fitted curve's range is read
SOLVE_REL_TOL = 1e-12   # normal equations singular below this pivot (x largest diagonal)


@jit
def _range_of_frames(t: np.ndarray, y: np.ndarray, t0: float, t1: float) -> float:
    hi = math.nan
    lo = math.nan
    for i in range(t.shape[0]):
        if t0 <= t[i] <= t1 and not math.isnan(y[i]):
            if math.isnan(hi) or y[i] > hi:
                hi = y[i]
            if math.isnan(lo) or y[i] < lo:
                lo = y[i]
    return hi - lo


@jit
def step_bounce_px(t: np.ndarray, y: np.ndarray, c0: float, c1: float, n_harmonics: int,
                   pad_steps: float, max_gap_steps: float) -> float:
    """Range (max - min) of the hips' height y over the step c0..c1 (module doc)."""
    period = c1 - c0
    if not period > 0.0:
        return math.nan
    t_end = c1 + pad_steps * period
    n_par = 1 + 2 * n_harmonics
    ata = np.zeros((n_par, n_par))
    aty = np.zeros((n_par, 1))
    row = np.empty(n_par)
    n = 0
    t_prev = c0
    gap = 0.0
    for i in range(t.shape[0]):
        if not (c0 <= t[i] <= t_end) or math.isnan(y[i]):
            continue
        gap = max(gap, t[i] - t_prev)
        t_prev = t[i]
        w = 2.0 * math.pi * (t[i] - c0) / period
        row[0] = 1.0
        for h in range(n_harmonics):
            row[1 + 2 * h] = math.cos((h + 1) * w)
            row[2 + 2 * h] = math.sin((h + 1) * w)
        for r in range(n_par):
            aty[r, 0] += row[r] * y[i]
            for c in range(n_par):
                ata[r, c] += row[r] * row[c]
        n += 1
    gap = max(gap, t_end - t_prev)
    if n < n_par + 2 or gap > max_gap_steps * period or \
            not solve_in_place(ata, aty, SOLVE_REL_TOL):
        return _range_of_frames(t, y, c0, c1)
    return _grid_range(aty[:, 0], n_harmonics)


@jit
def _grid_value(coef: np.ndarray, n_harmonics: int, g: int) -> float:
    """The fitted curve at grid phase g."""
    w = 2.0 * math.pi * g / RANGE_GRID
    v = coef[0]
    for h in range(n_harmonics):
        v += coef[1 + 2 * h] * math.cos((h + 1) * w) + coef[2 + 2 * h] * math.sin((h + 1) * w)
    return v


@jit
def _grid_range(coef: np.ndarray, n_harmonics: int) -> float:
    """max - min of the fitted curve over the RANGE_GRID phases, as _grid_value reads them.

    Reading every phase costs 2 n_harmonics cosines and sines each (720 at 3 harmonics,
    most of the kernel's time). The curve is first swept with rotations (two products per
    harmonic and phase, off by ~1e-15 of the amplitude); only the phases within a margin
    far above that of the sweep's max and min are then read exactly, so the range is the
    one every phase read exactly gives, to the bit."""
    amp = abs(coef[0])
    for k in range(1, 1 + 2 * n_harmonics):
        amp += abs(coef[k])
    margin = 1e-9 * amp
    step = 2.0 * math.pi / RANGE_GRID
    c_step = math.cos(step)
    s_step = math.sin(step)
    c1 = 1.0                  # cos and sin of the phase, rotated on step by step
    s1 = 0.0
    approx = np.empty(RANGE_GRID)
    a_hi = -math.inf
    a_lo = math.inf
    for g in range(RANGE_GRID):
        v = coef[0]
        ch = 1.0              # cos and sin of (h + 1) x the phase, by angle addition
        sh = 0.0
        for h in range(n_harmonics):
            ch, sh = ch * c1 - sh * s1, sh * c1 + ch * s1
            v += coef[1 + 2 * h] * ch + coef[2 + 2 * h] * sh
        approx[g] = v
        a_hi = max(a_hi, v)
        a_lo = min(a_lo, v)
        c1, s1 = c1 * c_step - s1 * s_step, s1 * c_step + c1 * s_step
    read_all = not (math.isfinite(a_hi) and math.isfinite(a_lo) and math.isfinite(margin))
    hi = -math.inf
    lo = math.inf
    for g in range(RANGE_GRID):
        if read_all or approx[g] >= a_hi - margin or approx[g] <= a_lo + margin:
            v = _grid_value(coef, n_harmonics, g)
            hi = max(hi, v)
            lo = min(lo, v)
    return hi - lo


# ---------------------------------------------------------------------------------------
# NumPy reference.

def step_bounce_px_ref(t, y, c0, c1, n_harmonics, pad_steps, max_gap_steps) -> float:
    period = c1 - c0
    if not period > 0:
        return np.nan
    t_end = c1 + pad_steps * period
    use = (t >= c0) & (t <= t_end) & ~np.isnan(y)
    tt, yy = t[use], y[use]
    n_par = 1 + 2 * n_harmonics
    edges = np.concatenate([[c0], tt, [t_end]])

    def frames_range():
        x = y[(t >= c0) & (t <= c1) & ~np.isnan(y)]
        return float(x.max() - x.min()) if x.size else np.nan

    if len(tt) < n_par + 2 or np.max(np.diff(edges)) > max_gap_steps * period:
        return frames_range()

    def basis(w):
        cols = [np.ones_like(w)]
        for h in range(1, n_harmonics + 1):
            cols += [np.cos(h * w), np.sin(h * w)]
        return np.column_stack(cols)

    a = basis(2 * np.pi * (tt - c0) / period)
    coef, _, rank, _ = np.linalg.lstsq(a, yy, rcond=None)
    if rank < n_par:
        return frames_range()
    curve = basis(2 * np.pi * np.arange(RANGE_GRID) / RANGE_GRID) @ coef
    return float(curve.max() - curve.min())
