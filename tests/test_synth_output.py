"""`station synth`: files, determinism, masks, noise and one-line errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from station.cli import main
from station.contracts import LM
from station.landmark_file import read_landmarks_csv
from station.synth.knobs import resolve_knobs
from station.synth.writer import write_clip

SMALL = {"width": 320, "height": 240, "fps": 15.0}


def synth(tmp, seconds=4.0, seed=1, video=True, **knobs):
    write_clip(tmp, resolve_knobs({**SMALL, **knobs}), seconds, seed, video=video)
    return tmp


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return synth(tmp_path_factory.mktemp("clip"), seconds=5.0, absent_s=1.0, jitter_px=1.0)


def test_same_seed_same_output_other_seed_other_noise(tmp_path):
    a = synth(tmp_path / "a", jitter_px=2.0, drop_pct=5.0)
    b = synth(tmp_path / "b", jitter_px=2.0, drop_pct=5.0)
    c = synth(tmp_path / "c", seed=2, jitter_px=2.0, drop_pct=5.0)
    for name in ("landmarks.csv", "truth.json", "masks.npz", "clean/landmarks.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "landmarks.csv").read_bytes() != (c / "landmarks.csv").read_bytes()
    assert (a / "truth.json").read_text().replace('"seed": 1', "") == \
        (c / "truth.json").read_text().replace('"seed": 2', "")


def test_files_read_back_and_mask_covers_the_trunk_not_the_background(clip):
    track = read_landmarks_csv(clip / "landmarks.csv")
    clean = read_landmarks_csv(clip / "clean" / "landmarks.csv")
    assert track.masks is not None and track.masks.shape == (75, 240, 320)
    assert len(clean) == 75 and clean.masks is None
    present = np.isfinite(clean.xy[:, LM["left_hip"], 0])
    assert not present[:15].any(), "absent for the first second"
    assert not track.masks[:15].any()
    assert present[30:].all(), "walked in by the end of the second second"
    frames = np.flatnonzero(present)
    frames = frames[frames >= 30]          # steady running, clear of the image edges
    for i in frames:
        m = track.masks[i]
        for name in ("left_hip", "right_hip", "left_shoulder", "right_shoulder"):
            x, y = np.round(clean.xy[i, LM[name]]).astype(int)
            assert m[y, x], f"mask misses {name} in frame {i}"
        mid = 0.5 * (clean.xy[i, LM["left_hip"]] + clean.xy[i, LM["left_shoulder"]])
        assert m[int(mid[1]), int(mid[0])]
        assert not m[:5, :].any() and not m[:, :5].any() and not m[-5:, :].any()
        assert 0.02 < m.mean() < 0.25
        ys, xs = np.nonzero(m)
        assert np.isfinite(clean.xy[i]).all()
        # The body reaches every landmark (within a pixel of rounding).
        assert xs.min() <= np.nanmin(clean.xy[i, :, 0]) + 1
        assert ys.max() >= np.nanmax(clean.xy[i, :, 1]) - 1


def test_truth_json_shape(clip):
    truth = json.loads((clip / "truth.json").read_text())
    assert truth["scale"]["px_per_cm"] > 0
    for name, summary in truth["metrics"].items():
        assert set(summary) == {"median", "p10", "p90", "unit", "n"}, name
    assert truth["events"][0].keys() == {"t_s", "t_ns", "kind", "foot"}
    assert truth["knobs"]["form"]["cadence_spm"] == 170.0
    assert truth["steady_s"][0] == pytest.approx(2.0)
    assert all(e["t_s"] >= 2.0 for e in truth["events"])


def test_video_has_every_frame(clip):
    import cv2
    cap = cv2.VideoCapture(str(clip / "runner.mp4"))
    n = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        assert frame.shape == (240, 320, 3)
        n += 1
    cap.release()
    assert n == 75


def test_noise_far_leg_swaps_and_drops(tmp_path):
    d = synth(tmp_path, video=False, far_leg_vis=0.3, swaps_per_min=30.0, swap_frames=3,
              drop_pct=10.0, seconds=8.0)
    noisy = read_landmarks_csv(d / "landmarks.csv")
    clean = read_landmarks_csv(d / "clean" / "landmarks.csv")
    far = [LM[f"left_{p}"] for p in ("knee", "ankle", "heel", "foot_index")]  # facing right
    assert np.isnan(noisy.xy[:, far, 0]).mean() > 0.9
    near = LM["right_knee"]
    ok = np.isfinite(noisy.xy[:, near, 0])
    assert 0.8 < ok.mean() < 0.97, "about 10% of points dropped"
    # A swap puts the right knee where the clean left knee is.
    at_left = np.linalg.norm(noisy.xy[:, near] - clean.xy[:, LM["left_knee"]], axis=-1) < 0.5
    apart = np.linalg.norm(clean.xy[:, near] - clean.xy[:, LM["left_knee"]], axis=-1) > 10
    swapped = ok & at_left & apart
    assert swapped.sum() >= 3


def run_cli(args, capsys):
    rc = main(["synth", *args])
    return rc, capsys.readouterr().err


@pytest.mark.parametrize("args,needle", [
    (["--cadence-spm", "999"], "--cadence-spm: expected 60..220"),
    (["--trunk-lean-deg", "steep"], "expected a number"),
    (["--facing", "up"], "expected one of right|left"),
    (["--duty-factor-pct", "60"], "running needs < 50"),
    (["--preset", "elite"], "--preset: expected one of"),
    (["--waist-bend-deg", "5", "--overstride-pct", "10"], "not both"),
    (["--seconds", "0"], "--seconds"),
])
def test_cli_bad_knob_is_one_line_and_exit_2(tmp_path, capsys, args, needle):
    rc, err = run_cli(["--out", str(tmp_path / "o"), *args], capsys)
    assert rc == 2
    assert err.count("\n") == 1 and needle in err, err
    assert not (tmp_path / "o" / "truth.json").exists()


def test_cli_writes_a_clip(tmp_path, capsys):
    rc, err = run_cli(["--out", str(tmp_path), "--seconds", "5", "--width", "160",
                       "--height", "120", "--fps", "10", "--gait", "walk", "--duty-factor-pct",
                       "62", "--cadence-spm", "110"], capsys)
    assert rc == 0, err
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["metrics"]["flight_ms"]["median"] == 0.0
    assert (tmp_path / "runner.mp4").stat().st_size > 0


def test_blends_pull_the_legs_together_for_a_few_frames_and_change_nothing_else(tmp_path):
    base = synth(tmp_path / "a", video=False, jitter_px=1.0, seconds=8.0)
    blended = synth(tmp_path / "b", video=False, jitter_px=1.0, seconds=8.0,
                    blends_per_min=120.0)
    a = read_landmarks_csv(base / "landmarks.csv").xy.astype(float)
    b = read_landmarks_csv(blended / "landmarks.csv").xy.astype(float)
    legs = [LM[f"{s}_{p}"] for s in ("left", "right")
            for p in ("knee", "ankle", "heel", "foot_index")]
    others = [i for i in range(33) if i not in legs]
    np.testing.assert_array_equal(a[:, others], b[:, others])
    moved = np.isfinite(a[:, legs, 0]).all(axis=1) & \
        (np.abs(a[:, legs] - b[:, legs]).max(axis=(1, 2)) > 1e-3)
    assert 0.04 < moved.mean() < 0.4, "~2 blends/s of 1-3 frames at 15 fps"
    # Where a leg moved, it moved toward the other leg's point, never past it.
    la, ra = a[moved][:, LM["left_heel"]], a[moved][:, LM["right_heel"]]
    lb = b[moved][:, LM["left_heel"]]
    gap_before = np.linalg.norm(la - ra, axis=-1)
    gap_after = np.linalg.norm(lb - ra, axis=-1)
    assert (gap_after <= gap_before + 1e-3).all()
    assert (gap_after < 0.95 * gap_before).mean() > 0.5
