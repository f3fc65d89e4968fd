"""What a real pose model does to landmarks: jitter, dropped points, a far leg it is
unsure of, left/right leg swaps, legs blended into each other for a frame or three,
frames with nobody found.

Noise is drawn per block of frames from a generator seeded by (seed, block), so frame i
gets the same noise whether a whole clip or a live chunk is generated. It never touches
the truth, which is measured on the clean geometry.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from station.contracts import LM, N_LANDMARKS
from station.pose.base import DEFAULT_MIN_VISIBILITY

BLOCK_FRAMES = 256
LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
ARM_PARTS = ("shoulder", "elbow", "wrist", "pinky", "index", "thumb")


def _idx(side: str, parts: tuple[str, ...]) -> np.ndarray:
    return np.array([LM[f"{side}_{p}"] for p in parts])


def clean_visibility(n: int, facing_sign: int, far_leg_vis: float) -> np.ndarray:
    """Visibility before random noise: the near side is clear, the far arm partly hidden
    behind the trunk, the far leg as the knob says."""
    far = "left" if facing_sign > 0 else "right"
    vis = np.full((n, N_LANDMARKS), 0.99, np.float32)
    vis[:, _idx(far, ARM_PARTS[1:])] = 0.85
    vis[:, _idx(far, LEG_PARTS[1:])] = far_leg_vis
    return vis


def _block_noise(seed: int, block: int, scene: dict[str, Any], fps: float, facing_sign: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(offsets px (B,33,2), visibility (B,33), swapped (B,) bool, blend (B, 2): how far
    each leg is pulled toward the other, 0 = not at all) for one block."""
    rng = np.random.default_rng([int(seed), int(block)])
    b = BLOCK_FRAMES
    off = rng.normal(0.0, 1.0, (b, N_LANDMARKS, 2)) * scene["jitter_px"]
    vis = clean_visibility(b, facing_sign, scene["far_leg_vis"])
    far = "left" if facing_sign > 0 else "right"
    far_leg = _idx(far, LEG_PARTS[1:])
    # A pose model's confidence in the far leg wanders frame to frame.
    vis[:, far_leg] = np.clip(vis[:, far_leg] + rng.normal(0, 0.06, (b, len(far_leg))), 0, 1)
    drop = rng.random((b, N_LANDMARKS)) < scene["drop_pct"] / 100.0
    vis[drop] = rng.uniform(0.0, 0.45, int(drop.sum()))
    frame_drop = rng.random(b) < scene["frame_drop_pct"] / 100.0
    vis[frame_drop] = 0.0
    swapped = np.zeros(b, bool)
    n_swaps = rng.poisson(scene["swaps_per_min"] * b / fps / 60.0)
    for start in rng.integers(0, b, n_swaps):
        swapped[start:start + int(scene["swap_frames"])] = True
    # Drawn last, so the other noise of a seed is the same with or without blends. On the
    # 60 fps gym clip the model pulls the feet toward each other for 1-3 frames about once
    # a stride, each leg by its own amount (from not at all to nearly merged).
    blend = np.zeros((b, 2))
    n_blends = rng.poisson(scene.get("blends_per_min", 0.0) * b / fps / 60.0)
    for start in rng.integers(0, b, n_blends):
        blend[start:start + int(rng.integers(1, 4))] = rng.uniform(0.0, 0.9, 2)
    return off, vis.astype(np.float32), swapped, blend


def noisy_landmarks(clean_px: np.ndarray, present: np.ndarray, frame_idx: np.ndarray,
                    scene: dict[str, Any], fps: float, seed: int, facing_sign: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(xy float32 (n,33,2) with NaN below the visibility threshold, vis float32 (n,33))
    for frames `frame_idx` whose clean pixels are `clean_px`."""
    n = len(frame_idx)
    xy = clean_px.astype(np.float64).copy()
    vis = np.zeros((n, N_LANDMARKS), np.float32)
    blocks = frame_idx // BLOCK_FRAMES
    left, right = _idx("left", LEG_PARTS), _idx("right", LEG_PARTS)
    for blk in np.unique(blocks):
        rows = np.flatnonzero(blocks == blk)
        within = frame_idx[rows] - blk * BLOCK_FRAMES
        off, v, swapped, blend = _block_noise(seed, int(blk), scene, fps, facing_sign)
        xy[rows] += off[within]
        vis[rows] = v[within]
        bl = rows[blend[within].any(axis=1)]
        if len(bl):
            w = blend[within][blend[within].any(axis=1)]
            lpos, rpos = xy[bl][:, left[1:]], xy[bl][:, right[1:]]     # the hips stay
            xy[np.ix_(bl, left[1:])] = lpos + w[:, :1, None] * (rpos - lpos)
            xy[np.ix_(bl, right[1:])] = rpos + w[:, 1:, None] * (lpos - rpos)
        sw = rows[swapped[within]]
        if len(sw):
            # The model labels the legs the wrong way round: positions trade places,
            # each keeps its own label's visibility.
            lpos = xy[sw][:, left].copy()
            xy[np.ix_(sw, left)] = xy[sw][:, right]
            xy[np.ix_(sw, right)] = lpos
    height, width = scene["height"], scene["width"]
    outside = ((xy[..., 0] < 0) | (xy[..., 0] >= width) | (xy[..., 1] < 0)
               | (xy[..., 1] >= height) | ~np.isfinite(xy[..., 0]))
    vis[outside] = 0.0
    vis[~present] = 0.0
    xy[vis < DEFAULT_MIN_VISIBILITY] = np.nan
    return xy.astype(np.float32), vis
