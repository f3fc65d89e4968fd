"""MediaPipe BlazePose through the legacy `mp.solutions.pose` graph, with the model
bundled inside the mediapipe wheel. Runs fully offline."""
from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)

_MODEL_FILES = {0: "pose_landmark_lite.tflite", 1: "pose_landmark_full.tflite",
                2: "pose_landmark_heavy.tflite"}
_MODEL_NAMES = {0: "lite", 1: "full", 2: "heavy"}


def bundled_model_path(complexity: int) -> Path:
    return Path(mp.__file__).parent / "modules" / "pose_landmark" / _MODEL_FILES[complexity]


def check_complexity(complexity: int) -> None:
    """Refuse a model mediapipe would try to download (lite and heavy are not in the wheel)."""
    if complexity not in _MODEL_FILES:
        raise BadInput(f"--model-complexity: expected 0, 1 or 2, found {complexity}")
    if not bundled_model_path(complexity).exists():
        raise BadInput(
            f"model complexity {complexity} ({_MODEL_NAMES[complexity]}) is not inside the "
            f"mediapipe wheel and would be downloaded at start-up, which the station never "
            f"does; use complexity 1 (full, bundled) or --pose-task FILE with Google's "
            f"pose_landmarker_{_MODEL_NAMES[complexity]}.task")


class SolutionsPoseEstimator(PoseEstimator):
    """Detection on the first frame, then tracking from the previous landmarks, as on a
    live stream (static_image_mode=False). MediaPipe's own landmark smoothing is off by
    default: the station's LandmarkFilter smooths with the true frame times, and
    gait-event timing wants the unsmoothed points."""

    def __init__(self, complexity: int = 1, segmentation: bool = False,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY,
                 smooth_landmarks: bool = False,
                 min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        check_complexity(complexity)
        self.segmentation = segmentation
        self.min_visibility = min_visibility
        self._started = False
        filter_acquire()  # mediapipe prints banners on fd 2 for as long as it runs
        with native_stderr_silenced():
            self._pose = mp.solutions.pose.Pose(
                static_image_mode=False,
                model_complexity=complexity,
                smooth_landmarks=smooth_landmarks,
                enable_segmentation=segmentation,
                smooth_segmentation=smooth_landmarks,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )

    def estimate(self, frame: Frame) -> Pose:
        image = np.ascontiguousarray(frame.image)
        if not self._started:
            # The first inference prints XNNPACK/feedback-tensor banners on fd 2.
            with native_stderr_silenced():
                result = self._pose.process(image)
            self._started = True
        else:
            result = self._pose.process(image)
        if result.pose_landmarks is None:
            return Pose.empty(frame.t_ns, frame.seq)
        mask = result.segmentation_mask if self.segmentation else None
        return pose_from_normalized(result.pose_landmarks.landmark, frame.width_px,
                                    frame.height_px, mask, self.min_visibility,
                                    frame.t_ns, frame.seq)

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None
            filter_release()
