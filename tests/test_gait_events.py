"""Gait events: the streaming kernel against its reference and against synthetic truth."""
from __future__ import annotations

import numpy as np

from kernels import gait_events as ge


def _run(t, hf, hy, tf, ty, leg_px, params):
    return ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg_px, params)


def test_standing_still_gives_no_events():
    rng = np.random.default_rng(0)
    n = 600
    t = np.arange(n) / 30.0
    hf = np.array([300.0, 310.0]) + rng.normal(0, 2, (n, 2))
    tf = hf + 40.0
    hy = np.array([380.0, 390.0]) + rng.normal(0, 2, (n, 2))
    ty = hy + rng.normal(0, 2, (n, 2))
    ev = _run(t, hf, hy, tf, ty, 140.0, ge.event_params(30.0))
    assert len(ev) == 0


def test_edges():
    p = ge.event_params(30.0)
    nan = np.full((50, 2), np.nan)
    t = np.arange(50) / 30.0
    assert len(_run(t, nan, nan, nan, nan, 140.0, p)) == 0
    one = np.ones((1, 2))
    assert len(_run(t[:1], one, one, one, one, 140.0, p)) == 0
