"""A stored session as the report sees it: per-metric stride values over time."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kernels.stride_metrics import STRIDE_METRIC_NAMES
from station.contracts import Cue, GaitEvent, StrideMetrics
from station.store.store import SessionInfo, Store
from station.summary import ESTIMATES, UNITS

LABELS = {
    "cadence_spm": "Cadence", "trunk_lean_deg": "Trunk lean", "body_lean_deg": "Body lean",
    "waist_bend_deg": "Waist bend", "pelvic_tilt_deg": "Pelvic tilt",
    "rib_flare_deg": "Rib flare", "overstride_pct": "Overstride",
    "shank_angle_ic_deg": "Shank angle at contact",
    "foot_strike_angle_deg": "Foot strike angle", "ground_contact_ms": "Ground contact",
    "flight_ms": "Flight time", "duty_factor_pct": "Duty factor",
    "vertical_oscillation_cm": "Vertical oscillation", "hip_extension_deg": "Hip extension",
    "knee_flexion_ic_deg": "Knee flexion at contact",
    "knee_flexion_peak_deg": "Peak knee flexion", "head_forward_pct": "Head forward",
    "shoulder_shrug_pct": "Shoulder shrug", "step_time_asym_pct": "Step time asymmetry",
    "contact_asym_pct": "Contact time asymmetry",
}
UNIT_LABELS = {"deg": "°", "%": "%", "spm": "spm", "ms": "ms", "cm": "cm"}
#: Units spelled out where "%" alone would be ambiguous.
UNIT_OVERRIDES = {"overstride_pct": "% leg", "head_forward_pct": "% trunk",
                  "shoulder_shrug_pct": "% trunk"}
#: Report order: the faults that load the lower back first (METRICS.md, "Cues").
ORDER = ("pelvic_tilt_deg", "rib_flare_deg", "overstride_pct", "waist_bend_deg",
         "trunk_lean_deg", "body_lean_deg", "cadence_spm", "shank_angle_ic_deg",
         "foot_strike_angle_deg", "vertical_oscillation_cm", "hip_extension_deg",
         "knee_flexion_ic_deg", "knee_flexion_peak_deg", "ground_contact_ms", "flight_ms",
         "duty_factor_pct", "head_forward_pct", "shoulder_shrug_pct", "step_time_asym_pct",
         "contact_asym_pct")
assert set(ORDER) == set(STRIDE_METRIC_NAMES)
#: Typical values / targets from METRICS.md, for reading the numbers (not used in verdicts).
TYPICAL = {
    "cadence_spm": "own +5–10%", "trunk_lean_deg": "5–12",
    "body_lean_deg": "a few ° forward", "waist_bend_deg": "small",
    "pelvic_tilt_deg": "flat-ish", "rib_flare_deg": "near 0", "overstride_pct": "small",
    "shank_angle_ic_deg": "0–6; >10 overstride",
    "foot_strike_angle_deg": ">8 rearfoot, −3..8 mid", "ground_contact_ms": "160–300",
    "flight_ms": "", "duty_factor_pct": "25–48", "vertical_oscillation_cm": "6–10",
    "hip_extension_deg": "≥10–15", "knee_flexion_ic_deg": "~18",
    "knee_flexion_peak_deg": "≥40", "head_forward_pct": "small", "shoulder_shrug_pct": "~0",
    "step_time_asym_pct": "<4", "contact_asym_pct": "<4",
}
assert set(TYPICAL) == set(ORDER)


def unit_label(name: str) -> str:
    return UNIT_OVERRIDES.get(name, UNIT_LABELS.get(UNITS[name], UNITS[name]))


def metric_label(name: str) -> str:
    return LABELS[name] + (" (est.)" if name in ESTIMATES else "")


@dataclass
class MetricSeries:
    name: str
    t_s: np.ndarray            # stride times, seconds since the session start
    values: np.ndarray         # finite values only, in time order
    reason: str = ""           # why there are none / some are missing

    @property
    def label(self) -> str:
        return metric_label(self.name)

    @property
    def unit(self) -> str:
        return unit_label(self.name)

    @property
    def estimate(self) -> bool:
        return self.name in ESTIMATES

    @property
    def n(self) -> int:
        return int(self.values.size)

    def _pct(self, q: float) -> float:
        return float(np.percentile(self.values, q)) if self.n else math.nan

    @property
    def median(self) -> float:
        return float(np.median(self.values)) if self.n else math.nan

    @property
    def p10(self) -> float:
        return self._pct(10)

    @property
    def p90(self) -> float:
        return self._pct(90)


@dataclass
class SessionData:
    info: SessionInfo
    strides: list[StrideMetrics]
    events: list[GaitEvent]
    cues: list[Cue]
    metrics: dict[str, MetricSeries] = field(default_factory=dict)
    runner_notes: str = ""
    runner_height_cm: float | None = None


def load_session(store: Store, session_id: int) -> SessionData:
    info = store.session(session_id)
    strides = store.strides(session_id)
    data = SessionData(info, strides, store.events(session_id), store.cues(session_id))
    if info.runner_name:
        r = store.runner(info.runner_name)
        if r is not None:
            data.runner_notes, data.runner_height_cm = r.notes, r.height_cm
    t_all = np.array([(s.t_ns - info.started_ns) / 1e9 for s in strides], float)
    for name in ORDER:
        v = np.array([s.values.get(name, math.nan) for s in strides], float)
        ok = np.isfinite(v)
        reasons = sorted({s.reasons[name] for s in strides if name in s.reasons
                          and not math.isfinite(s.values.get(name, math.nan))})
        reason = "; ".join(reasons) if reasons else ("no strides" if not strides else "")
        data.metrics[name] = MetricSeries(name, t_all[ok], v[ok], reason)
    return data
