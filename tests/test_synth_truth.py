"""The synthetic runner's truth: events, knob -> metric, and a plain NumPy recomputation
from the noise-free landmarks file."""
from __future__ import annotations

import json

import numpy as np
import pytest

from station.contracts import LM
from station.landmark_file import read_landmarks_csv
from station.synth.knobs import resolve_knobs
from station.synth.legs import FOOT_SET_S
from station.synth.runner import SynthRunner
from station.synth.truth import compute_truth
from station.synth.writer import write_clip


def truth_for(seconds: float = 8.0, preset: str = "good", **knobs) -> dict:
    return compute_truth(SynthRunner(resolve_knobs(knobs, preset=preset), seconds))


def med(truth: dict, name: str) -> float:
    return truth["metrics"][name]["median"]


@pytest.mark.parametrize("preset,duty", [("good", 35.0), ("walk", 62.0)])
def test_events_alternate_per_foot_and_obey_duty_factor(preset, duty):
    truth = truth_for(preset=preset, step_time_asym_pct=6.0)
    ev = truth["events"]
    contacts = [e for e in ev if e["kind"] == "contact"]
    assert len(contacts) > 8
    feet = [e["foot"] for e in contacts]
    assert all(a != b for a, b in zip(feet, feet[1:])), "contacts must alternate feet"
    for foot in ("left", "right"):
        kinds = [e["kind"] for e in ev if e["foot"] == foot]
        assert all(a != b for a, b in zip(kinds, kinds[1:])), "contact/toe-off alternate"
        c = np.array([e["t_s"] for e in ev if e["foot"] == foot and e["kind"] == "contact"])
        o = np.array([e["t_s"] for e in ev if e["foot"] == foot and e["kind"] == "toe_off"])
        if o[0] < c[0]:
            o = o[1:]
        n = min(len(c) - 1, len(o))
        ratio = (o[:n] - c[:n]) / (c[1:n + 1] - c[:n]) * 100
        np.testing.assert_allclose(ratio, duty, atol=0.5)
    assert np.all(np.diff([e["t_ns"] for e in ev]) >= 0)


def test_walking_has_double_support_and_no_flight_running_has_flight():
    for preset, flight in (("walk", False), ("good", True)):
        r = SynthRunner(resolve_knobs({}, preset=preset), 6.0)
        t = np.arange(r.steady_from_s + 1, 5.5, 0.002)
        stance = r.world_pose(t).stance
        on_ground = stance.sum(1)
        assert (on_ground == 0).any() == flight
        assert (on_ground == 2).any() == (not flight)
        truth = compute_truth(r)
        assert (med(truth, "flight_ms") > 0) == flight


def test_stance_foot_sits_on_the_belt_and_moves_at_belt_speed():
    r = SynthRunner(resolve_knobs({"belt_kmh": 12.0}), 6.0)
    t = np.arange(2.0, 5.0, 0.001)
    pose = r.world_pose(t)
    v_cm_s = 12.0 / 3.6 * 100
    for foot, side in ((0, "left"), (1, "right")):
        heel = pose.points[:, LM[f"{side}_heel"], :2]
        toe = pose.points[:, LM[f"{side}_foot_index"], :2]
        st = pose.stance[:, foot]
        lowest = np.minimum(heel[:, 1], toe[:, 1])
        np.testing.assert_allclose(lowest[st], 0.0, atol=1e-6)
        assert (lowest[~st] > -1e-6).all(), "a swing foot never goes through the belt"
        flat = st & (np.abs(heel[:, 1]) < 1e-9) & (np.abs(toe[:, 1]) < 1e-9)
        both = flat[:-1] & flat[1:]
        vx = np.diff(toe[:, 0]) / 0.001
        np.testing.assert_allclose(vx[both], -v_cm_s, rtol=1e-6)


@pytest.mark.parametrize("knobs", [
    dict(gait="walk", cadence_spm=100, duty_factor_pct=62, belt_kmh=4),   # heel lifts far
    dict(belt_kmh=12.0),
    dict(preset="poor"),
])
def test_the_feet_move_smoothly_through_stance(knobs):
    """At 1 ms steps no foot point jumps: a heel lifting about the toe once picked the
    wrong circle intersection for one sample per step (the ankle 40 cm ahead of the toe,
    back the next frame)."""
    knobs = dict(knobs)
    r = SynthRunner(resolve_knobs(knobs, preset=knobs.pop("preset", "good")), 6.0)
    t = np.arange(2.0, 5.0, 0.001)
    pose = r.world_pose(t)
    for side in ("left", "right"):
        for part in ("ankle", "heel", "foot_index"):
            p = pose.points[:, LM[f"{side}_{part}"], :2]
            step_cm = np.linalg.norm(np.diff(p, axis=0), axis=-1)
            assert step_cm.max() < 2.0, f"{side} {part} jumps {step_cm.max():.1f} cm in 1 ms"


