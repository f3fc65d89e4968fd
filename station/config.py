"""Station configuration: built-in defaults, a user TOML file merged over them, frozen dataclasses.

The defaults are the cue table of METRICS.md (station/cues/table.py) plus the sections below;
`default_config.toml` beside this module is a commented copy of them for users to edit (a test
keeps the two equal). A user file only needs the keys it changes. An unknown key or a bad value is a BadInput naming the key path and what
was expected, so a physio's typo is a one-line error instead of a silently ignored setting.
"""
from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Literal

from station.cues.table import (CUE_RULES, CUE_TABLE, GOOD_FORM_ID, METRIC_NAMES, TERM_OPS,
                                CueRules, CueSpec, CueTerm, FadedSchedule)
from station.errors import BadInput

__all__ = ["StationConfig", "CueRules", "CueSpec", "CueTerm", "FadedSchedule", "MetronomeConfig",
           "GpioConfig", "BuzzerConfig", "CameraConfig", "DisplayConfig", "DataConfig",
           "DEFAULTS", "default_config", "load_config", "config_from_toml", "config_from_dict",
           "config_to_dict", "example_config_text"]

DEFAULTS: dict[str, Any] = {
    "cue_rules": CUE_RULES,
    "cues": CUE_TABLE,
    "metronome": {"mode": "baseline_pct", "pct": 5.0, "spm": 170.0,
                  "baseline_window_s": 60.0, "min_baseline_strides": 20},
    "gpio": {"buzzer_pin": 18, "buzzer_kind": "active", "button_pin": 17, "led_pin": 27,
             "button_bounce_ms": 50, "led_blink_s": 0.5},
    "buzzer": {"tone_hz": 2000.0, "tick_tone_hz": 2600.0, "good_tone_hz": 1400.0,
               "tick_ms": 25, "late_tick_ms": 15,
               "patterns": {"back": [400, 150, 400], "stride": [100, 100, 100, 100, 100],
                            "posture": [400, 150, 120], "good": [80]}},
    "camera": {"width_px": 640, "height_px": 480, "fps": 30.0, "exposure_us": 2000, "gain": 0.0},
    "display": {"fullscreen": False, "width_px": 1280, "height_px": 720},
    "data": {"dir": ""},
}


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
    exposure_us: int  # fixed shutter time; 0 = automatic exposure (feet blur at 30 fps)
    gain: float  # fixed analogue gain; 0 = the camera's AGC picks it for that shutter time


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

Check = Callable[[str, Any], Any]


