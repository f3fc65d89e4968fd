"""Causal smoothing of landmarks for live use: the One Euro filter (Casiez et al., CHI 2012).

Slow motion is smoothed hard (jitter gone), fast motion lightly (little lag): the cutoff
rises with the filtered speed. Each of the k channels (33 landmarks x 2 coordinates) is
filtered on its own with the true frame times, so dropped frames do not distort it.

Short gaps are bridged: a NaN input within `max_gap_s` of the last valid sample gives the
last estimate carried forward by its velocity; a longer gap gives NaN and restarts the
channel when it comes back (DESIGN.md: gaps bridged only where short).

State (4, k): row 0 x_hat, row 1 dx_hat (per second), row 2 time of the last update,
row 3 time of the last valid sample. A new state is all NaN (`new_state`).
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit


def new_state(k: int) -> np.ndarray:
    return np.full((4, k), np.nan)


@jit
def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


@jit
def one_euro_step(x: np.ndarray, t_s: float, state: np.ndarray, min_cutoff_hz: float,
                  beta: float, d_cutoff_hz: float, max_gap_s: float,
                  out: np.ndarray) -> None:
    """Filter one sample per channel: x (k,) at time t_s; writes out (k,), updates state."""
    for j in range(x.shape[0]):
        xi = x[j]
        x_hat = state[0, j]
        t_last = state[2, j]
        if math.isnan(xi):
            t_valid = state[3, j]
            if not math.isnan(x_hat) and t_s - t_valid <= max_gap_s:
                dx = state[1, j]
                out[j] = x_hat + (0.0 if math.isnan(dx) else dx) * (t_s - t_last)
            else:
                out[j] = math.nan
                state[0, j] = math.nan  # the channel restarts when the point returns
                state[1, j] = math.nan
            continue
        dt = t_s - t_last
        if math.isnan(x_hat) or not (dt > 0.0):
            state[0, j] = xi
            state[1, j] = 0.0
            state[2, j] = t_s
            state[3, j] = t_s
            out[j] = xi
            continue
        dx_raw = (xi - x_hat) / dt
        dx_hat = state[1, j] + _alpha(d_cutoff_hz, dt) * (dx_raw - state[1, j])
        cutoff = min_cutoff_hz + beta * abs(dx_hat)
        x_new = x_hat + _alpha(cutoff, dt) * (xi - x_hat)
        state[0, j] = x_new
        state[1, j] = dx_hat
        state[2, j] = t_s
        state[3, j] = t_s
        out[j] = x_new


def one_euro_ref(x: np.ndarray, t_s: np.ndarray, min_cutoff_hz: float, beta: float,
                 d_cutoff_hz: float, max_gap_s: float) -> np.ndarray:
    """Reference: the whole series x (n, k) at times t_s (n,), written per channel in plain
    Python/NumPy the textbook way."""
    x = np.asarray(x, float)
    n, k = x.shape
    out = np.full((n, k), np.nan)

    def alpha(cutoff, dt):
        return 1.0 / (1.0 + 1.0 / (2.0 * np.pi * cutoff) / dt)

    for j in range(k):
        x_hat = dx_hat = t_last = t_valid = None
        for i in range(n):
            xi, t = x[i, j], t_s[i]
            if np.isnan(xi):
                if x_hat is not None and t - t_valid <= max_gap_s:
                    out[i, j] = x_hat + dx_hat * (t - t_last)
                else:
                    out[i, j] = np.nan
                    x_hat = dx_hat = None
                continue
            if x_hat is None or not t - t_last > 0:
                x_hat, dx_hat, t_last, t_valid = xi, 0.0, t, t
                out[i, j] = xi
                continue
            dt = t - t_last
            dx_hat = dx_hat + alpha(d_cutoff_hz, dt) * ((xi - x_hat) / dt - dx_hat)
            x_hat = x_hat + alpha(min_cutoff_hz + beta * abs(dx_hat), dt) * (xi - x_hat)
            t_last = t_valid = t
            out[i, j] = x_hat
    return out
