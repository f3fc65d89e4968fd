"""ScreenState, gauges from metric values, and placement advice (no pygame)."""
from __future__ import annotations

import math

import pytest

from station.config import config_from_dict, default_config
from station.contracts import Pose
from station.screen_state import (MAIN_GAUGE_SPECS, Gauge, ScreenState, cue_thresholds,
                                  cut_off_edges, gauges_from_values, placement_advice)
from tests.test_screen_support import IMAGE_H, IMAGE_W, moved, side_pose, with_nan

FEET = ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index",
        "right_foot_index")


def test_a_whole_side_on_runner_needs_no_advice():
    assert placement_advice(side_pose(), IMAGE_W, IMAGE_H, "side") is None
    assert placement_advice(side_pose(), IMAGE_W, IMAGE_H, "unknown") is None


def test_nobody_in_view():
    assert "camera" in placement_advice(None, IMAGE_W, IMAGE_H).lower()
    assert "camera" in placement_advice(Pose.empty(0, 0), IMAGE_W, IMAGE_H).lower()


def test_feet_not_seen_or_below_the_image():
    advice = placement_advice(with_nan(side_pose(), *FEET), IMAGE_W, IMAGE_H, "side")
    assert advice is not None and "feet are out of view" in advice
    low = side_pose(shift_xy=(0, 60))  # ankles and toes now below the bottom edge
    assert "feet are out of view" in placement_advice(low, IMAGE_W, IMAGE_H, "side")
    assert cut_off_edges(low, IMAGE_W, IMAGE_H) == {"bottom"}


def test_head_cut_off_at_the_top():
    pose = with_nan(side_pose(), "nose", "left_ear", "right_ear", "left_eye", "right_eye")
    assert placement_advice(pose, IMAGE_W, IMAGE_H, "side") == \
        "Move the camera: runner cut off at the top"


def test_too_big_for_the_picture():
    big = side_pose(shift_xy=(-80, -60), scale=1.3)
    assert cut_off_edges(big, IMAGE_W, IMAGE_H) >= {"top", "bottom"}
    assert placement_advice(big, IMAGE_W, IMAGE_H, "side").startswith("Move the camera back")


@pytest.mark.parametrize("dx, side", [(-300, "left"), (330, "right")])
def test_cut_off_at_a_side(dx, side):
    pose = side_pose(shift_xy=(dx, 0))
    assert placement_advice(pose, IMAGE_W, IMAGE_H, "side") == \
        f"Move the camera: runner cut off on the {side}"


def test_front_or_back_view_says_turn_side_on():
    assert placement_advice(side_pose(), IMAGE_W, IMAGE_H, "front") == "Turn side-on to the camera"
    assert placement_advice(side_pose(), IMAGE_W, IMAGE_H, "back") == "Turn side-on to the camera"
    # Without a session decision the pose itself decides: wide shoulders and hips.
    frontal = moved(side_pose(), left_shoulder=(380, 110), right_shoulder=(260, 112),
                    left_hip=(360, 250), right_hip=(270, 252))
    assert placement_advice(frontal, IMAGE_W, IMAGE_H, "unknown") == "Turn side-on to the camera"


def test_a_small_runner_should_come_closer():
    small = side_pose(shift_xy=(150, 150), scale=0.4)
    assert placement_advice(small, IMAGE_W, IMAGE_H, "side").startswith("Move the camera closer")


def test_gauges_take_bands_and_cue_thresholds():
    gauges = gauges_from_values({"trunk_lean_deg": 7.5}, default_config().cues)
    by = {g.metric: g for g in gauges}
    assert [g.metric for g in gauges] == [s.metric for s in MAIN_GAUGE_SPECS]
    lean = by["trunk_lean_deg"]
    assert (lean.value, lean.band_lo, lean.band_hi) == (7.5, 5.0, 12.0)
    assert (lean.bad_below, lean.bad_above) == (2.0, 15.0)
    assert lean.in_band and not lean.is_bad
    assert math.isnan(by["overstride_pct"].value) and by["overstride_pct"].in_band is None
    # land_midfoot needs rearfoot strike AND overstride: its 15 is no overstride limit alone.
    assert by["overstride_pct"].bad_above == 20.0
    assert by["pelvic_tilt_deg"].estimate and by["rib_flare_deg"].estimate
    assert not lean.estimate
    assert (by["vertical_oscillation_cm"].band_lo, by["vertical_oscillation_cm"].band_hi) == (6, 10)


def test_a_disabled_cue_draws_no_bad_zone():
    cfg = config_from_dict({"cues": {"tuck_tailbone": {"enabled": False}}})
    assert "pelvic_tilt_deg" not in cue_thresholds(cfg.cues)
    assert cue_thresholds(default_config().cues)["pelvic_tilt_deg"] == (None, 20.0)


def test_gauge_scale_and_verdicts():
    g = Gauge("x", "X", 12.0, "cm", 6.0, 10.0, bad_above=11.0)
    assert g.scale_range() == (2.0, 14.0)
    assert g.is_bad and g.in_band is False
    assert not Gauge("x", "X", math.nan, "cm", 6.0, 10.0, bad_above=11.0).is_bad


def test_screen_state_checks_its_mode():
    with pytest.raises(ValueError, match="mode"):
        ScreenState(mode="runing")
    with pytest.raises(ValueError, match="facing_sign"):
        ScreenState(facing_sign=2)
    assert ScreenState().image is None
