"""Shared by the screen tests (no tests here): a side-on stick runner and solid frames, no pygame."""
from __future__ import annotations

import numpy as np

from station.contracts import LM, N_LANDMARKS, Frame, Pose

IMAGE_W, IMAGE_H = 640, 480

# A runner facing image-right, whole body inside a 640x480 image, in pixels.
_POINTS = {
    "nose": (345, 52), "left_ear": (322, 50), "right_ear": (324, 51),
    "left_eye": (338, 45), "right_eye": (339, 46),
    "left_shoulder": (318, 110), "right_shoulder": (322, 112),
    "left_elbow": (300, 170), "right_elbow": (345, 165),
    "left_wrist": (330, 205), "right_wrist": (375, 150),
    "left_hip": (310, 250), "right_hip": (314, 252),
    "left_knee": (370, 320), "right_knee": (290, 345),
    "left_ankle": (360, 420), "right_ankle": (240, 390),
    "left_heel": (345, 430), "right_heel": (228, 380),
    "left_foot_index": (395, 435), "right_foot_index": (250, 405),
}


def side_pose(t_ns: int = 0, seq: int = 0, shift_xy: tuple[float, float] = (0.0, 0.0),
              scale: float = 1.0) -> Pose:
    xy = np.full((N_LANDMARKS, 2), np.nan, np.float32)
    for name, (x, y) in _POINTS.items():
        xy[LM[name]] = (x * scale + shift_xy[0], y * scale + shift_xy[1])
    vis = np.where(np.isfinite(xy[:, 0]), 0.9, 0.0).astype(np.float32)
    return Pose(xy=xy, vis=vis, mask=None, t_ns=t_ns, seq=seq)


def with_nan(pose: Pose, *names: str) -> Pose:
    xy = pose.xy.copy()
    for n in names:
        xy[LM[n]] = np.nan
    return Pose(xy=xy, vis=pose.vis, mask=pose.mask, t_ns=pose.t_ns, seq=pose.seq)


def moved(pose: Pose, **points: tuple[float, float]) -> Pose:
    xy = pose.xy.copy()
    for n, p in points.items():
        xy[LM[n]] = p
    return Pose(xy=xy, vis=pose.vis, mask=pose.mask, t_ns=pose.t_ns, seq=pose.seq)


def solid_frame(rgb: tuple[int, int, int], w: int = IMAGE_W, h: int = IMAGE_H) -> Frame:
    img = np.empty((h, w, 3), np.uint8)
    img[:] = rgb
    return Frame(image=img, t_ns=0, seq=0)
