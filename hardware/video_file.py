"""A video file as a FrameSource (OpenCV's FFmpeg backend: H.264, VP9, ...)."""
from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2
import numpy as np

from hardware.container_sniff import describe_unreadable_video
from hardware.frame_source import FrameSource
from station.contracts import Frame
from station.errors import SourceError
from station.native_stderr import native_stderr_silenced

log = logging.getLogger(__name__)


class VideoFileSource(FrameSource):
    """Frames of a video file, upright, timed by the container.

    `time_scale` is the slow-motion factor: a clip filmed at 240 fps and played at 30 fps
    has time_scale=8, and its timestamps are divided by 8 so that t_ns is real time.
    Frames are rotated upright from the container's rotation flag (phone clips).
    """

    live = False

    def __init__(self, path: str | Path, time_scale: float = 1.0) -> None:
        self.path = Path(path)
        if not (time_scale > 0 and math.isfinite(time_scale)):
            raise SourceError(f"--time-scale: expected a positive number, found {time_scale}")
        self.time_scale = float(time_scale)
        if not self.path.exists():
            raise SourceError(f"{self.path}: no such file")
        if self.path.is_dir():
            raise SourceError(f"{self.path}: expected a video file, found a directory")
        with native_stderr_silenced():  # FFmpeg prints its own complaints on fd 2
            self._cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            raise SourceError(f"{self.path}: {describe_unreadable_video(self.path)}")
        # Decoders apply the rotation flag themselves only when asked: ask.
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        container_fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.container_fps = container_fps if 0 < container_fps < 1000 else 30.0
        if container_fps != self.container_fps:
            log.warning("%s: container gives no usable fps (%s); assuming 30", self.path, container_fps)
        self.fps = self.container_fps * self.time_scale
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self._count = count if count > 0 else None
        self._seq = 0
        self._last_t_ns = -1
        with native_stderr_silenced():
            self._first = self._read_image()
        if self._first is None:
            self.close()
            raise SourceError(f"{self.path}: no frame could be decoded (zero frames, a "
                              "truncated file, or a codec this OpenCV build cannot read)")
        h, w = self._first[0].shape[:2]
        self.size_px = (int(w), int(h))

    @property
    def frame_count(self) -> int | None:
        return self._count

    def _read_image(self) -> tuple[np.ndarray, float] | None:
        if self._cap is None:
            return None
        ok, bgr = self._cap.read()
        if not ok or bgr is None or bgr.size == 0:
            return None
        # POS_MSEC after a read is the presentation time of the frame just decoded.
        pos_ms = float(self._cap.get(cv2.CAP_PROP_POS_MSEC))
        return bgr, pos_ms

    def read(self) -> Frame | None:
        if self._first is not None:
            got, self._first = self._first, None
        else:
            got = self._read_image()
        if got is None:
            return None
        bgr, pos_ms = got
        t_ns = int(round(pos_ms * 1e6 / self.time_scale))
        if not math.isfinite(pos_ms) or t_ns <= self._last_t_ns:
            # Some containers give no or repeated timestamps: fall back to the frame rate,
            # keeping time strictly increasing.
            t_ns = max(self._last_t_ns + 1, int(round(self._seq * 1e9 / self.fps)))
        self._last_t_ns = t_ns
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        frame = Frame(image=rgb, t_ns=t_ns, seq=self._seq)
        self._seq += 1
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
