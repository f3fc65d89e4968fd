"""Gait events: the streaming kernel against synthetic truth (reference: _ref tests).

Accuracy targets (issue 4): >= 95% of contacts and toe-offs within +-1 frame, < 2% missed
or extra, contact-time median error <= 1 frame, strict alternation per foot; 2 px jitter,
2% dropped landmarks and leg swaps repaired as the analyzer does. Scenarios that do not
reach them yet are xfail(strict) with the measured shortfall, so a fix shows up as XPASS
instead of the target being loosened.
"""
from __future__ import annotations

import numpy as np
import pytest

from kernels import gait_events as ge
from kernels import leg_swap
from station.synth.knobs import resolve_knobs
from station.synth.noise import noisy_landmarks
from station.synth.runner import SynthRunner


def repaired_synth(knobs, seconds, seed, preset="good"):
    """(runner, clean landmarks, noisy landmarks, the same after leg-swap repair with the
    analyzer's settings), all (n, 33, 2) px."""
    r = SynthRunner(resolve_knobs(knobs, preset=preset), seconds)
    t = r.frame_times_s()
    pose = r.world_pose(t)
    clean = r.landmarks_px(pose)
    raw, _ = noisy_landmarks(clean, pose.present, np.arange(len(t)), r.knobs.scene, r.fps,
                             seed, r.facing_sign)
    raw = raw.astype(np.float64)
    xy = raw.copy()
    trunk = np.hypot(*(0.5 * (xy[:, 11] + xy[:, 12]) - 0.5 * (xy[:, 23] + xy[:, 24])).T)
    gain = 0.08 * float(np.nanmedian(trunk))
    state = leg_swap.new_state()
    for i in range(len(xy)):
        if np.isfinite(xy[i]).any():
            leg_swap.repair_leg_swap(xy[i], state, leg_swap.LEFT_LEG, leg_swap.RIGHT_LEG,
                                     0.5, gain, max(1, int(0.5 * r.fps)))
    return r, clean, raw, xy


def synth_inputs(knobs, seconds, seed, jitter=2.0, drop=2.0, swaps_per_min=6.0,
                 preset="good"):
    """Feet as the analyzer feeds them: the synth's own noise (jitter, dropped landmarks,
    a less visible far leg, leg swaps of a few frames), then leg-swap repair by
    continuity (kernels.leg_swap, the analyzer's settings), unsmoothed."""
    knobs = dict(dict(jitter_px=jitter, drop_pct=drop, swaps_per_min=swaps_per_min), **knobs)
    r, _, _, xy = repaired_synth(knobs, seconds, seed, preset)
    t = r.frame_times_s()
    s = r.facing_sign
    legs = np.hypot(*(xy[:, [23, 24]] - xy[:, [27, 28]]).transpose(2, 0, 1))
    leg_px = float(np.nanmedian(legs))
    return r, t, s * xy[:, [29, 30], 0], xy[:, [29, 30], 1], s * xy[:, [31, 32], 0], \
        xy[:, [31, 32], 1], leg_px


def score(r, ev):
    """Per kind: share within +-1 frame, missed, extra (steady run only); contact-time
    median |error| in frames; alternation breaks."""
    fps = r.fps
    t0, t1 = r.steady_from_s + 1.0, min(r.steady_until_s, r.seconds) - 0.3
    st = r.steps
    res = {}
    for kind, truth in ((ge.CONTACT, st.t_contact), (ge.TOE_OFF, st.t_toe_off)):
        ok = miss = extra = n = 0
        for f in (0, 1):
            tr = truth[(st.foot == f) & (truth > t0) & (truth < t1)]
            d = ev[(ev[:, 1] == kind) & (ev[:, 2] == f), 0]
            used = np.zeros(len(d), bool)
            for a in tr:
                n += 1
                cand = np.where(used, np.inf, np.abs(d - a))
                j = int(np.argmin(cand)) if len(d) else -1
                if j >= 0 and cand[j] < 0.1:
                    used[j] = True
                    ok += abs(d[j] - a) * fps <= 1.0
                else:
                    miss += 1
            extra += int(np.sum(~used & (d > t0) & (d < t1)))
        res[kind] = dict(n=n, ok=ok / max(n, 1), miss=miss, extra=extra)
    ct_err = []
    alt_bad = 0
    for f in (0, 1):
        e = ev[ev[:, 2] == f]
        alt_bad += int(np.sum(e[1:, 1] == e[:-1, 1]))
        for a, b in zip(e[:-1], e[1:]):
            if a[1] == ge.CONTACT and b[1] == ge.TOE_OFF and t0 < a[0] < t1:
                k = int(np.argmin(np.abs(st.t_contact - a[0]) + 1e9 * (st.foot != f)))
                if abs(st.t_contact[k] - a[0]) < 0.1 and abs(st.t_toe_off[k] - b[0]) < 0.1:
                    ct_err.append(((b[0] - a[0]) - (st.t_toe_off[k] - st.t_contact[k])) * fps)
    res["ct_med_frames"] = float(np.median(np.abs(ct_err))) if ct_err else np.inf
    res["alt_bad"] = alt_bad
    return res


