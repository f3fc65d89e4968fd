from __future__ import annotations

import numpy as np

from station.contracts import LM, N_LANDMARKS
from station.view import decide_view


def side_runner(n: int = 90, facing: int = 1, cx: float = 320.0) -> np.ndarray:
    """A crude side-on figure facing image-right (facing=+1) or left (-1)."""
    xy = np.full((n, N_LANDMARKS, 2), np.nan, np.float32)
    pts = {"left_shoulder": (0, 100), "right_shoulder": (3, 101), "left_hip": (0, 200),
           "right_hip": (2, 201), "left_ear": (-4, 60), "right_ear": (-2, 60), "nose": (10, 62),
           "left_heel": (-8, 390), "left_foot_index": (14, 392),
           "right_heel": (-6, 388), "right_foot_index": (16, 390)}
    for name, (dx, y) in pts.items():
        xy[:, LM[name]] = (cx + facing * dx, y)
    return xy


def times(n: int, fps: float = 30.0) -> np.ndarray:
    return (np.arange(n) * 1e9 / fps).astype(np.int64)


def test_side_view_facing_right_and_left():
    xy = side_runner(facing=1)
    d = decide_view(xy, times(len(xy)))
    assert (d.view, d.facing, d.sign) == ("side", "right", 1)
    d = decide_view(side_runner(facing=-1), times(len(xy)))
    assert (d.view, d.facing, d.sign) == ("side", "left", -1)


def test_facing_is_decided_from_the_first_seconds_only():
    """A turn after the decision window does not flip facing."""
    xy = np.concatenate([side_runner(120, facing=-1), side_runner(300, facing=1)])
    d = decide_view(xy, times(len(xy)))
    assert d.facing == "left"


def test_window_starts_when_the_person_appears():
    xy = np.concatenate([np.full((200, N_LANDMARKS, 2), np.nan, np.float32),
                         side_runner(60, facing=1)])
    d = decide_view(xy, times(len(xy)))
    assert d.facing == "right" and d.frames_used == 60


def test_frontal_views_are_not_given_a_facing():
    xy = side_runner(facing=1)
    # Facing the camera: the person's left shoulder/hip on the image's right, 40 px apart.
    xy[:, LM["left_shoulder"], 0] += 40
    xy[:, LM["right_shoulder"], 0] -= 40
    xy[:, LM["left_hip"], 0] += 30
    xy[:, LM["right_hip"], 0] -= 30
    d = decide_view(xy, times(len(xy)))
    assert (d.view, d.facing) == ("front", "unknown")
    xy[:, [LM["left_shoulder"], LM["right_shoulder"]]] = xy[:, [LM["right_shoulder"], LM["left_shoulder"]]]
    xy[:, [LM["left_hip"], LM["right_hip"]]] = xy[:, [LM["right_hip"], LM["left_hip"]]]
    assert decide_view(xy, times(len(xy))).view == "back"


def test_nobody_gives_unknown_without_warnings():
    xy = np.full((30, N_LANDMARKS, 2), np.nan, np.float32)
    d = decide_view(xy, times(30))
    assert (d.view, d.facing, d.frames_used) == ("unknown", "unknown", 0)
