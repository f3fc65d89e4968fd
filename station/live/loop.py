"""The live loop's threads (DESIGN.md): capture -> 1-slot mailbox -> processing -> screen.

- capture thread: reads the FrameSource, stamps arrival time, puts the frame in a mailbox
  that replaces a stale one (a live source) or waits for it to empty (a file analysed
  frame by frame);
- processing thread: pose, kernels, cues (the buzzer is told at once), the ScreenState;
- main thread (SDL wants it): draws the newest state, reads keys, pings the watchdog.
Stop: the source ends, `max_seconds` pass, q/Esc, or a SIGINT/SIGTERM (`stop()`).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from hardware.frame_source import FrameSource
from station.contracts import Cue, Frame
from hardware.reconnect import CameraUnavailable
from station.errors import SourceError
from station.live.mailbox import LatestMailbox
from station.live.processor import FrameOutcome, Processor
from station.live.session_tracker import SessionChange
from station.live.stats import FrameTimes, LoopStats
from station.screen_state import ScreenState

log = logging.getLogger(__name__)


@dataclass
class LoopHooks:
    """What the loop reports as it goes (the CLI prints them)."""

    on_cue: Callable[[Cue, float], None] = lambda cue, t_s: None
    on_session: Callable[[SessionChange, float], None] = lambda change, t_s: None
    on_state: Callable[[ScreenState], None] = lambda state: None


@dataclass
class LoopResult:
    stats: LoopStats
    end_reason: str
    last_state: ScreenState | None = None
    errors: list[str] = field(default_factory=list)


class LiveLoop:
    def __init__(self, source: FrameSource, processor: Processor, screen: object | None,
                 hooks: LoopHooks | None = None, lossless: bool = False,
                 max_seconds: float | None = None, watchdog: object | None = None,
                 clock_ns: Callable[[], int] = time.monotonic_ns) -> None:
        self.source = source
        self.processor = processor
        self.screen = screen
        self.hooks = hooks or LoopHooks()
        self.lossless = lossless
        self.max_seconds = max_seconds
        self.watchdog = watchdog
        self.clock_ns = clock_ns
        self.stats = LoopStats()
        self._frames: LatestMailbox[tuple[Frame, int]] = LatestMailbox()
        self._states: LatestMailbox[tuple[ScreenState, int]] = LatestMailbox()
        self._stop = threading.Event()
        self._button = threading.Event()
        self._processing_done = threading.Event()
        self._end_reason = "stopped"
        self._errors: list[str] = []
        self._last_t_ns = 0
        self.camera_status = ""
        self._first_t_ns: int | None = None

    # ---- control (any thread) -------------------------------------------------------------
    def stop(self, reason: str = "stopped") -> None:
        if not self._stop.is_set():
            self._end_reason = reason
        self._stop.set()
        self._frames.close()

    def press_button(self) -> None:
        """The start/stop button (gpiozero calls this on its own thread)."""
        self._button.set()

    # ---- threads --------------------------------------------------------------------------
    def _capture(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    frame = self.source.read()
                except CameraUnavailable as e:
                    # The camera reopens itself with back-off; read() paces the retries.
                    self.camera_status = e.status
                    continue
                self.camera_status = ""
                if frame is None:
                    self.stop("source ended")
                    break
                arrival = self.clock_ns()
                self.stats.frames_read += 1
                if self.lossless:
                    while not self._frames.put_wait((frame, arrival), timeout_s=0.2):
                        if self._stop.is_set() or self._frames.closed:
                            return
                else:
                    self._frames.put((frame, arrival))
        except SourceError as e:
            self._errors.append(str(e))
            self.stop("source failed")
        except Exception as e:  # a crash here must still end the loop cleanly
            log.exception("capture thread failed")
            self._errors.append(f"capture failed: {e}")
            self.stop("capture failed")

    def _process(self) -> None:
        try:
            while True:
                item = self._frames.get(timeout_s=0.1)
                if item is None:
                    if self._frames.closed:
                        break
                    continue
                frame, arrival = item
                if self._first_t_ns is None:
                    self._first_t_ns = frame.t_ns
                times = FrameTimes(frame.seq, frame.t_ns, arrival)
                if self._button.is_set():
                    self._button.clear()
                    change = self.processor.button(frame.t_ns)
                    self.hooks.on_session(change, self._rel_s(change.t_ns))
                outcome: FrameOutcome = self.processor.process(frame, times)
                self._last_t_ns = frame.t_ns
                self.stats.record_processed(times)
                self.stats.strides += outcome.strides
                for change in outcome.session_changes:
                    self.hooks.on_session(change, self._rel_s(change.t_ns))
                if outcome.cue is not None:
                    self.stats.cues += 1
                    self.hooks.on_cue(outcome.cue, (frame.t_ns - self._first_t_ns) / 1e9)
                self._states.put((outcome.state, arrival))
        except Exception as e:
            log.exception("processing thread failed")
            self._errors.append(f"processing failed: {e}")
            self.stop("processing failed")
        finally:
            for change in self.processor.end(self._last_t_ns, self._end_reason):
                self.hooks.on_session(change, self._rel_s(change.t_ns))
            self._processing_done.set()
            self._states.close()

    # ---- main thread ----------------------------------------------------------------------
    def run(self) -> LoopResult:
        t0 = self.clock_ns()
        capture = threading.Thread(target=self._capture, name="capture", daemon=True)
        process = threading.Thread(target=self._process, name="process", daemon=True)
        capture.start()
        process.start()
        last_state: ScreenState | None = None
        drawn_cue: tuple[str, int] | None = None
        while not self._processing_done.is_set() or not self._states.closed:
            got = self._states.get(timeout_s=0.05)
            if self.watchdog is not None:
                self.watchdog.tick()
            if self.max_seconds is not None and (self.clock_ns() - t0) / 1e9 >= self.max_seconds:
                self.stop("time limit")
            if got is None:
                if self._processing_done.is_set():
                    break
                if self.camera_status and self.screen is not None:
                    self.screen.draw(ScreenState(mode="message", message="Camera lost",
                                                 status=self.camera_status))
                self._poll_keys()
                continue
            state, arrival = got
            state = replace(state, fps=self.stats.fps, dropped_frames=self._dropped())
            last_state = state
            self.hooks.on_state(state)
            if self.screen is not None:
                self.screen.draw(state)
                if state.cue is not None and (state.cue.id, state.cue.since_t_ns) != drawn_cue:
                    drawn_cue = (state.cue.id, state.cue.since_t_ns)
                    self.stats.record_cue_drawn(self.processor.cue_arrival_ns, self.clock_ns())
            self._poll_keys()
        self.stop(self._end_reason)
        capture.join(timeout=2.0)
        process.join(timeout=5.0)
        self.stats.frames_dropped = self._dropped()
        return LoopResult(self.stats, self._end_reason, last_state, list(self._errors))

    def _rel_s(self, t_ns: int) -> float:
        """Seconds since the loop's first frame (what the CLI prints)."""
        return (t_ns - (self._first_t_ns or t_ns)) / 1e9

    def _dropped(self) -> int:
        return self._frames.replaced + int(getattr(self.source, "skipped_frames", 0) or 0)

    def _poll_keys(self) -> None:
        if self.screen is None:
            return
        for action in self.screen.poll_keys():
            if action == "quit":
                self.stop("quit")
            elif action == "toggle":
                self.press_button()
