"""The Tasks-API backend with a .task built from the models inside the mediapipe wheel."""
from __future__ import annotations

import numpy as np
import pytest

from hardware.video_file import VideoFileSource
from station.contracts import LM
from station.pose import make_pose_estimator
from station.pose.task_bundle import build_bundled_full_task


@pytest.mark.media
@pytest.mark.slow
# mediapipe's metadata writer leaves temporary files open for the GC to close.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_task_backend_tracks_like_the_bundled_solution(tmp_path, media):
    task = build_bundled_full_task(tmp_path / "pose_landmarker_full.task")
    clip = media("treadmill_side_lab_480p.mp4")
    poses = {}
    for name, kwargs in (("task", {"task_path": task}), ("solution", {})):
        with VideoFileSource(clip) as src, make_pose_estimator(segmentation=True, **kwargs) as est:
            poses[name] = [est.estimate(f) for _, f in zip(range(40), src)]
    task_poses, sol_poses = poses["task"], poses["solution"]
    assert sum(p.found for p in task_poses) >= 38
    assert all(p.mask is not None and p.mask.shape == (360, 480) for p in task_poses if p.found)
    # Same networks, so the trunk and legs land on the same pixels (within a few px).
    joints = [LM[n] for n in ("left_shoulder", "left_hip", "left_knee", "left_ankle")]
    d = [np.linalg.norm(a.xy[joints] - b.xy[joints], axis=1)
         for a, b in zip(task_poses, sol_poses) if a.found and b.found]
    assert np.nanmedian(np.concatenate(d)) < 0.02 * 360
    # The mask covers the hips and leaves the top-left corner (background) empty.
    p = task_poses[-1]
    hx, hy = np.round(p.xy[LM["left_hip"]]).astype(int)
    assert p.mask[hy, hx] > 127 and p.mask[:20, :20].max() < 64
