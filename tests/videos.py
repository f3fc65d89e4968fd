"""Small test videos written on the fly (never the shared clips)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_video(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    """Write RGB frames as an mp4v MP4."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def solid_frames(n: int, w: int = 96, h: int = 64, rgb=(200, 30, 30)) -> list[np.ndarray]:
    frame = np.zeros((h, w, 3), np.uint8)
    frame[:] = rgb
    return [frame.copy() for _ in range(n)]
