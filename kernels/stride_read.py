"""Values read at a gait-event instant from the frames around it (per-stride metrics).

A frame falls anywhere relative to an event, so a value at the event is read from the frames
around it, never just the nearest one: `interp_at` (a curve through both sides, for angles
that do not kink there), `approach_value_at` and `stance_value_at` (a line from one side
only), and `contact_value_at` for the shank at initial contact (why: its docstring); and
`peak_value_between`, a peak read off the curve through the top frames, not the largest
noisy frame.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels._linalg import solve_in_place

#: Values at an instant are read only from frames this close to it (dropped frames leave
#: holes; a live station under load drops frames in bursts).
MAX_READ_GAP_S = 0.1


@jit
def _hermite(t: np.ndarray, v: np.ndarray, i: int, w: float) -> float:
    """Cubic Hermite between frames i and i+1 with finite-difference slopes (Catmull-Rom
    on the true frame times); linear when a neighbour is missing. A gait angle bends
    fast around contact, and a straight line between two frames misses the bend."""
    n = t.shape[0]
    a, b = v[i], v[i + 1]
    h = t[i + 1] - t[i]
    if i < 1 or i + 2 >= n or math.isnan(v[i - 1]) or math.isnan(v[i + 2]) \
            or not (t[i + 1] - t[i - 1] > 0.0 and t[i + 2] - t[i] > 0.0):
        return a + w * (b - a)
    m1 = (b - v[i - 1]) / (t[i + 1] - t[i - 1]) * h
    m2 = (v[i + 2] - a) / (t[i + 2] - t[i]) * h
    w2 = w * w
    w3 = w2 * w
    return ((2 * w3 - 3 * w2 + 1) * a + (w3 - 2 * w2 + w) * m1
            + (-2 * w3 + 3 * w2) * b + (w3 - w2) * m2)


@jit
def interp_at(t: np.ndarray, v: np.ndarray, t_event: float, max_gap_s: float) -> float:
    """v at t_event, interpolated between the frames around it (NaN outside, and NaN when
    they are more than `max_gap_s` apart: dropped frames; a limb swings 30 deg in 0.1 s)."""
    n = t.shape[0]
    for i in range(n - 1):
        if t[i] <= t_event <= t[i + 1]:
            span = t[i + 1] - t[i]
            if span > max_gap_s:
                return math.nan
            w = 0.0 if span <= 0.0 else (t_event - t[i]) / span
            a, b = v[i], v[i + 1]
            if math.isnan(a):
                return b if w >= 0.5 else math.nan
            if math.isnan(b):
                return a if w < 0.5 else math.nan
            return _hermite(t, v, i, w)
    return math.nan


@jit
def approach_value_at(t: np.ndarray, v: np.ndarray, t_event: float, max_gap_s: float) -> float:
    """v at initial contact read from the approach: extrapolated from the last two frames at
    or before the contact. Before contact a limb moves smoothly; after it the belt stops the
    foot and angles turn abruptly, so a curve through both sides bends the contact value,
    and a contact detected a fraction of a frame late would read the stopped foot. Only
    over a short reach: after dropped frames a line through two frames far back (a swing
    angle changes ~300 deg/s) would land anywhere."""
    i2 = -1
    for i in range(t.shape[0]):
        if t[i] <= t_event:
            i2 = i
    if i2 < 1 or math.isnan(v[i2]) or math.isnan(v[i2 - 1]) or not t[i2] > t[i2 - 1] \
            or t[i2] - t[i2 - 1] > max_gap_s or t_event - t[i2] > 0.5 * max_gap_s:
        return interp_at(t, v, t_event, max_gap_s)
    slope = (v[i2] - v[i2 - 1]) / (t[i2] - t[i2 - 1])
    return v[i2] + slope * (t_event - t[i2])


@jit
def stance_value_at(t: np.ndarray, v: np.ndarray, t_event: float, max_gap_s: float) -> float:
    """v at contact extrapolated back from the first two frames at or after it: for the
    heel's position, which moves in a straight line with the belt once it is down."""
    i1 = -1
    for i in range(t.shape[0] - 1, -1, -1):
        if t[i] >= t_event:
            i1 = i
    if i1 < 0 or i1 + 1 >= t.shape[0] or math.isnan(v[i1]) or math.isnan(v[i1 + 1]) \
            or not t[i1 + 1] > t[i1] or t[i1 + 1] - t[i1] > max_gap_s \
            or t[i1] - t_event > 0.5 * max_gap_s:
        return interp_at(t, v, t_event, max_gap_s)
    slope = (v[i1 + 1] - v[i1]) / (t[i1 + 1] - t[i1])
    return v[i1] + slope * (t_event - t[i1])


