"""The gait timeline: form over time, and every initial contact and toe-off of the run.

Steps are laid one after another from the form in force at each contact, so a change of
cadence or asymmetry changes the event times themselves, exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from station.synth.curves import smoothstep
from station.synth.knobs import KnobSet

LEFT, RIGHT = 0, 1
FOOT_NAMES = ("left", "right")

# Fatigue drift at fatigue=1 over 10 minutes of running. Fatigued runners slow their
# cadence, bounce and overstride more, lean and shrug more (the band the cues watch).
FATIGUE_PER_10MIN: dict[str, float] = {
    "cadence_spm": -6.0, "trunk_lean_deg": 3.0, "vertical_oscillation_cm": 2.0,
    "overstride_pct": 8.0, "shoulder_shrug_pct": 8.0, "head_forward_pct": 6.0,
    "hip_extension_deg": -4.0, "pelvic_tilt_deg": 4.0,
}

# Knobs blended as numbers between the start form and the main form.
NUMERIC_FORM_KEYS = (
    "cadence_spm", "duty_factor_pct", "trunk_lean_deg", "pelvic_tilt_deg", "rib_flare_deg",
    "overstride_pct", "foot_strike_angle_deg", "vertical_oscillation_cm", "hip_extension_deg",
    "knee_flexion_ic_deg", "knee_flexion_peak_deg", "swing_knee_flexion_deg",
    "head_forward_pct", "shoulder_shrug_pct", "step_time_asym_pct", "contact_asym_pct",
    "belt_kmh", "arm_swing_deg", "elbow_flexion_deg",
)


class FormSchedule:
    """Form knob values at any time: start form -> main form at change_at_s, plus fatigue.

    `placement` turns a form that gives waist_bend_deg into the overstride_pct that
    realises it (it needs the body geometry, so the kinematics supply it)."""

    def __init__(self, knobs: KnobSet, run_start_s: float,
                 placement: Callable[[dict[str, Any]], float]) -> None:
        self.gait = knobs.main["gait"]
        self._main = self._numeric(knobs.main, placement)
        self._start = None if knobs.start is None else self._numeric(knobs.start, placement)
        self._change_at = knobs.scene["change_at_s"]
        self._ramp = knobs.scene["change_ramp_s"]
        self._fatigue = knobs.scene["fatigue"]
        self._t0 = run_start_s

    @staticmethod
    def _numeric(form: dict[str, Any], placement: Callable[[dict[str, Any]], float]
                 ) -> dict[str, float]:
        out = {k: float(form[k]) for k in NUMERIC_FORM_KEYS if form.get(k) is not None}
        if form.get("overstride_pct") is None:
            out["overstride_pct"] = float(placement(form))
        return out

    def at(self, t_s: np.ndarray | float) -> dict[str, np.ndarray]:
        """Every numeric form knob at the times `t_s` (arrays of the same shape)."""
        t = np.asarray(t_s, dtype=float)
        if self._start is None:
            w = np.ones_like(t)
        elif self._ramp > 0:
            w = smoothstep((t - self._change_at) / self._ramp)
        else:
            w = (t >= self._change_at).astype(float)
        drift = self._fatigue * np.clip(t - self._t0, 0.0, None) / 600.0
        out = {}
        for k, v_main in self._main.items():
            v = v_main if self._start is None else self._start[k] + w * (v_main - self._start[k])
            out[k] = v + drift * FATIGUE_PER_10MIN.get(k, 0.0)
        out["cadence_spm"] = np.maximum(out["cadence_spm"], 30.0)
        return out


@dataclass(frozen=True)
class StepTable:
    """One row per initial contact, in time order; feet alternate."""

    t_contact: np.ndarray       # s
    t_toe_off: np.ndarray       # s
    foot: np.ndarray            # int 0 left / 1 right
    params: dict[str, np.ndarray]   # form knobs in force at each contact

    def __len__(self) -> int:
        return int(self.t_contact.shape[0])

    def rows_of(self, foot: int) -> np.ndarray:
        return np.flatnonzero(self.foot == foot)


def build_step_table(schedule: FormSchedule, t_first_s: float, t_last_s: float,
                     first_foot: int = RIGHT) -> StepTable:
    """Lay steps from `t_first_s` until past `t_last_s`.

    Step time asymmetry a: a step that ends on the left foot lasts Ts(1 + a/200), on the
    right Ts(1 - a/200), so |L - R| / mean = a %. Contact times likewise with the contact
    asymmetry. The duty factor is contact time over stride time (two steps)."""
    times, feet, rows = [], [], []
    t, foot = t_first_s, first_foot
    while t <= t_last_s + 2.0:
        p = {k: float(v) for k, v in schedule.at(t).items()}
        ts = 60.0 / p["cadence_spm"]
        c_sign = -1.0 if foot == LEFT else 1.0
        tc = p["duty_factor_pct"] / 100.0 * 2.0 * ts
        tc *= 1.0 - c_sign * p["contact_asym_pct"] / 200.0
        times.append((t, t + tc))
        feet.append(foot)
        rows.append(p)
        nxt = RIGHT if foot == LEFT else LEFT
        s_sign = 1.0 if nxt == LEFT else -1.0
        t += ts * (1.0 + s_sign * p["step_time_asym_pct"] / 200.0)
        foot = nxt
    arr = np.array(times)
    params = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    return StepTable(arr[:, 0], arr[:, 1], np.array(feet, dtype=np.int64), params)


def stride_phase(t_s: np.ndarray, steps: StepTable, foot: int) -> np.ndarray:
    """0..1 phase of `foot`'s stride (contact to next contact) at each time, continuous
    across strides (arms swing with it)."""
    c = steps.t_contact[steps.rows_of(foot)]
    j = np.clip(np.searchsorted(c, t_s, side="right") - 1, 0, len(c) - 2)
    return np.clip((t_s - c[j]) / (c[j + 1] - c[j]), 0.0, 1.0 + 1e-9) + j


def run_window(seconds: float, absent_s: float, step_off_s: float) -> tuple[float, float, float]:
    """(appear_s, steady_from_s, steady_until_s). The runner appears at `absent_s`,
    walks in for a second, runs steadily, and steps off `step_off_s` before the end."""
    entry_s = 1.0 if absent_s > 0 else 0.0
    until = seconds - step_off_s if step_off_s > 0 else math.inf
    return absent_s, absent_s + entry_s, until
