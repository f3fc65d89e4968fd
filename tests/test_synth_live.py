"""The live synthetic source and its pose estimator, on a fake clock."""
from __future__ import annotations

import numpy as np

from hardware.synthetic_source import SyntheticFrameSource
from station.contracts import LM
from station.pose.synthetic import SyntheticPoseEstimator
from station.synth.knobs import resolve_knobs
from station.synth.writer import iter_chunks

KNOBS = {"width": 320, "height": 240, "fps": 20.0, "jitter_px": 2.0}


class FakeClock:
    def __init__(self) -> None:
        self.now_ns = 1_000_000_000
        self.sleeps: list[float] = []

    def __call__(self) -> int:
        return self.now_ns

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now_ns += int(round(s * 1e9))


def make_source(realtime: bool, clock: FakeClock | None = None) -> SyntheticFrameSource:
    clock = clock or FakeClock()
    return SyntheticFrameSource(resolve_knobs(KNOBS), seconds=6.0, seed=4, realtime=realtime,
                                clock_ns=clock, sleep_s=clock.sleep)


def test_paced_source_waits_for_each_frame_and_skips_when_late():
    clock = FakeClock()
    with make_source(True, clock) as src:
        frames = [src.read() for _ in range(5)]
        assert [f.seq for f in frames] == [0, 1, 2, 3, 4]
        dt = np.diff([f.t_ns for f in frames])
        assert (dt == 50_000_000).all()
        assert clock.now_ns == frames[-1].t_ns           # it slept until each was due
        clock.now_ns += 230_000_000                       # the reader stalls 230 ms
        f = src.read()
        assert f.seq == 8 and src.skipped_frames == 3     # 5, 6, 7 were never rendered
        assert f.image.shape == (240, 320, 3) and f.image.dtype == np.uint8


def test_unpaced_source_is_the_clip_and_estimator_returns_its_landmarks():
    src = make_source(False)
    est = SyntheticPoseEstimator(src.feed)
    exact = SyntheticPoseEstimator(src.feed, noisy=False)
    runner = src.feed.runner
    ref = next(iter_chunks(runner, 4, 0, 60, chunk=60))
    for i in range(60):
        frame = src.read()
        assert frame.seq == i and frame.t_ns == ref.t_ns[i]
        pose = est.estimate(frame)
        np.testing.assert_array_equal(pose.xy, ref.xy[i])
        clean = exact.estimate(frame)
        np.testing.assert_allclose(clean.xy, ref.clean_xy[i], atol=1e-4)
        m = pose.mask
        assert m.shape == (240, 320) and m.dtype == np.uint8
        x, y = np.round(clean.xy[LM["right_hip"]]).astype(int)
        assert m[y, x] == 255
    assert src.frame_count == 120
    for _ in range(60):
        assert src.read() is not None
    assert src.read() is None
    src.close()


def test_estimator_gives_empty_pose_for_unknown_frames():
    src = make_source(False)
    est = SyntheticPoseEstimator(src.feed)
    frame = src.read()
    from station.contracts import Frame
    other = Frame(frame.image, frame.t_ns, 10_000)
    assert not est.estimate(other).found
