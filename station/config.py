"""Station configuration: built-in defaults, a user TOML file merged over them, frozen dataclasses.

The defaults below are the cue table of METRICS.md; `default_config.toml` beside this module is
a commented copy of them for users to edit (a test keeps the two equal). A user file only needs
the keys it changes. An unknown key or a bad value is a BadInput naming the key path and what
was expected, so a physio's typo is a one-line error instead of a silently ignored setting.
"""
from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Literal

from station.errors import BadInput

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


# Priorities: the faults that load the lower back first (pelvic tilt, rib flare, overstride,
# waist bend), then the rest. Thresholds are the bands of METRICS.md; margins are hysteresis:
# once a fault is on, a stride counts as fixed only when it is `margin` inside the threshold.
DEFAULTS: dict[str, Any] = {
    "cue_rules": {
        "window_strides": 4, "min_fault_strides": 3, "good_form_strides": 8,
        "cue_gap_s": 4.0, "max_stride_gap_s": 2.0, "evidence_max_age_s": 15.0,
        "faded": {"enabled": False, "window_strides": 20, "max_cooldown_factor": 3.0},
    },
    "cues": {
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
    },
    "metronome": {"mode": "baseline_pct", "pct": 5.0, "spm": 170.0,
                  "baseline_window_s": 60.0, "min_baseline_strides": 20},
    "gpio": {"buzzer_pin": 18, "buzzer_kind": "active", "button_pin": 17, "led_pin": 27,
             "button_bounce_ms": 50, "led_blink_s": 0.5},
    "buzzer": {"tone_hz": 2000.0, "tick_tone_hz": 2600.0, "good_tone_hz": 1400.0,
               "tick_ms": 25, "late_tick_ms": 15,
               "patterns": {"back": [400, 150, 400], "stride": [100, 100, 100, 100, 100],
                            "posture": [400, 150, 120], "good": [80]}},
    "camera": {"width_px": 640, "height_px": 480, "fps": 30.0, "exposure_us": 0, "gain": 0.0},
    "display": {"fullscreen": False, "width_px": 1280, "height_px": 720},
    "data": {"dir": ""},
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
    priority: int
    cooldown_s: float
    buzzer_group: str
    match: Literal["any", "all"]
    when: tuple[CueTerm, ...]  # empty for good_form, which no metric triggers


@dataclass(frozen=True, slots=True)
class FadedSchedule:
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


@dataclass(frozen=True, slots=True)
class MetronomeConfig:
    mode: Literal["off", "baseline_pct", "fixed_spm"]
    pct: float
    spm: float
    baseline_window_s: float
    min_baseline_strides: int


@dataclass(frozen=True, slots=True)
class GpioConfig:
    """BCM pin numbers; -1 means the part is not fitted."""
    buzzer_pin: int
    buzzer_kind: Literal["active", "passive"]
    button_pin: int
    led_pin: int
    button_bounce_ms: int
    led_blink_s: float


@dataclass(frozen=True, slots=True)
class BuzzerConfig:
    tone_hz: float
    tick_tone_hz: float
    good_tone_hz: float
    tick_ms: int
    late_tick_ms: int
    patterns: tuple[tuple[str, tuple[int, ...]], ...]  # (group, on/off/on... durations in ms)

    def pattern_ms(self, group: str) -> tuple[int, ...]:
        for name, durations in self.patterns:
            if name == group:
                return durations
        raise KeyError(group)


@dataclass(frozen=True, slots=True)
class CameraConfig:
    width_px: int
    height_px: int
    fps: float
    exposure_us: int  # 0 = automatic
    gain: float  # 0 = automatic


@dataclass(frozen=True, slots=True)
class DisplayConfig:
    fullscreen: bool
    width_px: int
    height_px: int


@dataclass(frozen=True, slots=True)
class DataConfig:
    dir: str  # "" = $STATE_DIRECTORY under systemd, else the XDG data dir


@dataclass(frozen=True, slots=True)
class StationConfig:
    cue_rules: CueRules
    cues: tuple[CueSpec, ...]  # in the order of DEFAULTS
    metronome: MetronomeConfig
    gpio: GpioConfig
    buzzer: BuzzerConfig
    camera: CameraConfig
    display: DisplayConfig
    data: DataConfig

    def cue(self, cue_id: str) -> CueSpec:
        for spec in self.cues:
            if spec.id == cue_id:
                return spec
        raise KeyError(cue_id)


# ---------------------------------------------------------------- loading and merging

def default_config() -> StationConfig:
    return config_from_dict({})


def load_config(path: str | Path | None = None) -> StationConfig:
    """Defaults, with the TOML file at `path` (if any) merged over them."""
    if path is None:
        return default_config()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"config {p}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"config {p}: cannot read ({e})") from None
    return config_from_toml(text, source=str(p))


def config_from_toml(text: str, source: str = "config") -> StationConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"config {source}: not valid TOML ({e})") from None
    return config_from_dict(data)


