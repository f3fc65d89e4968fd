"""`station analyze` on bad input: one line on stderr, exit code 2, never a traceback."""
from __future__ import annotations

import json

import numpy as np
import pytest

from station.cli import main
from station.contracts import N_LANDMARKS, Pose
from station.landmark_file import LandmarkTrack, write_landmarks_csv
from tests.videos import solid_frames, write_video


def run_cli(capfd, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


def test_missing_file(capfd, tmp_path):
    code, _, err = run_cli(capfd, "analyze", str(tmp_path / "absent.mp4"))
    assert_one_line_error(code, err, "no such file")


def test_not_a_video(capfd, tmp_path):
    p = tmp_path / "readme.mp4"
    p.write_text("hello\n")
    code, _, err = run_cli(capfd, "analyze", str(p))
    assert_one_line_error(code, err, "not a video")


def test_zero_frames(capfd, tmp_path):
    import cv2
    p = tmp_path / "empty.mp4"
    w = cv2.VideoWriter(str(p), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 64))
    w.release()
    code, _, err = run_cli(capfd, "analyze", str(p))
    assert_one_line_error(code, err, "zero frames")


def test_codec_that_cannot_be_read(capfd, tmp_path):
    good = write_video(tmp_path / "good.mp4", solid_frames(5), fps=30)
    bad = tmp_path / "bad.mp4"
    # Same container, the video sample entry renamed to a codec FFmpeg does not know.
    bad.write_bytes(good.read_bytes().replace(b"mp4v", b"zzzz").replace(b"esds", b"zzzz"))
    code, _, err = run_cli(capfd, "analyze", str(bad))
    assert_one_line_error(code, err, "codec", "zzzz")


def test_truncated_video(capfd, tmp_path):
    good = write_video(tmp_path / "good.mp4", solid_frames(40, 320, 240), fps=30)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(good.read_bytes()[:600])
    code, _, err = run_cli(capfd, "analyze", str(cut))
    assert_one_line_error(code, err)


def test_no_person_in_any_frame(capfd, tmp_path):
    p = write_video(tmp_path / "wall.mp4", solid_frames(8, 160, 120, rgb=(90, 90, 90)), fps=30)
    code, _, err = run_cli(capfd, "analyze", str(p))
    assert_one_line_error(code, err, "no person", "8 frames")


@pytest.mark.parametrize("argv,needle", [
    (["--facing", "up"], "--facing"),
    (["--time-scale", "0"], "--time-scale"),
    (["--time-scale", "fast"], "--time-scale"),
    (["--model-complexity", "2"], "downloaded"),
    (["--model-complexity", "0"], "downloaded"),
    (["--model-complexity", "7"], "expected 0, 1 or 2"),
    (["--pose-task", "/nonexistent.task"], "no such file"),
])
def test_unknown_option_values(capfd, tmp_path, argv, needle):
    p = write_video(tmp_path / "v.mp4", solid_frames(3), fps=30)
    code, _, err = run_cli(capfd, "analyze", str(p), *argv)
    assert_one_line_error(code, err, needle)


def test_not_a_task_bundle(capfd, tmp_path):
    p = write_video(tmp_path / "v.mp4", solid_frames(3), fps=30)
    task = tmp_path / "pose.task"
    task.write_text("not a zip")
    code, _, err = run_cli(capfd, "analyze", str(p), "--pose-task", str(task))
    assert_one_line_error(code, err, "expected a pose_landmarker .task bundle")


def _track(n: int = 30) -> LandmarkTrack:
    rng = np.random.default_rng(1)
    poses = []
    for i in range(n):
        xy = rng.uniform(100, 300, (N_LANDMARKS, 2)).astype(np.float32)
        xy[5] = np.nan
        poses.append(Pose(xy, np.full(N_LANDMARKS, 0.9, np.float32), None,
                          t_ns=i * 33_333_333, seq=i))
    return LandmarkTrack.from_poses(poses, 640, 480, meta={"fps": 30.0})


def test_landmarks_csv_round_trip_and_analyze_reads_it(capfd, tmp_path):
    track = _track()
    path = tmp_path / "landmarks.csv"
    write_landmarks_csv(path, track)
    code, out, err = run_cli(capfd, "analyze", str(path), "--json", "-")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["source"] == "landmarks"
    assert summary["frames"] == 30 and summary["frames_with_pose"] == 30
    assert summary["fps"] == pytest.approx(30.0)
    assert summary["duration_s"] == pytest.approx(1.0, abs=0.01)


def test_landmarks_csv_with_bad_rows(capfd, tmp_path):
    path = tmp_path / "landmarks.csv"
    write_landmarks_csv(path, _track(3))
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",", ",x", 1)
    path.write_text("\n".join(lines) + "\n")
    code, _, err = run_cli(capfd, "analyze", str(path))
    assert_one_line_error(code, err, "not a number")


def test_slow_motion_poses_reach_the_kernels_at_about_60_per_second():
    from station.commands.analyze import kernel_decimation
    assert [kernel_decimation(f) for f in (25, 30, 60, 89, 119.88, 239.76, 299.7, 0)] == \
        [1, 1, 1, 1, 2, 4, 5, 1]
