"""A PoseEstimator for the synthetic source: the runner's own landmarks instead of a model.

The synthetic source keeps each frame's landmarks and mask by frame number
(`SyntheticFeed.landmarks_for(seq)`); this estimator turns them into the Pose the live
loop expects, so the demo runs the whole loop without MediaPipe. `noisy=False` hands
out the exact landmarks (everything visible while the runner is in view).
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from station.contracts import Frame, Pose
from station.pose.base import PoseEstimator


class _FrameData(Protocol):
    xy: np.ndarray
    vis: np.ndarray
    clean_xy: np.ndarray
    mask: np.ndarray


class _Feed(Protocol):
    def landmarks_for(self, seq: int) -> _FrameData | None: ...


class SyntheticPoseEstimator(PoseEstimator):
    def __init__(self, feed: _Feed, noisy: bool = True, segmentation: bool = True) -> None:
        self.feed = feed
        self.noisy = noisy
        self.segmentation = segmentation

    def estimate(self, frame: Frame) -> Pose:
        data = self.feed.landmarks_for(frame.seq)
        if data is None:
            return Pose.empty(frame.t_ns, frame.seq)
        if self.noisy:
            xy, vis = data.xy.astype(np.float32), data.vis.astype(np.float32)
        else:
            xy = data.clean_xy.astype(np.float32)
            vis = np.isfinite(xy[:, 0]).astype(np.float32)
        if not np.isfinite(xy[:, 0]).any():
            return Pose.empty(frame.t_ns, frame.seq)
        mask = data.mask.astype(np.uint8) * 255 if self.segmentation else None
        return Pose(xy=xy, vis=vis, mask=mask, t_ns=frame.t_ns, seq=frame.seq)
