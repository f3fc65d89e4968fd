"""Conversion of mediapipe landmark lists to the Pose contract (pixels, NaN when unseen)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from station.contracts import N_LANDMARKS, Pose


def pose_from_normalized(landmarks: Sequence, width_px: int, height_px: int,
                         mask_prob: np.ndarray | None, min_visibility: float,
                         t_ns: int, seq: int) -> Pose:
    """`landmarks`: 33 objects with .x .y (0..1 of the image) and .visibility."""
    if len(landmarks) != N_LANDMARKS:
        raise ValueError(f"expected {N_LANDMARKS} landmarks, got {len(landmarks)}")
    raw = np.array([(lm.x, lm.y, lm.visibility) for lm in landmarks], np.float32)
    xy = raw[:, :2] * np.array([width_px, height_px], np.float32)
    vis = np.clip(raw[:, 2], 0.0, 1.0)
    xy[vis < min_visibility] = np.nan
    mask = None
    if mask_prob is not None:
        mask = np.clip(mask_prob * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return Pose(xy=xy, vis=vis, mask=mask, t_ns=t_ns, seq=seq)
