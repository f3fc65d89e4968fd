"""Skeleton drawn over video frames, and the overlay MP4 writer of `analyze --overlay`."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from station.contracts import LEFT_SIDE, LM, RIGHT_SIDE, SKELETON_EDGES, Frame, Pose
from station.errors import BadInput

# BGR colours: the runner's left side orange, right side cyan, midline white.
_LEFT_BGR = (0, 140, 255)
_RIGHT_BGR = (255, 200, 0)
_MID_BGR = (255, 255, 255)


def _edge_colour(a: int, b: int) -> tuple[int, int, int]:
    if a in LEFT_SIDE and b in LEFT_SIDE:
        return _LEFT_BGR
    if a in RIGHT_SIDE and b in RIGHT_SIDE:
        return _RIGHT_BGR
    return _MID_BGR


def draw_pose_bgr(image_bgr: np.ndarray, pose: Pose, label: str = "") -> np.ndarray:
    """Draw bones, joints, the trunk line and a vertical reference in place; returns the image."""
    h, w = image_bgr.shape[:2]
    thick = max(2, round(min(h, w) / 200))
    xy = pose.xy
    for a, b in SKELETON_EDGES:
        if np.isfinite(xy[a]).all() and np.isfinite(xy[b]).all():
            cv2.line(image_bgr, tuple(np.round(xy[a]).astype(int)), tuple(np.round(xy[b]).astype(int)),
                     _edge_colour(a, b), thick, cv2.LINE_AA)
    for i in range(xy.shape[0]):
        if np.isfinite(xy[i]).all():
            cv2.circle(image_bgr, tuple(np.round(xy[i]).astype(int)), thick + 1,
                       _edge_colour(i, i), -1, cv2.LINE_AA)
    shoulders = np.nanmean(xy[[LM["left_shoulder"], LM["right_shoulder"]]], axis=0) \
        if np.isfinite(xy[[LM["left_shoulder"], LM["right_shoulder"]]]).any() else None
    hips = np.nanmean(xy[[LM["left_hip"], LM["right_hip"]]], axis=0) \
        if np.isfinite(xy[[LM["left_hip"], LM["right_hip"]]]).any() else None
    if shoulders is not None and hips is not None:
        s, hp = tuple(np.round(shoulders).astype(int)), tuple(np.round(hips).astype(int))
        # Trunk line in green, the vertical through the hips as the reference for lean.
        cv2.line(image_bgr, hp, (hp[0], hp[1] - int(1.2 * abs(hp[1] - s[1]) + 1)),
                 (160, 160, 160), max(1, thick // 2), cv2.LINE_AA)
        cv2.line(image_bgr, hp, s, (60, 220, 60), thick + 1, cv2.LINE_AA)
    if label:
        scale = max(0.5, min(h, w) / 900)
        cv2.putText(image_bgr, label, (10, int(30 * scale) + 5), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.putText(image_bgr, label, (10, int(30 * scale) + 5), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, (255, 255, 255), max(1, thick - 1), cv2.LINE_AA)
    return image_bgr


class OverlayWriter:
    """MP4 (MPEG-4 part 2, 'mp4v': the encoder every OpenCV wheel carries) of frames with
    the skeleton drawn on. Plays at the file's own rate, so slow motion stays slow."""

    def __init__(self, path: str | Path, fps: float, size_px: tuple[int, int]) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() not in (".mp4", ".m4v", ".mov"):
            raise BadInput(f"--overlay {self.path}: expected a .mp4 file name")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"),
                                       float(fps), size_px)
        if not self._writer.isOpened():
            raise BadInput(f"--overlay {self.path}: cannot write a video there")
        self.size_px = size_px
        self.frames = 0

    def write(self, frame: Frame, pose: Pose, label: str = "") -> None:
        bgr = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
        draw_pose_bgr(bgr, pose, label)
        self._writer.write(bgr)
        self.frames += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
