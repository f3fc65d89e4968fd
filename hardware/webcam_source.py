"""A USB webcam (OpenCV VideoCapture N) as a live FrameSource, reopened when it fails.

Same contract as PiCameraSource (both are a hardware.reconnect.ReconnectingSource): `read()`
gives a Frame, raises `CameraUnavailable` (with the status line, "webcam lost, retrying in 4 s")
while the camera is gone or being reopened, and returns None only after `close()`.

Time: a webcam gives no sensor timestamp OpenCV exposes reliably across backends, so `t_ns` is
`time.monotonic_ns()` taken right after `grab()` returns (the frame's arrival: about one frame
period plus USB transfer after exposure). Exposure is left to the webcam: UVC exposure and
gain units differ from model to model, and a short fixed shutter without the Pi camera's AGC
behind it gives a dark picture.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Any, Callable

import cv2
import numpy as np

from hardware.reconnect import CameraUnavailable, ReconnectingSource
from station.config import CameraConfig
from station.errors import SourceError

log = logging.getLogger(__name__)

__all__ = ["WebcamSource", "CameraUnavailable"]

# A read that blocks this long means the webcam has stopped (OpenCV >= 4.7 honours it on V4L2).
_READ_TIMEOUT_MS = 2000


def _open_capture(index: int) -> Any:
    backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
    return cv2.VideoCapture(index, backend)


class WebcamSource(ReconnectingSource):
    """Frames from webcam `index` (/dev/videoN on Linux) at the configured size and rate."""

    device_name = "webcam"

    def __init__(self, index: int, camera: CameraConfig, *,
                 capture_factory: Callable[[int], Any] = _open_capture,
                 clock_s: Callable[[], float] = time.monotonic,
                 clock_ns: Callable[[], int] = time.monotonic_ns,
                 sleep_s: Callable[[float], object] | None = None,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 30.0,
                 max_block_s: float = 1.0) -> None:
        super().__init__(clock_s=clock_s, sleep_s=sleep_s, backoff_first_s=backoff_first_s,
                         backoff_max_s=backoff_max_s, max_block_s=max_block_s)
        self.index = index
        self.config = camera
        self._factory = capture_factory
        self._clock_ns = clock_ns
        self.size_px = (camera.width_px, camera.height_px)
        self.fps = float(camera.fps)
        try:
            self._device = self._open_device()
        except Exception as e:
            raise SourceError(f"webcam {index} could not be opened ({e}); check that it is "
                              f"plugged in and listed by `ls /dev/video*` / `v4l2-ctl "
                              f"--list-devices`") from None
        # The webcam may pick another size or rate than asked: frames are delivered at what it
        # gives at first, and later reopens are scaled to match.
        w = int(self._device.get(cv2.CAP_PROP_FRAME_WIDTH) or camera.width_px)
        h = int(self._device.get(cv2.CAP_PROP_FRAME_HEIGHT) or camera.height_px)
        fps = float(self._device.get(cv2.CAP_PROP_FPS) or 0.0)
        if (w, h) != self.size_px:
            log.warning("webcam %d gives %dx%d instead of %dx%d", index, w, h, *self.size_px)
        self.size_px = (w, h)
        if 0 < fps < 1000:
            self.fps = fps

    @property
    def log_name(self) -> str:
        return f"webcam {self.index}"

    def _open_device(self) -> Any:
        cap = self._factory(self.index)
        if not cap.isOpened():
            cap.release()
            raise OSError(f"/dev/video{self.index} did not open")
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.config.width_px)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.config.height_px)
        cap.set(cv2.CAP_PROP_FPS, self.config.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one queued seconds ago
        timeout_prop = getattr(cv2, "CAP_PROP_READ_TIMEOUT_MSEC", None)
        if timeout_prop is not None:
            cap.set(timeout_prop, _READ_TIMEOUT_MS)
        return cap

    def _close_device(self, cap: Any) -> None:
        cap.release()

    def _capture_frame(self, cap: Any) -> tuple[np.ndarray, int]:
        if not cap.grab():
            raise OSError("grab() failed: no frame from the webcam")
        t_ns = self._clock_ns()
        ok, bgr = cap.retrieve()
        if not ok or bgr is None or bgr.ndim != 3 or bgr.shape[2] != 3:
            raise OSError("retrieve() gave no 3-channel image")
        if (bgr.shape[1], bgr.shape[0]) != self.size_px:
            bgr = cv2.resize(bgr, self.size_px, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)), t_ns
