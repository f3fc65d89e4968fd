"""The cue table of METRICS.md as data: ids, messages, conditions, priorities, cooldowns.

`CUE_TABLE` and `CUE_RULES` are the defaults in the TOML shape of the config file
(station/config.py merges a user's file over them and validates the result into the
frozen dataclasses below). Nothing here imports the rest of the project.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: Metric names of METRICS.md that a cue condition may test.
METRIC_NAMES: tuple[str, ...] = (
    "cadence_spm", "trunk_lean_deg", "body_lean_deg", "waist_bend_deg", "pelvic_tilt_deg",
    "rib_flare_deg", "overstride_pct", "shank_angle_ic_deg", "foot_strike_angle_deg",
    "ground_contact_ms", "flight_ms", "duty_factor_pct", "vertical_oscillation_cm",
    "hip_extension_deg", "knee_flexion_ic_deg", "knee_flexion_peak_deg", "head_forward_pct",
    "shoulder_shrug_pct", "step_time_asym_pct", "contact_asym_pct",
)
#: A condition compares a metric with a threshold in one of these ways.
TERM_OPS: tuple[str, ...] = ("above", "below", "below_target_pct")
GOOD_FORM_ID = "good_form"


def _cue(priority: int, message: str, group: str, cooldown_s: float,
         when: dict[str, dict[str, float]] | None = None, match: str = "any") -> dict[str, Any]:
    cue: dict[str, Any] = {"enabled": True, "message": message, "priority": priority,
                           "cooldown_s": cooldown_s, "buzzer_group": group}
    if when is not None:
        cue["match"] = match
        cue["when"] = when
    return cue


# Priorities (lower first): the faults that load the lower back first (pelvic tilt, rib
# flare, overstride, waist bend), then the rest. Thresholds are the bands of METRICS.md;
# `margin` is hysteresis: once a fault is on, a stride counts as fixed only when it is
# `margin` inside the threshold, so a value sitting on the edge does not flicker.
CUE_TABLE: dict[str, dict[str, Any]] = {
    "tuck_tailbone": _cue(1, "Tuck your tailbone", "back", 30.0,
                          {"pelvic_tilt_deg": {"above": 20.0, "margin": 3.0}}),
    "ribs_down": _cue(2, "Ribs down, stack over pelvis", "back", 30.0,
                      {"rib_flare_deg": {"above": 10.0, "margin": 2.0}}),
    "shorten_stride": _cue(3, "Shorten your stride", "stride", 20.0,
                           {"shank_angle_ic_deg": {"above": 10.0, "margin": 2.0},
                            "overstride_pct": {"above": 20.0, "margin": 3.0}}),
    "land_midfoot": _cue(4, "Land under your hips", "stride", 25.0,
                         {"foot_strike_angle_deg": {"above": 8.0, "margin": 2.0},
                          "overstride_pct": {"above": 15.0, "margin": 3.0}}, match="all"),
    "not_from_waist": _cue(5, "Lean from ankles, not waist", "posture", 20.0,
                           {"trunk_lean_deg": {"above": 15.0, "margin": 2.0},
                            "waist_bend_deg": {"above": 8.0, "margin": 2.0}}),
    "lean_from_ankles": _cue(6, "Lean from your ankles", "posture", 20.0,
                             {"trunk_lean_deg": {"below": 2.0, "margin": 1.0},
                              "body_lean_deg": {"below": 0.0, "margin": 1.0}}),
    "drive_back": _cue(7, "Push back with your glutes", "posture", 30.0,
                       {"hip_extension_deg": {"below": 10.0, "margin": 2.0}}),
    "quicker_steps": _cue(8, "Quicker, lighter steps", "stride", 20.0,
                          {"cadence_spm": {"below_target_pct": 3.0, "margin": 1.0}}),
    "run_tall": _cue(9, "Run tall, less bounce", "posture", 30.0,
                     {"vertical_oscillation_cm": {"above": 11.0, "margin": 1.0}}),
    "head_up": _cue(10, "Head up, eyes ahead", "posture", 30.0,
                    {"head_forward_pct": {"above": 15.0, "margin": 3.0}}),
    "relax_shoulders": _cue(11, "Relax your shoulders", "posture", 30.0,
                            {"shoulder_shrug_pct": {"above": 6.0, "margin": 2.0}}),
    GOOD_FORM_ID: _cue(12, "Good \u2014 hold that", "good", 15.0),
}

CUE_RULES: dict[str, Any] = {
    "window_strides": 4,        # look at the last 4 strides with evidence ...
    "min_fault_strides": 3,     # ... a fault must show on 3 of them ("most")
    "good_form_strides": 8,     # a cued fault fixed this long earns good_form
    "cue_gap_s": 4.0,           # one cue at a time: the shortest time between two cues
    "max_stride_gap_s": 2.0,    # no stride for this long = nobody running: state cleared
    "evidence_max_age_s": 15.0,  # older verdicts no longer count toward persistence
    "faded": {"enabled": False, "window_strides": 20, "max_cooldown_factor": 3.0},
}


@dataclass(frozen=True, slots=True)
class CueTerm:
    """One comparison: `metric` `op` `threshold`, e.g. shank_angle_ic_deg above 10.
    `below_target_pct`: the metric is more than `threshold` % below the cadence target."""
    metric: str
    op: Literal["above", "below", "below_target_pct"]
    threshold: float
    margin: float


@dataclass(frozen=True, slots=True)
class CueSpec:
    id: str
    enabled: bool
    message: str
    priority: int  # lower is more important
    cooldown_s: float
    buzzer_group: str
    match: Literal["any", "all"]  # how the terms combine
    when: tuple[CueTerm, ...]  # empty for good_form, which no metric triggers


@dataclass(frozen=True, slots=True)
class FadedSchedule:
    """Fewer cues as the runner improves: cooldowns are multiplied by up to
    `max_cooldown_factor` as the share of good strides (over ~`window_strides`) rises."""
    enabled: bool
    window_strides: int
    max_cooldown_factor: float


@dataclass(frozen=True, slots=True)
class CueRules:
    window_strides: int
    min_fault_strides: int
    good_form_strides: int
    cue_gap_s: float
    max_stride_gap_s: float
    evidence_max_age_s: float
    faded: FadedSchedule
