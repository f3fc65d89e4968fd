"""Reference (plain Python) of the walking detector and the detector choice
(kernels/gait_events_walk.py: the rules and why; written separately, for the equivalence
test): one object with named fields and an extreme finder per signal.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kernels.gait_events_state import (CONTACT, PR_MAX_GAP_S, PR_WALK_BELT_SHARE,
                                       PR_WALK_H_FRAC, PR_WALK_MAX_AMP_FRAC,
                                       PR_WALK_LEARN_S, PR_WALK_MIN_STANCE_S,
                                       PR_WALK_MIN_STEP_RUN_S,
                                       PR_WALK_MIN_STEP_S,
                                       PR_WALK_SAME_FRAC, PR_WALK_TAU_S, PR_WALK_WAIT_S, TOE_OFF)


@dataclass
class _Extreme:
    """Hysteresis peak finder: climbs to a peak, confirms it once the signal fell h below
    it, then follows the valley until the signal rose h above it."""
    climbing: bool = True
    ext: float = math.nan
    t_ext: float = math.nan
    t_last: float = -math.inf     # last accepted peak
    base: float = math.nan        # the valley the current climb started from
    label: float = -1.0           # input (foot label) at the extreme

    def step(self, t: float, v: float, label: float, h: float, min_step_s: float,
             max_amp: float) -> float:
        if math.isnan(self.base):
            self.base = v
        if self.climbing:
            if math.isnan(self.ext) or v > self.ext:
                self.ext, self.t_ext, self.label = v, t, label
            elif self.ext - v > h:
                found = math.nan
                rise = self.ext - self.base
                if self.t_ext - self.t_last >= min_step_s and h < rise <= max_amp:
                    found = self.t_last = self.t_ext
                self.climbing, self.ext, self.t_ext = False, v, t
                return found
        else:
            if v < self.ext:
                self.ext, self.t_ext = v, t
            elif v - self.ext > h:
                self.climbing, self.base = True, self.ext
                self.ext, self.t_ext, self.label = v, t, label
        return math.nan


@dataclass
class WalkRef:
    peak: _Extreme = field(default_factory=_Extreme)
    valley: _Extreme = field(default_factory=_Extreme)
    last_p: float = math.nan
    step_s: float = 0.5
    frac: float = 0.25
    ic_foot: float = -1.0
    ic_t: float = math.nan
    c_walk: float = 0.0
    c_belt: float = 0.0
    c_t: float = math.nan
    mode: int = 0
    last_t: float = math.nan
    t_count: float = math.nan
    had_belt: bool = False
    belt_ic: list = field(default_factory=lambda: [math.nan, math.nan])
    belt_alternated: list = field(default_factory=lambda: [False, False])
    c_bad: float = 0.0            # belt contacts whose foot landed twice in a row
    belt_last_t: float = math.nan     # the belt model's last emitted contact...
    belt_last_foot: float = -1.0      # ...and its foot
    ic_new: bool = False              # the last walking contact is not out yet

    def forget_extremes(self) -> None:
        self.peak, self.valley = _Extreme(), _Extreme()
        self.last_p = self.ic_t = self.last_t = math.nan
        self.ic_foot = -1.0
        self.ic_new = False

    def _event(self, t_ev: float, is_contact: bool, label: float, same_frac: float,
               out: list) -> None:
        if is_contact:
            foot = label
            if self.ic_foot >= 0.0 and t_ev - self.ic_t <= 1.5 * self.step_s + 0.3:
                foot = 1.0 - self.ic_foot
            same = abs(t_ev - self.belt_last_t) < same_frac * self.step_s
            if same:                  # the belt model's last emitted landing: its foot
                foot = self.belt_last_foot
                self.belt_last_t = math.nan
            self.ic_foot, self.ic_t, self.ic_new = foot, t_ev, not same
            self.c_walk += 1.0
            if not same:
                out.append((t_ev, CONTACT, foot))
        elif self.ic_foot >= 0.0:
            out.append((t_ev, TOE_OFF, 1.0 - self.ic_foot))

    def step(self, t: float, heel_fwd, toe_fwd, leg: float, belt_events: list,
             has_belt: bool, prm: np.ndarray) -> list:
        """One frame; the walking detector's own events (t, kind, foot)."""
        out: list = []
        if not prm[PR_WALK_H_FRAC] > 0.0 or not leg > 0.0:
            return out
        if not math.isnan(self.c_t):
            decay = math.exp(-(t - self.c_t) / prm[PR_WALK_TAU_S])
            self.c_walk *= decay
            self.c_belt *= decay
            self.c_bad *= decay
        self.c_t = t
        if math.isnan(self.t_count) or (has_belt and not self.had_belt):
            self.t_count, self.c_walk, self.c_belt, self.c_bad = t, 0.0, 0.0, 0.0
            self.had_belt = self.had_belt or has_belt
        for t_ev, kind, foot in belt_events:
            f = int(foot)
            if kind == CONTACT:
                own, other = self.belt_ic[f], self.belt_ic[1 - f]
                twice = not math.isnan(own) and (math.isnan(other) or own >= other)
                self.belt_alternated[f] = not twice
                if t - self.t_count >= prm[PR_WALK_LEARN_S]:
                    self.c_bad += 1.0 if twice else 0.0
                self.belt_ic[f] = t_ev
            elif t_ev - self.belt_ic[f] >= prm[PR_WALK_MIN_STANCE_S] and \
                    self.belt_alternated[f]:
                self.c_belt += 1.0
        if not math.isnan(self.last_t) and t - self.last_t > prm[PR_MAX_GAP_S]:
            self.forget_extremes()
        h = prm[PR_WALK_H_FRAC] * leg
        amp = prm[PR_WALK_MAX_AMP_FRAC] * leg
        min_step = prm[PR_WALK_MIN_STEP_S]
        same_frac = prm[PR_WALK_SAME_FRAC]
        hf = [float(v) for v in heel_fwd]
        tf = [float(v) for v in toe_fwd]
        if not any(math.isnan(v) for v in hf):
            self.last_t = t
            a = self.peak.step(t, max(hf), 0.0 if hf[0] >= hf[1] else 1.0, h, min_step, amp)
            if not math.isnan(a):
                if not math.isnan(self.last_p) and a - self.last_p < 3.0 * self.step_s:
                    self.step_s += 0.2 * (a - self.last_p - self.step_s)
                self.last_p = a
                self._event(a, self.frac < 0.5, self.peak.label, same_frac, out)
        if not any(math.isnan(v) for v in tf):
            self.last_t = t
            b = self.valley.step(t, -min(tf), 0.0 if tf[0] <= tf[1] else 1.0, h, min_step,
                                 amp)
            if not math.isnan(b):
                if not math.isnan(self.last_p) and b - self.last_p < 1.5 * self.step_s:
                    self.frac += 0.3 * ((b - self.last_p) / self.step_s - self.frac)
                self._event(b, self.frac >= 0.5, self.valley.label, same_frac, out)
        share = prm[PR_WALK_BELT_SHARE]
        if self.mode == 0:
            waited = t - self.t_count >= prm[PR_WALK_WAIT_S]
            if self.c_walk >= 2.0 and self.c_belt < share * self.c_walk and \
                    (waited or (self.c_bad >= 0.9 and
                                self.step_s >= prm[PR_WALK_MIN_STEP_RUN_S])):
                self.mode = 1
                # the last walking contact, unheard, within a step and not the belt's
                # landing: the landing at the handover
                if self.ic_new and t - self.ic_t < self.step_s and \
                        not any(kind == CONTACT for _, kind, _ in out):
                    out.insert(0, (self.ic_t, CONTACT, self.ic_foot))
        elif self.c_belt >= 3.0 and self.c_belt >= self.c_walk:
            self.mode = 0
        if self.mode == 1:
            self.ic_new = False
        if self.mode == 0:
            for t_ev, kind, foot in belt_events:
                if kind == CONTACT:
                    self.belt_last_t, self.belt_last_foot = t_ev, foot
        return out
