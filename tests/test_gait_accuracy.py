"""The whole analysis (clean-up, events, per-stride kernels, summary) against the synthetic
runner's exact truth, with 2 px jitter, 2% dropped landmarks and occasional leg swaps."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from station.cli import main
from station.synth.knobs import resolve_knobs
from station.synth.writer import write_clip

NOISE = {"jitter_px": 2.0, "drop_pct": 2.0, "swaps_per_min": 4.0}
SCENARIOS = {
    "run_default": ({}, 0),
    "run_fast_forefoot": ({"cadence_spm": 185, "belt_kmh": 14, "duty_factor_pct": 30,
                           "foot_strike_angle_deg": -8, "trunk_lean_deg": 10}, 1),
    "run_slow_heel_left": ({"cadence_spm": 158, "belt_kmh": 9, "duty_factor_pct": 42,
                            "foot_strike_angle_deg": 20, "overstride_pct": 28,
                            "facing": "left"}, 2),
    "run_60fps_upright": ({"fps": 60, "trunk_lean_deg": 2, "vertical_oscillation_cm": 11}, 3),
    # The demo's poor runner (knobs.PRESETS["poor"]): 34% overstride, 22 deg heel strike,
    # nearly straight knee at contact (large shank angle), 152 spm. Its heel hangs ~10 cm
    # over the belt and drops in the last ~40 ms, unlike the good runner's gradual descent.
    "run_poor": ({"preset": "poor"}, 5),
    "run_poor_steep_heel": ({"preset": "poor", "foot_strike_angle_deg": 28}, 6),
    "run_poor_60fps": ({"preset": "poor", "fps": 60}, 7),
    # A good runner: lands under the hips on the midfoot.
    "run_good_midfoot": ({"overstride_pct": 8, "foot_strike_angle_deg": 4}, 8),
}
SECONDS = 25.0

# Targets missed today, measured (strict xfails: an improvement shows up as XPASS and must
# be taken out of this table). Foot-strike class: one frame's heel->toe angle carries ~3.6
# deg of landmark noise (2 px on a ~45 px foot), and run_default's 12 deg truth sits 4 deg
# above the rearfoot/midfoot line, so one frame classes 85-88% right even at the exact
# contact instant. The synthetic foot is set for the landing over its last 60 ms (station/
# synth/legs.py FOOT_SET_S) and the reading averages the approach frames of its last ~40
# ms (kernels/stride_contact.py): 92.5-97% (run_default) and 89.6-95.5% (good midfoot)
# over seeds 0, 8, 11-14 (tests/accuracy_table.py, session 5).
# The good runner's shank used to bend forward in its last ~20 ms (the synthetic knee
# still extending at ~500 deg/s at contact, against the premise of the shank reading,
# kernels/stride_read.py) and read 2.9-3.2 deg low; its landing leg now stops lengthening
# before contact (station/synth/legs.py LANDING_LEG_SHORTEN_CM_S) and it reads within 0.3.
#
# The poor runner's heel hangs ~10 cm over the belt and drops in the last ~40 ms; its
# contacts are timed within ~0.15 frame since the contact hinge weighs pre-stance heights
# less from 0.05 leg up and not at all from 0.09 (fitted whole, they came 0.6-1.3 frames
# late and overstride read 27-29% for 34%). Its synthetic leg is held at full reach (knee
# 2.0 deg, the IK's clamp) until ~6 ms before contact and then flexes to 8 deg, the shank
# turning 3 deg in those last 5 ms, which no 30 fps frame shows; the shank now reads
# 0.4-1.7 deg high over seeds 5, 11-13 (steep heel: 0.0-1.0), where the two-frame approach
# line read up to 2.9 high (and swung 10-18 deg on strides whose contact moved by a frame).
KNOWN_SHORTFALLS: dict[tuple[str, str], str] = {}


def expect_shortfall(request, scenario: str, what: str) -> None:
    reason = KNOWN_SHORTFALLS.get((scenario, what))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def analyse(tmp_path_factory, name: str, knobs: dict, seed: int) -> tuple[dict, dict]:
    return analyse_into(tmp_path_factory.mktemp(name), knobs, seed)


def analyse_into(out, knobs: dict, seed: int) -> tuple[dict, dict]:
    """Write the scenario's clip into `out`, analyze it (summary JSON and per-stride CSV
    there too): (summary, truth)."""
    knobs = dict(knobs)
    preset = knobs.pop("preset", "good")
    k = resolve_knobs({**NOISE, **knobs}, preset=preset)
    write_clip(out, k, SECONDS, seed, video=False)
    truth = json.loads((out / "truth.json").read_text())
    summary_path = out / "summary.json"
    code = main(["analyze", str(out / "landmarks.csv"), "--json", str(summary_path),
                 "--belt-kmh", str(k.main["belt_kmh"]), "--csv", str(out / "csv")])
    assert code == 0
    return json.loads(summary_path.read_text()), truth


@pytest.fixture(scope="module", params=list(SCENARIOS))
def run(request, tmp_path_factory):
    knobs, seed = SCENARIOS[request.param]
    summary, truth = analyse(tmp_path_factory, request.param, knobs, seed)
    return request.param, summary, truth


def med(d: dict, name: str) -> float:
    v = d["metrics"][name]["median"]
    return math.nan if v is None else float(v)


def test_cadence(run):
    _, s, t = run
    assert abs(s["cadence_spm"] - t["cadence_spm"]) <= 0.5


@pytest.mark.parametrize("name,tol", [("trunk_lean_deg", 1.0), ("shank_angle_ic_deg", 2.0),
                                      ("overstride_pct", 3.0), ("vertical_oscillation_cm", 1.0)])
def test_metric_medians(request, run, name, tol):
    scenario, s, t = run
    expect_shortfall(request, scenario, name)
    assert abs(med(s, name) - med(t, name)) <= tol, (med(s, name), med(t, name))


# The rest of METRICS.md, which the issue gives no target for: bounds a little over the
# largest error measured over these scenarios (session 7: `tests/accuracy_table.py all
# --other`), so a regression shows. Knee flexion at contact (thigh - shank at the contact
# reading, kernels/stride_metrics.py) read -0.3..-3.8 with the old two-frame knee-angle
# line and +0.3..+1.9 now. Its peak in stance, the vertex of a parabola through the top
# five frames (kernels/stride_read.py peak_value_between): -2.7..+1.6, where the largest
# noisy frame read +1.0..+3.2 (-2.7: the fast runner's short stance peaks sharper than a
# parabola over five frames).
# Flight time: one frame, as contact time. Asymmetries: tests/test_asymmetry_accuracy.py.
OTHER_TOLERANCES = {"knee_flexion_ic_deg": 2.0, "knee_flexion_peak_deg": 3.0,
                    "hip_extension_deg": 1.0, "body_lean_deg": 1.0, "waist_bend_deg": 1.0,
                    "head_forward_pct": 1.0, "shoulder_shrug_pct": 2.5,
                    "duty_factor_pct": 2.0, "foot_strike_angle_deg": 1.5}


@pytest.mark.parametrize("name", list(OTHER_TOLERANCES))
def test_other_metric_medians(run, name):
    _, s, t = run
    assert abs(med(s, name) - med(t, name)) <= OTHER_TOLERANCES[name], \
        (med(s, name), med(t, name))


def test_flight_time(run):
    _, s, t = run
    assert abs(med(s, "flight_ms") - med(t, "flight_ms")) <= 1000.0 / t["fps"]


def test_contact_time(request, run):
    scenario, s, t = run
    expect_shortfall(request, scenario, "ground_contact_ms")
    frame_ms = 1000.0 / t["fps"]
    assert abs(med(s, "ground_contact_ms") - med(t, "ground_contact_ms")) <= frame_ms


def test_strides_and_activity(run):
    _, s, t = run
    assert s["activity"] == "running"
    assert abs(s["strides"] - len(t["strides"])) <= 0.05 * len(t["strides"]) + 2
    left, right = s["strides_by_foot"]["left"], s["strides_by_foot"]["right"]
    assert left + right == s["strides"] and abs(left - right) <= 0.05 * s["strides"] + 2
    # Steps over the steady run, less its first second and last 0.3 s (as
    # tests/test_gait_events.py scores): a causal detector cannot see a landing in the first
    # frames (the foot was not seen in the air) nor confirm one in the last few.
    t0, t1 = t["steady_s"][0] + 1.0, t["steady_s"][1] - 0.3

    def contacts(events: list) -> int:
        return sum(1 for e in events if e["kind"] == "contact" and t0 <= e["t_s"] <= t1)
    assert abs(contacts(s["events"]) - contacts(t["events"])) <= 0.02 * contacts(t["events"]) + 1


def strike_class(angle_deg: float) -> str:
    return "rearfoot" if angle_deg > 8 else ("forefoot" if angle_deg < -3 else "midfoot")


def strikes_against_truth(summary: dict, truth: dict) -> list[tuple[float, float]]:
    """(measured, true) foot-strike angle of each analysed stride that has one and lies
    within 50 ms of a true stride (the per-stride CSV against truth.json)."""
    import csv
    true_at = {round(r["t_s"], 2): r["metrics"]["foot_strike_angle_deg"]
               for r in truth["strides"]}
    with open(run_csv_dir(summary) / "strides.csv") as fh:
        rows = list(csv.DictReader(fh))
    pairs = []
    for r in rows:
        key = min(true_at, key=lambda k: abs(k - float(r["t_s"])))
        if abs(key - float(r["t_s"])) <= 0.05 and r["foot_strike_angle_deg"]:
            pairs.append((float(r["foot_strike_angle_deg"]), true_at[key]))
    return pairs


def test_foot_strike_class(request, run):
    scenario, s, t = run
    expect_shortfall(request, scenario, "foot_strike_class")
    pairs = strikes_against_truth(s, t)
    right = sum(strike_class(m) == strike_class(tr) for m, tr in pairs)
    total = len(pairs)
    assert total > 10 and right / total >= 0.9, (right, total)


def run_csv_dir(summary: dict):
    from pathlib import Path
    return Path(summary["file"]).parent / "csv"


def test_walking_is_walking(tmp_path_factory):
    s, t = analyse(tmp_path_factory, "walk", {"gait": "walk", "cadence_spm": 112,
                                              "duty_factor_pct": 62, "belt_kmh": 5}, 4)
    assert s["activity"] == "walking"


def test_standing_still_gives_no_strides(tmp_path):
    from station.contracts import N_LANDMARKS, Pose
    from station.landmark_file import LandmarkTrack, write_landmarks_csv
    rng = np.random.default_rng(0)
    runner = SynthStill.pose()
    poses = [Pose((runner + rng.normal(0, 2.0, runner.shape)).astype(np.float32),
                  np.full(N_LANDMARKS, 0.9, np.float32), None, i * 33_333_333, i)
             for i in range(300)]
    path = tmp_path / "landmarks.csv"
    write_landmarks_csv(path, LandmarkTrack.from_poses(poses, 640, 480, {"fps": 30.0}))
    assert main(["analyze", str(path), "--json", str(tmp_path / "s.json")]) == 0
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["strides"] == 0 and s["activity"] == "none" and s["cadence_spm"] is None


class SynthStill:
    @staticmethod
    def pose() -> np.ndarray:
        """A standing person facing right, from the synthetic runner at a stance instant."""
        from station.synth.runner import SynthRunner
        r = SynthRunner(resolve_knobs({"cadence_spm": 170}), 6.0)
        k = int(np.searchsorted(r.steps.t_contact, r.steady_from_s + 0.5))
        t = r.steps.t_contact[k] + 0.1 * (r.steps.t_toe_off[k] - r.steps.t_contact[k])
        xy = r.landmarks_px(r.world_pose(np.array([t])))[0]
        assert np.isfinite(xy).all()
        return xy


def test_asymmetry_is_read_over_several_steps():
    """A steady 10% contact-time asymmetry is found; an even runner reads a few % at most
    (event-time jitter alone, averaged over 6 steps a foot)."""
    from station.gait.asymmetry import AsymmetryWindow
    w = AsymmetryWindow(6)
    rng = np.random.default_rng(0)
    for _ in range(12):
        for foot, contact in ((0, 0.25), (1, 0.25 * 1.105)):
            w.add(foot, 0.35 + rng.normal(0, 0.006), contact + rng.normal(0, 0.006))
    assert abs(w.contact_pct() - 10.0) < 3.0
    assert w.step_time_pct() < 3.0
    assert np.isnan(AsymmetryWindow().step_time_pct())          # nothing seen yet