def test_trunk_lean_sweep_moves_trunk_lean_and_nothing_of_the_legs():
    base = truth_for(trunk_lean_deg=2.0)
    for lean in (10.0, 20.0):
        t = truth_for(trunk_lean_deg=lean)
        assert med(t, "trunk_lean_deg") == pytest.approx(lean, abs=1.0)
        for name in ("cadence_spm", "ground_contact_ms", "vertical_oscillation_cm",
                     "overstride_pct", "knee_flexion_ic_deg", "foot_strike_angle_deg",
                     "head_forward_pct", "pelvic_tilt_deg", "rib_flare_deg"):
            assert med(t, name) == pytest.approx(med(base, name), abs=0.3), name


@pytest.mark.parametrize("knob,metric,values,others", [
    ("pelvic_tilt_deg", "pelvic_tilt_deg", (0.0, 30.0),
     ("rib_flare_deg", "trunk_lean_deg", "cadence_spm")),
    ("rib_flare_deg", "rib_flare_deg", (0.0, 15.0),
     ("pelvic_tilt_deg", "trunk_lean_deg", "cadence_spm")),
    ("cadence_spm", "cadence_spm", (160.0, 185.0),
     ("trunk_lean_deg", "pelvic_tilt_deg", "foot_strike_angle_deg")),
    ("vertical_oscillation_cm", "vertical_oscillation_cm", (6.0, 11.0),
     ("cadence_spm", "trunk_lean_deg", "overstride_pct")),
    ("overstride_pct", "overstride_pct", (5.0, 30.0),
     ("cadence_spm", "trunk_lean_deg", "foot_strike_angle_deg")),
    ("foot_strike_angle_deg", "foot_strike_angle_deg", (-5.0, 20.0),
     ("cadence_spm", "trunk_lean_deg", "ground_contact_ms")),
    ("hip_extension_deg", "hip_extension_deg", (8.0, 20.0),
     ("cadence_spm", "trunk_lean_deg", "overstride_pct")),
    ("knee_flexion_ic_deg", "knee_flexion_ic_deg", (10.0, 25.0),
     ("cadence_spm", "trunk_lean_deg", "overstride_pct")),
    ("head_forward_pct", "head_forward_pct", (0.0, 25.0),
     ("trunk_lean_deg", "cadence_spm", "pelvic_tilt_deg")),
    ("step_time_asym_pct", "step_time_asym_pct", (0.0, 8.0),
     ("trunk_lean_deg", "contact_asym_pct")),
    ("contact_asym_pct", "contact_asym_pct", (0.0, 8.0),
     ("trunk_lean_deg", "cadence_spm", "step_time_asym_pct")),
])
def test_knob_moves_its_metric_and_not_the_others(knob, metric, values, others):
    lo, hi = (truth_for(**{knob: v}) for v in values)
    for v, t in zip(values, (lo, hi)):
        assert med(t, metric) == pytest.approx(v, abs=2.5), f"{metric} for {knob}={v}"
    assert med(hi, metric) > med(lo, metric)
    for name in others:
        # The outline proxies are read in a frame set by the projected shoulders, whose
        # parallax shifts the bands a little when the thorax turns: allow them 1.2 deg.
        tol = 1.2 if name in ("pelvic_tilt_deg", "rib_flare_deg") else 0.5
        assert med(hi, name) == pytest.approx(med(lo, name), abs=tol), name


def test_waist_bend_knob_sets_waist_bend_via_foot_placement():
    lo, hi = truth_for(waist_bend_deg=0.0), truth_for(waist_bend_deg=10.0)
    assert med(lo, "waist_bend_deg") == pytest.approx(0.0, abs=2.0)
    assert med(hi, "waist_bend_deg") == pytest.approx(10.0, abs=2.0)
    assert med(hi, "overstride_pct") > med(lo, "overstride_pct")
    assert med(hi, "trunk_lean_deg") == pytest.approx(med(lo, "trunk_lean_deg"), abs=0.1)


def test_shrug_shows_as_a_change_from_the_session_start():
    r = SynthRunner(resolve_knobs({"fatigue": 1.0}), 120.0)
    strides = compute_truth(r)["strides"]
    early = np.median([s["metrics"]["shoulder_shrug_pct"] for s in strides[:10]])
    late = np.median([s["metrics"]["shoulder_shrug_pct"] for s in strides[-10:]])
    assert abs(early) < 0.5 and late > early + 0.8


