"""The synthetic runner's knobs: every METRICS.md metric, the scene, and the troubles of
real video, each with a default, a range and a unit.

Three groups:
- FORM knobs shape the runner's gait and posture. They may change over a run (a start
  form that switches to the main form at `change_at_s`, and fatigue drift).
- SCENE knobs fix the camera, the treadmill and the clip.
- NOISE knobs add what real pose tracking does to landmarks (they never touch the truth).

A knob value is a float (or a string for the few choices). `resolve_knobs` checks every
value against its range and raises BadInput with one line when one is outside.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from station.errors import BadInput


@dataclass(frozen=True, slots=True)
class KnobSpec:
    name: str
    default: float | str | None
    lo: float | None
    hi: float | None
    unit: str
    help: str
    group: str                      # "form" | "scene" | "noise"
    choices: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)


def _f(name: str, default: float | None, lo: float, hi: float, unit: str, help: str,
       group: str = "form") -> KnobSpec:
    return KnobSpec(name, default, lo, hi, unit, help, group)


KNOB_SPECS: tuple[KnobSpec, ...] = (
    # --- form: the METRICS.md metrics -------------------------------------------------
    KnobSpec("gait", "run", None, None, "", "run (flight phase) or walk (double support)",
             "form", ("run", "walk")),
    _f("cadence_spm", 170.0, 60.0, 220.0, "spm", "steps per minute"),
    _f("duty_factor_pct", 35.0, 20.0, 75.0, "%",
       "ground contact / stride time; < 50 running (flight), > 50 walking"),
    _f("trunk_lean_deg", 7.0, -15.0, 35.0, "deg", "shoulder midpoint ahead of hips, + forward"),
    _f("waist_bend_deg", None, -15.0, 25.0, "deg",
       "trunk lean minus body lean at mid-stance; sets where the foot lands, so it replaces "
       "--overstride-pct (give one of the two)"),
    _f("pelvic_tilt_deg", 10.0, -10.0, 40.0, "deg",
       "lumbar arch of the back outline (sacral vs lumbar contour lines), + = swayback"),
    _f("rib_flare_deg", 0.0, -10.0, 25.0, "deg",
       "rib-cage outline tilted back relative to the lower trunk, + = flared"),
    _f("overstride_pct", 15.0, -10.0, 45.0, "% leg",
       "heel ahead of the hips at initial contact, % of leg length"),
    _f("foot_strike_angle_deg", 12.0, -15.0, 30.0, "deg",
       "heel->toe angle to the belt at contact; + toes up (rearfoot)"),
    _f("vertical_oscillation_cm", 8.0, 1.0, 16.0, "cm", "hip height max - min per step"),
    _f("hip_extension_deg", 15.0, 0.0, 35.0, "deg", "thigh behind vertical at toe-off"),
    _f("knee_flexion_ic_deg", 18.0, 2.0, 40.0, "deg", "180 - hip-knee-ankle angle at contact"),
    _f("knee_flexion_peak_deg", 42.0, 10.0, 65.0, "deg",
       "largest knee flexion in stance (running; walking follows from hip height)"),
    _f("swing_knee_flexion_deg", 100.0, 40.0, 130.0, "deg", "knee bend at the back kick"),
    _f("head_forward_pct", 8.0, -10.0, 40.0, "% T", "ear ahead of shoulder, % of trunk length"),
    _f("shoulder_shrug_pct", 0.0, 0.0, 20.0, "% T",
       "shoulders raised toward the ears, % of trunk length (the metric is relative to "
       "the session's start, so only a change over the run shows)"),
    _f("step_time_asym_pct", 0.0, 0.0, 20.0, "%", "|left - right| step time / mean"),
    _f("contact_asym_pct", 0.0, 0.0, 20.0, "%", "|left - right| contact time / mean"),
    _f("belt_kmh", 10.0, 2.0, 25.0, "km/h", "treadmill belt speed"),
    _f("arm_swing_deg", 30.0, 5.0, 60.0, "deg", "upper-arm swing amplitude (peak)"),
    _f("elbow_flexion_deg", 85.0, 10.0, 130.0, "deg", "mean elbow bend"),
    # --- scene --------------------------------------------------------------------------
    KnobSpec("facing", "right", None, None, "", "direction the runner faces in the image",
             "scene", ("right", "left")),
    _f("fps", 30.0, 5.0, 240.0, "Hz", "frames per second", "scene"),
    _f("width", 640.0, 160.0, 3840.0, "px", "image width", "scene"),
    _f("height", 480.0, 120.0, 2160.0, "px", "image height", "scene"),
    _f("camera_distance_cm", 300.0, 120.0, 1200.0, "cm",
       "camera to the runner's mid-plane", "scene"),
    _f("camera_height_cm", 100.0, 20.0, 250.0, "cm", "camera above the belt", "scene"),
    _f("fov_deg", 62.0, 20.0, 120.0, "deg", "horizontal field of view", "scene"),
    _f("runner_height_cm", 175.0, 120.0, 215.0, "cm", "standing height", "scene"),
    # --- form over time ------------------------------------------------------------------
    _f("change_at_s", None, 0.0, 86400.0, "s",
       "time the start form (--start-preset) switches to the main form", "scene"),
    _f("change_ramp_s", 4.0, 0.0, 60.0, "s", "how long the switch takes", "scene"),
    _f("fatigue", 0.0, 0.0, 1.0, "",
       "form drift per 10 min: cadence down, lean/bounce/overstride/shrug up", "scene"),
    # --- noise ---------------------------------------------------------------------------
    _f("jitter_px", 0.0, 0.0, 20.0, "px", "landmark jitter (Gaussian sd)", "noise"),
    _f("drop_pct", 0.0, 0.0, 50.0, "%", "landmarks dropped (NaN) at random", "noise"),
    _f("frame_drop_pct", 0.0, 0.0, 50.0, "%", "whole frames with no pose", "noise"),
    _f("far_leg_vis", 0.95, 0.0, 1.0, "",
       "visibility of the far leg (< 0.5 drops it like the pose model does)", "noise"),
    _f("swaps_per_min", 0.0, 0.0, 60.0, "/min", "left/right leg swaps", "noise"),
    _f("swap_frames", 4.0, 1.0, 60.0, "frames", "length of one leg swap", "noise"),
    _f("blends_per_min", 0.0, 0.0, 600.0, "/min",
       "1-3 frame glitches pulling each leg's points part way toward the other leg",
       "noise"),
    _f("absent_s", 0.0, 0.0, 600.0, "s", "empty treadmill before the runner appears", "noise"),
    _f("step_off_s", 0.0, 0.0, 600.0, "s", "runner steps off this long before the end",
       "noise"),
)
SPEC_BY_NAME: dict[str, KnobSpec] = {k.name: k for k in KNOB_SPECS}
FORM_KNOBS = tuple(k.name for k in KNOB_SPECS if k.group == "form")

# Form presets. "poor" is the demo's bad runner: overstriding heel striker with a low
# cadence, a swayback, flared ribs, head forward and little hip extension.
PRESETS: dict[str, dict[str, float | str]] = {
    "good": {},
    "poor": {
        "cadence_spm": 152.0, "duty_factor_pct": 40.0, "trunk_lean_deg": 3.0,
        "overstride_pct": 34.0, "foot_strike_angle_deg": 22.0, "pelvic_tilt_deg": 30.0,
        "rib_flare_deg": 12.0, "vertical_oscillation_cm": 12.0, "hip_extension_deg": 6.0,
        "knee_flexion_ic_deg": 8.0, "head_forward_pct": 22.0,
    },
    "waist_bender": {"trunk_lean_deg": 17.0, "waist_bend_deg": 12.0},
    "walk": {
        "gait": "walk", "cadence_spm": 112.0, "duty_factor_pct": 62.0, "belt_kmh": 4.5,
        "vertical_oscillation_cm": 4.5,
        "foot_strike_angle_deg": 18.0, "overstride_pct": 36.0, "hip_extension_deg": 15.0,
        "swing_knee_flexion_deg": 62.0, "trunk_lean_deg": 3.0, "arm_swing_deg": 18.0,
        "elbow_flexion_deg": 20.0,
    },
}


@dataclass(frozen=True)
class KnobSet:
    """Resolved knob values: `main` form, optional `start` form, scene and noise values."""

    main: dict[str, Any]
    start: dict[str, Any] | None
    scene: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        out = {"form": dict(self.main), **self.scene}
        if self.start is not None:
            out["start_form"] = dict(self.start)
        return out


def _check(name: str, value: Any) -> Any:
    spec = SPEC_BY_NAME.get(name)
    if spec is None:
        raise BadInput(f"unknown knob {name!r}; expected one of {', '.join(SPEC_BY_NAME)}")
    if value is None:
        return None
    if spec.is_choice:
        if value not in spec.choices:
            raise BadInput(f"--{name.replace('_', '-')}: expected one of "
                           f"{'|'.join(spec.choices)}, found {value!r}")
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"--{name.replace('_', '-')}: expected a number, found {value!r}") \
            from None
    if not (spec.lo <= v <= spec.hi):   # also rejects NaN
        raise BadInput(f"--{name.replace('_', '-')}: expected {spec.lo:g}..{spec.hi:g} "
                       f"{spec.unit}".rstrip() + f", found {value}")
    return v


def _form(preset: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    if preset not in PRESETS:
        raise BadInput(f"--preset: expected one of {'|'.join(PRESETS)}, found {preset!r}")
    given = {k: v for k, v in overrides.items() if v is not None}
    if "waist_bend_deg" in given and "overstride_pct" in given:
        raise BadInput("give --waist-bend-deg or --overstride-pct, not both: "
                       "both set where the foot lands under the body")
    form = {k: SPEC_BY_NAME[k].default for k in FORM_KNOBS}
    form.update(PRESETS[preset])
    if "overstride_pct" in given:
        form["waist_bend_deg"] = None
    form.update(given)
    if form["waist_bend_deg"] is not None:
        form["overstride_pct"] = None
    gait, duty = form["gait"], form["duty_factor_pct"]
    if gait == "run" and duty >= 50.0:
        raise BadInput(f"--duty-factor-pct: running needs < 50 (a flight phase), found {duty:g}")
    if gait == "walk" and duty <= 50.0:
        raise BadInput(f"--duty-factor-pct: walking needs > 50 (double support), found {duty:g}")
    return form


def resolve_knobs(values: Mapping[str, Any] | None = None, preset: str = "good",
                  start_preset: str | None = None) -> KnobSet:
    """Check `values` (knob name -> value, None = default) and build the KnobSet.

    Form knobs in `values` set the main form (the whole run, or the run after
    `change_at_s` when a `start_preset` is given)."""
    checked = {k: _check(k, v) for k, v in (values or {}).items()}
    form_over = {k: v for k, v in checked.items() if k in FORM_KNOBS}
    main = _form(preset, form_over)
    start = None
    if start_preset is not None:
        start = _form(start_preset, {k: v for k, v in form_over.items()
                                     if k in ("gait", "belt_kmh")})
        if start["gait"] != main["gait"]:
            raise BadInput("--start-preset: the start form must use the same gait as the "
                           "main form")
    scene = {k.name: k.default for k in KNOB_SPECS if k.group in ("scene", "noise")}
    scene.update({k: v for k, v in checked.items() if k not in FORM_KNOBS and v is not None})
    for name in ("width", "height"):
        scene[name] = int(round(scene[name]))
    if start is not None and scene["change_at_s"] is None:
        raise BadInput("--start-preset needs --change-at-s (when the form changes)")
    return KnobSet(main=main, start=start, scene=scene)