def example_config_text() -> str:
    """The commented example file shipped with the package."""
    return resources.files("station").joinpath("default_config.toml").read_text("utf-8")


def config_from_dict(user: dict[str, Any]) -> StationConfig:
    merged = copy.deepcopy(DEFAULTS)
    _merge_into(merged, user, "")
    return _build(merged)


def config_to_dict(cfg: StationConfig) -> dict[str, Any]:
    """The TOML-shaped dict of `cfg` (config_from_dict(config_to_dict(c)) == c): what a
    session stores as its config snapshot."""
    out: dict[str, Any] = {}
    for section in ("metronome", "gpio", "camera", "display", "data"):
        obj = getattr(cfg, section)
        out[section] = {f: getattr(obj, f) for f in obj.__slots__}
    r = cfg.cue_rules
    out["cue_rules"] = {f: getattr(r, f) for f in r.__slots__ if f != "faded"}
    out["cue_rules"]["faded"] = {f: getattr(r.faded, f) for f in r.faded.__slots__}
    b = cfg.buzzer
    out["buzzer"] = {f: getattr(b, f) for f in b.__slots__ if f != "patterns"}
    out["buzzer"]["patterns"] = {g: list(d) for g, d in b.patterns}
    out["cues"] = {}
    for c in cfg.cues:
        d: dict[str, Any] = {"enabled": c.enabled, "message": c.message, "priority": c.priority,
                             "cooldown_s": c.cooldown_s, "buzzer_group": c.buzzer_group}
        if c.id != GOOD_FORM_ID:
            d["match"] = c.match
            d["when"] = {t.metric: {t.op: t.threshold, "margin": t.margin} for t in c.when}
        out["cues"][c.id] = d
    return out


