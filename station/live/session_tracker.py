"""Sessions start and stop by themselves when someone starts or stops running.

Start: `start_strides` strides within `start_window_s`. Stop: no stride for `stop_after_s`
(walked off, stopped, or left the frame). The start/stop button overrides: a press starts
a session at once, or stops the current one and keeps auto-start off until the runner has
stopped (no stride for `stop_after_s`), so a runner who pressed stop is not restarted.
Times come from the frames (ns), never from a clock.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class SessionChange:
    kind: str          # "started" | "stopped"
    t_ns: int
    reason: str        # "running" | "stopped running" | "button" | "source ended"


class SessionTracker:
    def __init__(self, start_strides: int = 3, start_window_s: float = 6.0,
                 stop_after_s: float = 5.0) -> None:
        self.start_strides = start_strides
        self.start_window_ns = int(start_window_s * 1e9)
        self.stop_after_ns = int(stop_after_s * 1e9)
        self.active = False
        self.started_ns: int | None = None
        self._strides: deque[int] = deque(maxlen=start_strides)
        self._last_stride_ns: int | None = None
        self._auto_blocked = False

    def session_s(self, now_ns: int) -> float:
        return 0.0 if not self.active or self.started_ns is None else \
            (now_ns - self.started_ns) / 1e9

    def on_stride(self, t_ns: int) -> SessionChange | None:
        self._strides.append(t_ns)
        self._last_stride_ns = t_ns
        if self.active or self._auto_blocked:
            return None
        if len(self._strides) == self.start_strides and \
                t_ns - self._strides[0] <= self.start_window_ns:
            return self._start(self._strides[0], "running")
        return None

    def on_frame(self, t_ns: int) -> SessionChange | None:
        idle = self._last_stride_ns is None or t_ns - self._last_stride_ns > self.stop_after_ns
        if idle:
            self._auto_blocked = False
            self._strides.clear()
            if self.active:
                return self._stop(t_ns, "stopped running")
        return None

    def on_button(self, t_ns: int) -> SessionChange:
        if self.active:
            self._auto_blocked = True
            return self._stop(t_ns, "button")
        self._auto_blocked = False
        return self._start(t_ns, "button")

    def end(self, t_ns: int, reason: str = "source ended") -> SessionChange | None:
        return self._stop(t_ns, reason) if self.active else None

    def _start(self, t_ns: int, reason: str) -> SessionChange:
        self.active, self.started_ns = True, t_ns
        return SessionChange("started", t_ns, reason)

    def _stop(self, t_ns: int, reason: str) -> SessionChange:
        self.active = False
        return SessionChange("stopped", t_ns, reason)
