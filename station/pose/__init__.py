"""Pose estimation. The only package that imports mediapipe; nothing else sees it.

`make_pose_estimator` picks the backend: the legacy solution with the model bundled in
the wheel (default), or a Tasks-API PoseLandmarker from a `.task` file. `person="gait"`
looks at up to two people and follows the one walking or running side-on
(station.pose.multi_person_backend); the default follows the first person found.
"""
from __future__ import annotations

from pathlib import Path

from station.pose.base import DEFAULT_MIN_VISIBILITY, PoseEstimator

__all__ = ["PoseEstimator", "make_pose_estimator", "DEFAULT_MIN_VISIBILITY", "PERSON_MODES"]

#: "first": whoever the model finds first (one landmark pass, the live default);
#: "gait": the person walking or running side-on among up to two.
PERSON_MODES = ("first", "gait")


def make_pose_estimator(task_path: str | Path | None = None, complexity: int = 1,
                        segmentation: bool = False,
                        min_visibility: float = DEFAULT_MIN_VISIBILITY,
                        person: str = "first") -> PoseEstimator:
    # Imported lazily: loading mediapipe costs ~1 s and commands like `synth` never need it.
    if person not in PERSON_MODES:
        raise ValueError(f"person: expected one of {PERSON_MODES}, found {person!r}")
    if person == "gait":
        from station.pose.solutions_backend import check_complexity
        from station.pose.multi_person_backend import GaitPersonPoseEstimator
        if task_path is None:
            check_complexity(complexity)  # the same refusal as the default path
            if complexity != 1:
                from station.errors import BadInput
                raise BadInput("following the walker among several people uses the full "
                               "model (complexity 1) from the mediapipe wheel; give "
                               "--pose-task FILE for another one")
        return GaitPersonPoseEstimator(task_path, segmentation=segmentation,
                                       min_visibility=min_visibility)
    if task_path is not None:
        from station.pose.tasks_backend import TaskPoseEstimator
        return TaskPoseEstimator(task_path, segmentation=segmentation,
                                 min_visibility=min_visibility)
    from station.pose.solutions_backend import SolutionsPoseEstimator
    return SolutionsPoseEstimator(complexity=complexity, segmentation=segmentation,
                                  min_visibility=min_visibility)
