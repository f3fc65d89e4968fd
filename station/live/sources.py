"""`--source` values to a FrameSource and the PoseEstimator that goes with it."""
from __future__ import annotations

from pathlib import Path

from hardware.frame_source import FrameSource
from station.config import StationConfig
from station.errors import BadInput
from station.pose.base import PoseEstimator

SOURCE_HELP = "picamera | webcam[:N] | synthetic | FILE"


def open_source(spec: str, cfg: StationConfig, realtime: bool, time_scale: float = 1.0,
                synthetic_knobs: object | None = None, synthetic_seconds: float = 3600.0,
                seed: int = 0) -> FrameSource:
    if spec == "synthetic":
        from hardware.synthetic_source import SyntheticFrameSource
        return SyntheticFrameSource(synthetic_knobs, seconds=synthetic_seconds, seed=seed,
                                    realtime=realtime)
    if spec == "picamera":
        from hardware.picamera_source import PiCameraSource
        return PiCameraSource(cfg.camera)
    if spec == "webcam" or spec.startswith("webcam:"):
        index_text = spec.partition(":")[2] or "0"
        if not index_text.isdigit():
            raise BadInput(f"--source {spec}: expected webcam or webcam:N with N a number")
        from hardware.webcam_source import WebcamSource
        return WebcamSource(int(index_text), cfg.camera)
    path = Path(spec)
    if not path.exists():
        raise BadInput(f"--source {spec}: expected {SOURCE_HELP}; no such file")
    from hardware.video_file import VideoFileSource
    source: FrameSource = VideoFileSource(path, time_scale=time_scale)
    if realtime:
        from hardware.paced_source import PacedSource
        source = PacedSource(source)
    return source


def make_estimator(spec: str, source: FrameSource, real_pose: bool,
                   pose_task: str | None = None) -> PoseEstimator:
    """The synthetic runner brings its own landmarks and mask, so the pose model can be
    skipped (`real_pose` runs MediaPipe on its rendered frames instead)."""
    if spec == "synthetic" and not real_pose:
        from station.pose.synthetic import SyntheticPoseEstimator
        return SyntheticPoseEstimator(source.feed)
    if spec == "synthetic":
        source.feed.keep_frames = 0  # type: ignore[attr-defined]  # the model reads pictures
    from station.pose import make_pose_estimator
    return make_pose_estimator(task_path=pose_task, segmentation=True)
