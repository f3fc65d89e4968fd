from __future__ import annotations

import numpy as np

from station.contracts import LM, Pose
from station.gait.facing import FacingTracker
from tests.test_view import side_runner

NS = 1_000_000_000 // 30


def poses(xy: np.ndarray, start: int = 0) -> list[Pose]:
    return [Pose(x.astype(np.float32), np.full(33, 0.9, np.float32), None, (start + i) * NS, start + i)
            for i, x in enumerate(xy)]


def frontal(n: int) -> np.ndarray:
    xy = side_runner(n, 1)
    xy[:, LM["left_shoulder"], 0] += 40
    xy[:, LM["right_shoulder"], 0] -= 40
    xy[:, LM["left_hip"], 0] += 30
    xy[:, LM["right_hip"], 0] -= 30
    return xy


def test_decided_after_the_window_then_revised_only_after_a_sustained_turn():
    tr = FacingTracker(window_s=3.0, revise_after_s=3.0)
    decided_at = [i for i, p in enumerate(poses(side_runner(100, -1))) if tr.push(p)]
    assert decided_at == [91] and tr.decision.facing == "left"   # first frame 3 s in
    # A 1 s flip (the model tripping) changes nothing; a 4 s turn does.
    flips = [tr.push(p) for p in poses(side_runner(30, 1), 100)]
    assert not any(flips) and tr.decision.facing == "left"
    back = [tr.push(p) for p in poses(side_runner(20, -1), 130)]
    assert not any(back)
    turned = [i for i, p in enumerate(poses(side_runner(150, 1), 150)) if tr.push(p)]
    assert len(turned) == 1 and tr.decision.facing == "right" and tr.revisions == 1


def test_a_frontal_start_keeps_looking_for_a_side_view():
    """Two people: the one tracked first faces the camera; the runner comes later."""
    tr = FacingTracker(window_s=3.0)
    for p in poses(frontal(100)):
        tr.push(p)
    assert tr.decision.view == "front"
    changed = [i for i, p in enumerate(poses(side_runner(200, -1), 100)) if tr.push(p)]
    assert changed and tr.decision.view == "side" and tr.decision.facing == "left"


def test_given_facing_is_never_revised():
    tr = FacingTracker("right", window_s=1.0)
    for p in poses(side_runner(300, -1)):
        tr.push(p)
    assert tr.decision.facing == "right" and tr.revisions == 0
