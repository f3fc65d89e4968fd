"""Gait events with dropped frames: a live station skips frames when processing or rendering
falls behind (a one-slot mailbox keeps only the newest frame; a Raspberry Pi camera does the
same), so timestamps jump by 2-3 frame periods, sometimes in bursts. The kernel's windows
are time spans and its fits use the frames' own times, so a foot keeps its events.

Targets: per foot, >= 95% of contacts found (within 0.1 s) and < 2% extra, at 30 and 60
fps, with 15% of frames dropped at random and with bursts of 3 dropped frames every ~0.5 s;
and the demo scenario (poor -> good form) fed through the analyzer keeps its strides
through the form change with frames dropped.
"""
from __future__ import annotations

import numpy as np
import pytest

from kernels import gait_events as ge
from test_gait_events import synth_inputs


def keep_mask(n: int, mode: str, rng: np.random.Generator, fps: float) -> np.ndarray:
    """Frames that survive: 'random' drops 15% independently; 'burst' drops 3 in a row
    every ~0.5 s (jittered by a quarter)."""
    keep = np.ones(n, bool)
    if mode == "random":
        keep = rng.random(n) >= 0.15
    elif mode == "burst":
        per = int(round(0.5 * fps))
        i = int(rng.integers(0, per))
        while i < n:
            keep[i:i + 3] = False
            i += per + int(rng.integers(-(per // 4), per // 4 + 1))
    return keep


def per_foot(r, ev, kind=ge.CONTACT):
    """Per foot: (found, extra, n, |error| of the found ones in frames) over the steady run."""
    t0, t1 = r.steady_from_s + 1.0, min(r.steady_until_s, r.seconds) - 0.3
    truth = r.steps.t_contact if kind == ge.CONTACT else r.steps.t_toe_off
    out = []
    for f in (0, 1):
        tr = truth[(r.steps.foot == f) & (truth > t0) & (truth < t1)]
        d = ev[(ev[:, 1] == kind) & (ev[:, 2] == f), 0]
        used = np.zeros(len(d), bool)
        err = []
        for a in tr:
            cand = np.where(used, np.inf, np.abs(d - a))
            j = int(np.argmin(cand)) if len(d) else -1
            if j >= 0 and cand[j] < 0.1:
                used[j] = True
                err.append(cand[j] * r.fps)
        out.append((len(err), int(np.sum(~used & (d > t0) & (d < t1))), len(tr), err))
    return out


@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("mode", ["random", "burst"])
def test_contacts_survive_dropped_frames(fps, mode):
    found = np.zeros(2)
    extra = np.zeros(2)
    n = np.zeros(2)
    err = []
    for seed in (0, 1, 2):
        r, t, hf, hy, tf, ty, leg = synth_inputs(dict(fps=fps), 25.0, seed)
        k = keep_mask(len(t), mode, np.random.default_rng(100 + seed), r.fps)
        assert 0.05 < 1.0 - k.mean() < 0.2
        ev = ge.gait_events_kernel_series(t[k], hf[k], hy[k], tf[k], ty[k], leg,
                                          ge.event_params(r.fps))
        for f, (fo, ex, nn, e) in enumerate(per_foot(r, ev)):
            found[f] += fo
            extra[f] += ex
            n[f] += nn
            err += e
        # events per foot still alternate contact, toe-off, except across a gap longer
        # than max_gap_s (15% random drops give a few 5-6 frame gaps), which resets the foot
        tk = t[k]
        long_gaps = tk[1:][np.diff(tk) > ge.event_params(r.fps)[ge.PR_MAX_GAP_S]]
        for f in (0, 1):
            e = ev[ev[:, 2] == f]
            for a, b in zip(e[:-1], e[1:]):
                if a[1] == b[1]:
                    assert np.any((long_gaps > a[0]) & (long_gaps < b[0] + 0.2)), (seed, f, a)
    assert np.all(found / n >= 0.95), (found, n)
    assert np.all(extra / n < 0.02), (extra, n)
    # timed from the frames' own times: within 2 nominal frames (before the windows were
    # time spans, 30 fps bursts gave 93%)
    assert np.mean(np.array(err) <= 2.0) >= 0.96, np.mean(np.array(err) <= 2.0)


@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("mode", ["random", "burst"])
def test_toe_offs_survive_dropped_frames(fps, mode):
    """Toe-offs found and within a frame: the off-belt confirmation and the hinge window
    are time spans (frame-counted, 60 fps toe-offs were ~87% within a frame with drops)."""
    found = n = 0
    err = []
    for seed in (0, 1, 2):
        r, t, hf, hy, tf, ty, leg = synth_inputs(dict(fps=fps), 25.0, seed)
        k = keep_mask(len(t), mode, np.random.default_rng(100 + seed), r.fps)
        ev = ge.gait_events_kernel_series(t[k], hf[k], hy[k], tf[k], ty[k], leg,
                                          ge.event_params(r.fps))
        for fo, _, nn, e in per_foot(r, ev, ge.TOE_OFF):
            found += fo
            n += nn
            err += e
    assert found / n >= 0.95, (found, n)
    assert np.mean(np.array(err) <= 1.0) >= 0.9, np.mean(np.array(err) <= 1.0)


def test_a_three_frame_gap_does_not_reset_a_stance():
    """A 3-frame gap inside a stance keeps the stance: the toe-off still comes, on time."""
    r, t, hf, hy, tf, ty, leg = synth_inputs({}, 12.0, 3, drop=0.0, swaps_per_min=0.0)
    full = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
    # drop 3 frames in the middle of every stance of foot 0
    st = r.steps
    keep = np.ones(len(t), bool)
    for c, o in zip(st.t_contact[st.foot == 0], st.t_toe_off[st.foot == 0]):
        i = int(np.searchsorted(t, 0.5 * (c + o)))
        keep[i - 1:i + 2] = False
    ev = ge.gait_events_kernel_series(t[keep], hf[keep], hy[keep], tf[keep], ty[keep], leg,
                                      ge.event_params(r.fps))
    a = full[full[:, 2] == 0]
    b = ev[ev[:, 2] == 0]
    assert len(a) == len(b)
    np.testing.assert_array_equal(a[:, 1], b[:, 1])
    assert np.max(np.abs(a[:, 0] - b[:, 0])) < 1.0 / r.fps


def _demo_strides(drop: str, seed: int):
    from hardware.synthetic_source import SyntheticFrameSource
    from station.commands.demo import demo_scenario
    from station.gait.analyzer import GaitAnalyzer, GaitSettings
    from station.pose.synthetic import SyntheticPoseEstimator

    src = SyntheticFrameSource(demo_scenario(20), seconds=25, realtime=False)
    est = SyntheticPoseEstimator(src.feed)
    an = GaitAnalyzer(GaitSettings(fps=src.fps))
    rng = np.random.default_rng(seed)
    t_strides = []
    skip = 0
    for frame in src:
        if skip > 0:
            skip -= 1
            continue
        if drop == "random" and rng.random() < 0.15:
            continue
        if drop == "burst" and rng.random() < 1 / 15:
            skip = 2                                  # this frame and the next two
            continue
        t_strides += [s.t_ns / 1e9 for s in an.update(est.estimate(frame)).strides]
    return np.array(t_strides)


@pytest.mark.parametrize("drop,seed", [("random", 0), ("burst", 1)])
def test_demo_keeps_its_strides_through_the_form_change_with_dropped_frames(drop, seed):
    """The demo scenario (poor form, then good from 11 s over 2 s) through the analyzer,
    frames dropped before pose estimation as the live loop does: strides keep coming."""
    t = _demo_strides(drop, seed)
    assert len(t) >= 50, len(t)                    # ~60 with every frame
    late = t[t > 11.0]
    assert len(late) >= 30, len(late)
    gaps = np.diff(np.concatenate([[11.0], late, [24.0]]))
    assert gaps.max() < 1.5, gaps.max()
