"""The processor on the synthetic runner, frame by frame: session, cues, buzzer, screens."""
from __future__ import annotations

import pytest

from hardware.synthetic_source import SyntheticFrameSource
from station.commands.demo import demo_scenario
from station.config import default_config
from station.live.processor import Processor, ProcessorSettings
from station.live.stats import FrameTimes
from station.pose.synthetic import SyntheticPoseEstimator


class RecordingBuzzer:
    def __init__(self) -> None:
        self.cues: list[str] = []
        self.ticks: list[int] = []

    def play_cue(self, cue_id: str, at_ns: int | None = None) -> None:
        self.cues.append(cue_id)

    def schedule_ticks(self, times_ns) -> None:
        self.ticks += list(times_ns)


@pytest.fixture(scope="module")
def demo_run():
    seconds = 26.0
    source = SyntheticFrameSource(demo_scenario(seconds), seconds=seconds, realtime=False)
    buzzer = RecordingBuzzer()
    proc = Processor(SyntheticPoseEstimator(source.feed), default_config(),
                     ProcessorSettings(fps=source.fps), buzzer, clock_ns=lambda: 0)
    outcomes = []
    for frame in source:
        outcomes.append((frame.t_ns / 1e9, proc.process(frame, FrameTimes(frame.seq, frame.t_ns, 0))))
    return outcomes, buzzer, seconds


def test_idle_until_the_runner_appears_then_running(demo_run):
    outcomes, _, _ = demo_run
    modes = [(t, o.state.mode) for t, o in outcomes]
    assert all(m == "idle" for t, m in modes if t < 0.9)      # absent for the first second
    assert sum(m == "running" for t, m in modes if t > 8) > 0.9 * sum(1 for t, _ in modes if t > 8)


def test_session_starts_by_itself_and_no_cue_comes_before(demo_run):
    outcomes, _, _ = demo_run
    starts = [(t, c) for t, o in outcomes for c in o.session_changes if c.kind == "started"]
    assert len(starts) == 1 and starts[0][1].reason == "running"
    first_cue_t = min(t for t, o in outcomes if o.cue is not None)
    assert first_cue_t > starts[0][0]


def test_poor_form_is_cued_then_the_fix_is_praised(demo_run):
    outcomes, buzzer, seconds = demo_run
    change_at = 0.55 * seconds
    cues = [(t, o.cue.id) for t, o in outcomes if o.cue is not None]
    early = {c for t, c in cues if t < change_at}
    assert early & {"tuck_tailbone", "ribs_down", "shorten_stride", "land_midfoot"}
    assert "good_form" in {c for t, c in cues if t > change_at}
    # The buzzer heard every cue, at once (same order), without waiting for a screen.
    assert buzzer.cues == [c for _, c in cues]


def test_cue_shows_on_screen_and_gauges_fill(demo_run):
    outcomes, _, _ = demo_run
    shown = [o.state for t, o in outcomes if o.state.cue is not None]
    assert shown and all(s.mode == "running" for s in shown)
    last = outcomes[-1][1].state
    assert any(g.value == g.value for g in last.gauges)       # some gauge has a value
    assert 150 < last.cadence_spm < 190
