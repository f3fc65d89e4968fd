"""Blended feet (kernels.foot_glitch): the kernel equals its NumPy reference; on the clean
synthetic runner it drops (almost) nothing and on blended frames it catches the large
blends; through the analyzer the synth's blends (90/min, the gym clip's rate) are scored
against the issue's target (>= 95% of contacts within +-1 frame)."""
from __future__ import annotations

import numpy as np
import pytest

from kernels import foot_glitch as fg
from kernels.foot_glitch_ref import foot_glitch_ref
from station.synth.knobs import resolve_knobs
from station.synth.runner import SynthRunner
from tests.blend_scoring import analyzer_events, contacts_within_one_frame

PTS = ((25, 27, 29, 31), (26, 28, 30, 32))        # knee, ankle, heel, toe per leg


def kernel_flags(t_s, legs, leg_len_px, params):
    state, out = fg.new_state(), np.zeros(2)
    flags = np.zeros((len(t_s), 2))
    for i in range(len(t_s)):
        fg.foot_glitch_step(float(t_s[i]), np.ascontiguousarray(legs[i]),
                            float(leg_len_px[i]), params, state, out)
        flags[i] = out
    return flags


def random_legs(rng, n, fps, blend_rate=0.05, nan_rate=0.03):
    """Two legs swinging out of phase (knee, ankle, heel, toe), jittered, with blends,
    NaN points, whole NaN frames and dropped frames (time jumps)."""
    t = np.cumsum(rng.choice([1.0, 1.0, 1.0, 2.0, 3.0], n)) / fps
    ph = 2 * np.pi * 1.4 * t
    legs = np.empty((n, 2, 4, 2))
    for f in range(2):
        a = ph + np.pi * f
        for k, (r_x, r_y) in enumerate(((40, 10), (90, 30), (100, 35), (120, 30))):
            legs[:, f, k, 0] = 500 + r_x * np.sin(a) + rng.normal(0, 2, n)
            legs[:, f, k, 1] = 600 + 80 * k + r_y * np.maximum(0, np.cos(a)) + \
                rng.normal(0, 2, n)
    for i in np.flatnonzero(rng.random(n) < blend_rate):
        w = rng.uniform(0, 0.9, 2)
        a, b = legs[i, 0].copy(), legs[i, 1].copy()
        legs[i, 0], legs[i, 1] = a + w[0] * (b - a), b + w[1] * (a - b)
    legs[rng.random((n, 2, 4)) < nan_rate] = np.nan
    legs[rng.random(n) < nan_rate] = np.nan
    return t, legs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_kernel_equals_reference(seed, fps):
    rng = np.random.default_rng(seed)
    t, legs = random_legs(rng, 600, fps)
    leg = np.full(len(t), 230.0)
    leg[rng.random(len(t)) < 0.02] = np.nan
    params = fg.glitch_params(fps)
    got = kernel_flags(t, legs, leg, params)
    np.testing.assert_array_equal(got, foot_glitch_ref(t, legs, leg, params))
    assert got.sum() > 5            # the rules were exercised, not just skipped


def test_edge_inputs_equal_reference():
    fps = 30.0
    params = fg.glitch_params(fps)
    rng = np.random.default_rng(7)
    t, legs = random_legs(rng, 200, fps, blend_rate=0.2)
    t[50:53] = t[49]                                 # repeated timestamps
    legs[100:110] = np.nan                           # nobody there
    leg = np.full(len(t), 230.0)
    leg[150:160] = 0.0                               # no leg length yet
    for p in (params, fg.glitch_params(fps, on=False)):
        got = kernel_flags(t, legs, leg, p)
        np.testing.assert_array_equal(got, foot_glitch_ref(t, legs, leg, p))
    assert kernel_flags(t, legs, leg, fg.glitch_params(fps, on=False)).sum() == 0
    assert kernel_flags(t[:1], legs[:1], leg[:1], params).sum() == 0
    nan = np.full((5, 2, 4, 2), np.nan)
    assert kernel_flags(t[:5], nan, leg[:5], params).sum() == 0


