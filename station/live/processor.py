"""One frame's trip through the station, single-threaded: pose -> gait kernels -> session,
cues, metronome, buzzer -> the ScreenState to draw. The threads live in station.live.loop;
this part is plain logic driven by frame times, so it is tested without threads or clocks.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from station.config import StationConfig
from station.contracts import Cue, Frame, Pose
from station.cues.engine import CueEngine
from station.gait.analyzer import GaitAnalyzer, GaitSettings
from station.live.recent_strides import RecentStrides
from station.live.session_tracker import SessionChange, SessionTracker
from station.live.stats import FrameTimes
from station.metronome import Metronome
from station.pose.base import PoseEstimator
from station.screen_state import (CueOnScreen, ScreenState, gauges_from_values,
                                  placement_advice)

log = logging.getLogger(__name__)

#: Nobody seen for this long: the runner left; forget them (no cues about a stranger).
LEFT_AFTER_S = 1.5
#: Placement advice must persist this long before the screen switches to it.
PLACEMENT_AFTER_S = 1.0
#: How long a cue stays on screen.
CUE_SHOW_S = 4.0
#: Metronome ticks are planned this far ahead.
TICK_LOOKAHEAD_S = 0.5


@dataclass
class ProcessorSettings:
    fps: float
    facing: str = "auto"
    height_cm: float | None = None
    belt_kmh: float | None = None


@dataclass
class FrameOutcome:
    state: ScreenState
    times: FrameTimes
    cue: Cue | None = None
    strides: int = 0
    session_changes: list[SessionChange] = field(default_factory=list)


class Processor:
    def __init__(self, estimator: PoseEstimator, cfg: StationConfig,
                 settings: ProcessorSettings, buzzer: object,
                 clock_ns: Callable[[], int] = time.monotonic_ns,
                 recorder: object | None = None) -> None:
        self.estimator = estimator
        # Session recording (station.store.SessionRecorder; None = not recording). Its
        # methods only enqueue, so calling them here costs no I/O.
        self.recorder = recorder
        self.cfg = cfg
        self.settings = settings
        self.buzzer = buzzer
        self.clock_ns = clock_ns
        self.cue_engine = CueEngine.from_config(cfg)
        self.metronome = Metronome(cfg.metronome)
        self.session = SessionTracker()
        self._new_analyzer()
        self._last_seen_ns: int | None = None
        self._advice_since_ns: int | None = None
        self._cue_on_screen: CueOnScreen | None = None
        self._cue_arrival_ns = 0
        self._last_values: dict[str, float] = {}
        self._recent = RecentStrides()
        self._frame_to_mono_ns: int | None = None

    def _new_analyzer(self) -> None:
        s = self.settings
        self.analyzer = GaitAnalyzer(GaitSettings(fps=s.fps, facing=s.facing,
                                                  height_cm=s.height_cm, belt_kmh=s.belt_kmh))

    # ---- per frame -----------------------------------------------------------------------
    def process(self, frame: Frame, times: FrameTimes) -> FrameOutcome:
        pose = self.estimator.estimate(frame)
        times.t_pose_ns = self.clock_ns()
        if self._frame_to_mono_ns is None:
            # Frame times may be a file's clock: map them onto the buzzer's monotonic clock.
            self._frame_to_mono_ns = times.t_arrival_ns - frame.t_ns
        out = FrameOutcome(state=ScreenState(), times=times)
        t = frame.t_ns
        if pose.found:
            self._last_seen_ns = t
        elif self._last_seen_ns is not None and t - self._last_seen_ns > LEFT_AFTER_S * 1e9:
            self._runner_left(t, out)
        update = self.analyzer.update(pose)
        if self.recorder is not None:
            self.recorder.add_frame(pose, frame)
            for event in update.events:
                self.recorder.add_event(event)
        for stride in update.strides:
            out.strides += 1
            if self.recorder is not None:
                self.recorder.add_stride(stride)
            change = self.session.on_stride(stride.t_ns)
            if change is not None:
                self._on_session_change(change, out)
            if not self.session.active:
                continue
            self._recent.add(stride.values)
            self._last_values = self._recent.medians()
            self.metronome.observe_stride(stride.t_ns, stride.values.get("cadence_spm", math.nan))
            cue = self.cue_engine.update(stride, self.metronome.target_spm)
            if cue is not None:
                out.cue = cue
                if self.recorder is not None:
                    self.recorder.add_cue(cue)
                self.buzzer.play_cue(cue.id)
                self._cue_on_screen = CueOnScreen.from_cue(cue)
                self._cue_arrival_ns = times.t_arrival_ns
        change = self.session.on_frame(t)
        if change is not None:
            self._on_session_change(change, out)
        if self.session.active and self.metronome.target_spm is not None:
            ticks = self.metronome.due_ticks(t, int(TICK_LOOKAHEAD_S * 1e9))
            if ticks:
                self.buzzer.schedule_ticks([k + self._frame_to_mono_ns for k in ticks])
        out.state = self._screen_state(frame, pose, t)
        if self.recorder is not None and self.recorder.status:  # "recording stopped: ..."
            out.state = replace(out.state, status=self.recorder.status)
        times.t_metrics_ns = self.clock_ns()
        return out

    def end(self, t_ns: int, reason: str = "source ended") -> list[SessionChange]:
        change = self.session.end(t_ns, reason)
        if change is not None:
            self._record_change(change)
        return [change] if change is not None else []

    def button(self, t_ns: int) -> SessionChange:
        change = self.session.on_button(t_ns)
        if change.kind == "started":
            self.cue_engine.reset()
        self._record_change(change)
        return change

    def _record_change(self, change: SessionChange) -> None:
        if self.recorder is None:
            return
        if change.kind == "started":
            self.recorder.start_session(change.t_ns, change.reason)
        else:
            self.recorder.end_session(change.t_ns, change.reason)

    # ---- helpers -------------------------------------------------------------------------
    def _runner_left(self, t_ns: int, out: FrameOutcome) -> None:
        log.info("runner left at t=%.2f s: forgetting them", t_ns / 1e9)
        self._last_seen_ns = None
        self._new_analyzer()
        self.cue_engine.reset()
        self._cue_on_screen = None
        self._last_values = {}
        self._recent.clear()
        change = self.session.end(t_ns, "runner left")
        if change is not None:
            out.session_changes.append(change)
            self._record_change(change)

    def _on_session_change(self, change: SessionChange, out: FrameOutcome) -> None:
        out.session_changes.append(change)
        self._record_change(change)
        if change.kind == "started":
            self.cue_engine.reset()
            self.metronome.reset()
        else:
            self._cue_on_screen = None

    @property
    def cue_arrival_ns(self) -> int:
        return self._cue_arrival_ns

    def _screen_state(self, frame: Frame, pose: Pose, t_ns: int) -> ScreenState:
        decision = self.analyzer.decision
        view = decision.view if decision is not None else "unknown"
        sign = decision.sign if decision is not None else 0
        if self._last_seen_ns is None:
            return ScreenState(mode="idle", frame=frame, pose=None)
        advice = placement_advice(pose, frame.width_px, frame.height_px, view)
        if advice is None:
            self._advice_since_ns = None
        elif self._advice_since_ns is None:
            self._advice_since_ns = t_ns
        cue = self._cue_on_screen
        if cue is not None and t_ns - cue.since_t_ns > CUE_SHOW_S * 1e9:
            cue = self._cue_on_screen = None
        target = self.metronome.target_spm
        common = dict(frame=frame, pose=pose, facing_sign=sign, view=view,
                      cadence_spm=self.analyzer.live_cadence_spm,
                      cadence_target_spm=math.nan if target is None else target,
                      session_s=self.session.session_s(t_ns))
        if self._advice_since_ns is not None and \
                t_ns - self._advice_since_ns >= PLACEMENT_AFTER_S * 1e9:
            return ScreenState(mode="placement", placement_text=advice, **common)
        return ScreenState(mode="running", cue=cue,
                           gauges=gauges_from_values(self._last_values, self.cfg.cues),
                           **common)
