"""Leg identity through the crossings of a side view (kernels.leg_swap).

A treadmill stride seen from the side: each foot goes back slowly in stance (belt speed) and
forward fast in swing, so the two feet pass each other twice per stride. The pose model
trades the labels as they pass, for a frame, every other frame, or for a second, and blends
the legs on a frame now and then. The tracks must follow the PHYSICAL legs throughout.
"""
from __future__ import annotations

import numpy as np
import pytest

from kernels import leg_swap as ls

FPS = 60.0
STRIDE_S = 0.72


def foot_x(t: np.ndarray, phase: float) -> np.ndarray:
    """Forward position: 60% of the stride backward at belt speed, 40% forward in swing."""
    u = ((t / STRIDE_S) + phase) % 1.0
    back = 950.0 - 550.0 * u / 0.6
    fwd = 400.0 + 550.0 * (1 - np.cos(np.pi * (u - 0.6) / 0.4)) / 2
    return np.where(u < 0.6, back, fwd)


def runner(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FPS
    xy = np.full((n, 33, 2), np.nan)
    for leg, phase in ((ls.LEFT_LEG, 0.0), (ls.RIGHT_LEG, 0.5)):
        x = foot_x(t, phase)
        u = ((t / STRIDE_S) + phase) % 1.0
        lift = np.where(u < 0.6, 0.0, 150.0 * np.sin(np.pi * (u - 0.6) / 0.4))
        for p, (dx, y0) in enumerate(((0.0, 950.0), (0.5, 1100.0), (1.0, 1250.0),
                                      (0.9, 1300.0), (1.15, 1300.0))):
            xy[:, leg[p], 0] = 740.0 + dx * (x - 740.0)
            xy[:, leg[p], 1] = y0 - (lift * p / 4 if p else 0.0)
    xy[:, :, :] += rng.normal(0, 3.0, xy.shape)
    return xy


def crossings(xy: np.ndarray) -> np.ndarray:
    d = xy[:, 27, 0] - xy[:, 28, 0]
    return np.nonzero(np.sign(d[1:]) != np.sign(d[:-1]))[0] + 1


def trade(xy: np.ndarray, frames) -> np.ndarray:
    out = xy.copy()
    for i in frames:
        out[i, ls.LEFT_LEG], out[i, ls.RIGHT_LEG] = xy[i, ls.RIGHT_LEG], xy[i, ls.LEFT_LEG]
    return out


def run_kernel(xy: np.ndarray, gain: float = 25.0, return_frames: int = 30):
    fixed = xy.copy()
    state = ls.new_state()
    flags = np.array([ls.repair_leg_swap(fixed[i], state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5, gain,
                                         return_frames) for i in range(len(xy))])
    return fixed, flags


@pytest.mark.parametrize("seed", range(3))
def test_labels_traded_for_a_second_at_a_crossing_are_repaired(seed):
    n = 420
    truth = runner(n, seed)
    cx = crossings(truth)
    # The model trades the labels at one crossing and gives them back at a later one
    # (~1 s later), flickers at another, and swaps single frames elsewhere.
    a, b = cx[1], cx[4]
    bad = trade(truth, range(a, b))
    bad = trade(bad, [cx[6], cx[6] + 2, cx[6] + 4, 30, 250])
    fixed, flags = run_kernel(bad)
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    assert np.nanmax(np.abs(fixed[:, legs] - truth[:, legs])) < 1e-9
    ref, ref_flags = ls.repair_leg_swap_ref(bad, 0.5, 25.0, 30)
    np.testing.assert_array_equal(flags, ref_flags)
    np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_a_blended_frame_does_not_derail_the_tracks():
    """On a frame the model puts both legs half-way between the feet: the tracks coast over
    it instead of learning a wild velocity, and the next frames are assigned right."""
    n = 300
    truth = runner(n, 7)
    bad = truth.copy()
    for i in (50, 140, 220):
        mid = 0.5 * (truth[i, ls.LEFT_LEG] + truth[i, ls.RIGHT_LEG])
        bad[i, ls.LEFT_LEG] = mid + 0.3 * (truth[i, ls.RIGHT_LEG] - mid)
        bad[i, ls.RIGHT_LEG] = mid + 0.3 * (truth[i, ls.LEFT_LEG] - mid)
    fixed, _ = run_kernel(bad)
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    ok = np.ones(n, bool)
    ok[[50, 140, 220]] = False
    assert np.nanmax(np.abs(fixed[ok][:, legs] - truth[ok][:, legs])) < 1e-9
    ref, _ = ls.repair_leg_swap_ref(bad, 0.5, 25.0, 30)
    np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_a_hidden_far_leg_is_picked_up_again():
    """The far leg vanishes for a few frames as it passes behind; its track resumes on it."""
    n = 300
    truth = runner(n, 3)
    bad = truth.copy()
    for c in crossings(truth)[1:5]:
        bad[c - 2:c + 3, ls.LEFT_LEG] = np.nan
    bad = trade(bad, range(crossings(truth)[2] + 3, crossings(truth)[3] - 3))
    fixed, _ = run_kernel(bad)
    seen = np.isfinite(bad[:, ls.LEFT_LEG[1], 0]) & np.isfinite(bad[:, ls.RIGHT_LEG[1], 0])
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    assert np.nanmax(np.abs(fixed[seen][:, legs] - truth[seen][:, legs])) < 1e-9
