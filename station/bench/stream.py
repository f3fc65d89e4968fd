"""A synthetic runner's landmark + mask stream for the kernel and analyze benchmarks."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.synth.knobs import resolve_knobs
from station.synth.runner import SynthRunner
from station.synth.writer import iter_chunks
from station.synth.render import FrameRenderer


@dataclass
class BenchStream:
    t_s: np.ndarray              # (n,)
    xy: np.ndarray               # (n, 33, 2) float64, 2 px jitter
    vis: np.ndarray
    masks: list[np.ndarray]      # n bool HxW
    contacts: np.ndarray         # (m,) truth contact times, s
    facing_sign: int
    fps: float


def bench_stream(seconds: float = 10.0, fps: float = 30.0, seed: int = 0) -> BenchStream:
    knobs = resolve_knobs({"fps": fps, "jitter_px": 2.0, "drop_pct": 2.0})
    runner = SynthRunner(knobs, seconds)
    renderer = FrameRenderer(runner)
    ts, xys, vis, masks = [], [], [], []
    for c in iter_chunks(runner, seed, renderer=renderer):
        ts.append(c.t_ns / 1e9)
        xys.append(c.xy.astype(np.float64))
        vis.append(c.vis)
        masks += list(c.masks)
    t = np.concatenate(ts)
    contacts = runner.steps.t_contact
    return BenchStream(t, np.concatenate(xys), np.concatenate(vis), masks,
                       contacts[(contacts > t[0]) & (contacts < t[-1])],
                       runner.facing_sign, fps)
