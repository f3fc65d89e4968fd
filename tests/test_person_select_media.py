"""Two people in view on a real clip: the walker is analysed, not the man on the box.

walking_side_outdoor_two_people.mp4 (SOURCES.md): a man stands on a utility box from the
first frame (hips near y=260 of 994), jumps and rolls on the grass; a woman enters at the
right about 2 s in and walks to the left edge (hips near y=720), facing image-left. The
single-person model locks onto the man first; `analyze` must notice he is not a side-on
walker and follow her.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from station.cli import main
from station.contracts import LM
from station.landmark_file import read_landmarks_csv

pytestmark = [pytest.mark.media, pytest.mark.slow]

CLIP = "walking_side_outdoor_two_people.mp4"


@pytest.fixture(scope="module")
def two_people(tmp_path_factory):
    from tests.conftest import media_clip
    out = tmp_path_factory.mktemp("two_people")
    code = main(["analyze", str(media_clip(CLIP)), "--json", str(out / "s.json"),
                 "--csv", str(out / "csv")])
    assert code == 0
    summary = json.loads((out / "s.json").read_text())
    track = read_landmarks_csv(out / "csv" / "landmarks.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # rows with nobody
        hips = np.nanmean(track.xy[:, [LM["left_hip"], LM["right_hip"]]], axis=1)
    return summary, hips, track.width, track.height


def test_walker_is_chosen_and_faces_left(two_people):
    summary, _, _, _ = two_people
    assert summary["person"] == "gait"
    assert summary["view"] == "side"
    assert summary["facing"] == "left"


def test_tracked_hips_follow_the_walker_across_the_frame(two_people):
    _, hips, width, height = two_people
    seen = np.isfinite(hips[:, 0])
    assert seen.sum() >= 60                      # 2 s of her, at least
    x, y = hips[seen, 0], hips[seen, 1]
    # She crosses most of the frame from right to left...
    assert x.max() - x.min() > 0.4 * width
    assert np.corrcoef(np.flatnonzero(seen), x)[0, 1] < -0.9
    # ...on the grass, never up on the box where the man stands.
    assert np.median(y) > 0.6 * height
    assert np.mean(y > 0.5 * height) > 0.95


def test_walker_is_reported_as_walking(two_people):
    summary, _, _, _ = two_people
    assert summary["activity"] == "walking"
    assert 85 <= summary["cadence_spm"] <= 125     # a walk, not a run


@pytest.mark.xfail(strict=True, reason="1 stride from 4 steps: her left landing at ~3.88 s "
                   "(frame ~116) is not found. The legs are followed right (frames 100-170 "
                   "checked by eye); the 2 strides read before came with her legs swapped "
                   "for frames 106-168")
def test_walker_strides_are_found(two_people):
    summary, _, _, _ = two_people
    assert summary["strides"] >= 2