@jit
def contact_value_at(t: np.ndarray, v: np.ndarray, t_event: float, max_gap_s: float) -> float:
    """The shank angle at initial contact: halfway between the last frame at or before the
    contact (i) and the chord from it to the next frame (j), at the contact.

    Why not a line through the last two approach frames (`approach_value_at`): the shank
    turns ~10 deg a frame just before landing at 30 fps, so that line swings by 10-18 deg
    when the detected contact moves by a frame, and a pair that already holds a stance frame
    is carried far past the landing. The angle itself is continuous through contact; only its
    rate jumps, as the belt drives the planted shank back faster than the leg retracted
    before. So the contact value is bracketed: the approach shank is already swinging back,
    so frame i reads at or above it, and the chord i->j cuts under the corner the rate jump
    makes, so it reads at or below it. Their midpoint errs by at most half the bracket, and
    neither end is extrapolated. Measured on the synthetic runner with 2 px jitter (the 8
    scenarios of tests/test_gait_accuracy.py, each at its seed and seeds 11-13, detected
    contacts): per-stride median error 2.3 deg averaged over the 32 runs (the two-frame
    line: 3.3, the chord alone: 2.7, frame i alone: 2.8); median bias within 1.7 deg on
    every run but the good midfoot runner's, whose synthetic shank bends forward in its last
    ~15 ms, against the bracket's premise (-3.2 to -3.8 deg; the two-frame line: -2.3 to
    -3.1). The knee at contact keeps `approach_value_at`: it extends on the approach and
    flexes after, so frame i and the chord both read above it and bracket nothing (this
    reading: +0.0 to +2.5 deg on the same runs, +8 to +11 on the good midfoot runner).
    Frame j missing or across a hole: frame i's value; contact not just after a seen frame
    (a hole, or no frame before): `interp_at`."""
    i = -1
    for k in range(t.shape[0]):
        if t[k] <= t_event:
            i = k
    if i < 0 or math.isnan(v[i]) or t_event - t[i] > 0.5 * max_gap_s:
        return interp_at(t, v, t_event, max_gap_s)
    j = i + 1
    if j >= t.shape[0] or math.isnan(v[j]) or not t[j] > t[i] or t[j] - t[i] > max_gap_s:
        return v[i]
    w = (t_event - t[i]) / (t[j] - t[i])
    return v[i] + 0.5 * w * (v[j] - v[i])


#: peak_value_between: the frames either side of the largest one that the parabola is
#: fitted through.
PEAK_HALF_FRAMES = 2
#: ...and its normal equations are singular below this pivot (x largest diagonal): frames
#: on too few distinct times.
PEAK_SOLVE_REL_TOL = 1e-9


@jit
def peak_value_between(t: np.ndarray, v: np.ndarray, t0: float, t1: float) -> float:
    """The peak of v over t0 <= t <= t1: the vertex of a parabola fitted (least squares)
    through the largest frame and up to PEAK_HALF_FRAMES frames either side of it, when it
    opens downward and its vertex lies within them; else the largest frame. The largest of
    noisy frames sits above the curve's true peak (knee flexion in stance: +1.3..+2.3 deg
    under 2 px of jitter, the vertex -0.2..+0.7). NaN when no frame in the span has v."""
    k = -1
    best = math.nan
    for i in range(t.shape[0]):
        if t0 <= t[i] <= t1 and not math.isnan(v[i]) and (k < 0 or v[i] > best):
            k = i
            best = v[i]
    if k < 0:
        return math.nan
    scale = t1 - t0 if t1 > t0 else 1.0
    # Least-squares normal equations of c0 + c1 d + c2 d^2, d the time from the largest
    # frame in units of the span.
    m = np.zeros((3, 3))
    rhs = np.zeros((3, 1))
    n = 0
    d_lo = math.inf
    d_hi = -math.inf
    for i in range(max(0, k - PEAK_HALF_FRAMES), min(t.shape[0], k + PEAK_HALF_FRAMES + 1)):
        if t0 <= t[i] <= t1 and not math.isnan(v[i]):
            d = (t[i] - t[k]) / scale
            powers = (1.0, d, d * d)
            for a in range(3):
                for b in range(3):
                    m[a, b] += powers[a] * powers[b]
                rhs[a, 0] += powers[a] * v[i]
            n += 1
            d_lo = min(d_lo, d)
            d_hi = max(d_hi, d)
    if n < 4 or not solve_in_place(m, rhs, PEAK_SOLVE_REL_TOL):
        return best
    c0, c1, c2 = rhs[0, 0], rhs[1, 0], rhs[2, 0]
    if not c2 < 0.0:
        return best
    dv = -c1 / (2.0 * c2)
    if not d_lo <= dv <= d_hi:
        return best
    return c0 + c1 * dv + c2 * dv * dv


