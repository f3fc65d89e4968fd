"""Session summary of `analyze`: strides, cadence, per-metric distributions, events, cues.

Key names follow DESIGN.md's CLI contract; metric names follow METRICS.md. NaN never
reaches JSON: an unmeasurable value is null, and `reasons` says why.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from kernels.stride_metrics import STRIDE_METRIC_NAMES
from station.contracts import Cue, GaitEvent, StrideMetrics

UNITS = {
    "cadence_spm": "spm", "trunk_lean_deg": "deg", "body_lean_deg": "deg",
    "waist_bend_deg": "deg", "pelvic_tilt_deg": "deg", "rib_flare_deg": "deg",
    "overstride_pct": "%", "shank_angle_ic_deg": "deg", "foot_strike_angle_deg": "deg",
    "ground_contact_ms": "ms", "flight_ms": "ms", "duty_factor_pct": "%",
    "vertical_oscillation_cm": "cm", "hip_extension_deg": "deg",
    "knee_flexion_ic_deg": "deg", "knee_flexion_peak_deg": "deg", "head_forward_pct": "%",
    "shoulder_shrug_pct": "%", "step_time_asym_pct": "%", "contact_asym_pct": "%",
}
#: Proxies: estimates from a 2D side view (METRICS.md), marked "est." wherever shown.
ESTIMATES = frozenset({"pelvic_tilt_deg", "rib_flare_deg"})
#: Duty factor above this means a foot is down more than half the stride: walking.
WALKING_DUTY_PCT = 50.0


def finite_or_none(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 3)


def session_cadence_spm(events: Sequence[GaitEvent]) -> float:
    """Steps per minute over the session: 60 / the typical step interval (METRICS.md),
    measured as half a foot's contact-to-contact interval: those span two steps, so
    left/right asymmetry and event-time jitter weigh half as much. The typical interval is
    the mean of the intervals near the median (within 25%), not the median itself: event
    times cluster on frame times, and a median of clustered values is off by up to half a
    frame, which at 30 fps is a whole step per minute."""
    intervals = []
    for foot in ("left", "right"):
        c = np.sort([e.t_ns / 1e9 for e in events if e.kind == "contact" and e.foot == foot])
        intervals.append(np.diff(c))
    allv = np.concatenate(intervals) if intervals else np.array([])
    if allv.size < 2:
        return math.nan
    m = float(np.median(allv))
    typical = allv[np.abs(allv - m) <= 0.25 * m]  # drops gaps from missed contacts
    return 120.0 / float(np.mean(typical))


def hip_cadence_spm(t_s: np.ndarray, hip_y: np.ndarray, lo_spm: float = 60.0,
                    hi_spm: float = 240.0) -> float:
    """Cadence from the dominant frequency of the hips' up-down motion (one bob per step)."""
    ok = np.isfinite(hip_y)
    if ok.sum() < 32:
        return math.nan
    t, y = t_s[ok], hip_y[ok]
    fs = 120.0
    grid = np.arange(t[0], t[-1], 1.0 / fs)
    if len(grid) < 64:
        return math.nan
    yy = np.interp(grid, t, y)
    yy = (yy - np.polyval(np.polyfit(grid, yy, 1), grid)) * np.hanning(len(grid))
    n = 1 << int(math.ceil(math.log2(len(grid) * 8)))   # zero-padded for a fine grid
    spec = np.abs(np.fft.rfft(yy, n))
    freq_spm = np.fft.rfftfreq(n, 1.0 / fs) * 60.0
    band = (freq_spm >= lo_spm) & (freq_spm <= hi_spm)
    if not band.any() or spec[band].max() <= 0:
        return math.nan
    return float(freq_spm[band][np.argmax(spec[band])])


