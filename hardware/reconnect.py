"""Reopening a live camera that failed: back-off, status text, and how the loop hears of it.

A camera on a gym treadmill loses frames for mundane reasons: a ribbon cable disturbed by the
belt's vibration, a USB webcam unplugged, a libcamera "dequeue timer expired". The station
must not exit for that: the source closes the device, waits, reopens, and meanwhile tells the
live loop there is no frame *right now* by raising `CameraUnavailable` from `read()` (never
by returning None, which means "closed, stop reading").

Waits double from `first_s` to `max_s` (1, 2, 4, 8, 16, 30, 30 ... s) and reset only after a
frame is actually delivered, so a camera that opens and then fails at once keeps backing off.

`ReconnectingSource` is that state machine as a FrameSource base: a camera module (picamera,
webcam) supplies only how to open, read and close its device.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from abc import abstractmethod
from typing import Any, Callable, ClassVar

import numpy as np

from hardware.frame_source import FrameSource
from station.contracts import Frame


class CameraUnavailable(Exception):
    """No frame right now: the camera failed or is being reopened. Not a BadInput: the live
    loop keeps running, shows `status` on the screen and calls `read()` again."""

    def __init__(self, status: str, retry_in_s: float) -> None:
        super().__init__(status)
        self.status = status
        self.retry_in_s = retry_in_s


class ReopenSchedule:
    """When the next open attempt is due, and the status line describing it.

    Pure bookkeeping on an injected clock (seconds, monotonic), so tests need no real time.
    """

    def __init__(self, clock_s: Callable[[], float], first_s: float = 1.0,
                 max_s: float = 30.0) -> None:
        if not (0 < first_s <= max_s):
            raise ValueError(f"expected 0 < first_s <= max_s, found {first_s}, {max_s}")
        self._clock_s = clock_s
        self.first_s = first_s
        self.max_s = max_s
        self.failures = 0  # consecutive failures since the last delivered frame
        self.next_attempt_s: float | None = None  # None = the device is (believed) fine
        self.last_error = ""

    @property
    def lost(self) -> bool:
        return self.next_attempt_s is not None

    def delay_after(self, failures: int) -> float:
        """Wait after the n-th consecutive failure (n >= 1)."""
        return min(self.max_s, self.first_s * 2.0 ** (failures - 1))

    def failed(self, error: str) -> float:
        """Record a failure (capture or reopen); returns the wait before the next attempt."""
        self.failures += 1
        self.last_error = error
        delay = self.delay_after(self.failures)
        self.next_attempt_s = self._clock_s() + delay
        return delay

    def opened(self) -> None:
        """The device opened: no attempt is pending. `failures` stays until a frame arrives."""
        self.next_attempt_s = None

    def delivered(self) -> None:
        """A frame came through: the camera is healthy again."""
        self.failures = 0
        self.next_attempt_s = None
        self.last_error = ""

    def wait_s(self) -> float:
        """Seconds until the next attempt is due (0 when due now or nothing is pending)."""
        if self.next_attempt_s is None:
            return 0.0
        return max(0.0, self.next_attempt_s - self._clock_s())

    def status(self, what: str = "camera") -> str:
        """One line for the screen: "camera lost, retrying in 4 s" or "camera lost, reopening"."""
        if self.next_attempt_s is None:
            return f"{what} ok"
        wait = self.wait_s()
        if wait <= 0:
            return f"{what} lost, reopening"
        return f"{what} lost, retrying in {math.ceil(wait - 1e-9)} s"

    def unavailable(self, what: str = "camera") -> CameraUnavailable:
        return CameraUnavailable(self.status(what), self.wait_s())


class ReconnectingSource(FrameSource):
    """A live camera that is closed, waited for and reopened when it fails (module docstring).

    `read()` returns a Frame, raises CameraUnavailable while the device is lost, and returns
    None only after `close()`. It never blocks longer than `max_block_s` plus one capture, so
    the live loop keeps drawing. `clock_s`/`sleep_s` drive the back-off for tests; the default
    sleep wakes at once when `close()` is called from another thread.

    Subclasses open the device once in their constructor (`self._device = self._open_device()`,
    turning a failure into their own SourceError: a camera missing at start-up is a setup
    problem, not something to retry) and implement the three device hooks below.
    """

    live = True
    #: The word on the screen: "camera lost, retrying in 4 s", "webcam ok".
    device_name: ClassVar[str]

    def __init__(self, *, clock_s: Callable[[], float] = time.monotonic,
                 sleep_s: Callable[[float], object] | None = None,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 30.0,
                 max_block_s: float = 1.0) -> None:
        self._closing = threading.Event()
        self._sleep_s = sleep_s if sleep_s is not None else self._closing.wait
        self._lock = threading.Lock()  # read() vs close() from another thread
        self._schedule = ReopenSchedule(clock_s, backoff_first_s, backoff_max_s)
        self.max_block_s = max_block_s
        self.frames_captured = 0
        self.failures_total = 0
        self.reopen_count = 0
        self._seq = 0
        self._last_t_ns = -1
        self._device: Any = None  # None while lost (or closed): the next read() reopens

    # ------------------------------------------------------------------ device hooks

    @abstractmethod
    def _open_device(self) -> Any:
        """Open and start the device and return its handle; raise (leaving nothing open) if
        it cannot be."""

    @abstractmethod
    def _close_device(self, device: Any) -> None:
        """Release a handle from `_open_device`, possibly of a device that has died."""

    @abstractmethod
    def _capture_frame(self, device: Any) -> tuple[np.ndarray, int]:
        """The next upright RGB image and its time (monotonic ns); raise if the device failed."""

    @property
    def log_name(self) -> str:
        """The device in log lines; override to tell several apart ("webcam 1")."""
        return self.device_name

    @property
    def _log(self) -> logging.Logger:
        # The device module's logger, so its lines keep their origin (and logging config).
        return logging.getLogger(type(self).__module__)

    # ------------------------------------------------------------------ reading

    @property
    def status(self) -> str:
        """One line for the screen: "camera ok", "camera lost, retrying in 4 s", ..."""
        if self._closing.is_set():
            return f"{self.device_name} closed"
        return self._schedule.status(self.device_name)

    @property
    def lost(self) -> bool:
        return self._schedule.lost

    def read(self) -> Frame | None:
        """The next frame; CameraUnavailable while the device is lost; None after close()."""
        with self._lock:
            if self._closing.is_set():
                return None
            if self._device is None and not self._reopen():
                return None
            try:
                image, t_ns = self._capture_frame(self._device)
            except Exception as e:
                raise self._lost(e) from None
            return self._deliver(image, t_ns)

    def _reopen(self) -> bool:
        """Wait (bounded) for the next attempt and try it; False if closed meanwhile."""
        wait = self._schedule.wait_s()
        if wait > 0:
            self._sleep_s(min(wait, self.max_block_s))
            if self._closing.is_set():
                return False
            if self._schedule.wait_s() > 0:
                raise self._schedule.unavailable(self.device_name)
        try:
            self._device = self._open_device()
        except Exception as e:
            delay = self._schedule.failed(_error_text(e))
            self.failures_total += 1
            self._log.warning("%s reopen failed (%s); retrying in %.0f s", self.log_name,
                              _error_text(e), delay)
            raise self._schedule.unavailable(self.device_name) from None
        self._schedule.opened()
        self.reopen_count += 1
        self._log.info("%s reopened (attempt %d)", self.log_name, self._schedule.failures + 1)
        return True

    def _deliver(self, image: np.ndarray, t_ns: int) -> Frame:
        self._schedule.delivered()
        self.frames_captured += 1
        t_ns = max(t_ns, self._last_t_ns + 1)  # time must move forward for every stage downstream
        self._last_t_ns = t_ns
        frame = Frame(image=image, t_ns=t_ns, seq=self._seq)
        self._seq += 1
        return frame

    def _lost(self, error: Exception) -> CameraUnavailable:
        """Let the failed device go and schedule the reopen; the exception for read() to raise."""
        device, self._device = self._device, None
        try:
            self._close_device(device)
        except Exception as e:  # a dead or unplugged device may refuse; the reopen must go on
            self._log.debug("%s release failed: %s", self.log_name, e)
        delay = self._schedule.failed(_error_text(error))
        self.failures_total += 1
        self._log.warning("%s capture failed (%s); reopening in %.0f s", self.log_name,
                          _error_text(error), delay)
        return self._schedule.unavailable(self.device_name)

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        """Release the device; any later read() returns None. Safe to call twice and from
        another thread (a read() waiting in its back-off wakes up)."""
        self._closing.set()
        with self._lock:
            device, self._device = self._device, None
            if device is not None:
                self._close_device(device)


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