# ---------------------------------------------------------------------------------------
# NumPy references.

def _interp_ref(t, v, te):
    if not (len(t) >= 2 and t[0] <= te <= t[-1]):
        return np.nan
    i = min(int(np.searchsorted(t, te, side="right")) - 1, len(t) - 2)
    i = max(i, 0)
    # Several frames may share the event time exactly; the kernel takes the first pair.
    while i > 0 and t[i] == te and t[i - 1] <= te:
        i -= 1
    span = t[i + 1] - t[i]
    if span > MAX_READ_GAP_S:
        return np.nan
    w = 0.0 if span <= 0 else (te - t[i]) / span
    a, b = v[i], v[i + 1]
    if np.isnan(a):
        return b if w >= 0.5 else np.nan
    if np.isnan(b):
        return a if w < 0.5 else np.nan
    cubic = 1 <= i and i + 2 < len(t) and np.isfinite(v[i - 1]) and np.isfinite(v[i + 2]) \
        and t[i + 1] > t[i - 1] and t[i + 2] > t[i]
    if not cubic:
        return a + w * (b - a)
    m1 = (b - v[i - 1]) / (t[i + 1] - t[i - 1]) * span
    m2 = (v[i + 2] - a) / (t[i + 2] - t[i]) * span
    basis = np.array([2 * w**3 - 3 * w**2 + 1, w**3 - 2 * w**2 + w, -2 * w**3 + 3 * w**2,
                      w**3 - w**2])
    return float(basis @ np.array([a, m1, b, m2]))


def _approach_ref(t, v, te):
    before = np.nonzero(t <= te)[0]
    if len(before) < 2:
        return _interp_ref(t, v, te)
    i2 = before[-1]
    if np.isnan(v[i2]) or np.isnan(v[i2 - 1]) or not t[i2] > t[i2 - 1] \
            or t[i2] - t[i2 - 1] > MAX_READ_GAP_S or te - t[i2] > 0.5 * MAX_READ_GAP_S:
        return _interp_ref(t, v, te)
    return v[i2] + (v[i2] - v[i2 - 1]) / (t[i2] - t[i2 - 1]) * (te - t[i2])


def _stance_ref(t, v, te):
    after = np.nonzero(t >= te)[0]
    if len(after) < 2:
        return _interp_ref(t, v, te)
    i1 = after[0]
    if np.isnan(v[i1]) or np.isnan(v[i1 + 1]) or not t[i1 + 1] > t[i1] \
            or t[i1 + 1] - t[i1] > MAX_READ_GAP_S or t[i1] - te > 0.5 * MAX_READ_GAP_S:
        return _interp_ref(t, v, te)
    return v[i1] + (v[i1 + 1] - v[i1]) / (t[i1 + 1] - t[i1]) * (te - t[i1])


def _contact_ref(t, v, te):
    before = np.nonzero(t <= te)[0]
    if len(before) == 0:
        return _interp_ref(t, v, te)
    i = before[-1]
    if np.isnan(v[i]) or te - t[i] > 0.5 * MAX_READ_GAP_S:
        return _interp_ref(t, v, te)
    j = i + 1
    if j >= len(t) or np.isnan(v[j]) or not t[j] > t[i] or t[j] - t[i] > MAX_READ_GAP_S:
        return float(v[i])
    return float(v[i] + 0.5 * (te - t[i]) / (t[j] - t[i]) * (v[j] - v[i]))


def _peak_ref(t, v, t0, t1):
    inside = np.flatnonzero((t >= t0) & (t <= t1) & ~np.isnan(v))
    if inside.size == 0:
        return np.nan
    k = int(inside[np.argmax(v[inside])])      # the first of equal largest values
    best = float(v[k])
    near = np.arange(max(0, k - PEAK_HALF_FRAMES), min(len(t), k + PEAK_HALF_FRAMES + 1))
    near = near[(t[near] >= t0) & (t[near] <= t1) & ~np.isnan(v[near])]
    if near.size < 4:
        return best
    d = (t[near] - t[k]) / (t1 - t0 if t1 > t0 else 1.0)
    a = np.stack([np.ones_like(d), d, d * d], 1)
    if np.linalg.matrix_rank(a) < 3:
        return best
    c0, c1, c2 = np.linalg.lstsq(a, v[near], rcond=None)[0]
    if not c2 < 0:
        return best
    dv = -c1 / (2 * c2)
    if not d.min() <= dv <= d.max():
        return best
    return float(c0 + c1 * dv + c2 * dv * dv)