def synth_legs(knobs, seconds=12.0):
    r = SynthRunner(resolve_knobs({**knobs, "jitter_px": 0.0}), seconds)
    t = r.frame_times_s()
    clean = r.landmarks_px(r.world_pose(t)).astype(float)
    clean[..., 0] *= r.facing_sign
    steady = (t > r.steady_from_s + 0.5) & (t < r.steady_until_s - 0.5)
    legs = clean[:, PTS][steady]
    hip_ankle = np.hypot(*(clean[:, 23] - clean[:, 27]).T)[steady]
    return r, t[steady], legs, float(np.median(hip_ankle))


@pytest.mark.parametrize("knobs", [{}, {"fps": 60}, {"gait": "walk", "cadence_spm": 110,
                                                      "duty_factor_pct": 60, "belt_kmh": 5},
                                   {"cadence_spm": 190, "belt_kmh": 16,
                                    "duty_factor_pct": 25, "foot_strike_angle_deg": -10}],
                         ids=["run30", "run60", "walk30", "run190_16kmh"])
def test_clean_runner_keeps_its_feet_and_large_blends_are_dropped(knobs):
    r, t, legs, leg = synth_legs(knobs)
    params = fg.glitch_params(r.fps)
    lens = np.full(len(t), leg)
    # Landings, toe-offs and fast swings of a clean runner are not blends.
    assert kernel_flags(t, legs, lens, params).sum() == 0
    # One frame in 8 blended, each leg pulled 30-90% of the way toward the other.
    rng = np.random.default_rng(1)
    blended = legs.copy()
    idx = np.arange(10, len(t), 8)
    w = rng.uniform(0.3, 0.9, (len(idx), 2))
    a, b = legs[idx, 0], legs[idx, 1]
    blended[idx, 0] = a + w[:, :1, None] * (b - a)
    blended[idx, 1] = b + w[:, 1:, None] * (a - b)
    flags = kernel_flags(t, blended, lens, params)
    moved = np.hypot(*(blended[idx] - legs[idx])[:, :, 2:].transpose(3, 0, 1, 2)).mean(axis=2)
    big = moved > 0.3 * leg                          # the foot moved a third of a leg
    assert flags[idx][big].mean() >= 0.9, flags[idx][big].mean()
    # A leg a blend moved too little to be caught throws off its next prediction: that
    # frame may go too; of the others at most 2% (16 km/h at 30 fps: 1.2%).
    after = np.setdiff1d(np.arange(len(t)), np.r_[idx, idx + 1])
    assert flags[after].sum() <= 0.02 * len(t), np.flatnonzero(flags[after].any(axis=1))


# Measured through the analyzer (seeds 0-2, 25 s, 2 px jitter, 2% drops, 6 swaps/min, 90
# blends/min); contacts within +-1 frame per foot label. Leg identity costs none of it any
# more: by time alone, either foot, the same runs give the same shares.
BLEND_SCENARIOS = {
    "run_default_30_blends90": ({"blends_per_min": 90.0},
                                "91.0% within 1 frame (183/201; 90.0% before the belt-speed and "
                                "contact-hinge changes; without the glitch test 83.6%)"),
    "run_default_60_blends90": ({"fps": 60, "blends_per_min": 90.0},
                                "94.5% within 1 frame (190/201; 93.5% before the belt-speed and "
                                "contact-hinge changes; without the glitch test 86.1%)"),
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=why))
    for n, (_, why) in BLEND_SCENARIOS.items()])
def test_contacts_on_time_with_blends(name):
    knobs, _ = BLEND_SCENARIOS[name]
    ok = n = 0
    for seed in (0, 1, 2):
        r, ev = analyzer_events(knobs, 25.0, seed)
        a, b = contacts_within_one_frame(r, ev)
        ok, n = ok + a, n + b
    assert ok / n >= 0.95, ok / n


def test_dropping_blended_feet_never_costs_contacts():
    """By time alone (leg identity left out), blends at 90/min: the glitch test finds at
    least as many contacts within +-1 frame as the event kernel without it."""
    knobs = {"blends_per_min": 90.0}
    got = {True: 0, False: 0}
    for seed in (0, 1, 2):
        for on in (True, False):
            r, ev = analyzer_events(knobs, 25.0, seed, drop_blended_feet=on)
            got[on] += contacts_within_one_frame(r, ev, any_foot=True)[0]
    assert got[True] >= got[False], got
