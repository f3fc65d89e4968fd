"""A USB webcam (OpenCV VideoCapture N) as a live FrameSource, reopened when it fails.

Same contract as PiCameraSource: `read()` gives a Frame, raises `CameraUnavailable` (with the
status line, "webcam lost, retrying in 4 s") while the camera is gone or being reopened, and
returns None only after `close()`.

Time: a webcam gives no sensor timestamp OpenCV exposes reliably across backends, so `t_ns` is
`time.monotonic_ns()` taken right after `grab()` returns (the frame's arrival: about one frame
period plus USB transfer after exposure). Exposure is left to the webcam: UVC exposure and
gain units differ from model to model, and a short fixed shutter without the Pi camera's AGC
behind it gives a dark picture.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Callable

import cv2
import numpy as np

from hardware.frame_source import FrameSource
from hardware.reconnect import CameraUnavailable, ReopenSchedule
from station.config import CameraConfig
from station.contracts import Frame
from station.errors import SourceError

log = logging.getLogger(__name__)

__all__ = ["WebcamSource", "CameraUnavailable"]

# A read that blocks this long means the webcam has stopped (OpenCV >= 4.7 honours it on V4L2).
_READ_TIMEOUT_MS = 2000


def _open_capture(index: int) -> Any:
    backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
    return cv2.VideoCapture(index, backend)


class WebcamSource(FrameSource):
    """Frames from webcam `index` (/dev/videoN on Linux) at the configured size and rate."""

    live = True

    def __init__(self, index: int, camera: CameraConfig, *,
                 capture_factory: Callable[[int], Any] = _open_capture,
                 clock_s: Callable[[], float] = time.monotonic,
                 clock_ns: Callable[[], int] = time.monotonic_ns,
                 sleep_s: Callable[[float], object] | None = None,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 30.0,
                 max_block_s: float = 1.0) -> None:
        self.index = index
        self.config = camera
        self._factory = capture_factory
        self._clock_ns = clock_ns
        self._closing = threading.Event()
        self._sleep_s = sleep_s if sleep_s is not None else self._closing.wait
        self._lock = threading.Lock()
        self._schedule = ReopenSchedule(clock_s, backoff_first_s, backoff_max_s)
        self.max_block_s = max_block_s
        self.size_px = (camera.width_px, camera.height_px)
        self.fps = float(camera.fps)
        self.frames_captured = 0
        self.failures_total = 0
        self.reopen_count = 0
        self._seq = 0
        self._last_t_ns = -1
        self._cap: Any = None
        try:
            self._open()
        except Exception as e:
            raise SourceError(f"webcam {index} could not be opened ({e}); check that it is "
                              f"plugged in and listed by `ls /dev/video*` / `v4l2-ctl "
                              f"--list-devices`") from None
        # The webcam may pick another size or rate than asked: frames are delivered at what it
        # gives at first, and later reopens are scaled to match.
        w = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH) or camera.width_px)
        h = int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or camera.height_px)
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if (w, h) != self.size_px:
            log.warning("webcam %d gives %dx%d instead of %dx%d", index, w, h, *self.size_px)
        self.size_px = (w, h)
        if 0 < fps < 1000:
            self.fps = fps

    def _open(self) -> None:
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
        self._cap = cap

    @property
    def status(self) -> str:
        if self._closing.is_set():
            return "webcam closed"
        return self._schedule.status("webcam")

    @property
    def lost(self) -> bool:
        return self._schedule.lost

    def read(self) -> Frame | None:
        """The next frame; CameraUnavailable while the webcam is lost; None after close()."""
        with self._lock:
            if self._closing.is_set():
                return None
            if self._cap is None and not self._reopen():
                return None
            return self._capture()

    def _reopen(self) -> bool:
        wait = self._schedule.wait_s()
        if wait > 0:
            self._sleep_s(min(wait, self.max_block_s))
            if self._closing.is_set():
                return False
            if self._schedule.wait_s() > 0:
                raise self._schedule.unavailable("webcam")
        try:
            self._open()
        except Exception as e:
            delay = self._schedule.failed(str(e))
            self.failures_total += 1
            log.warning("webcam %d reopen failed (%s); retrying in %.0f s", self.index, e, delay)
            raise self._schedule.unavailable("webcam") from None
        self._schedule.opened()
        self.reopen_count += 1
        log.info("webcam %d reopened", self.index)
        return True

    def _capture(self) -> Frame:
        try:
            if not self._cap.grab():
                raise OSError("grab() failed: no frame from the webcam")
            t_ns = self._clock_ns()
            ok, bgr = self._cap.retrieve()
            if not ok or bgr is None or bgr.ndim != 3 or bgr.shape[2] != 3:
                raise OSError("retrieve() gave no 3-channel image")
            if (bgr.shape[1], bgr.shape[0]) != self.size_px:
                bgr = cv2.resize(bgr, self.size_px, interpolation=cv2.INTER_AREA)
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        except Exception as e:
            raise self._lost(e) from None
        self._schedule.delivered()
        self.frames_captured += 1
        t_ns = max(t_ns, self._last_t_ns + 1)
        self._last_t_ns = t_ns
        frame = Frame(image=np.ascontiguousarray(rgb), t_ns=t_ns, seq=self._seq)
        self._seq += 1
        return frame

    def _lost(self, error: Exception) -> CameraUnavailable:
        cap, self._cap = self._cap, None
        try:
            cap.release()
        except Exception as e:  # an unplugged device may refuse; reopening must go on
            log.debug("webcam release failed: %s", e)
        delay = self._schedule.failed(str(error))
        self.failures_total += 1
        log.warning("webcam %d failed (%s); reopening in %.0f s", self.index, error, delay)
        return self._schedule.unavailable("webcam")

    def close(self) -> None:
        """Release the webcam; later reads return None. Safe twice and from another thread."""
        self._closing.set()
        with self._lock:
            cap, self._cap = self._cap, None
            if cap is not None:
                cap.release()
