"""Ground truth: METRICS.md metrics measured on the runner's noise-free geometry.

Nothing here echoes a knob. Landmark metrics are computed from the projected 2D
landmarks (pixels) with METRICS.md's definitions; pelvic tilt and rib flare from the
projected torso outline (contour_metrics). Instants come from the gait timeline and
the geometry is evaluated at those exact instants (not at the nearest frame); values
over a stride or a step use a dense 240 Hz grid. So truth does not depend on the fps.

Definitions this file fixes where METRICS.md leaves a choice:
- a stride record belongs to foot F and spans F's contact c0 to F's next contact c2,
  with the other foot's contact c1 between; it is emitted at c2 (`t_s`).
  Contact metrics are at c0, stance metrics over F's stance [c0, toe-off), hip
  extension at that toe-off, vertical oscillation over the step [c0, c1];
- mid-stance = halfway between contact and toe-off (body lean, waist bend);
- duty_factor_pct = contact time / stride time (c2 - c0); flight_ms = c1 - toe-off,
  0 when negative (walking has double support instead of flight);
- step_time_asym_pct compares the two steps of the stride, contact_asym_pct the two
  feet's contact times in it;
- L = mean hip->ankle distance over the steady run (both legs, dense grid); T = |S - H|
  on each sample; the camera-side ear and shoulder are those of the side facing the
  camera (right when the runner faces image-right);
- shoulder_shrug_pct baseline = median ear-shoulder height over the first 3 s of the
  steady run.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from station.contracts import LM
from station.summary import UNITS
from station.synth.contour_metrics import outline_metrics
from station.synth.runner import SynthRunner
from station.synth.timeline import FOOT_NAMES

DENSE_HZ = 240.0
SHRUG_BASELINE_S = 3.0
SIDE = ("left", "right")


def _fwd(d: np.ndarray, s: int) -> np.ndarray:
    return s * d[..., 0]


def _up(d: np.ndarray) -> np.ndarray:
    return -d[..., 1]


def _lm(xy: np.ndarray, name: str) -> np.ndarray:
    return xy[..., LM[name], :]


def lean_deg(top: np.ndarray, bottom: np.ndarray, s: int) -> np.ndarray:
    """atan2(forward(top - bottom), up(top - bottom))."""
    d = top - bottom
    return np.degrees(np.arctan2(_fwd(d, s), _up(d)))


def knee_flexion_deg(xy: np.ndarray, side: str) -> np.ndarray:
    h, k, a = _lm(xy, f"{side}_hip"), _lm(xy, f"{side}_knee"), _lm(xy, f"{side}_ankle")
    v1, v2 = h - k, a - k
    cos = (v1 * v2).sum(-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _mid(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (_lm(xy, a) + _lm(xy, b))


class TruthMeter:
    """Measures the runner at instants and over intervals."""

    def __init__(self, runner: SynthRunner) -> None:
        self.r = runner
        self.s = runner.facing_sign
        self.cam_side = "right" if self.s > 0 else "left"
        self.t0 = runner.steady_from_s
        self.t1 = min(runner.steady_until_s, runner.seconds)
        self.dense_t = np.arange(self.t0, self.t1, 1.0 / DENSE_HZ)
        self.dense_xy = self.xy_at(self.dense_t)
        d = [np.linalg.norm(_lm(self.dense_xy, f"{sd}_ankle") - _lm(self.dense_xy, f"{sd}_hip"),
                            axis=-1) for sd in SIDE]
        self.leg_px = float(np.mean(d))
        base = self.dense_t < self.t0 + SHRUG_BASELINE_S
        self.shrug_base_px = float(np.median(self._ear_above_shoulder(self.dense_xy[base])))

    def xy_at(self, t: np.ndarray) -> np.ndarray:
        return self.r.landmarks_px(self.r.world_pose(np.asarray(t, float)))

    def _ear_above_shoulder(self, xy: np.ndarray) -> np.ndarray:
        side = self.cam_side
        return _lm(xy, f"{side}_shoulder")[..., 1] - _lm(xy, f"{side}_ear")[..., 1]

    def per_sample(self, xy: np.ndarray) -> dict[str, np.ndarray]:
        s = self.s
        hip = _mid(xy, "left_hip", "right_hip")
        sh = _mid(xy, "left_shoulder", "right_shoulder")
        t_len = np.linalg.norm(sh - hip, axis=-1)
        ear, shoulder = _lm(xy, f"{self.cam_side}_ear"), _lm(xy, f"{self.cam_side}_shoulder")
        return {
            "trunk_lean_deg": lean_deg(sh, hip, s),
            "head_forward_pct": _fwd(ear - shoulder, s) / t_len * 100.0,
            "shoulder_shrug_pct": (self.shrug_base_px - self._ear_above_shoulder(xy))
            / t_len * 100.0,
            "hip_height_px": -hip[..., 1],
        }

    def dense_between(self, a: float, b: float) -> slice:
        i0 = int(np.searchsorted(self.dense_t, a))
        i1 = int(np.searchsorted(self.dense_t, b))
        return slice(i0, max(i1, i0 + 1))

    def outline_at(self, t: np.ndarray) -> tuple[float, float]:
        pose = self.r.world_pose(np.asarray(t, float))
        poly = self.r.torso_px(pose)
        xy = self.r.landmarks_px(pose)
        hip = _mid(xy, "left_hip", "right_hip")
        sh = _mid(xy, "left_shoulder", "right_shoulder")
        vals = np.array([outline_metrics(poly[i], hip[i], sh[i], self.s) for i in range(len(t))])
        return float(np.median(vals[:, 0])), float(np.median(vals[:, 1]))


def stride_records(meter: TruthMeter) -> list[dict[str, Any]]:
    r, s = meter.r, meter.s
    st = r.steps
    c, o, feet = st.t_contact, st.t_toe_off, st.foot
    sample = meter.per_sample(meter.dense_xy)
    records = []
    for k in range(len(st) - 2):
        if c[k] < meter.t0 or c[k + 2] > meter.t1:
            continue
        side, other = SIDE[feet[k]], SIDE[feet[k + 1]]
        t_mid = 0.5 * (c[k] + o[k])
        xy_ic, xy_to, xy_mid = meter.xy_at(np.array([c[k], o[k], t_mid]))
        hip_ic = _mid(xy_ic, "left_hip", "right_hip")
        heel, toe = _lm(xy_ic, f"{side}_heel"), _lm(xy_ic, f"{side}_foot_index")
        knee_ic, ankle_ic = _lm(xy_ic, f"{side}_knee"), _lm(xy_ic, f"{side}_ankle")
        sh_mid = _mid(xy_mid, "left_shoulder", "right_shoulder")
        hip_mid = _mid(xy_mid, "left_hip", "right_hip")
        trunk_mid = float(lean_deg(sh_mid, hip_mid, s))
        body_mid = float(lean_deg(sh_mid, _lm(xy_mid, f"{side}_ankle"), s))
        d_ft = toe - heel
        stride = meter.dense_between(c[k], c[k + 2])
        stance = meter.dense_between(c[k], o[k])
        step = meter.dense_between(c[k], c[k + 1])
        hip_h = sample["hip_height_px"][step]
        tc_this, tc_other = o[k] - c[k], o[k + 1] - c[k + 1]
        step_a, step_b = c[k + 1] - c[k], c[k + 2] - c[k + 1]
        tilt, flare = meter.outline_at(np.linspace(c[k], c[k + 2], 4, endpoint=False))
        m = {
            "cadence_spm": 120.0 / (c[k + 2] - c[k]),
            "trunk_lean_deg": float(np.median(sample["trunk_lean_deg"][stride])),
            "body_lean_deg": body_mid,
            "waist_bend_deg": trunk_mid - body_mid,
            "pelvic_tilt_deg": tilt,
            "rib_flare_deg": flare,
            "overstride_pct": float(_fwd(heel - hip_ic, s) / meter.leg_px * 100.0),
            "shank_angle_ic_deg": float(np.degrees(np.arctan2(
                _fwd(ankle_ic - knee_ic, s), -_up(ankle_ic - knee_ic)))),
            "foot_strike_angle_deg": float(np.degrees(np.arctan2(_up(d_ft), _fwd(d_ft, s)))),
            "ground_contact_ms": tc_this * 1000.0,
            "flight_ms": max(0.0, c[k + 1] - o[k]) * 1000.0,
            "duty_factor_pct": tc_this / (c[k + 2] - c[k]) * 100.0,
            "vertical_oscillation_cm": float(hip_h.max() - hip_h.min()) / r.px_per_cm,
            "hip_extension_deg": float(np.degrees(np.arctan2(
                -_fwd(_lm(xy_to, f"{side}_knee") - _lm(xy_to, f"{side}_hip"), s),
                -_up(_lm(xy_to, f"{side}_knee") - _lm(xy_to, f"{side}_hip"))))),
            "knee_flexion_ic_deg": float(knee_flexion_deg(xy_ic, side)),
            "knee_flexion_peak_deg": float(knee_flexion_deg(meter.dense_xy[stance], side).max()),
            "head_forward_pct": float(np.median(sample["head_forward_pct"][stride])),
            "shoulder_shrug_pct": float(np.median(sample["shoulder_shrug_pct"][stride])),
            "step_time_asym_pct": abs(step_a - step_b) / (0.5 * (step_a + step_b)) * 100.0,
            "contact_asym_pct": abs(tc_this - tc_other) / (0.5 * (tc_this + tc_other)) * 100.0,
        }
        records.append({"index": len(records), "foot": side, "other_foot": other,
                        "t_start_s": float(c[k]), "t_s": float(c[k + 2]),
                        "t_ns": int(round(c[k + 2] * 1e9)), "metrics": m})
    return records


def summarize(records: list[dict[str, Any]], contacts_s: np.ndarray) -> dict[str, Any]:
    """{name: {median, p10, p90, unit, n}} over the stride records; cadence's median is
    60 / median interval between consecutive contacts (METRICS.md's session cadence)."""
    out: dict[str, Any] = {}
    for name, unit in UNITS.items():
        v = np.array([rec["metrics"][name] for rec in records], float)
        v = v[np.isfinite(v)]
        if len(v) == 0:
            out[name] = {"median": math.nan, "p10": math.nan, "p90": math.nan, "unit": unit, "n": 0}
            continue
        out[name] = {"median": float(np.median(v)), "p10": float(np.percentile(v, 10)),
                     "p90": float(np.percentile(v, 90)), "unit": unit, "n": int(len(v))}
    if len(contacts_s) >= 2:
        out["cadence_spm"]["median"] = float(60.0 / np.median(np.diff(contacts_s)))
    return out


def gait_events(runner: SynthRunner, t0: float, t1: float) -> list[dict[str, Any]]:
    st = runner.steps
    ev = []
    for kind, times in (("contact", st.t_contact), ("toe_off", st.t_toe_off)):
        for t, f in zip(times, st.foot):
            if t0 <= t <= t1:
                ev.append({"t_s": float(t), "t_ns": int(round(t * 1e9)), "kind": kind,
                           "foot": FOOT_NAMES[f]})
    ev.sort(key=lambda e: (e["t_ns"], e["kind"]))
    return ev


def compute_truth(runner: SynthRunner) -> dict[str, Any]:
    meter = TruthMeter(runner)
    records = stride_records(meter)
    events = gait_events(runner, meter.t0, meter.t1)
    contacts = np.array([e["t_s"] for e in events if e["kind"] == "contact"])
    return {
        "facing": "right" if runner.facing_sign > 0 else "left",
        "scale": {"px_per_cm": runner.px_per_cm, "source": "camera model at the hip midpoint"},
        "leg_length_px": meter.leg_px,
        "steady_s": [meter.t0, meter.t1],
        "strides": records,
        "metrics": summarize(records, contacts),
        "cadence_spm": summarize(records, contacts)["cadence_spm"]["median"],
        "events": events,
        "definitions": __doc__.split("Definitions this file fixes")[1].strip(),
    }