# (knobs, None) must meet the targets; (knobs, reason) is a measured shortfall (xfail).
# Measured with synth noise (2 px jitter, 2% drops, far leg, 6 leg swaps/min) + repair.
SCENARIOS = {
    "run_default_30": ({}, None),
    "run_170_12kmh_fs0_left": (dict(cadence_spm=170, belt_kmh=12, duty_factor_pct=30,
                                    foot_strike_angle_deg=0, facing="left"), None),
    "run_190_16kmh_d25_fs-10": (dict(cadence_spm=190, belt_kmh=16, duty_factor_pct=25,
                                     foot_strike_angle_deg=-10), None),
    "run_150_8kmh_d45_fs25": (dict(cadence_spm=150, belt_kmh=8, duty_factor_pct=45,
                                   foot_strike_angle_deg=25), None),
    "run_default_60": (dict(fps=60), None),
    "run_190_16kmh_fs-10_60_left": (dict(cadence_spm=190, belt_kmh=16, duty_factor_pct=25,
                                         foot_strike_angle_deg=-10, fps=60, facing="left"),
                                    None),
    "walk_110_5kmh_30": (dict(gait="walk", cadence_spm=110, duty_factor_pct=60, belt_kmh=5),
                         None),
    "walk_100_4kmh_60_left": (dict(gait="walk", cadence_spm=100, duty_factor_pct=62,
                                   belt_kmh=4, fps=60, facing="left"), None),
}


def _param(name):
    knobs, why = SCENARIOS[name]
    marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_param(n) for n in SCENARIOS])
def test_accuracy_against_synthetic_truth(name):
    knobs, _ = SCENARIOS[name]
    totals = {ge.CONTACT: [0, 0, 0, 0], ge.TOE_OFF: [0, 0, 0, 0]}
    ct, alt = [], 0
    for seed in (0, 1, 2):
        r, t, hf, hy, tf, ty, leg = synth_inputs(knobs, 25.0, seed)
        ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
        res = score(r, ev)
        for k in totals:
            totals[k][0] += res[k]["n"]
            totals[k][1] += res[k]["ok"] * res[k]["n"]
            totals[k][2] += res[k]["miss"]
            totals[k][3] += res[k]["extra"]
        ct.append(res["ct_med_frames"])
        alt += res["alt_bad"]
    for k, (n, ok, miss, extra) in totals.items():
        assert ok / n >= 0.95, (name, k, ok / n)
        assert (miss + extra) / n < 0.02, (name, k, miss, extra, n)
    assert max(ct) <= 1.0, ct
    assert alt == 0


def test_runner_absent_at_start_and_stepping_off_gives_no_events_while_away():
    r, t, hf, hy, tf, ty, leg = synth_inputs(dict(absent_s=3.0, step_off_s=3.0), 20.0, 3)
    ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
    assert len(ev) > 40
    assert np.all((ev[:, 0] >= r.appear_s) & (ev[:, 0] <= r.gone_s))


def test_standing_still_gives_no_events():
    rng = np.random.default_rng(0)
    for fps in (30.0, 60.0):
        n = int(20 * fps)
        t = np.arange(n) / fps
        hf = np.array([300.0, 310.0]) + rng.normal(0, 2, (n, 2))
        tf = np.array([340.0, 350.0]) + rng.normal(0, 2, (n, 2))
        hy = np.array([380.0, 390.0]) + rng.normal(0, 2, (n, 2))
        ty = np.array([381.0, 391.0]) + rng.normal(0, 2, (n, 2))
        drop = rng.random((n, 2)) < 0.02
        hy[drop] = np.nan
        ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, 140.0, ge.event_params(fps))
        assert len(ev) == 0