def test_form_change_from_poor_to_good():
    knobs = resolve_knobs({"change_at_s": 10.0, "change_ramp_s": 2.0}, preset="good",
                          start_preset="poor")
    strides = compute_truth(SynthRunner(knobs, 20.0))["strides"]
    early = [s["metrics"] for s in strides if s["t_s"] < 9.0]
    late = [s["metrics"] for s in strides if s["t_start_s"] > 13.0]
    for name, drop in (("overstride_pct", 10), ("pelvic_tilt_deg", 10), ("rib_flare_deg", 6)):
        assert np.median([m[name] for m in early]) > np.median([m[name] for m in late]) + drop
    assert np.median([m["cadence_spm"] for m in early]) < np.median(
        [m["cadence_spm"] for m in late]) - 10


def _interp(track, t_s: float) -> np.ndarray:
    tt = track.t_ns / 1e9
    i = int(np.clip(np.searchsorted(tt, t_s) - 1, 0, len(tt) - 2))
    w = (t_s - tt[i]) / (tt[i + 1] - tt[i])
    return (1 - w) * track.xy[i].astype(float) + w * track.xy[i + 1].astype(float)


def test_truth_recomputed_from_clean_landmarks_with_plain_numpy(tmp_path):
    """At 240 fps the clean landmarks file, linearly interpolated at the event times,
    gives truth.json's per-stride numbers back (an independent reimplementation)."""
    knobs = resolve_knobs({"fps": 240.0, "width": 640, "height": 480, "jitter_px": 3.0,
                           "overstride_pct": 20.0, "facing": "left"})
    write_clip(tmp_path, knobs, 5.0, seed=3, video=False)
    truth = json.loads((tmp_path / "truth.json").read_text())
    tr = read_landmarks_csv(tmp_path / "clean" / "landmarks.csv")
    s = -1.0                                    # facing left
    lm = LM

    def fwd(d):
        return s * d[0]

    hip = lambda xy: 0.5 * (xy[lm["left_hip"]] + xy[lm["right_hip"]])  # noqa: E731
    legs = np.concatenate([np.linalg.norm(tr.xy[:, lm[f"{sd}_ankle"]] - tr.xy[:, lm[f"{sd}_hip"]],
                                          axis=-1) for sd in ("left", "right")])
    t0, t1 = truth["steady_s"]
    tt = tr.t_ns / 1e9
    steady = (tt >= t0) & (tt <= t1)
    leg_px = np.nanmean(np.concatenate([np.linalg.norm(
        tr.xy[steady, lm[f"{sd}_ankle"]] - tr.xy[steady, lm[f"{sd}_hip"]], axis=-1)
        for sd in ("left", "right")]))
    assert np.isfinite(legs).any()
    assert leg_px == pytest.approx(truth["leg_length_px"], rel=0.01)
    assert len(truth["strides"]) >= 8
    for st in truth["strides"]:
        m, side = st["metrics"], st["foot"]
        ic = _interp(tr, st["t_start_s"])
        heel, toe = ic[lm[f"{side}_heel"]], ic[lm[f"{side}_foot_index"]]
        knee, ankle = ic[lm[f"{side}_knee"]], ic[lm[f"{side}_ankle"]]
        assert fwd(heel - hip(ic)) / leg_px * 100 == pytest.approx(m["overstride_pct"], abs=0.3)
        ft = toe - heel
        assert np.degrees(np.arctan2(-ft[1], fwd(ft))) == pytest.approx(
            m["foot_strike_angle_deg"], abs=0.5)
        sk = ankle - knee
        assert np.degrees(np.arctan2(fwd(sk), sk[1])) == pytest.approx(
            m["shank_angle_ic_deg"], abs=0.5)
        a, b = ic[lm[f"{side}_hip"]] - knee, ankle - knee
        flex = 180 - np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
        # The knee turns fastest right at touch-down: linear interpolation between
        # 240 fps frames is good to about a degree there.
        assert flex == pytest.approx(m["knee_flexion_ic_deg"], abs=1.0)
        in_stride = (tt >= st["t_start_s"]) & (tt < st["t_s"])
        sh = 0.5 * (tr.xy[in_stride, lm["left_shoulder"]] + tr.xy[in_stride, lm["right_shoulder"]])
        hp = 0.5 * (tr.xy[in_stride, lm["left_hip"]] + tr.xy[in_stride, lm["right_hip"]])
        d = sh - hp
        lean = np.median(np.degrees(np.arctan2(s * d[:, 0], -d[:, 1])))
        assert lean == pytest.approx(m["trunk_lean_deg"], abs=0.2)
        assert 120.0 / (st["t_s"] - st["t_start_s"]) == pytest.approx(m["cadence_spm"], rel=1e-9)
    contacts = [e["t_s"] for e in truth["events"] if e["kind"] == "contact"]
    assert truth["metrics"]["cadence_spm"]["median"] == pytest.approx(
        60 / np.median(np.diff(contacts)))


