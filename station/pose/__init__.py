"""Pose estimation. The only package that imports mediapipe; nothing else sees it.

`make_pose_estimator` picks the backend: the legacy solution with the model bundled in
the wheel (default), or a Tasks-API PoseLandmarker from a `.task` file.
"""
from __future__ import annotations

from pathlib import Path

from station.pose.base import DEFAULT_MIN_VISIBILITY, PoseEstimator

__all__ = ["PoseEstimator", "make_pose_estimator", "DEFAULT_MIN_VISIBILITY"]


def make_pose_estimator(task_path: str | Path | None = None, complexity: int = 1,
                        segmentation: bool = False,
                        min_visibility: float = DEFAULT_MIN_VISIBILITY) -> PoseEstimator:
    # Imported lazily: loading mediapipe costs ~1 s and commands like `synth` never need it.
    if task_path is not None:
        from station.pose.tasks_backend import TaskPoseEstimator
        return TaskPoseEstimator(task_path, segmentation=segmentation,
                                 min_visibility=min_visibility)
    from station.pose.solutions_backend import SolutionsPoseEstimator
    return SolutionsPoseEstimator(complexity=complexity, segmentation=segmentation,
                                  min_visibility=min_visibility)