def test_long_gap_resets_the_foot():
    r, t, hf, hy, tf, ty, leg = synth_inputs({}, 12.0, 5)
    for a in (hf, hy, tf, ty):
        a[150:170] = np.nan                      # 0.67 s with no feet
    ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
    assert not np.any((ev[:, 0] > t[150]) & (ev[:, 0] < t[170]))


def test_remap_follows_the_feet_through_brief_label_trades():
    """Pose labels that trade the feet for a few frames, unrepaired: with `remap` the
    tracks stay on the feet (stance line / continuity) and the events are those of the
    clean labels; without it contacts go wrong. (remap is off by default: see
    event_params; on the gym clip it does not help yet.)"""
    r, t, hf, hy, tf, ty, leg = synth_inputs({}, 25.0, 7)
    p = ge.event_params(r.fps, remap=True)
    clean = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, p)
    for a in (hf, hy, tf, ty):
        for lo in range(60, 700, 37):
            a[lo:lo + 4] = a[lo:lo + 4, ::-1].copy()
    ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, p)
    plain = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
    assert score(r, ev)[ge.CONTACT]["miss"] <= score(r, clean)[ge.CONTACT]["miss"] + 1
    assert score(r, plain)[ge.CONTACT]["miss"] > score(r, ev)[ge.CONTACT]["miss"]


def test_too_fast_for_a_belt_gives_no_events():
    """Feet gliding back at 10 leg lengths per second are not on a belt."""
    fps, n, leg = 60.0, 600, 140.0
    t = np.arange(n) / fps
    phase = (t / 0.5) % 1.0
    x = np.stack([1400 - 10 * leg * 0.5 * phase, 1400 - 10 * leg * 0.5 * ((phase + .5) % 1)],
                 1)
    y = np.full((n, 2), 400.0)
    ev = ge.gait_events_kernel_series(t, x, y, x + 30, y, leg, ge.event_params(fps))
    assert len(ev) == 0


@pytest.mark.parametrize("name", ["walk_110_5kmh_30", "walk_100_4kmh_60_left", "run_default_60"])
def test_clean_contacts_are_on_time(name):
    """Without landmark noise the contact fit has no excuse: a straight-line approach put
    60 fps walking contacts a frame early (0% within one frame)."""
    r, t, hf, hy, tf, ty, leg = synth_inputs(SCENARIOS[name][0], 25.0, 0, jitter=0.0, drop=0.0,
                                             swaps_per_min=0.0)
    ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
    assert score(r, ev)[ge.CONTACT]["ok"] >= 0.99


@pytest.mark.parametrize("fps,min_ok", [(30, 0.95), (60, 0.9)])
def test_overstrider_hanging_heel_contacts_are_on_time(fps, min_ok):
    """The poor runner's heel hangs ~10 cm over the belt for ~0.1 s and drops in the last
    ~40 ms. Its height fitted whole along a fixed-curvature approach put contacts 0.7 frame
    late at 30 fps (89% within one), 1.3 at 60 (32%); weighed out above 0.05-0.09 leg,
    +0.1."""
    ok, errs = [], []
    for seed in (0, 1):
        r, t, hf, hy, tf, ty, leg = synth_inputs(dict(fps=fps), 25.0, seed, preset="poor")
        ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
        res = score(r, ev)[ge.CONTACT]
        assert res["miss"] + res["extra"] <= 1, res
        ok.append(res["ok"])
        c = ev[ev[:, 1] == ge.CONTACT]
        for tc, f in zip(r.steps.t_contact, r.steps.foot):
            d = c[c[:, 2] == f, 0]
            if len(d) and np.min(np.abs(d - tc)) < 0.1 and tc > r.steady_from_s + 1.0:
                errs.append((d[np.argmin(np.abs(d - tc))] - tc) * fps)
    assert np.mean(ok) >= min_ok, ok
    assert abs(np.median(errs)) < 0.3, np.median(errs)
