"""A session's video kept beside the database (optional: `--keep-video`).

Frames are downscaled to at most `max_width_px` wide and written with OpenCV's 'mp4v'
encoder. The file is 0600 like the database. An MP4 gets its index (moov atom) when it is
closed: a recording cut off by a power cut or kill -9 keeps its landmarks in the database
but its video is unreadable.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import cv2
import numpy as np

from station.store.db import private_file

log = logging.getLogger(__name__)

DEFAULT_MAX_WIDTH_PX = 640


class VideoKeeper:
    def __init__(self, path: Path, fps: float, max_width_px: int = DEFAULT_MAX_WIDTH_PX) -> None:
        self.path = Path(path)
        self.fps = fps if fps and fps > 0 else 30.0
        self.max_width_px = max_width_px
        self._writer: cv2.VideoWriter | None = None
        self._size: tuple[int, int] | None = None
        self.frames = 0
        self.failed = False

    def write(self, image_rgb: np.ndarray) -> int | None:
        """Append one RGB frame; returns its index in the video, or None if not written."""
        if self.failed:
            return None
        h, w = image_rgb.shape[:2]
        if self._writer is None:
            scale = min(1.0, self.max_width_px / w)
            size = (max(2, int(round(w * scale)) // 2 * 2), max(2, int(round(h * scale)) // 2 * 2))
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            private_file(self.path)
            writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"),
                                     self.fps, size)
            if not writer.isOpened():
                log.error("%s: cannot write video (OpenCV has no mp4v encoder?)", self.path)
                self.failed = True
                return None
            os.chmod(self.path, 0o600)
            self._writer, self._size = writer, size
        img = image_rgb
        if (w, h) != self._size:
            img = cv2.resize(img, self._size, interpolation=cv2.INTER_AREA)
        self._writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        self.frames += 1
        return self.frames - 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None


def read_video_frames(path: Path, indices: list[int]) -> dict[int, np.ndarray]:
    """RGB images of the given frame numbers (those that can be read)."""
    out: dict[int, np.ndarray] = {}
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return out
        for idx in sorted(set(i for i in indices if i >= 0)):
            cap.set(cv2.CAP_PROP_POS_FRAMES, idx)
            ok, bgr = cap.read()
            if ok:
                out[idx] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()
    return out
