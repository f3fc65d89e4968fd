"""Config: defaults, the shipped example file, merging, and one-line errors that name the key."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from station.config import (DEFAULTS, config_from_dict, config_from_toml, config_to_dict,
                            default_config, example_config_text, load_config)
from station.cues.table import CUE_TABLE, METRIC_NAMES
from station.errors import BadInput


def test_shipped_example_file_is_exactly_the_defaults():
    raw = tomllib.loads(example_config_text())
    assert raw == DEFAULTS
    assert config_from_toml(example_config_text()) == default_config()


def test_example_file_is_commented():
    text = example_config_text()
    comment_lines = [ln for ln in text.splitlines() if ln.strip().startswith("#")]
    assert len(comment_lines) > 40
    # every cue of the table is in the file with its conditions
    for cue_id in CUE_TABLE:
        assert f"[cues.{cue_id}]" in text


def test_defaults_follow_metrics_md():
    cfg = default_config()
    ids = [c.id for c in cfg.cues]
    assert ids == ["tuck_tailbone", "ribs_down", "shorten_stride", "land_midfoot",
                   "not_from_waist", "lean_from_ankles", "drive_back", "quicker_steps",
                   "run_tall", "head_up", "relax_shoulders", "good_form"]
    by_priority = sorted(cfg.cues, key=lambda c: c.priority)
    # lower-back faults first: pelvic tilt, rib flare, overstride, waist bend
    assert [c.id for c in by_priority[:5]] == ["tuck_tailbone", "ribs_down", "shorten_stride",
                                               "land_midfoot", "not_from_waist"]
    shorten = {t.metric: t for t in cfg.cue("shorten_stride").when}
    assert shorten["shank_angle_ic_deg"].op == "above"
    assert shorten["shank_angle_ic_deg"].threshold == 10.0
    assert cfg.cue("land_midfoot").match == "all"
    assert {t.metric: t.threshold for t in cfg.cue("land_midfoot").when}[
        "foot_strike_angle_deg"] == 8.0
    assert cfg.cue("quicker_steps").when[0].op == "below_target_pct"
    assert cfg.cue("quicker_steps").when[0].threshold == 3.0
    assert cfg.cue("not_from_waist").message == "Lean from ankles, not waist"
    assert cfg.cue("good_form").when == ()
    for c in cfg.cues:
        assert all(t.metric in METRIC_NAMES for t in c.when)
    assert (cfg.cue_rules.window_strides, cfg.cue_rules.min_fault_strides) == (4, 3)
    assert cfg.metronome.baseline_window_s == 60.0
    assert cfg.buzzer.pattern_ms("back") == (400, 150, 400)


def test_user_file_merges_over_defaults(tmp_path: Path):
    p = tmp_path / "station.toml"
    p.write_text("""
