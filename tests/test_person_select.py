"""Choosing the walker among several people, on hand-made stick figures (no model)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from station.contracts import LM, N_LANDMARKS, Pose
from station.pose.gait_evidence import FirstPersonCheck, hip_centre_px, leg_swaps
from station.pose.person_select import LOST_S, GaitPersonSelector

FPS = 30.0
TRUNK_PX = 100.0


def figure(hip_x: float, hip_y: float, foot_sep_px: float, frontal: bool = False,
           facing: int = -1) -> np.ndarray:
    """33 landmarks (pixels) of an upright person; `foot_sep_px` = left ankle x minus
    right ankle x (side view) — what a step swings."""
    xy = np.full((N_LANDMARKS, 2), np.nan, np.float32)
    half = 0.3 * TRUNK_PX if frontal else 2.0   # side-on, the shoulders overlap
    top = hip_y - TRUNK_PX
    xy[LM["left_shoulder"]] = (hip_x + half, top)
    xy[LM["right_shoulder"]] = (hip_x - half, top)
    xy[LM["left_hip"]] = (hip_x + half * 0.8, hip_y)
    xy[LM["right_hip"]] = (hip_x - half * 0.8, hip_y)
    xy[LM["nose"]] = (hip_x + (0 if frontal else facing * 0.15 * TRUNK_PX), top - 0.5 * TRUNK_PX)
    xy[LM["left_ear"]] = (hip_x + (0.1 * TRUNK_PX if frontal else 0), top - 0.5 * TRUNK_PX)
    xy[LM["right_ear"]] = (hip_x - (0.1 * TRUNK_PX if frontal else 0), top - 0.5 * TRUNK_PX)
    foot_y = hip_y + 1.6 * TRUNK_PX
    for side, sign in (("left", 0.5), ("right", -0.5)):
        ax = hip_x + sign * foot_sep_px + (half if side == "left" else -half)
        xy[LM[f"{side}_knee"]] = ((hip_x + ax) / 2, hip_y + 0.8 * TRUNK_PX)
        xy[LM[f"{side}_ankle"]] = (ax, foot_y)
        xy[LM[f"{side}_heel"]] = (ax - facing * 0.1 * TRUNK_PX, foot_y + 5)
        xy[LM[f"{side}_foot_index"]] = (ax + facing * 0.2 * TRUNK_PX, foot_y + 8)
    return xy


def pose(xy: np.ndarray, i: int) -> Pose:
    vis = np.isfinite(xy[:, 0]).astype(np.float32)
    return Pose(xy.astype(np.float32), vis, None, t_ns(i), i)


def t_ns(i: int) -> int:
    return int(round(i * 1e9 / FPS))


def walker_xy(i: int, start_x: float = 1500.0, speed_px_s: float = -230.0,
              stride_s: float = 1.6, hip_y: float = 700.0) -> np.ndarray:
    t = i / FPS
    sep = 1.2 * TRUNK_PX * math.sin(2 * math.pi * t / stride_s)
    return figure(start_x + speed_px_s * t, hip_y, sep)


def stander_xy(i: int, rng: np.random.Generator, hip_x: float = 650.0,
               hip_y: float = 260.0) -> np.ndarray:
    # Facing the camera, feet apart, the model's few pixels of jitter.
    xy = figure(hip_x, hip_y, 0.25 * TRUNK_PX, frontal=True)
    return xy + rng.normal(0.0, 3.0, xy.shape).astype(np.float32)


def times(n: int) -> np.ndarray:
    return np.array([t_ns(i) for i in range(n)], np.int64)


def test_leg_swaps_count_the_steps_of_a_walk():
    # Strides of 1.6 s: the feet pass each other every 0.8 s, at 0.8, 1.6, 2.4 and 3.2 s.
    n = int(3.5 * FPS)
    xy = np.stack([walker_xy(i) for i in range(n)])
    assert leg_swaps(xy, times(n)) == 4
    assert leg_swaps(xy[:int(3.0 * FPS)], times(int(3.0 * FPS))) == 3


def test_leg_swaps_ignore_one_frame_flips_and_jitter():
    rng = np.random.default_rng(1)
    n = int(3 * FPS)
    xy = np.stack([stander_xy(i, rng) for i in range(n)])
    # The model swaps the two legs' labels for single frames now and then.
    for i in range(5, n, 17):
        xy[i, [LM["left_ankle"], LM["right_ankle"]]] = xy[i, [LM["right_ankle"], LM["left_ankle"]]]
    assert leg_swaps(xy, times(n)) == 0


def test_leg_swaps_of_nobody_is_zero():
    xy = np.full((40, N_LANDMARKS, 2), np.nan)
    assert leg_swaps(xy, times(40)) == 0


def run_check(xys: list[np.ndarray]) -> FirstPersonCheck:
    check = FirstPersonCheck()
    for i, xy in enumerate(xys):
        if check.push(xy, t_ns(i)) is not None:
            break
    check.finish()
    return check


def test_first_person_check_accepts_a_side_on_walker():
    check = run_check([walker_xy(i) for i in range(int(4 * FPS))])
    assert check.verdict is True and check.view == "side" and check.swaps == 3


def test_first_person_check_rejects_someone_standing_facing_the_camera():
    rng = np.random.default_rng(2)
    empty = [np.full((N_LANDMARKS, 2), np.nan, np.float32)] * 10
    check = run_check(empty + [stander_xy(i, rng) for i in range(int(4 * FPS))])
    assert check.verdict is False and check.view == "front"


def test_first_person_check_gives_the_benefit_of_the_doubt_to_a_short_clip():
    rng = np.random.default_rng(3)
    check = run_check([stander_xy(i, rng) for i in range(int(1.0 * FPS))])
    assert check.verdict is True


def select_all(frames: list[list[np.ndarray]]) -> tuple[list[Pose], GaitPersonSelector]:
    sel = GaitPersonSelector()
    out = [sel.select([pose(xy, i) for xy in people], t_ns(i), i)
           for i, people in enumerate(frames)]
    return out, sel


def hip_x_of(poses: list[Pose]) -> np.ndarray:
    return np.array([hip_centre_px(p.xy[None])[0, 0] for p in poses])


def test_selector_follows_the_walker_not_the_man_on_the_box():
    rng = np.random.default_rng(4)
    n = int(7 * FPS)
    frames = []
    for i in range(n):
        people = [stander_xy(i, rng)]
        if i >= 30:                      # she enters after a second, he is there first
            people.append(walker_xy(i - 30))
        if i % 3 == 0:                   # the model lists people in no fixed order
            people.reverse()
        frames.append(people)
    out, sel = select_all(frames)
    x = hip_x_of(out)
    found = np.isfinite(x)
    # Nobody until she has shown her gait; then her, every frame, without a switch.
    assert not found[:30].any()
    first = int(np.argmax(found))
    assert first <= 30 + 2.5 * FPS
    assert found[first:].all()
    walker_x = np.array([hip_centre_px(walker_xy(i - 30)[None])[0, 0] for i in range(n)])
    assert np.allclose(x[first:], walker_x[first:], atol=1.0)
    assert sel.choices == 1


def test_selector_keeps_the_walker_through_a_duplicate_and_a_short_dropout():
    n = int(5 * FPS)
    frames = []
    for i in range(n):
        w = walker_xy(i)
        people = [w, w + 3.0] if i % 10 == 0 else [w]   # found twice, a few px apart
        if 100 <= i < 100 + int(0.4 * FPS):
            people = []                                # lost for 0.4 s
        frames.append(people)
    out, sel = select_all(frames)
    x = hip_x_of(out)
    chosen = int(np.argmax(np.isfinite(x)))
    lost = range(100, 100 + int(0.4 * FPS))
    assert np.isfinite(x[chosen:100]).all() and not np.isfinite(x[list(lost)]).any()
    assert np.isfinite(x[lost.stop:]).all()
    assert sel.choices == 1


def test_selector_releases_a_walker_gone_for_good():
    n = int(4 * FPS)
    gone = int(3 * FPS)
    frames = [[walker_xy(i)] if i < gone else [] for i in range(n)]
    _, sel = select_all(frames)
    assert sel.choices == 1
    assert sel.chosen_id is None     # gone for longer than LOST_S
    assert (n - gone) / FPS > LOST_S


def test_selector_chooses_nobody_when_nobody_walks():
    rng = np.random.default_rng(5)
    out, sel = select_all([[stander_xy(i, rng), stander_xy(i, rng, hip_x=1200.0)]
                           for i in range(int(4 * FPS))])
    assert not any(p.found for p in out)
    assert sel.choices == 0


def test_unknown_person_mode_is_refused():
    from station.pose import make_pose_estimator
    with pytest.raises(ValueError, match="person"):
        make_pose_estimator(person="tallest")


class _PeopleFromList:
    """Stands in for the Tasks landmarker: hands out prepared people per frame."""

    def __init__(self, frames: list[list[np.ndarray]]) -> None:
        self.frames = frames

    def estimate_people(self, frame) -> list[Pose]:
        return [pose(xy, frame.seq) for xy in self.frames[frame.seq]]

    def close(self) -> None:
        pass


def test_follow_gives_back_the_seconds_before_the_walker_was_recognised():
    from station.contracts import Frame
    from station.pose.multi_person_backend import GaitPersonPoseEstimator

    rng = np.random.default_rng(6)
    n = int(6 * FPS)
    frames = [[stander_xy(i, rng)] + ([walker_xy(i - 30)] if i >= 30 else []) for i in range(n)]
    est = GaitPersonPoseEstimator.__new__(GaitPersonPoseEstimator)   # no model needed
    est._people, est._tmp, est.selector = _PeopleFromList(frames), None, GaitPersonSelector()
    est._single = None                                                # Tasks poses only
    image = np.zeros((4, 4, 3), np.uint8)
    out = list(est.follow(Frame(image, t_ns(i), i) for i in range(n)))
    assert [p.seq for _, p in out] == list(range(n))          # every frame, in order
    assert all(f is None for f, p in out[:30])                 # held frames: no image kept
    x = hip_x_of([p for _, p in out])
    # Her whole passage, from the frame she entered, and never the man.
    assert not np.isfinite(x[:30]).any()
    assert np.isfinite(x[30:]).all()
    walker_x = np.array([hip_centre_px(walker_xy(i - 30)[None])[0, 0] for i in range(30, n)])
    assert np.allclose(x[30:], walker_x, atol=1.0)


def test_analyze_with_person_gait_on_an_empty_video_says_nobody(capfd, tmp_path):
    from station.cli import main
    from tests.videos import solid_frames, write_video
    clip = write_video(tmp_path / "wall.mp4", solid_frames(8, 160, 120, rgb=(90, 90, 90)), fps=30)
    code = main(["analyze", str(clip), "--person", "gait"])
    _, err = capfd.readouterr()
    assert code == 2
    assert "no person found" in err and "Traceback" not in err


def test_analyze_of_a_landmarks_file_says_the_file_chose_the_person(capfd, tmp_path):
    import json

    from station.cli import main
    from station.landmark_file import LandmarkTrack, write_landmarks_csv
    n = int(3 * FPS)
    track = LandmarkTrack.from_poses([pose(walker_xy(i), i) for i in range(n)], 1768, 994,
                                     meta={"fps": FPS})
    write_landmarks_csv(tmp_path / "landmarks.csv", track)
    code = main(["analyze", str(tmp_path / "landmarks.csv"), "--person", "gait",
                 "--json", str(tmp_path / "s.json")])
    capfd.readouterr()
    assert code == 0
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["person"] == "file"
    assert summary["facing"] == "left"


def test_paint_out_hides_the_others_and_never_the_subject():
    from station.pose.paint_out import paint_out_others
    image = np.random.default_rng(7).integers(0, 255, (994, 1768, 3), dtype=np.uint8)
    walker = pose(walker_xy(0, start_x=900.0), 0)
    man = pose(stander_xy(0, np.random.default_rng(8)), 0)
    twice = pose(walker_xy(0, start_x=903.0), 0)           # the walker, found again
    out = paint_out_others(image, walker, [man, twice])
    hx, hy = hip_centre_px(man.xy[None])[0].astype(int)
    assert (out[hy - 20:hy + 20, hx - 20:hx + 20] == 128).all()
    x0, y0 = np.nanmin(walker.xy, axis=0).astype(int)
    x1, y1 = np.nanmax(walker.xy, axis=0).astype(int)
    assert (out[y0:y1, x0:x1] == image[y0:y1, x0:x1]).all()
    assert out[:100, 1500:].tolist() == image[:100, 1500:].tolist()   # the background stays
    assert paint_out_others(image, walker, []) is image
