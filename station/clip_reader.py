"""Poses of a whole clip, streamed: a video through the pose model, or a landmarks file.

Both paths yield (Frame | None, Pose) in time order so `analyze` runs one loop for
either; a landmarks file has no images, so its frames are None.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from station.contracts import Frame, Pose
from station.errors import BadInput
from station.landmark_file import LandmarkTrack, is_landmarks_file, read_landmarks_csv


@dataclass
class ClipInfo:
    path: Path
    kind: str                 # "video" or "landmarks"
    fps: float                # capture rate (after time scaling)
    container_fps: float
    time_scale: float
    size_px: tuple[int, int]
    frame_count: int | None


class ClipReader:
    """Open FILE as a video or landmarks CSV; iterate to get (frame, pose) pairs."""

    def __init__(self, path: str | Path, time_scale: float = 1.0, pose_task: str | None = None,
                 complexity: int = 1, segmentation: bool = True,
                 max_frames: int | None = None) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise BadInput(f"{self.path}: no such file")
        self.max_frames = max_frames
        self._source = None
        self._estimator = None
        self._track: LandmarkTrack | None = None
        if is_landmarks_file(self.path):
            self._track = read_landmarks_csv(self.path)
            meta_fps = float(self._track.meta.get("fps") or 0.0)
            fps = meta_fps if meta_fps > 0 else _fps_from_times(self._track)
            fps *= time_scale
            self.info = ClipInfo(self.path, "landmarks", fps, fps / time_scale, time_scale,
                                 (self._track.width, self._track.height), len(self._track))
            self._time_scale = time_scale
            return
        from hardware.video_file import VideoFileSource
        from station.pose import make_pose_estimator

        self._source = VideoFileSource(self.path, time_scale=time_scale)
        try:
            self._estimator = make_pose_estimator(task_path=pose_task, complexity=complexity,
                                                  segmentation=segmentation)
        except BaseException:
            self._source.close()
            raise
        self.info = ClipInfo(self.path, "video", self._source.fps, self._source.container_fps,
                             time_scale, self._source.size_px, self._source.frame_count)

    def __iter__(self) -> Iterator[tuple[Frame | None, Pose]]:
        n = 0
        if self._track is not None:
            for pose in self._track.poses():
                if self.max_frames is not None and n >= self.max_frames:
                    return
                if self._time_scale != 1.0:
                    pose = Pose(pose.xy, pose.vis, pose.mask,
                                int(round(pose.t_ns / self._time_scale)), pose.seq)
                n += 1
                yield None, pose
            return
        assert self._source is not None and self._estimator is not None
        for frame in self._source:
            if self.max_frames is not None and n >= self.max_frames:
                return
            n += 1
            yield frame, self._estimator.estimate(frame)

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
        if self._source is not None:
            self._source.close()
            self._source = None

    def __enter__(self) -> "ClipReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fps_from_times(track: LandmarkTrack) -> float:
    if len(track) < 2:
        return 30.0
    import numpy as np
    return float(1e9 / np.median(np.diff(track.t_ns)))