def _num(lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> Check:
    expected = "a number" + (f" {'>' if lo_open else '>='} {lo:g}" if lo is not None else "") \
        + (f" <= {hi:g}" if hi is not None else "")

    def check(path: str, v: Any) -> float:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        ok = ok and (lo is None or (v > lo if lo_open else v >= lo)) and (hi is None or v <= hi)
        if not ok:
            raise _bad(path, expected, v)
        return float(v)
    return check


def _int(lo: int, hi: int | None = None) -> Check:
    expected = f"an integer >= {lo}" if hi is None else f"an integer between {lo} and {hi}"

    def check(path: str, v: Any) -> int:
        if not (isinstance(v, int) and not isinstance(v, bool) and v >= lo
                and (hi is None or v <= hi)):
            raise _bad(path, expected, v)
        return v
    return check


def _bool(path: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise _bad(path, "true or false", v)
    return v


def _text(nonempty: bool = True) -> Check:
    def check(path: str, v: Any) -> str:
        if not isinstance(v, str) or (nonempty and not v.strip()):
            raise _bad(path, "a non-empty string" if nonempty else "a string", v)
        return v
    return check


def _one_of(*options: str) -> Check:
    def check(path: str, v: Any) -> str:
        if v not in options:
            raise _bad(path, "one of " + ", ".join(repr(o) for o in options), v)
        return v
    return check


def _pattern(path: str, v: Any) -> tuple[int, ...]:
    if not (isinstance(v, list) and len(v) % 2 == 1 and all(
            isinstance(x, int) and not isinstance(x, bool) and 0 < x <= 5000 for x in v)):
        raise _bad(path, "an odd-length list of on/off/on... durations in ms, each 1..5000", v)
    return tuple(v)


_PIN = _int(-1, 27)  # BCM GPIO 0..27 of the 40-pin header; -1 = not fitted
_CHECKS: dict[str, dict[str, Check]] = {
    "cue_rules.faded": {"enabled": _bool, "window_strides": _int(1),
                        "max_cooldown_factor": _num(1.0)},
    "cue_rules": {"window_strides": _int(1, 32), "min_fault_strides": _int(1, 32),
                  "good_form_strides": _int(1), "cue_gap_s": _num(0.0),
                  "max_stride_gap_s": _num(0.0, lo_open=True),
                  "evidence_max_age_s": _num(0.0, lo_open=True)},
    "cue": {"enabled": _bool, "message": _text(), "priority": _int(0),
            "cooldown_s": _num(0.0), "buzzer_group": _text(), "match": _one_of("any", "all")},
    "metronome": {"mode": _one_of("off", "baseline_pct", "fixed_spm"), "pct": _num(-20.0, 30.0),
                  "spm": _num(60.0, 260.0), "baseline_window_s": _num(0.0, lo_open=True),
                  "min_baseline_strides": _int(1)},
    "gpio": {"buzzer_pin": _PIN, "buzzer_kind": _one_of("active", "passive"),
             "button_pin": _PIN, "led_pin": _PIN, "button_bounce_ms": _int(0, 1000),
             "led_blink_s": _num(0.0, lo_open=True)},
    "buzzer": {"tone_hz": _num(200.0, 3000.0), "tick_tone_hz": _num(50.0, 16000.0),
               "good_tone_hz": _num(50.0, 16000.0), "tick_ms": _int(1, 200),
               "late_tick_ms": _int(0, 200)},
    "camera": {"width_px": _int(16, 8192), "height_px": _int(16, 8192),
               "fps": _num(0.0, 240.0, lo_open=True), "exposure_us": _int(0), "gain": _num(0.0)},
    "display": {"fullscreen": _bool, "width_px": _int(320, 8192), "height_px": _int(240, 8192)},
    "data": {"dir": _text(nonempty=False)},
}


def _checked(kind: str, path: str, d: dict[str, Any]) -> dict[str, Any]:
    return {k: check(_join(path, k), d[k]) for k, check in _CHECKS[kind].items() if k in d}


def _build_term(metric: str, term: dict[str, Any], path: str) -> CueTerm:
    extra = [k for k in term if k not in TERM_OPS and k != "margin"]
    if extra:
        raise BadInput(f"config {_join(path, extra[0])}: unknown key "
                       f"(expected one of: {', '.join(TERM_OPS)}, margin)")
    ops = [op for op in TERM_OPS if op in term]
    if len(ops) != 1:
        raise _bad(path, "exactly one of above, below, below_target_pct", term)
    op = ops[0]
    if op == "below_target_pct" and metric != "cadence_spm":
        raise _bad(_join(path, op), "below_target_pct only on cadence_spm", term[op])
    threshold = (_num(0.0) if op == "below_target_pct" else _num())(_join(path, op), term[op])
    margin = _num(0.0)(_join(path, "margin"), term.get("margin", 0.0))
    return CueTerm(metric=metric, op=op, threshold=threshold, margin=margin)


def _build_cue(cue_id: str, d: dict[str, Any], groups: tuple[str, ...]) -> CueSpec:
    path = f"cues.{cue_id}"
    fields = _checked("cue", path, d)
    if fields["buzzer_group"] not in groups:
        _one_of(*groups)(_join(path, "buzzer_group"), fields["buzzer_group"])
    when: tuple[CueTerm, ...] = ()
    if cue_id != GOOD_FORM_ID:
        if not d["when"]:
            raise _bad(_join(path, "when"), "at least one condition", d["when"])
        when = tuple(_build_term(m, t, f"{path}.when.{m}") for m, t in d["when"].items())
    return CueSpec(id=cue_id, match=fields.pop("match", "any"), when=when, **fields)


def _build_camera(d: dict[str, Any]) -> CameraConfig:
    cam = CameraConfig(**_checked("camera", "camera", d))
    period_us = 1e6 / cam.fps
    if cam.exposure_us > period_us:  # the sensor cannot expose longer than a frame lasts
        raise _bad("camera.exposure_us", f"at most the frame period ({period_us:.0f} us at "
                   f"{cam.fps:g} fps), or 0 for automatic", cam.exposure_us)
    return cam


def _build(m: dict[str, Any]) -> StationConfig:
    rules = _checked("cue_rules", "cue_rules", m["cue_rules"])
    if rules["min_fault_strides"] > rules["window_strides"]:
        raise _bad("cue_rules.min_fault_strides",
                   f"at most window_strides ({rules['window_strides']})",
                   rules["min_fault_strides"])
    faded = FadedSchedule(**_checked("cue_rules.faded", "cue_rules.faded", m["cue_rules"]["faded"]))

    b = _checked("buzzer", "buzzer", m["buzzer"])
    for key in ("tick_tone_hz", "good_tone_hz"):  # a TonalBuzzer spans one octave either side
        if not b["tone_hz"] / 2 <= b[key] <= b["tone_hz"] * 2:
            raise _bad(f"buzzer.{key}", f"a tone within one octave of tone_hz "
                       f"({b['tone_hz'] / 2:g}..{b['tone_hz'] * 2:g} Hz)", m["buzzer"][key])
    patterns = tuple((g, _pattern(f"buzzer.patterns.{g}", v))
                     for g, v in m["buzzer"]["patterns"].items())
    groups = tuple(g for g, _ in patterns)

    gpio = GpioConfig(**_checked("gpio", "gpio", m["gpio"]))
    pins = [p for p in (gpio.buzzer_pin, gpio.button_pin, gpio.led_pin) if p >= 0]
    if len(set(pins)) != len(pins):
        raise _bad("gpio", "distinct buzzer_pin, button_pin and led_pin",
                   f"buzzer {gpio.buzzer_pin}, button {gpio.button_pin}, led {gpio.led_pin}")
    return StationConfig(
        cue_rules=CueRules(faded=faded, **rules),
        cues=tuple(_build_cue(cid, d, groups) for cid, d in m["cues"].items()),
        metronome=MetronomeConfig(**_checked("metronome", "metronome", m["metronome"])),
        gpio=gpio,
        buzzer=BuzzerConfig(patterns=patterns, **b),
        camera=_build_camera(m["camera"]),
        display=DisplayConfig(**_checked("display", "display", m["display"])),
        data=DataConfig(**_checked("data", "data", m["data"])))
