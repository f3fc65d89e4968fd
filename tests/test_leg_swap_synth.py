"""Leg identity on the synthetic runner: the repaired legs follow the PHYSICAL legs.

The synth's pose noise (2 px jitter, 2% dropped points, a less visible far leg, 4-frame
label swaps 6 times a minute), then kernels.leg_swap with the analyzer's settings, frame by
frame; each frame's repaired legs are compared with the clean geometry. Before the stale-
track weighting and the pull-back, walking at 30 fps (seeds 7, 8) and the slow run (seed 3)
ended with the legs swapped for good after a label swap right at a swing onset: 391, 668
and 633 of 750 frames on the wrong legs, every contact of the rest on the wrong foot.
"""
from __future__ import annotations

import numpy as np
import pytest

from kernels import leg_swap
from test_gait_events import SCENARIOS, repaired_synth

L, R = leg_swap.LEFT_LEG[1:], leg_swap.RIGHT_LEG[1:]


def repaired_and_clean(knobs: dict, seed: int, seconds: float = 25.0):
    knobs = dict(dict(jitter_px=2.0, drop_pct=2.0, swaps_per_min=6.0), **knobs)
    _, clean, raw, xy = repaired_synth(knobs, seconds, seed)
    return xy, raw, clean


def on_wrong_legs(xy: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Per frame: the legs (points seen on both) sit nearer the other leg's clean points."""
    def dist(a, b):
        return np.hypot(*(xy[:, a] - clean[:, b]).transpose(2, 0, 1))
    same = dist(L, L) + dist(R, R)
    other = dist(L, R) + dist(R, L)
    ok = np.isfinite(same) & np.isfinite(other)
    return np.where(ok, same - other, 0.0).sum(axis=1) > 0


def longest_run(flags: np.ndarray) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


@pytest.mark.parametrize("name,seed", [("walk_110_5kmh_30", s) for s in range(3, 9)]
                         + [("run_150_8kmh_d45_fs25", s) for s in range(3, 9)]
                         + [("run_default_30", s) for s in (4, 5)])
def test_repaired_legs_follow_the_physical_legs(name, seed):
    xy, raw, clean = repaired_and_clean(SCENARIOS[name][0], seed)
    wrong = on_wrong_legs(xy, clean)
    raw_wrong = on_wrong_legs(raw, clean)
    assert raw_wrong.sum() > 0                       # the model did swap labels
    assert longest_run(wrong) <= 4, (longest_run(wrong), int(wrong.sum()))
    assert wrong.sum() <= 0.01 * len(wrong), int(wrong.sum())


@pytest.mark.parametrize("name,seed", [("walk_110_5kmh_30", 0), ("run_default_30", 1),
                                       ("run_default_60", 2)])
def test_labels_traded_for_a_second_are_repaired_not_pulled_back(name, seed):
    """Swaps of one second (the longest real ones) 4 times a minute: continuity repairs
    them whole, and the pull-back toward the labels (2 s of disagreement) does not fire."""
    fps = SCENARIOS[name][0].get("fps", 30)
    knobs = dict(SCENARIOS[name][0], swaps_per_min=4.0, swap_frames=int(fps))
    xy, raw, clean = repaired_and_clean(knobs, seed)
    wrong = on_wrong_legs(xy, clean)
    assert longest_run(on_wrong_legs(raw, clean)) >= 0.8 * fps      # a whole long swap
    assert wrong.sum() <= 0.01 * len(wrong), int(wrong.sum())
