"""Reopening a live camera that failed: back-off, status text, and how the loop hears of it.

A camera on a gym treadmill loses frames for mundane reasons: a ribbon cable disturbed by the
belt's vibration, a USB webcam unplugged, a libcamera "dequeue timer expired". The station
must not exit for that: the source closes the device, waits, reopens, and meanwhile tells the
live loop there is no frame *right now* by raising `CameraUnavailable` from `read()` (never
by returning None, which means "closed, stop reading").

Waits double from `first_s` to `max_s` (1, 2, 4, 8, 16, 30, 30 ... s) and reset only after a
frame is actually delivered, so a camera that opens and then fails at once keeps backing off.
"""
from __future__ import annotations

import math
from typing import Callable


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