def _bad(path: str, expected: str, found: Any) -> BadInput:
    return BadInput(f"config {path}: expected {expected}, found {found!r}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _merge_into(base: dict[str, Any], user: Any, path: str) -> None:
    """Merge `user` over `base` in place; a key `base` does not know is an error, except
    metric names under a cue's `when` table (a physio may add a condition)."""
    if not isinstance(user, dict):
        raise _bad(path or "(top level)", "a table", user)
    for key, value in user.items():
        here = _join(path, key)
        parts = here.split(".")
        in_when = len(parts) == 4 and parts[0] == "cues" and parts[2] == "when"
        if in_when:
            _merge_term(base, key, value, here)
        elif key not in base:
            raise BadInput(f"config {here}: unknown key (expected one of: {', '.join(base)})")
        elif isinstance(base[key], dict):
            _merge_into(base[key], value, here)
        else:
            base[key] = value


def _merge_term(when: dict[str, Any], metric: str, term: Any, path: str) -> None:
    if metric not in METRIC_NAMES:
        raise BadInput(f"config {path}: unknown metric (expected a METRICS.md name such as "
                       f"trunk_lean_deg)")
    if not isinstance(term, dict):
        raise _bad(path, "a table like { above = 10.0, margin = 2.0 }", term)
    merged = dict(when.get(metric, {}))
    if any(op in term for op in TERM_OPS):  # a new comparison replaces the old one
        merged = {k: v for k, v in merged.items() if k not in TERM_OPS}
    merged.update(term)
    when[metric] = merged


# ---------------------------------------------------------------- validation

def _number(d: dict[str, Any], path: str, key: str, lo: float | None = None,
            lo_open: bool = False, hi: float | None = None) -> float:
    v = d[key]
    expected = "a number" + (f" {'>' if lo_open else '>='} {lo:g}" if lo is not None else "") \
        + (f" <= {hi:g}" if hi is not None else "")
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    if ok and lo is not None:
        ok = v > lo if lo_open else v >= lo
    if ok and hi is not None:
        ok = v <= hi
    if not ok:
        raise _bad(_join(path, key), expected, v)
    return float(v)


def _integer(d: dict[str, Any], path: str, key: str, lo: int, hi: int | None = None) -> int:
    v = d[key]
    ok = isinstance(v, int) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
    if not ok:
        span = f">= {lo}" if hi is None else f"between {lo} and {hi}"
        raise _bad(_join(path, key), f"an integer {span}", v)
    return int(v)


def _boolean(d: dict[str, Any], path: str, key: str) -> bool:
    if not isinstance(d[key], bool):
        raise _bad(_join(path, key), "true or false", d[key])
    return d[key]


def _choice(d: dict[str, Any], path: str, key: str, options: Iterable[str]) -> Any:
    options = tuple(options)
    if d[key] not in options:
        raise _bad(_join(path, key), "one of " + ", ".join(repr(o) for o in options), d[key])
    return d[key]


def _text(d: dict[str, Any], path: str, key: str, nonempty: bool = True) -> str:
    v = d[key]
    if not isinstance(v, str) or (nonempty and not v.strip()):
        raise _bad(_join(path, key), "a non-empty string" if nonempty else "a string", v)
    return v


def _pin(d: dict[str, Any], path: str, key: str) -> int:
    return _integer(d, path, key, -1, 27)  # BCM GPIO 0..27 on the 40-pin header; -1 = none


def _build_term(metric: str, term: dict[str, Any], path: str) -> CueTerm:
    ops = [op for op in TERM_OPS if op in term]
    extra = [k for k in term if k not in TERM_OPS and k != "margin"]
    if extra:
        raise BadInput(f"config {_join(path, extra[0])}: unknown key "
                       f"(expected one of: {', '.join(TERM_OPS)}, margin)")
    if len(ops) != 1:
        raise _bad(path, "exactly one of above, below, below_target_pct", term)
    op = ops[0]
    if op == "below_target_pct" and metric != "cadence_spm":
        raise _bad(_join(path, op), "below_target_pct only for cadence_spm", term[op])
    threshold = _number(term, path, op, lo=0.0 if op == "below_target_pct" else None)
    margin = _number({"margin": term.get("margin", 0.0)}, path, "margin", lo=0.0)
    return CueTerm(metric=metric, op=op, threshold=threshold, margin=margin)


def _build_cue(cue_id: str, d: dict[str, Any], groups: tuple[str, ...]) -> CueSpec:
    path = f"cues.{cue_id}"
    when: tuple[CueTerm, ...] = ()
    if cue_id != GOOD_FORM_ID:
        if not d["when"]:
            raise _bad(_join(path, "when"), "at least one condition", d["when"])
        when = tuple(_build_term(m, t, f"{path}.when.{m}") for m, t in d["when"].items())
    return CueSpec(
        id=cue_id, enabled=_boolean(d, path, "enabled"), message=_text(d, path, "message"),
        priority=_integer(d, path, "priority", 0), cooldown_s=_number(d, path, "cooldown_s", 0.0),
        buzzer_group=_choice(d, path, "buzzer_group", groups),
        match=_choice(d, path, "match", ("any", "all")) if "match" in d else "any", when=when)


def _build(m: dict[str, Any]) -> StationConfig:
    r = m["cue_rules"]
    fd = r["faded"]
    faded = FadedSchedule(
        enabled=_boolean(fd, "cue_rules.faded", "enabled"),
        window_strides=_integer(fd, "cue_rules.faded", "window_strides", 1),
        max_cooldown_factor=_number(fd, "cue_rules.faded", "max_cooldown_factor", 1.0))
    window = _integer(r, "cue_rules", "window_strides", 1, 32)
    rules = CueRules(
        window_strides=window,
        min_fault_strides=_integer(r, "cue_rules", "min_fault_strides", 1, window),
        good_form_strides=_integer(r, "cue_rules", "good_form_strides", 1),
        cue_gap_s=_number(r, "cue_rules", "cue_gap_s", 0.0),
        max_stride_gap_s=_number(r, "cue_rules", "max_stride_gap_s", 0.0, lo_open=True),
        evidence_max_age_s=_number(r, "cue_rules", "evidence_max_age_s", 0.0, lo_open=True),
        faded=faded)

    b = m["buzzer"]
    patterns = []
    for group, durations in b["patterns"].items():
        ok = isinstance(durations, list) and len(durations) % 2 == 1 and all(
            isinstance(x, int) and not isinstance(x, bool) and 0 < x <= 5000 for x in durations)
        if not ok:
            raise _bad(f"buzzer.patterns.{group}", "an odd-length list of on/off/on... "
                       "durations in ms, each 1..5000", durations)
        patterns.append((group, tuple(durations)))
    tone_hz = _number(b, "buzzer", "tone_hz", 100.0, hi=8000.0)
    # A TonalBuzzer spans one octave either side of its middle tone.
    buzzer = BuzzerConfig(
        tone_hz=tone_hz,
        tick_tone_hz=_number(b, "buzzer", "tick_tone_hz", tone_hz / 2, hi=tone_hz * 2),
        good_tone_hz=_number(b, "buzzer", "good_tone_hz", tone_hz / 2, hi=tone_hz * 2),
        tick_ms=_integer(b, "buzzer", "tick_ms", 1, 200),
        late_tick_ms=_integer(b, "buzzer", "late_tick_ms", 0, 200),
        patterns=tuple(patterns))
    groups = tuple(g for g, _ in patterns)

    cues = tuple(_build_cue(cid, d, groups) for cid, d in m["cues"].items())
    mt = m["metronome"]
    metronome = MetronomeConfig(
        mode=_choice(mt, "metronome", "mode", ("off", "baseline_pct", "fixed_spm")),
        pct=_number(mt, "metronome", "pct", -20.0, hi=30.0),
        spm=_number(mt, "metronome", "spm", 60.0, hi=260.0),
        baseline_window_s=_number(mt, "metronome", "baseline_window_s", 0.0, lo_open=True),
        min_baseline_strides=_integer(mt, "metronome", "min_baseline_strides", 1))
    g = m["gpio"]
    gpio = GpioConfig(
        buzzer_pin=_pin(g, "gpio", "buzzer_pin"),
        buzzer_kind=_choice(g, "gpio", "buzzer_kind", ("active", "passive")),
        button_pin=_pin(g, "gpio", "button_pin"), led_pin=_pin(g, "gpio", "led_pin"),
        button_bounce_ms=_integer(g, "gpio", "button_bounce_ms", 0, 1000),
        led_blink_s=_number(g, "gpio", "led_blink_s", 0.0, lo_open=True))
    used = [p for p in (gpio.buzzer_pin, gpio.button_pin, gpio.led_pin) if p >= 0]
    if len(set(used)) != len(used):
        raise _bad("gpio", "distinct buzzer_pin, button_pin and led_pin", g)
    c = m["camera"]
    camera = CameraConfig(
        width_px=_integer(c, "camera", "width_px", 16, 8192),
        height_px=_integer(c, "camera", "height_px", 16, 8192),
        fps=_number(c, "camera", "fps", 0.0, lo_open=True, hi=240.0),
        exposure_us=_integer(c, "camera", "exposure_us", 0),
        gain=_number(c, "camera", "gain", 0.0))
    dp = m["display"]
    display = DisplayConfig(
        fullscreen=_boolean(dp, "display", "fullscreen"),
        width_px=_integer(dp, "display", "width_px", 320, 8192),
        height_px=_integer(dp, "display", "height_px", 240, 8192))
    data = DataConfig(dir=_text(m["data"], "data", "dir", nonempty=False))
    return StationConfig(cue_rules=rules, cues=cues, metronome=metronome, gpio=gpio,
                         buzzer=buzzer, camera=camera, display=display, data=data)
