"""Cadence target and metronome ticks, as pure logic on times in nanoseconds.

The target is a percentage above the runner's own baseline (median cadence over the first
minute of running) or a fixed spm. Ticks are *predicted*: the beat grid is phase-locked to a
start time and advanced by the period, so each tick time is known before it happens and the
buzzer thread can sound it on the beat, rather than reacting to a detection after the fact.
A new target re-plans the grid from the last beat handed out, so the rhythm never jumps.
"""
from __future__ import annotations

import logging
import math
import statistics

from station.config import MetronomeConfig

log = logging.getLogger(__name__)

_NS_PER_S = 1_000_000_000
_NS_PER_MIN = 60 * _NS_PER_S


class CadenceBaseline:
    """Median cadence over the first `window_s` of running (from the first measured stride).
    If that window held fewer than `min_strides` measurements, it keeps collecting until it
    has them: a baseline from a handful of strides would set a wrong target for the session."""

    def __init__(self, window_s: float, min_strides: int) -> None:
        self._window_ns = round(window_s * _NS_PER_S)
        self._min_strides = min_strides
        self.reset()

    def reset(self) -> None:
        self._start_ns: int | None = None
        self._samples: list[float] = []
        self.baseline_spm: float | None = None

    def observe(self, t_ns: int, cadence_spm: float) -> None:
        if self.baseline_spm is not None or not math.isfinite(cadence_spm) or cadence_spm <= 0:
            return
        if self._start_ns is None:
            self._start_ns = t_ns
        if t_ns - self._start_ns <= self._window_ns or len(self._samples) < self._min_strides:
            self._samples.append(cadence_spm)
        if t_ns - self._start_ns >= self._window_ns and len(self._samples) >= self._min_strides:
            self.baseline_spm = statistics.median(self._samples)
            log.info("cadence baseline %.1f spm from %d strides", self.baseline_spm,
                     len(self._samples))


class BeatPlanner:
    """A beat grid `anchor_ns + k * period_ns`; hands out each beat once."""

    def __init__(self) -> None:
        self.stop()

    def stop(self) -> None:
        self._anchor_ns: int | None = None
        self._period_ns = 0.0
        self._last_given_ns: int | None = None

    @property
    def running(self) -> bool:
        return self._anchor_ns is not None

    @property
    def period_ns(self) -> float:
        return self._period_ns

    def start(self, first_beat_ns: int, spm: float) -> None:
        self._anchor_ns = first_beat_ns
        self._period_ns = _NS_PER_MIN / spm
        self._last_given_ns = None

    def set_rate(self, spm: float, now_ns: int) -> None:
        """Change the tempo without a jump: the grid restarts from the last beat handed out
        (or, if none was, the last beat at or before `now_ns`) with the new period."""
        if self._anchor_ns is None:
            raise RuntimeError("set_rate before start")
        if self._last_given_ns is not None:
            self._anchor_ns = self._last_given_ns
        elif now_ns > self._anchor_ns:
            k = math.floor((now_ns - self._anchor_ns) / self._period_ns)
            self._anchor_ns = self._beat(k)
        self._period_ns = _NS_PER_MIN / spm

    def _beat(self, k: int) -> int:
        # From the anchor each time, not by adding periods: no rounding drift over a session.
        return self._anchor_ns + round(k * self._period_ns)

    def due(self, now_ns: int, until_ns: int) -> list[int]:
        """Beats in [now_ns, until_ns] not handed out before. Beats already in the past are
        skipped: a late tick is worse than none."""
        if self._anchor_ns is None:
            return []
        lo = now_ns if self._last_given_ns is None else max(now_ns, self._last_given_ns + 1)
        k = max(0, math.ceil((lo - self._anchor_ns) / self._period_ns))
        while self._beat(k) < lo:  # ceil of a float quotient can fall one short
            k += 1
        beats = []
        while (b := self._beat(k)) <= until_ns:
            beats.append(b)
            k += 1
        if beats:
            self._last_given_ns = beats[-1]
        return beats


class Metronome:
    """Feed it each stride's cadence; ask it for the ticks to schedule.

    Live loop use::

        metronome.observe_stride(stride.t_ns, stride.values["cadence_spm"])
        for t_ns in metronome.due_ticks(now_ns, lookahead_ns=250_000_000):
            buzzer.schedule_tick(t_ns)
        engine.update(stride, metronome.target_spm)
    """

    def __init__(self, cfg: MetronomeConfig) -> None:
        self._cfg = cfg
        self._baseline = CadenceBaseline(cfg.baseline_window_s, cfg.min_baseline_strides)
        self._beats = BeatPlanner()
        self._running = False

    @property
    def config(self) -> MetronomeConfig:
        return self._cfg

    @property
    def baseline_spm(self) -> float | None:
        return self._baseline.baseline_spm

    @property
    def target_spm(self) -> float | None:
        """The cadence target now, or None (mode off, no runner, or baseline not known yet)."""
        if self._cfg.mode == "off" or not self._running:
            return None
        if self._cfg.mode == "fixed_spm":
            return self._cfg.spm
        base = self._baseline.baseline_spm
        return None if base is None else base * (1.0 + self._cfg.pct / 100.0)

    @property
    def period_ns(self) -> float | None:
        return self._beats.period_ns if self._beats.running else None

    def observe_stride(self, t_ns: int, cadence_spm: float) -> None:
        """A stride closed at `t_ns` (an initial contact) with this measured cadence (NaN ok)."""
        self._running = True
        self._baseline.observe(t_ns, cadence_spm)
        self._follow_target(t_ns)

    def configure(self, cfg: MetronomeConfig, now_ns: int) -> None:
        """Swap settings mid-session (mode, pct, spm); the beat continues without a jump.
        The baseline already measured is kept."""
        self._cfg = cfg
        self._follow_target(now_ns)

    def due_ticks(self, now_ns: int, lookahead_ns: int) -> list[int]:
        """Tick times in [now_ns, now_ns + lookahead_ns] not returned before. Use a lookahead
        longer than the loop's period so every beat is handed out ahead of time."""
        return self._beats.due(now_ns, now_ns + lookahead_ns)

    def reset(self) -> None:
        """Nobody is running: stop ticking and forget the baseline."""
        self._baseline.reset()
        self._beats.stop()
        self._running = False

    def _follow_target(self, now_ns: int) -> None:
        target = self.target_spm
        if target is None:
            if self._beats.running:
                self._beats.stop()
            return
        if not self._beats.running:
            # Phase-lock to the contact that just happened: the first tick falls where the
            # next contact would at the target cadence.
            self._beats.start(now_ns + round(_NS_PER_MIN / target), target)
            log.info("metronome on at %.1f spm", target)
        elif abs(_NS_PER_MIN / target - self._beats.period_ns) > 1.0:
            self._beats.set_rate(target, now_ns)
            log.info("metronome now %.1f spm", target)