def metric_table(strides: Sequence[StrideMetrics], cadence_spm: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in STRIDE_METRIC_NAMES:
        v = np.array([s.values.get(name, math.nan) for s in strides], float)
        v = v[np.isfinite(v)]
        entry: dict[str, Any] = {"median": None, "p10": None, "p90": None,
                                 "unit": UNITS[name], "n": int(v.size)}
        if v.size:
            entry.update(median=finite_or_none(float(np.median(v))),
                         p10=finite_or_none(float(np.percentile(v, 10))),
                         p90=finite_or_none(float(np.percentile(v, 90))))
        if name == "cadence_spm" and math.isfinite(cadence_spm):
            entry["median"] = finite_or_none(cadence_spm)
        if name in ESTIMATES:
            entry["estimate"] = True
        if not v.size:
            reasons = {s.reasons.get(name) for s in strides} - {None}
            entry["reason"] = "; ".join(sorted(reasons)) if reasons else "no strides"
        out[name] = entry
    return out


#: Fewer measured strides than this and the gait is not named (one stride can be a
#: misdetection; a slow-motion clip may hold only ~3 s of real time).
MIN_STRIDES_FOR_ACTIVITY = 2


#: Landings judged for double support or flight before a short clip's gait is named.
MIN_LANDINGS_FOR_ACTIVITY = 2


def activity(strides: Sequence[StrideMetrics], events: Sequence[GaitEvent] = ()) -> str:
    """"running" / "walking" from the median duty factor (a foot down more than half the
    stride is walking); with too few strides for that, from the landings in `events`
    (walking lands before the other foot leaves: double support; running after: flight);
    "unknown" when neither can say, "none" when there were no strides."""
    if not strides:
        return "none"
    duty = np.array([s.values.get("duty_factor_pct", math.nan) for s in strides], float)
    duty = duty[np.isfinite(duty)]
    if duty.size >= MIN_STRIDES_FOR_ACTIVITY:
        return "walking" if float(np.median(duty)) >= WALKING_DUTY_PCT else "running"
    walk, run = landing_votes(events)
    if walk + run < MIN_LANDINGS_FOR_ACTIVITY or walk == run:
        return "unknown"
    return "walking" if walk > run else "running"


def landing_votes(events: Sequence[GaitEvent]) -> tuple[int, int]:
    """(landings in double support, landings after a flight): for each contact that follows
    a contact of the other foot, whether that foot's toe-off came after it or before."""
    walk = run = 0
    ordered = sorted(events, key=lambda e: e.t_ns)
    contacts = [i for i, e in enumerate(ordered) if e.kind == "contact"]
    for a, b in zip(contacts, contacts[1:]):
        if ordered[a].foot == ordered[b].foot:
            continue                    # a foot label repeats: nothing to judge
        off = next((e for e in ordered[a + 1:]
                    if e.kind == "toe_off" and e.foot == ordered[a].foot), None)
        if off is None:
            continue
        if off.t_ns > ordered[b].t_ns:
            walk += 1
        else:
            run += 1
    return walk, run


def events_json(events: Sequence[GaitEvent]) -> list[dict[str, Any]]:
    return [{"t_s": round(e.t_ns / 1e9, 4), "kind": e.kind, "foot": e.foot} for e in events]


def cues_json(cues: Sequence[Cue]) -> list[dict[str, Any]]:
    return [{"t_s": round(c.t_ns / 1e9, 3), "id": c.id, "message": c.message} for c in cues]


def write_strides_csv(path: Path, strides: Sequence[StrideMetrics]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["index", "foot", "t_s", *STRIDE_METRIC_NAMES])
        for s in strides:
            w.writerow([s.index, s.foot, f"{s.t_ns / 1e9:.4f}",
                        *("" if not math.isfinite(s.values.get(n, math.nan))
                          else f"{s.values[n]:.3f}" for n in STRIDE_METRIC_NAMES)])


def write_events_csv(path: Path, events: Sequence[GaitEvent]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["t_s", "kind", "foot"])
        for e in events:
            w.writerow([f"{e.t_ns / 1e9:.4f}", e.kind, e.foot])
