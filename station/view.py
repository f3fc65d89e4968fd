"""Which way the camera sees the runner: side-on facing left/right, or front/back.

Decided ONCE per clip or session from the first seconds with a person in view
(DESIGN.md): per-frame facing decisions are what makes Sports2D's angles flip on
treadmill running. Evidence, each normalised by trunk length T:
  * side vs frontal: horizontal shoulder and hip widths are small side-on (the two
    shoulders overlap) and about 0.5-0.8 T when the camera sees the chest or the back;
  * facing: the nose sits ahead of the ears, and the toes ahead of the heels.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from station.contracts import LM, Facing

#: Seconds of the start (counted from the first frame with a person) that decide facing.
DECISION_WINDOW_S = 3.0
#: Horizontal shoulder/hip width over trunk length above which the view is frontal.
FRONTAL_WIDTH_RATIO = 0.35
#: |median forward evidence| below this (in trunk lengths) leaves facing unknown.
MIN_FACING_EVIDENCE = 0.03


@dataclass(frozen=True, slots=True)
class ViewDecision:
    view: str            # "side", "front", "back" or "unknown"
    facing: Facing       # "left", "right" or "unknown" (always unknown unless side)
    frames_used: int
    width_ratio: float   # median horizontal shoulder/hip width over trunk length
    forward_evidence: float  # median signed evidence, + = faces image-right
    camera_side: str = "unknown"  # "left"/"right": the runner's side nearer the camera

    @property
    def camera_left(self) -> bool:
        return self.camera_side == "left"

    @property
    def sign(self) -> int:
        return {"right": 1, "left": -1}.get(self.facing, 0)


def _mid(xy: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.nanmean(np.stack([xy[:, a], xy[:, b]]), axis=0)


#: Landmarks whose visibility tells the near side from the far side.
_SIDE_PAIRS = [(LM[f"left_{n}"], LM[f"right_{n}"])
               for n in ("shoulder", "elbow", "hip", "knee", "ankle", "heel", "foot_index")]


def camera_side(facing_sign: int, vis: np.ndarray | None) -> str:
    """The runner's side nearer the camera: the better-seen one; when visibility does not
    tell, geometry does (facing image-right, an unmirrored camera sees the right side)."""
    if vis is not None and len(vis):
        left = float(np.mean(vis[:, [a for a, _ in _SIDE_PAIRS]]))
        right = float(np.mean(vis[:, [b for _, b in _SIDE_PAIRS]]))
        if abs(left - right) > 0.02:
            return "left" if left > right else "right"
    if facing_sign == 0:
        return "unknown"
    return "right" if facing_sign > 0 else "left"


def trunk_and_widths(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trunk length T (N,) and the horizontal shoulder and hip widths over T (N, 2) of
    frames `xy` (N, 33, 2). Call inside a RuntimeWarning filter: unseen pairs are NaN."""
    shoulders = _mid(xy, LM["left_shoulder"], LM["right_shoulder"])
    hips = _mid(xy, LM["left_hip"], LM["right_hip"])
    trunk = np.linalg.norm(shoulders - hips, axis=1)
    x = xy[:, :, 0]
    widths = np.stack([np.abs(x[:, LM["left_shoulder"]] - x[:, LM["right_shoulder"]]),
                       np.abs(x[:, LM["left_hip"]] - x[:, LM["right_hip"]])], axis=1)
    return trunk, widths / trunk[:, None]


def looks_frontal(xy: np.ndarray) -> bool:
    """One pose (33, 2) seen from the front or back, by the same rule as decide_view."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pairs just mean "not seen"
        trunk, widths = trunk_and_widths(xy[None])
    if not math.isfinite(trunk[0]) or trunk[0] < 1.0:
        return False
    w = widths[0][np.isfinite(widths[0])]
    return bool(w.size) and float(np.median(w)) > FRONTAL_WIDTH_RATIO


def decide_view(xy: np.ndarray, t_ns: np.ndarray, vis: np.ndarray | None = None,
                window_s: float = DECISION_WINDOW_S) -> ViewDecision:
    """`xy` (N, 33, 2) pixels with NaN for unseen landmarks; `t_ns` (N,); `vis` (N, 33)."""
    with warnings.catch_warnings():
        # nanmean/nanmedian of an all-NaN column warns; here it just means "not seen".
        warnings.simplefilter("ignore", RuntimeWarning)
        trunk, widths = trunk_and_widths(xy)
        seen = np.isfinite(trunk) & (trunk > 1.0)
        if not seen.any():
            return ViewDecision("unknown", "unknown", 0, float("nan"), float("nan"))
        t0 = t_ns[np.argmax(seen)]
        sel = seen & (t_ns <= t0 + int(window_s * 1e9))
        x = xy[sel, :, 0]
        T = trunk[sel]
        width_ratio = float(np.nanmedian(np.concatenate([widths[sel, 0], widths[sel, 1]])))

        ears_x = np.nanmean(np.stack([x[:, LM["left_ear"]], x[:, LM["right_ear"]]]), axis=0)
        cues = [(x[:, LM["nose"]] - ears_x) / T]
        for heel, toe in (("left_heel", "left_foot_index"), ("right_heel", "right_foot_index")):
            cues.append((x[:, LM[toe]] - x[:, LM[heel]]) / T)
        evidence = np.concatenate(cues)
        evidence = evidence[np.isfinite(evidence)]
        forward = float(np.median(evidence)) if evidence.size else float("nan")

        if width_ratio > FRONTAL_WIDTH_RATIO:
            # MediaPipe names sides from the person's point of view: facing the camera,
            # their left shoulder is on the image's right.
            lr = x[:, LM["left_shoulder"]] - x[:, LM["right_shoulder"]]
            lr = lr[np.isfinite(lr)]
            view = "unknown" if lr.size == 0 else ("front" if np.median(lr) > 0 else "back")
            return ViewDecision(view, "unknown", int(sel.sum()), width_ratio, forward)
    if not np.isfinite(forward) or abs(forward) < MIN_FACING_EVIDENCE:
        facing: Facing = "unknown"
    else:
        facing = "right" if forward > 0 else "left"
    sign = {"right": 1, "left": -1}.get(facing, 0)
    near = camera_side(sign, None if vis is None else vis[sel])
    return ViewDecision("side", facing, int(sel.sum()), width_ratio, forward, near)
