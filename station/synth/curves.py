"""Vectorized interpolation for the kinematics (no SciPy in the runtime)."""
from __future__ import annotations

import numpy as np


def pchip_slopes(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fritsch-Carlson slopes: the curve never overshoots its knots, so a knot that is a
    local minimum or maximum stays the exact extremum (vertical oscillation relies on it)."""
    h = np.diff(t)
    delta = np.diff(y) / h
    m = np.zeros_like(y)
    if len(y) < 3:
        m[:] = delta[0] if len(delta) else 0.0
        return m
    w1 = 2 * h[1:] + h[:-1]
    w2 = h[1:] + 2 * h[:-1]
    same_sign = delta[:-1] * delta[1:] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        harm = (w1 + w2) / (w1 / delta[:-1] + w2 / delta[1:])
    m[1:-1] = np.where(same_sign, harm, 0.0)
    m[0] = m[-1] = 0.0
    return m


def hermite(t: np.ndarray, t0: np.ndarray, t1: np.ndarray, p0: np.ndarray, p1: np.ndarray,
            v0: np.ndarray, v1: np.ndarray) -> np.ndarray:
    """Cubic Hermite between (t0, p0, v0) and (t1, p1, v1), element-wise. Positions may be
    (..., D): the time arrays broadcast over the last axis."""
    dt = t1 - t0
    s = (t - t0) / dt
    s2, s3 = s * s, s * s * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    if p0.ndim > np.ndim(s):
        h00, h10, h01, h11, dt = (a[..., None] for a in (h00, h10, h01, h11, dt))
    return h00 * p0 + h10 * dt * v0 + h01 * p1 + h11 * dt * v1


def pchip_eval(t_knots: np.ndarray, y_knots: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Monotone piecewise-cubic interpolation of (t_knots, y_knots) at `t` (clamped)."""
    m = pchip_slopes(t_knots, y_knots)
    tc = np.clip(t, t_knots[0], t_knots[-1])
    i = np.clip(np.searchsorted(t_knots, tc, side="right") - 1, 0, len(t_knots) - 2)
    return hermite(tc, t_knots[i], t_knots[i + 1], y_knots[i], y_knots[i + 1], m[i], m[i + 1])


def smoothstep(x: np.ndarray | float) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)
