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
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

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

    def follow(self, frames: Iterable[Frame],
               keep_frames: bool = False) -> Iterator[tuple[Frame | None, Pose]]:
        """Offline use (a file): like `estimate` on each frame, but the seconds before
        the walker was recognised are not lost. While nobody is chosen, frames are held
        back (up to the selector's window); once someone is, the held frames get that
        person's earlier landmarks (without mask: only landmarks are kept that long).
        Held frames carry their image only when `keep_frames` (an overlay wants it)."""
        held: deque[tuple[Frame | None, int, int]] = deque()
        sel = self.selector
        for frame in frames:
            pose = self.estimate(frame)
            if sel.chosen_id is None:
                held.append((frame if keep_frames else None, frame.t_ns, frame.seq))
                while frame.t_ns - held[0][1] > sel.window_ns:
                    f, t, seq = held.popleft()
                    yield f, Pose.empty(t, seq)
                continue
            if held:
                past = {p.seq: p for p in sel.chosen_history()}
                for f, t, seq in held:
                    yield f, past.get(seq, Pose.empty(t, seq))
                held.clear()
            yield frame, pose
        for f, t, seq in held:
            yield f, Pose.empty(t, seq)

    def close(self) -> None:
        self._people.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
