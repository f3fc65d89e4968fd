"""Metronome: baseline and target cadence, and predicted ticks that land on the beat."""
from __future__ import annotations

import math
import random

import pytest

from station.config import MetronomeConfig, config_from_dict
from station.metronome import BeatPlanner, CadenceBaseline, Metronome

S = 1_000_000_000
MS = 1_000_000
TOL_NS = 10 * MS


def metronome_cfg(**changes) -> MetronomeConfig:
    return config_from_dict({"metronome": changes}).metronome


def simulate_loop(m: Metronome, start_ns: int, end_ns: int, *, stride_spm: float = 165.0,
                  lookahead_ns: int = 200 * MS, seed: int = 1,
                  events: dict[int, MetronomeConfig] | None = None,
                  batches: list[tuple[int, list[int]]] | None = None) -> list[int]:
    """A live loop: frames every ~33 ms with jitter, a stride every 2 steps, ticks asked for
    at each frame. `events` maps a time to a new config applied at the first frame after it.
    Returns every tick handed out; `batches` collects (frame time, ticks handed out then)."""
    rng = random.Random(seed)
    events = dict(events or {})
    ticks: list[int] = []
    now = start_ns
    next_stride = start_ns
    while now < end_ns:
        for t_evt in sorted(events):
            if now >= t_evt:
                m.configure(events.pop(t_evt), now)
        if now >= next_stride:
            m.observe_stride(now, stride_spm + rng.uniform(-2.0, 2.0))
            next_stride += round(2 * 60 * S / stride_spm)
        batch = m.due_ticks(now, lookahead_ns)
        ticks += batch
        if batches is not None:
            batches.append((now, batch))
        now += rng.randint(25 * MS, 45 * MS)
    return ticks


def expected_grid(first_ns: int, spm: float, until_ns: int) -> list[int]:
    period = 60 * S / spm
    return [first_ns + round(k * period) for k in range(int((until_ns - first_ns) / period) + 1)]


def assert_on_grid(ticks: list[int], grid: list[int]) -> None:
    assert len(ticks) == len(grid), (len(ticks), len(grid))
    for got, want in zip(ticks, grid):
        assert abs(got - want) <= TOL_NS, (got - want) / MS


def test_fixed_target_ticks_on_the_beat_for_a_minute():
    m = Metronome(metronome_cfg(mode="fixed_spm", spm=172.0))
    start = 5 * S
    ticks = simulate_loop(m, start, start + 60 * S)
    first = start + round(60 * S / 172.0)  # phase-locked to the first contact
    grid = expected_grid(first, 172.0, ticks[-1])
    assert_on_grid(ticks, grid)
    assert len(ticks) >= 170
    assert len(set(ticks)) == len(ticks)  # each beat handed out once


def test_ticks_are_predicted_not_quantised_to_the_loop():
    # The loop polls every ~33 ms; a tick decided at poll time would be up to 33 ms late.
    # Predicted ticks sit on the beat regardless of when the loop asked.
    m = Metronome(metronome_cfg(mode="fixed_spm", spm=180.0))
    ticks = simulate_loop(m, 0, 20 * S, seed=7)
    intervals = [b - a for a, b in zip(ticks, ticks[1:])]
    period = 60 * S / 180.0
    assert max(abs(iv - period) for iv in intervals) <= 1  # ns rounding only


def test_target_change_mid_way_replans_without_a_jump():
    m = Metronome(metronome_cfg(mode="fixed_spm", spm=170.0))
    change_at = 30 * S
    lookahead = 200 * MS
    batches: list[tuple[int, list[int]]] = []
    ticks = simulate_loop(m, 0, 60 * S, lookahead_ns=lookahead, batches=batches,
                          events={change_at: metronome_cfg(mode="fixed_spm", spm=180.0)})
    # Independent expectation: beats at 170 spm up to the last one handed out before the
    # change, which becomes the new phase; then beats at 180 spm from there.
    last_old = max(t for now, batch in batches if now < change_at for t in batch)
    assert change_at - lookahead < last_old <= change_at + lookahead
    grid1 = [b for b in expected_grid(round(60 * S / 170.0), 170.0, last_old)]
    grid2 = expected_grid(last_old, 180.0, ticks[-1])[1:]
    assert grid1[-1] == last_old
    assert_on_grid(ticks, grid1 + grid2)
    # and no interval anywhere outside the two periods: no jump, no double tick
    p1, p2 = 60 * S / 170.0, 60 * S / 180.0
    for a, b in zip(ticks, ticks[1:]):
        assert p2 - TOL_NS <= b - a <= p1 + TOL_NS


