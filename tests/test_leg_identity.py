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


def walker(n: int, seed: int, fps: float = 30.0, stride_s: float = 1.05,
           stride_px: float = 520.0, jitter_px: float = 5.0) -> np.ndarray:
    """Overground walker at 30 fps, side-on: each foot stands still in the image for 60% of
    the stride and swings a stride forward in the rest; the hips move on steadily."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    xy = np.full((n, 33, 2), np.nan)
    hip = 100.0 + stride_px * t / stride_s
    for leg, phase in ((ls.LEFT_LEG, 0.0), (ls.RIGHT_LEG, 0.5)):
        cyc = t / stride_s + phase
        u = cyc % 1.0
        sw = np.clip((u - 0.6) / 0.4, 0, 1)
        x = 100.0 + stride_px * (np.floor(cyc) - phase + 0.3 + (1 - np.cos(np.pi * sw)) / 2)
        lift = np.where(u < 0.6, 0.0, 60.0 * np.sin(np.pi * sw))
        for p, (dx, y0) in enumerate(((0.0, 400.0), (0.5, 480.0), (1.0, 560.0),
                                      (0.9, 580.0), (1.15, 580.0))):
            xy[:, leg[p], 0] = hip + dx * (x - hip) + (25.0 if p == 4 else 0.0)
            xy[:, leg[p], 1] = y0 - (lift * p / 4 if p else 0.0)
    return xy + rng.normal(0, jitter_px, xy.shape)


@pytest.mark.parametrize("offset", (-2, -1, 1))
def test_both_legs_drawn_on_one_spot_near_a_crossing_do_not_flip_the_relation(offset):
    """The indoor walk's blend: a frame or two from the feet's crossing the model draws both
    legs on one spot between them (7 px apart). Learning from it set the two velocities
    toward each other, the next frame looked crossed and the walk's legs were wrong for
    1.6 s (here: 15 frames wrong after a blend 2 frames before a crossing). Coincident legs
    teach nothing (both tracks coast); every other frame is right."""
    n = 240
    truth = walker(n, 1)
    d = truth[:, 27, 0] - truth[:, 28, 0]
    cx = np.nonzero(np.sign(d[1:]) != np.sign(d[:-1]))[0] + 1
    frames = cx[1:6] + offset
    bad = truth.copy()
    for i in frames:
        mid = 0.5 * (truth[i, ls.LEFT_LEG] + truth[i, ls.RIGHT_LEG])
        bad[i, ls.LEFT_LEG] = mid + 2.0
        bad[i, ls.RIGHT_LEG] = mid - 2.0
    fixed, _ = run_kernel(bad, gain=16.0, return_frames=15)
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    ok = np.ones(n, bool)
    ok[frames] = False
    assert np.nanmax(np.abs(fixed[ok][:, legs] - truth[ok][:, legs])) < 1e-9
    ref, _ = ls.repair_leg_swap_ref(bad, 0.5, 16.0, 15)
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


def test_tracks_started_on_the_wrong_legs_take_the_labels_back():
    """The model trades the labels for the first frames only. Continuity carries the wrong
    names on (it cannot know better), but the labels are right most of the time: after
    PULL_PER_RETURN x return_frames frames crossed to them the tracks trade names, and
    every frame after that is right. Before the pull the kernel kept the wrong relation
    for good."""
    n, k, ret = 420, 20, 30
    truth = runner(n, 4)
    bad = trade(truth, range(k))
    fixed, flags = run_kernel(bad, return_frames=ret)
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    pull = k + int(ls.PULL_PER_RETURN * ret)
    assert flags[k:pull - 1].all() and not flags[pull:].any()
    assert np.nanmax(np.abs(fixed[pull:, legs] - truth[pull:, legs])) < 1e-9
    crossed = np.concatenate([ls.RIGHT_LEG, ls.LEFT_LEG])
    assert np.nanmax(np.abs(fixed[k:pull - 1, legs] - bad[k:pull - 1][:, crossed])) < 1e-9
    ref, ref_flags = ls.repair_leg_swap_ref(bad, 0.5, 25.0, ret)
    np.testing.assert_array_equal(flags, ref_flags)
    np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_brief_label_agreement_does_not_stop_the_pull():
    """Stuck crossed, with the model swapping for 4 frames now and then (the wrong relation
    is as labelled on those): the count of crossed frames is net, each swap delays the pull
    by 8 frames and no more."""
    n, ret = 600, 30
    truth = runner(n, 5)
    bad = trade(truth, range(20))
    for s in (60, 100, 140):
        bad = trade(bad, range(s, s + 4))
    _, flags = run_kernel(bad, return_frames=ret)
    pull = 20 + int(ls.PULL_PER_RETURN * ret) + 3 * 8
    assert flags[pull - 2] and not flags[pull:].any()


@pytest.mark.parametrize("seed", range(6))
def test_kernel_equals_reference_with_pulls_gaps_and_outliers(seed):
    """Random legs with long label swaps (so the pull-back acts), thrown legs (coasting),
    NaN points, whole legs unseen, dropped frames (steps) and a short return_frames."""
    rng = np.random.default_rng(200 + seed)
    n = 400
    truth = runner(n, seed)
    xy = truth.copy()
    for start in rng.choice(np.arange(5, n - 60), 6, replace=False):
        xy = trade(xy, range(start, start + rng.integers(1, 60)))
    for start in rng.choice(np.arange(5, n - 10), 10, replace=False):
        leg = ls.LEFT_LEG if rng.random() < 0.5 else ls.RIGHT_LEG
        xy[start:start + rng.integers(1, 6), leg] += rng.normal(0, 80, 2)
    for start in rng.choice(np.arange(5, n - 20), 4, replace=False):
        leg = ls.LEFT_LEG if rng.random() < 0.5 else ls.RIGHT_LEG
        xy[start:start + rng.integers(1, 20), leg] = np.nan
    xy[rng.random((n, 33)) < 0.08] = np.nan
    xy[rng.random(n) < 0.03] = np.nan                     # frames with nobody
    steps = np.where(rng.random(n) < 0.1, rng.integers(2, 11, n), 1).astype(float)
    for ret in (3, 15):
        fixed = xy.copy()
        state = ls.new_state()
        flags = np.array([ls.repair_leg_swap(fixed[i], state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5,
                                             25.0, ret, -1.0, steps[i]) for i in range(n)])
        ref, ref_flags = ls.repair_leg_swap_ref(xy, 0.5, 25.0, ret, -1.0, steps)
        np.testing.assert_array_equal(flags, ref_flags)
        np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_kernel_equals_reference_on_edge_input():
    """Legs standing still on one spot (zero velocity, equal costs), one leg never seen, an
    all-NaN stretch longer than return_frames, the longest step the analyzer passes."""
    n = 200
    xy = np.full((n, 33, 2), np.nan)
    for leg in (ls.LEFT_LEG, ls.RIGHT_LEG):
        for p, idx in enumerate(leg):
            xy[:60, idx] = (500.0, 900.0 + 100 * p)
    for p, idx in enumerate(ls.LEFT_LEG):
        xy[60:120, idx] = (400.0 + p, 900.0 + 100 * p)
    xy[150:, ls.LEFT_LEG] = xy[50, ls.LEFT_LEG] + 3.0
    xy[150:, ls.RIGHT_LEG] = xy[50, ls.RIGHT_LEG] - 200.0
    steps = np.ones(n)
    steps[150] = 10.0
    fixed = xy.copy()
    state = ls.new_state()
    flags = np.array([ls.repair_leg_swap(fixed[i], state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5, 25.0,
                                         5, -1.0, steps[i]) for i in range(n)])
    ref, ref_flags = ls.repair_leg_swap_ref(xy, 0.5, 25.0, 5, -1.0, steps)
    np.testing.assert_array_equal(flags, ref_flags)
    np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)
