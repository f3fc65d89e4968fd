"""Reference (plain Python) of the gait-event tracks' remap: which input each foot track
takes this frame (see event_params' `remap`; the kernel's is in kernels/gait_events.py).
"""
from __future__ import annotations

import math

import numpy as np

from kernels.gait_events_state import (PR_LIFT_U_FRAC, PR_MAX_GAP_S, PR_TOL_U_FRAC,
                                       PR_TOL_Y_FRAC)

HEEL, TOE = 0, 1


def _fits(foot: _Foot, pts: list, t: float, tol_u: float, tol_y: float) -> int:
    """1: a point of the input sits on the foot's stance line (u within 2 tol_u of the
    point's stance mean, y within 2 tol_y of the belt); 0: none does but one could be
    told; -1: cannot tell."""
    told = False
    for p in (HEEL, TOE):
        x, y = pts[p]
        if math.isnan(x) or math.isnan(y) or not foot.on[p]:
            continue
        told = True
        anchor = float(np.mean([q[3] for q in foot.on[p]]))
        if abs(x + foot.belt_v * t - anchor) <= 2 * tol_u and \
                abs(y - foot.belt_y) <= 2 * tol_y:
            return 1
    return 0 if told else -1


def _remap(feet: list, inputs: list, t: float, leg: float, prm: np.ndarray,
           swapped: bool) -> bool:
    """Whether track 0 takes input 1 from this frame on (see event_params' `remap`)."""
    tol_y, tol_u = prm[PR_TOL_Y_FRAC] * leg, prm[PR_TOL_U_FRAC] * leg
    for f in (0, 1):
        foot, other = feet[f], feet[1 - f]
        if foot.phase == 0 or math.isnan(foot.belt_y):
            continue
        own = inputs[1 - f if swapped else f]
        cross = inputs[f if swapped else 1 - f]
        if _fits(foot, own, t, tol_u, tol_y) != 0 or _fits(foot, cross, t, tol_u, tol_y) != 1:
            continue
        if other.phase != 0 and not math.isnan(other.belt_y) and \
                _fits(other, cross, t, tol_u, tol_y) == 1:
            continue
        return not swapped
    # Jump test: crossed, the inputs continue both tracks' constant-velocity paths.
    cost = {}
    for f in (0, 1):
        for k in (0, 1):
            cost[f, k] = _track_cost(feet[f], inputs[1 - k if swapped else k], t,
                                     prm[PR_MAX_GAP_S])
    direct, crossed = cost[0, 0] + cost[1, 1], cost[0, 1] + cost[1, 0]
    if crossed < 0.5 * direct and direct - crossed > 0.5 * prm[PR_LIFT_U_FRAC] * leg:
        return not swapped
    return swapped


def _track_cost(foot: _Foot, pts: list, t: float, max_gap_s: float) -> float:
    """Mean distance of the input's points from the track's constant-velocity prediction
    (its last two frames); NaN when it cannot tell."""
    if len(foot.frames) < 2:
        return math.nan
    (t0, p0), (t1, p1) = foot.frames[-2], foot.frames[-1]
    if not t - t1 <= max_gap_s or not t1 > t0:
        return math.nan
    a0, a1, now = np.array(p0), np.array(p1), np.array(pts)
    pred = a1 + (a1 - a0) / (t1 - t0) * (t - t1)
    d = np.hypot(*(now - pred).T)
    d = d[~np.isnan(d)]
    return float(d.mean()) if d.size else math.nan
