"""Several people in view: find up to two, follow the one walking or running side-on.

The legacy solution graph tracks one person, whoever it detected first (on a clip where a
man stands on a box before a walker enters, that is the man, for good). The Tasks-API
PoseLandmarker finds up to `num_poses`; GaitPersonSelector picks the subject. Without a
`.task` file the bundle is built from the wheel's own networks (station.pose.task_bundle),
so nothing is downloaded. Costs one landmark pass per person found, so the single-person
solution stays the default; this one is used when asked, or when `analyze` sees that the
first person found is not a side-on gait.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from station.contracts import Frame, Pose
from station.pose.base import DEFAULT_MIN_VISIBILITY, PoseEstimator
from station.pose.person_select import GaitPersonSelector
from station.pose.tasks_backend import TaskPoseEstimator

log = logging.getLogger(__name__)

#: People looked at per frame: the subject and one other is the case seen (a walker and
#: someone in the background); each more costs a landmark pass.
DEFAULT_NUM_POSES = 2


class GaitPersonPoseEstimator(PoseEstimator):
    """Pose of the person walking or running side-on; empty until one is seen."""

    def __init__(self, task_path: str | Path | None = None, segmentation: bool = False,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY,
                 num_poses: int = DEFAULT_NUM_POSES) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        if task_path is None:
            from station.pose.task_bundle import build_bundled_full_task
            self._tmp = tempfile.TemporaryDirectory(prefix="station-pose-")
            task_path = build_bundled_full_task(Path(self._tmp.name) / "pose_landmarker.task")
        try:
            self._people = TaskPoseEstimator(task_path, segmentation=segmentation,
                                             min_visibility=min_visibility,
                                             num_poses=num_poses)
        except BaseException:
            self._cleanup()
            raise
        self.segmentation = segmentation
        self.selector = GaitPersonSelector()

    def estimate(self, frame: Frame) -> Pose:
        return self.selector.select(self._people.estimate_people(frame), frame.t_ns, frame.seq)

    def close(self) -> None:
        self._people.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
