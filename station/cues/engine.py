"""CueEngine: per-stride metrics in, at most one Cue out.

Rules (DESIGN.md "Live loop behaviour"): a fault must hold on most of the last few strides,
hysteresis keeps an edge value from flickering, each cue has a cooldown, one cue at a time
with the most back-relevant first, and a cued fault that stays fixed earns `good_form`.
Time comes only from the strides' `t_ns`, so a recorded run replays to the same cues.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

from station.contracts import Cue, StrideMetrics
from station.cues.conditions import stride_verdict
from station.cues.fader import CueFader
from station.cues.fault_tracker import FaultTracker
from station.cues.table import GOOD_FORM_ID, CueRules, CueSpec

if TYPE_CHECKING:  # station.config imports this package: no import at run time
    from station.config import StationConfig

log = logging.getLogger(__name__)

_NS_PER_S = 1_000_000_000


class CueEngine:
    """Feed strides in time order with `update`; it returns the Cue to show now, or None.

    Call `reset()` when the runner leaves (or a new session starts): every memory of the
    previous runner is dropped, so nothing is cued until faults persist again. A gap of
    more than `max_stride_gap_s` between strides resets the same way.
    """

    def __init__(self, rules: CueRules, specs: Iterable[CueSpec]) -> None:
        specs = list(specs)
        self._rules = rules
        self._faults = sorted((s for s in specs if s.enabled and s.id != GOOD_FORM_ID),
                              key=lambda s: s.priority)
        self._good = next((s for s in specs if s.id == GOOD_FORM_ID and s.enabled), None)
        self._cue_gap_ns = round(rules.cue_gap_s * _NS_PER_S)
        self._max_gap_ns = round(rules.max_stride_gap_s * _NS_PER_S)
        self._fader = CueFader(rules.faded)
        self._trackers: dict[str, FaultTracker] = {}
        self.reset()

    @classmethod
    def from_config(cls, cfg: StationConfig) -> CueEngine:
        return cls(cfg.cue_rules, cfg.cues)

    def reset(self) -> None:
        """Forget the runner: evidence, faults, cooldowns, the faded schedule."""
        self._trackers = {s.id: FaultTracker(self._rules.window_strides,
                                             self._rules.min_fault_strides,
                                             round(self._rules.evidence_max_age_s * _NS_PER_S))
                          for s in self._faults}
        self._fader.reset()
        self._last_t_ns: int | None = None
        self._last_cue_ns: int | None = None
        self._last_good_ns: int | None = None
        self.last_cue: Cue | None = None

    @property
    def active_faults(self) -> tuple[str, ...]:
        """Ids of the faults currently on, most important first (cued or not)."""
        return tuple(s.id for s in self._faults if self._trackers[s.id].fault_on)

    @property
    def cooldown_factor(self) -> float:
        """How much the faded schedule stretches cooldowns right now (1 = not at all)."""
        return self._fader.cooldown_factor

    def update(self, stride: StrideMetrics, cadence_target_spm: float | None = None) -> Cue | None:
        """Take one stride's metrics; return the cue to give now, if any.

        `cadence_target_spm` is the metronome's target (None or NaN: no target, so the
        cadence cue has no evidence)."""
        t = stride.t_ns
        if self._last_t_ns is not None:
            if t < self._last_t_ns:
                raise ValueError(f"strides out of time order: t_ns {t} after {self._last_t_ns}")
            if t - self._last_t_ns > self._max_gap_ns:
                log.info("no stride for %.1f s: cue state cleared", (t - self._last_t_ns) / 1e9)
                self.reset()
        self._last_t_ns = t

        any_evidence = False
        any_fault = False
        for spec in self._faults:
            tracker = self._trackers[spec.id]
            verdict = stride_verdict(spec, stride.values, cadence_target_spm, tracker.fault_on)
            tracker.add(t, verdict)
            any_evidence |= verdict is not None
            any_fault |= verdict is True
        if any_evidence:  # a stride with nothing measured says nothing about improvement
            self._fader.observe(good_stride=not any_fault)
        return self._choose(t)

    # ------------------------------------------------------------------ choosing a cue

    def _cooled(self, last_ns: int | None, cooldown_s: float, t_ns: int) -> bool:
        if last_ns is None:
            return True
        return t_ns - last_ns >= cooldown_s * self._fader.cooldown_factor * _NS_PER_S

    def _fixed_after_cue(self) -> list[FaultTracker]:
        need = self._rules.good_form_strides
        return [tr for tr in self._trackers.values()
                if tr.cued and not tr.fault_on and tr.clean_streak >= need]

    def _choose(self, t: int) -> Cue | None:
        if self._last_cue_ns is not None and t - self._last_cue_ns < self._cue_gap_ns:
            return None  # the previous cue is still on screen
        best: CueSpec | None = None
        for spec in self._faults:  # sorted by priority: the first due fault wins
            tracker = self._trackers[spec.id]
            if tracker.fault_on and self._cooled(tracker.last_cued_ns, spec.cooldown_s, t):
                best = spec
                break
        praised = self._fixed_after_cue() if self._good is not None else []
        if praised and (best is None or self._good.priority < best.priority) \
                and self._cooled(self._last_good_ns, self._good.cooldown_s, t):
            for tracker in praised:
                tracker.cued = False
            self._last_good_ns = t
            return self._emit(Cue(GOOD_FORM_ID, self._good.message, t, severity=0.0))
        if best is None:
            return None
        tracker = self._trackers[best.id]
        tracker.cued = True
        tracker.last_cued_ns = t
        return self._emit(Cue(best.id, best.message, t, severity=tracker.fault_share))

    def _emit(self, cue: Cue) -> Cue:
        self._last_cue_ns = cue.t_ns
        self.last_cue = cue
        log.debug("cue %s at %.3f s", cue.id, cue.t_ns / 1e9)
        return cue