FEET_SCENARIOS = [
    ("good", {}), ("good", {"cadence_spm": 150, "belt_kmh": 8, "duty_factor_pct": 45,
                            "foot_strike_angle_deg": 25}),
    ("good", {"cadence_spm": 190, "belt_kmh": 16, "duty_factor_pct": 25,
              "foot_strike_angle_deg": -10}),
    ("walk", {}), ("walk", {"cadence_spm": 110, "belt_kmh": 5, "duty_factor_pct": 60}),
    ("walk", {"cadence_spm": 120, "belt_kmh": 6, "duty_factor_pct": 58}),
]


@pytest.mark.parametrize("preset,knobs", FEET_SCENARIOS)
def test_feet_clear_the_belt_in_swing_land_slower_than_it_and_stay_flat_in_stance(
        preset, knobs):
    """Swing: the sole clears the belt by > 1 cm from 20% to 85% of swing (no scraping)
    and comes down steadily (> 0.5 cm one 30 fps frame before contact). Landing: the
    landing point moves backward no faster than the belt. Stance: the lowest point of
    the foot stays on the belt (the leg never pulls it up)."""
    r = SynthRunner(resolve_knobs(knobs, preset=preset), 8.0)
    dt = 1e-3
    t = np.arange(2.5, 7.5, dt)
    pose = r.world_pose(t)
    st = r.steps
    v = r.legs.v[0]
    for foot, side in ((0, "left"), (1, "right")):
        heel = pose.points[:, LM[f"{side}_heel"], :2]
        toe = pose.points[:, LM[f"{side}_foot_index"], :2]
        sole = np.minimum(heel[:, 1], toe[:, 1])
        np.testing.assert_allclose(sole[pose.stance[:, foot]], 0.0, atol=1e-6)
        lands = heel if r.legs.alpha[0] >= 0 else toe
        rows = st.rows_of(foot)
        for k_prev, k in zip(rows[:-1], rows[1:]):
            t_off, t_ic = st.t_toe_off[k_prev], st.t_contact[k]
            if not (t[0] + 0.1 < t_off and t_ic < t[-1] - 0.1):
                continue
            mid = (t > t_off + 0.2 * (t_ic - t_off)) & (t < t_off + 0.85 * (t_ic - t_off))
            assert sole[mid].min() > 1.0
            assert np.interp(t_ic - 1 / 30, t, sole) > 0.5
            last = (t > t_ic - 0.1) & (t < t_ic)
            back_speed = -np.gradient(lands[last, 0], dt)
            assert back_speed.max() <= v


RUN_SCENARIOS = [p_k for p_k in FEET_SCENARIOS if p_k[0] == "good"] + [
    ("poor", {}), ("good", {"overstride_pct": 8, "foot_strike_angle_deg": 4})]


@pytest.mark.parametrize("preset,knobs", RUN_SCENARIOS)
def test_a_running_foot_is_set_before_it_lands_on_a_leg_that_has_stopped_lengthening(
        preset, knobs):
    """Terminal swing as runners land: the foot holds its strike angle over the last
    FOOT_SET_S (it does not keep turning up into the contact), and the hip-ankle distance
    is not growing over the last 5 ms (the knee is past its peak extension, not still
    straightening: it was, at up to ~500 deg/s)."""
    r = SynthRunner(resolve_knobs(knobs, preset=preset), 8.0)
    st = r.steps
    checked = 0
    for foot, side in ((0, "left"), (1, "right")):
        for k in st.rows_of(foot):
            t_ic = st.t_contact[k]
            if not 2.5 < t_ic < 7.5:
                continue
            t = t_ic - np.linspace(FOOT_SET_S["run"], 1e-4, 25)
            pts = r.world_pose(t).points
            d = pts[:, LM[f"{side}_foot_index"], :2] - pts[:, LM[f"{side}_heel"], :2]
            foot_deg = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
            np.testing.assert_allclose(foot_deg, np.degrees(r.legs.alpha[k]), atol=1e-6)
            leg = np.linalg.norm(pts[:, LM[f"{side}_ankle"], :2]
                                 - pts[:, LM[f"{side}_hip"], :2], axis=-1)
            last = t > t_ic - 0.005
            assert np.all(np.diff(leg[last]) <= 1e-9), np.diff(leg[last])
            checked += 1
    assert checked >= 8