def test_baseline_pct_target_after_the_first_minute():
    m = Metronome(metronome_cfg(mode="baseline_pct", pct=5.0))
    rng = random.Random(3)
    t = 0
    cadences = []
    while t < 59 * S:
        c = 160.0 + rng.uniform(-3, 3)
        cadences.append(c)
        m.observe_stride(t, c)
        assert m.target_spm is None  # not before a minute of running
        assert m.due_ticks(t, 200 * MS) == []
        t += 700 * MS
    while m.target_spm is None:
        m.observe_stride(t, 160.0)
        cadences.append(160.0)
        t += 700 * MS
    assert m.baseline_spm == pytest.approx(sorted(cadences)[len(cadences) // 2], abs=1.5)
    assert m.target_spm == pytest.approx(m.baseline_spm * 1.05)
    ticks = m.due_ticks(t, 2 * S)
    assert len(ticks) >= 5


def test_baseline_ignores_nan_and_waits_for_enough_strides():
    b = CadenceBaseline(window_s=60.0, min_strides=20)
    for i in range(10):  # only 10 measured strides in the first minute
        b.observe(i * 6 * S, 150.0)
        b.observe(i * 6 * S + S, math.nan)
    b.observe(61 * S, 150.0)
    assert b.baseline_spm is None
    for i in range(9):
        b.observe(62 * S + i * S, 170.0)
    assert b.baseline_spm == 150.0  # median of 11 x 150 and 9 x 170 ... once 20 are in


def test_baseline_pct_mid_session_change_keeps_the_beat():
    m = Metronome(metronome_cfg(mode="baseline_pct", pct=5.0, baseline_window_s=10.0,
                                min_baseline_strides=5))
    ticks = simulate_loop(m, 0, 60 * S, stride_spm=160.0,
                          events={35 * S: metronome_cfg(mode="baseline_pct", pct=10.0,
                                                        baseline_window_s=10.0,
                                                        min_baseline_strides=5)})
    base = m.baseline_spm
    p1, p2 = 60 * S / (base * 1.05), 60 * S / (base * 1.10)
    intervals = [b - a for a, b in zip(ticks, ticks[1:])]
    assert all(min(abs(iv - p1), abs(iv - p2)) <= TOL_NS for iv in intervals)
    assert intervals[0] == pytest.approx(p1, abs=1)
    assert intervals[-1] == pytest.approx(p2, abs=1)


def test_mode_off_gives_no_target_and_no_ticks():
    m = Metronome(metronome_cfg(mode="off"))
    assert simulate_loop(m, 0, 70 * S) == []
    assert m.target_spm is None


def test_reset_stops_ticking_and_forgets_the_runner():
    m = Metronome(metronome_cfg(mode="fixed_spm", spm=170.0))
    m.observe_stride(0, 165.0)
    assert m.due_ticks(0, S)
    m.reset()
    assert m.target_spm is None
    assert m.due_ticks(S, 5 * S) == []


def test_planner_skips_beats_already_past():
    p = BeatPlanner()
    p.start(0, 120.0)  # a beat every 0.5 s
    assert p.due(0, 1 * S) == [0, 500 * MS, 1000 * MS]
    # the loop stalls for 3 s: the missed beats are not handed out late
    assert p.due(4_200 * MS, 5 * S) == [4_500 * MS, 5_000 * MS]


def test_planner_rate_change_before_any_tick_keeps_the_phase():
    p = BeatPlanner()
    p.start(1 * S, 60.0)
    p.set_rate(120.0, now_ns=3_200 * MS)  # nothing handed out: anchor at the beat at 3 s
    assert p.due(3_200 * MS, 5 * S) == [3_500 * MS, 4_000 * MS, 4_500 * MS, 5_000 * MS]
