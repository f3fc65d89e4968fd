"""Plain Python/NumPy reference of the gait-event hinge fits (kernels/gait_events_fit.py):
the least-squares hinges that time a contact and a toe-off, as NumPy least squares over
arrays. The rules are the kernel's (see kernels/gait_events.py)."""
from __future__ import annotations

import math

import numpy as np

from kernels.gait_events_state import (PR_DT_S, PR_FOOT_LAG, PR_KAPPA_U_PER_S,
                                       PR_KAPPA_Y_PER_S, PR_PRE_S, PR_QUAD, PR_TOL_U_FRAC,
                                       PR_Y_FAR_FRAC, PR_Y_NEAR_FRAC, PR_Y_WEIGHT)


def _hinge(ts: np.ndarray, zs: np.ndarray, lo: float, hi: float, rising: bool, quad: bool,
           dt: float) -> float:
    """Hinge instant in [lo, hi] (dt/8 grid) with the least squared error; the earliest
    of near-equal ones. The path is a + c1*g (+ c2*g^2), g the time past (rising) or
    before (joining) the hinge, c1 >= 0."""
    step = dt / 8.0
    best, best_t = math.inf, math.nan
    for i in range(int((hi - lo) / step) + 2):
        th = min(lo + i * step, hi)
        g = np.maximum(0.0, ts - th) if rising else np.maximum(0.0, th - ts)
        cols = [np.ones_like(g), g] + ([g * g] if quad else [])
        a = np.stack(cols, 1)
        m = a.T @ a
        if quad:
            if not abs(np.linalg.det(m)) > 1e-12:
                continue
        elif not m[0, 0] * m[1, 1] - m[0, 1] ** 2 > 1e-12:
            continue
        coef = np.linalg.solve(m, a.T @ zs)
        if coef[1] < 0.0:
            continue
        sse = float(np.sum((zs - a @ coef) ** 2))
        if sse < best - 1e-9:
            best, best_t = sse, th
    return best_t


def _curved_sse(ts: np.ndarray, zs: np.ndarray, ws: np.ndarray, th: float,
                kappa: float) -> float:
    """Weighted (ws) squared error of the best z = a + c*(g + kappa*g^2), g = max(0, th - t),
    c >= 0."""
    g = np.maximum(0.0, th - ts)
    g = g + kappa * g * g
    a = np.stack([np.ones_like(g), g], 1)
    m = a.T @ (a * ws[:, None])
    if not m[0, 0] * m[1, 1] - m[0, 1] ** 2 > 1e-12:
        return math.inf
    coef = np.linalg.solve(m, a.T @ (ws * zs))
    if coef[1] < 0.0:
        return math.inf
    return float(np.sum(ws * (zs - a @ coef) ** 2))


def _hinge2(ts: np.ndarray, us: np.ndarray, hs: np.ndarray, ws: np.ndarray, lo: float,
            hi: float, k_u: float, k_y: float, w_y: float, dt: float) -> float:
    """Knee in [lo, hi] (dt/8 grid) of the joint hinge of lag (us) and, weighted w_y and per
    frame ws, height (hs), each a + c*(g + kappa*g^2) before the knee and a after it."""
    step = dt / 8.0
    best, best_t = math.inf, math.nan
    for i in range(int((hi - lo) / step) + 2):
        th = min(lo + i * step, hi)
        sse = _curved_sse(ts, us, np.ones_like(ts), th, k_u)
        if w_y > 0.0:
            sse += w_y * _curved_sse(ts, hs, ws, th, k_y)
        if sse < best - 1e-9:
            best, best_t = sse, th
    return best_t


def contact_time(foot, p: int, k_first: int, anchor: float, tol_u: float,
                 prm: np.ndarray) -> float:
    """Knee of the joint hinge of the foot's lag behind its stance line (a heel's: heel's
    and toe's mean where both are seen, with foot_lag) and point p's height above the belt,
    over the confirmed stance frames and up to pre_s before the first of them."""
    dt, quad = prm[PR_DT_S], prm[PR_QUAD] > 0.0
    t_first = foot.back(k_first)[0]
    # the pre window ends a period after the frame before the stance (a gap moves it back)
    t_pre = min(t_first, foot.back(k_first + 1)[0] + dt) if k_first + 1 < len(foot.frames) \
        else t_first
    q = 1 - p
    u_q = [foot.back(k)[1][q][0] + foot.belt_v * foot.back(k)[0] for k in range(k_first + 1)]
    u_q = [u for u in u_q if not math.isnan(u)] if prm[PR_FOOT_LAG] > 0.0 and p == 0 else []
    anc_q = float(np.mean(u_q)) if u_q else math.nan
    ts, us, hs, n_pre = [], [], [], 0
    for k in range(len(foot.frames) - 1, -1, -1):
        t, pts = foot.back(k)
        x, y = pts[p]
        if math.isnan(x) or t < t_pre - prm[PR_PRE_S] - 1e-9:
            continue
        lag = anchor - (x + foot.belt_v * t)
        if u_q and not math.isnan(pts[q][0]):
            lag = 0.5 * (lag + anc_q - (pts[q][0] + foot.belt_v * t))
        h = foot.belt_y - y
        if k > k_first and (lag + h > 9.0 * tol_u or lag + h < -tol_u):
            ts, us, hs, n_pre = [], [], [], 0
            continue
        ts.append(t)
        us.append(lag)
        hs.append(h)
        n_pre += k > k_first
    seen_before = any(t < t_first for t, _ in foot.frames)
    fallback = max(foot.mid_before(t_first, dt), t_first - dt) if seen_before else t_first
    if n_pre < (3 if quad else 2):
        return fallback
    # the knee from two rows before the last pre-stance row (a late confirmation)
    lo, hi = ts[max(0, n_pre - 3)], ts[-1] - dt
    if quad:
        th = _hinge(np.array(ts), np.array(us) + np.array(hs), lo, hi, False, True, dt)
    else:
        # pre-stance heights: full weight up to y_near_frac x leg, none from y_far_frac
        near = prm[PR_Y_NEAR_FRAC] * tol_u / prm[PR_TOL_U_FRAC]
        far = prm[PR_Y_FAR_FRAC] * tol_u / prm[PR_TOL_U_FRAC]
        ws = np.ones(len(ts))
        ws[:n_pre] = np.clip((far - np.array(hs[:n_pre])) / (far - near), 0.0, 1.0)
        th = _hinge2(np.array(ts), np.array(us), np.array(hs), ws, lo, hi,
                     prm[PR_KAPPA_U_PER_S], prm[PR_KAPPA_Y_PER_S], prm[PR_Y_WEIGHT], dt)
    return fallback if math.isnan(th) else th
