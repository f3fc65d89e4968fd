"""MediaPipe Tasks-API PoseLandmarker from a `.task` file the user names.

This is the backend for newer mediapipe releases (Raspberry Pi OS with Python 3.13),
which no longer carry the legacy solution graph or a bundled model. Google publishes
pose_landmarker_{lite,full,heavy}.task; the station never downloads one itself.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from station.contracts import Frame, Pose
from station.errors import BadInput
from station.pose.base import DEFAULT_MIN_VISIBILITY, PoseEstimator
from station.pose.landmarks import pose_from_normalized
from station.pose.mp_import import import_mediapipe
from station.native_stderr import filter_acquire, filter_release, native_stderr_silenced

with native_stderr_silenced():
    mp = import_mediapipe()
    from mediapipe.tasks.python import BaseOptions, vision

_REQUIRED_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


def check_task_file(path: Path) -> None:
    if not path.exists():
        raise BadInput(f"--pose-task {path}: no such file")
    if not zipfile.is_zipfile(path):
        raise BadInput(f"--pose-task {path}: expected a pose_landmarker .task bundle "
                       f"(a zip), found something else")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    missing = _REQUIRED_MEMBERS - names
    if missing:
        raise BadInput(f"--pose-task {path}: expected a pose_landmarker bundle holding "
                       f"{sorted(_REQUIRED_MEMBERS)}, found {sorted(names)}")


class TaskPoseEstimator(PoseEstimator):
    """PoseLandmarker in VIDEO mode: detection, then tracking between frames."""

    def __init__(self, task_path: str | Path, segmentation: bool = False,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY,
                 min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5, num_poses: int = 1) -> None:
        path = Path(task_path)
        check_task_file(path)
        self.segmentation = segmentation
        self.min_visibility = min_visibility
        self._last_ms = -1
        self._started = False
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_segmentation_masks=segmentation,
        )
        filter_acquire()  # mediapipe prints banners on fd 2 for as long as it runs
        try:
            with native_stderr_silenced():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            filter_release()
            raise BadInput(f"--pose-task {path}: mediapipe cannot load it "
                           f"({str(e).splitlines()[0]})") from None

    def estimate(self, frame: Frame) -> Pose:
        people = self.estimate_people(frame)
        return people[0] if people else Pose.empty(frame.t_ns, frame.seq)

    def estimate_people(self, frame: Frame) -> list[Pose]:
        """Everyone found (up to num_poses), in the model's order."""
        # VIDEO mode requires strictly increasing integer milliseconds.
        ms = max(frame.t_ns // 1_000_000, self._last_ms + 1)
        self._last_ms = ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB,
                         data=np.ascontiguousarray(frame.image))
        if not self._started:
            with native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, ms)
            self._started = True
        else:
            result = self._landmarker.detect_for_video(image, ms)
        masks = result.segmentation_masks if self.segmentation else None
        people = []
        for i, landmarks in enumerate(result.pose_landmarks or []):
            mask = None
            if masks and i < len(masks):
                mask = masks[i].numpy_view().reshape(frame.height_px, frame.width_px)
            people.append(pose_from_normalized(landmarks, frame.width_px, frame.height_px,
                                               mask, self.min_visibility, frame.t_ns,
                                               frame.seq))
        return people

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None
            filter_release()