[cues.shorten_stride]
cooldown_s = 45
[cues.shorten_stride.when]
overstride_pct = { above = 18.0 }
[cues.head_up]
enabled = false
[metronome]
mode = "fixed_spm"
spm = 176
""")
    cfg = load_config(p)
    spec = cfg.cue("shorten_stride")
    assert spec.cooldown_s == 45.0
    terms = {t.metric: t for t in spec.when}
    assert terms["overstride_pct"].threshold == 18.0
    assert terms["overstride_pct"].margin == 3.0  # the default margin is kept
    assert terms["shank_angle_ic_deg"].threshold == 10.0  # untouched term stays
    assert spec.message == "Shorten your stride"
    assert cfg.cue("head_up").enabled is False
    assert cfg.metronome.mode == "fixed_spm" and cfg.metronome.spm == 176.0
    assert cfg.gpio == default_config().gpio


def test_a_new_comparison_replaces_the_old_one_and_new_metrics_can_be_added():
    cfg = config_from_dict({"cues": {"run_tall": {"when": {
        "vertical_oscillation_cm": {"below": 20.0},
        "duty_factor_pct": {"below": 25.0, "margin": 1.5}}}}})
    terms = {t.metric: t for t in cfg.cue("run_tall").when}
    assert terms["vertical_oscillation_cm"].op == "below"
    assert terms["vertical_oscillation_cm"].margin == 1.0
    assert terms["duty_factor_pct"].margin == 1.5


def test_config_to_dict_round_trips():
    cfg = config_from_dict({"cue_rules": {"faded": {"enabled": True}},
                            "gpio": {"buzzer_kind": "passive"}})
    assert config_from_dict(config_to_dict(cfg)) == cfg


@pytest.mark.parametrize("user, message", [
    ({"cues": {"shorten_stride": {"cooldown_s": "abc"}}},
     "config cues.shorten_stride.cooldown_s: expected a number >= 0, found 'abc'"),
    ({"cues": {"shorten_stride": {"cooldown_s": -1}}},
     "config cues.shorten_stride.cooldown_s: expected a number >= 0, found -1"),
    ({"cues": {"shorten_stride": {"enabled": "yes"}}},
     "config cues.shorten_stride.enabled: expected true or false, found 'yes'"),
    ({"metronome": {"mode": "on"}},
     "config metronome.mode: expected one of 'off', 'baseline_pct', 'fixed_spm', found 'on'"),
    ({"gpio": {"buzzer_pin": 40}},
     "config gpio.buzzer_pin: expected an integer between -1 and 27, found 40"),
    ({"gpio": {"buzzer_pin": True}},
     "config gpio.buzzer_pin: expected an integer between -1 and 27, found True"),
    ({"cue_rules": {"window_strides": 2.5}},
     "config cue_rules.window_strides: expected an integer between 1 and 32, found 2.5"),
    ({"cue_rules": {"min_fault_strides": 5}},
     "config cue_rules.min_fault_strides: expected at most window_strides (4), found 5"),
    ({"cues": {"head_up": {"buzzer_group": "loud"}}},
     "config cues.head_up.buzzer_group: expected one of 'back', 'stride', 'posture', 'good', "
     "found 'loud'"),
    ({"buzzer": {"patterns": {"back": [400, 150]}}},
     "config buzzer.patterns.back: expected an odd-length list"),
    ({"buzzer": {"tick_tone_hz": 9000.0}},
     "config buzzer.tick_tone_hz: expected a tone within one octave of tone_hz"),
    ({"cues": {"run_tall": {"when": {"vertical_oscillation_cm": {"above": "high"}}}}},
     "config cues.run_tall.when.vertical_oscillation_cm.above: expected a number, found 'high'"),
    ({"cues": {"run_tall": {"when": {"vertical_oscillation_cm": {"above": 1, "below": 2}}}}},
     "config cues.run_tall.when.vertical_oscillation_cm: expected exactly one of above"),
    ({"cues": {"head_up": {"when": {"cadence_spm": {"above": 200.0, "below_target_pct": 2}}}}},
     "config cues.head_up.when.cadence_spm: expected exactly one of"),
    ({"cues": {"run_tall": {"when": {"trunk_lean_deg": {"below_target_pct": 5}}}}},
     "config cues.run_tall.when.trunk_lean_deg.below_target_pct: expected below_target_pct "
     "only on cadence_spm"),
    ({"gpio": {"led_pin": 17}}, "config gpio: expected distinct buzzer_pin, button_pin"),
    ({"metronome": 5}, "config metronome: expected a table, found 5"),
])
def test_bad_value_names_the_key_and_what_was_expected(user, message):
    with pytest.raises(BadInput) as err:
        config_from_dict(user)
    text = str(err.value)
    assert text.startswith(message)
    assert "\n" not in text


@pytest.mark.parametrize("user, key", [
    ({"cues": {"shorten_stride": {"cooldwn_s": 3}}}, "cues.shorten_stride.cooldwn_s"),
    ({"cues": {"walk_faster": {"enabled": True}}}, "cues.walk_faster"),
    ({"camra": {"fps": 30}}, "camra"),
    ({"cues": {"run_tall": {"when": {"bounce_cm": {"above": 3}}}}},
     "cues.run_tall.when.bounce_cm"),
    ({"cues": {"run_tall": {"when": {"vertical_oscillation_cm": {"abov": 3}}}}},
     "cues.run_tall.when.vertical_oscillation_cm.abov"),
    ({"cues": {"good_form": {"when": {"trunk_lean_deg": {"above": 3}}}}},
     "cues.good_form.when"),
])
def test_unknown_key_is_an_error_naming_it(user, key):
    with pytest.raises(BadInput, match=rf"^config {key}: unknown") as err:
        config_from_dict(user)
    assert "\n" not in str(err.value)


def test_file_errors_are_one_line(tmp_path: Path):
    with pytest.raises(BadInput, match="not found"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[cues\nx = 1\n")
    with pytest.raises(BadInput, match=r"bad\.toml: not valid TOML") as err:
        load_config(bad)
    assert "\n" not in str(err.value)


def test_config_is_frozen():
    cfg = default_config()
    with pytest.raises(AttributeError):
        cfg.metronome.pct = 8.0  # type: ignore[misc]
