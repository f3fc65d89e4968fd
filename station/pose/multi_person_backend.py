"""Several people in view: find up to two, follow the one walking or running side-on.

The legacy solution graph tracks one person, whoever it detected first (on a clip where a
man stands on a box before a walker enters, that is the man, for good). The Tasks-API
PoseLandmarker finds up to `num_poses`; GaitPersonSelector picks the subject. Without a
`.task` file the bundle is built from the wheel's own networks (station.pose.task_bundle),
so nothing is downloaded, and the subject's landmarks and mask then come from the legacy
graph run on the frame with the others painted out (station.pose.paint_out): the same
landmarks as the single-person path gives, which the gait events are tuned on (the Tasks
graph's far leg is noisier: 8 strides instead of 14 on the gym clip). Costs two landmark
passes per person found plus one, so the single-person solution stays the default; this
one is used when asked, or when `analyze` sees that the first person found is not a
side-on gait.
"""
from __future__ import annotations

import logging
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import cv2
import numpy as np

from station.contracts import Frame, Pose
from station.pose.base import DEFAULT_MIN_VISIBILITY, PoseEstimator
from station.pose.gait_evidence import hip_centre_px, trunk_length_px
from station.pose.paint_out import paint_out_others
from station.pose.person_select import GaitPersonSelector
from station.pose.tasks_backend import TaskPoseEstimator

log = logging.getLogger(__name__)

#: People looked at per frame: the subject and one other is the case seen (a walker and
#: someone in the background); each more costs a landmark pass.
DEFAULT_NUM_POSES = 2
#: The legacy graph's pose is the subject's when its mid-hip lies this close (trunk
#: lengths) to the Tasks pose that chose them.
SAME_HIP_TRUNKS = 0.5
#: Frames held back before the subject is chosen are kept as JPEG of this quality.
HELD_JPEG_QUALITY = 95


@dataclass
class _Held:
    frame: Frame | None
    t_ns: int
    seq: int
    people: list[Pose]
    jpeg: np.ndarray | None

    def image(self) -> np.ndarray | None:
        if self.frame is not None:
            return self.frame.image
        if self.jpeg is not None:
            return np.ascontiguousarray(cv2.imdecode(self.jpeg, cv2.IMREAD_COLOR)[:, :, ::-1])
        return None


class GaitPersonPoseEstimator(PoseEstimator):
    """Pose of the person walking or running side-on; empty until one is seen."""

    def __init__(self, task_path: str | Path | None = None, segmentation: bool = False,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY,
                 num_poses: int = DEFAULT_NUM_POSES) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._single: PoseEstimator | None = None
        refine = task_path is None
        if refine:
            from station.pose.task_bundle import build_bundled_full_task
            self._tmp = tempfile.TemporaryDirectory(prefix="station-pose-")
            task_path = build_bundled_full_task(Path(self._tmp.name) / "pose_landmarker.task")
        try:
            # With the legacy graph refining the subject, the Tasks graph only finds people.
            self._people = TaskPoseEstimator(task_path,
                                             segmentation=segmentation and not refine,
                                             min_visibility=min_visibility,
                                             num_poses=num_poses)
            if refine:
                from station.pose.solutions_backend import SolutionsPoseEstimator
                self._single = SolutionsPoseEstimator(segmentation=segmentation,
                                                      min_visibility=min_visibility)
        except BaseException:
            self.close()
            raise
        self.segmentation = segmentation
        self.selector = GaitPersonSelector()
        self.refined = 0        # frames whose pose came from the legacy graph

    def estimate(self, frame: Frame) -> Pose:
        people, chosen = self._choose(frame)
        return self._refine(frame.image, chosen, people)

    def _choose(self, frame: Frame) -> tuple[list[Pose], Pose]:
        people = self._people.estimate_people(frame)
        return people, self.selector.select(people, frame.t_ns, frame.seq)

    def _refine(self, image: np.ndarray, chosen: Pose, people: list[Pose]) -> Pose:
        """The legacy graph's pose of `chosen`, the others painted out; `chosen` itself
        when there is no legacy graph or it found someone else."""
        if not chosen.found or self._single is None:
            return chosen
        # paint_out_others restores the subject's own box, so all people can go in.
        painted = paint_out_others(image, chosen, people)
        single = self._single.estimate(Frame(painted, chosen.t_ns, chosen.seq))
        if _same_person(single, chosen):
            self.refined += 1
            return single
        return chosen

    def follow(self, frames: Iterable[Frame],
               keep_frames: bool = False) -> Iterator[tuple[Frame | None, Pose]]:
        """Offline use (a file): like `estimate` on each frame, but the seconds before
        the walker was recognised are not lost. While nobody is chosen, frames are held
        back (up to the selector's window); once someone is, the held frames get that
        person's pose, refined like the rest (their images are kept JPEG-compressed
        meanwhile: a raw second of 1080p is 400 MB). Held frames are handed back with
        their image only when `keep_frames` (an overlay wants it)."""
        held: deque[_Held] = deque()
        sel = self.selector
        for frame in frames:
            people, chosen = self._choose(frame)
            if sel.chosen_id is None:
                held.append(self._hold(frame, people, keep_frames))
                while frame.t_ns - held[0].t_ns > sel.window_ns:
                    h = held.popleft()
                    yield h.frame, Pose.empty(h.t_ns, h.seq)
                continue
            if held:
                past = {p.seq: p for p in sel.chosen_history()}
                for h in held:
                    before = past.get(h.seq, Pose.empty(h.t_ns, h.seq))
                    image = h.image() if before.found and self._single is not None else None
                    yield h.frame, before if image is None else \
                        self._refine(image, before, h.people)
                held.clear()
            yield frame, self._refine(frame.image, chosen, people)
        for h in held:
            yield h.frame, Pose.empty(h.t_ns, h.seq)

    def _hold(self, frame: Frame, people: list[Pose], keep_frames: bool) -> "_Held":
        jpeg = None
        if self._single is not None and not keep_frames:
            ok, buf = cv2.imencode(".jpg", frame.image[:, :, ::-1],
                                   [cv2.IMWRITE_JPEG_QUALITY, HELD_JPEG_QUALITY])
            jpeg = buf if ok else None
        landmarks_only = [Pose(p.xy, p.vis, None, p.t_ns, p.seq) for p in people]
        return _Held(frame if keep_frames else None, frame.t_ns, frame.seq, landmarks_only,
                     jpeg)

    def close(self) -> None:
        for est in (getattr(self, "_people", None), self._single):
            if est is not None:
                est.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _same_person(a: Pose, b: Pose) -> bool:
    if not a.found:
        return False
    trunk = trunk_length_px(b.xy[None])[0]
    d = float(np.linalg.norm(hip_centre_px(a.xy[None])[0] - hip_centre_px(b.xy[None])[0]))
    return bool(np.isfinite(d) and np.isfinite(trunk) and d <= SAME_HIP_TRUNKS * trunk)
