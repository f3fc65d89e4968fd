"""The real BlazePose model on real clips: what a person watching the clip can see."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from hardware.video_file import VideoFileSource
from station.cli import main
from station.contracts import LM
from station.landmark_file import read_landmarks_csv

pytestmark = [pytest.mark.media, pytest.mark.slow]


def analyze(capfd, tmp_path, clip, *extra):
    out_json = tmp_path / "summary.json"
    code = main(["analyze", str(clip), "--json", str(out_json), *extra])
    out, err = capfd.readouterr()
    assert code == 0, err
    return json.loads(out_json.read_text()), out


def test_gym_treadmill_clip(capfd, tmp_path, media):
    summary, said = analyze(capfd, tmp_path, media("treadmill_side_gym_60fps_portrait.mp4"),
                            "--csv", str(tmp_path / "csv"))
    assert summary["fps"] == pytest.approx(60.0)          # read from the file
    assert summary["frames"] == 388
    assert summary["duration_s"] == pytest.approx(6.47, abs=0.02)
    assert summary["frames_with_pose"] >= 0.95 * summary["frames"]
    assert summary["view"] == "side"
    assert summary["facing"] == "right"                   # he runs toward image-right
    assert "faces image-right" in said
    track = read_landmarks_csv(tmp_path / "csv" / "landmarks.csv")
    assert (track.width, track.height) == (1080, 1920)
    # Upright frames: the head is above the hips (smaller y) in the image.
    nose_y = track.xy[:, LM["nose"], 1]
    hip_y = np.nanmean(track.xy[:, [LM["left_hip"], LM["right_hip"]], 1], axis=1)
    both = np.isfinite(nose_y) & np.isfinite(hip_y)
    assert both.sum() >= 0.9 * len(track)
    assert np.mean(nose_y[both] < hip_y[both]) > 0.99
    # The whole body is in view: the feet are found in most frames.
    ankles = np.isfinite(track.xy[:, [LM["left_ankle"], LM["right_ankle"]], 0]).any(axis=1)
    assert ankles.mean() > 0.9


def test_overlay_draws_the_skeleton_on_the_runner(capfd, tmp_path, media):
    clip = media("treadmill_side_gym_60fps_portrait.mp4")
    overlay = tmp_path / "overlay.mp4"
    analyze(capfd, tmp_path, clip, "--overlay", str(overlay), "--max-frames", "30",
            "--csv", str(tmp_path / "csv"))
    track = read_landmarks_csv(tmp_path / "csv" / "landmarks.csv")
    cap = cv2.VideoCapture(str(overlay))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 30
    ok, drawn = cap.read()
    cap.release()
    assert ok and drawn.shape == (1920, 1080, 3)
    with VideoFileSource(clip) as src:
        original = cv2.cvtColor(src.read().image, cv2.COLOR_RGB2BGR)
    changed = np.abs(drawn.astype(int) - original.astype(int)).sum(axis=2) > 120
    # Pixels the skeleton changed sit around the landmarks (joints are drawn as dots).
    for name in ("left_hip", "left_shoulder", "left_knee"):
        x, y = np.round(track.xy[0, LM[name]]).astype(int)
        assert changed[y - 6:y + 7, x - 6:x + 7].any(), name
    # ...and not all over the picture: the background stays the background.
    assert changed.mean() < 0.05


def test_back_view_clip_runs_and_says_so(capfd, tmp_path, media):
    summary, said = analyze(capfd, tmp_path, media("running_back_outdoor_overlay.mp4"))
    assert summary["frames_with_pose"] > 0
    assert summary["view"] == "back"
    assert summary["facing"] == "unknown"
    assert "side-on camera" in said


def test_front_view_clip_runs_and_says_so(capfd, tmp_path, media):
    summary, said = analyze(capfd, tmp_path, media("running_front_road_pace_cuts.mp4"),
                            "--max-frames", "150")
    assert summary["frames_with_pose"] > 0.9 * summary["frames"]
    assert summary["view"] == "front"
    assert "side-on camera" in said


def test_walker_facing_left(capfd, tmp_path, media):
    # She enters at the right and walks toward image-left; the turn comes after 5 s.
    summary, _ = analyze(capfd, tmp_path, media("walking_side_indoor_wall.mp4"),
                         "--max-frames", "150")
    assert summary["view"] == "side"
    assert summary["facing"] == "left"


def test_slow_motion_clip_with_time_scale(capfd, tmp_path, media):
    summary, _ = analyze(capfd, tmp_path, media("treadmill_side_lab_480p.mp4"),
                         "--time-scale", "4", "--max-frames", "60")
    assert summary["fps"] == pytest.approx(4 * 29.97, abs=0.01)
    assert summary["duration_s"] == pytest.approx(60 / (4 * 29.97), abs=0.01)
    assert summary["facing"] == "right"
