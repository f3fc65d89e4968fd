from __future__ import annotations

import numpy as np
import pytest

from hardware.video_file import VideoFileSource
from station.contracts import LM
from station.errors import SourceError
from tests.videos import solid_frames, write_video


def test_frames_are_rgb_timed_by_the_container(tmp_path):
    path = write_video(tmp_path / "red.mp4", solid_frames(12), fps=25)
    with VideoFileSource(path) as src:
        frames = list(src)
    assert len(frames) == 12
    assert [f.seq for f in frames] == list(range(12))
    # 25 fps: one frame every 40 ms, from the container's timestamps.
    assert np.allclose(np.diff([f.t_ns for f in frames]), 40e6, atol=1e6)
    img = frames[0].image
    assert img.shape == (64, 96, 3) and img.dtype == np.uint8
    r, g, b = img[32, 48].astype(int)
    assert r > 150 and g < 80 and b < 80, "channels must come out RGB, not OpenCV's BGR"


def test_time_scale_turns_slow_motion_into_real_time(tmp_path):
    path = write_video(tmp_path / "slow.mp4", solid_frames(10), fps=30)
    with VideoFileSource(path, time_scale=4.0) as src:
        times = [f.t_ns for f in src]
        assert src.fps == pytest.approx(120.0)
    assert np.allclose(np.diff(times), 1e9 / 120, atol=1e6)


@pytest.mark.parametrize("scale", [0.0, -2.0, float("nan")])
def test_bad_time_scale_is_refused(tmp_path, scale):
    path = write_video(tmp_path / "v.mp4", solid_frames(3), fps=30)
    with pytest.raises(SourceError, match="time-scale"):
        VideoFileSource(path, time_scale=scale)


def test_missing_and_unreadable_files_say_why(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        VideoFileSource(tmp_path / "nope.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("just some text\n")
    with pytest.raises(SourceError, match="not a video file"):
        VideoFileSource(text)


@pytest.mark.media
def test_portrait_phone_clip_comes_out_upright(media):
    """The gym clip is stored landscape with a rotation flag: frames must be portrait."""
    with VideoFileSource(media("treadmill_side_gym_60fps_portrait.mp4")) as src:
        assert src.size_px == (1080, 1920)
        assert src.fps == pytest.approx(60.0)
        assert src.frame_count == 388
        frame = src.read()
    assert frame.image.shape == (1920, 1080, 3)


@pytest.mark.media
def test_vp9_clip_decodes(media):
    with VideoFileSource(media("walking_side_outdoor_two_people.mp4")) as src:
        frame = src.read()
    assert frame.image.shape == (994, 1768, 3)
    assert frame.image.std() > 10  # a real picture, not a grey decode failure
