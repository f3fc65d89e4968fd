"""station/live/sources.py: with a pose model on the synthetic runner's pictures, the feed
keeps no landmarks and masks for an estimator that never asks for them."""
from __future__ import annotations

import pytest

from station.config import default_config
from station.live.sources import make_estimator, open_source
from station.synth.live import KEEP_FRAMES


def _source():
    return open_source("synthetic", default_config(), realtime=False, synthetic_seconds=3.0)


def test_synthetic_pose_keeps_the_recent_frames() -> None:
    src = _source()
    est = make_estimator("synthetic", src, real_pose=False)
    assert src.feed.keep_frames == KEEP_FRAMES
    frame = next(iter(src))
    assert src.feed.landmarks_for(frame.seq) is not None
    est.close()
    src.close()


def test_real_pose_on_the_synthetic_runner_keeps_none() -> None:
    pytest.importorskip("mediapipe")
    src = _source()
    est = make_estimator("synthetic", src, real_pose=True)
    try:
        assert src.feed.keep_frames == 0
        it = iter(src)
        seqs = [next(it).seq for _ in range(20)]
        assert all(src.feed.landmarks_for(s) is None for s in seqs)
    finally:
        est.close()
        src.close()
