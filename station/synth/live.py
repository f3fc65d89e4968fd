"""A synthetic runner rendered frame by frame, for the live loop and the demo.

`SyntheticFeed` renders frames in small chunks on demand and keeps the landmarks and
mask of the recent frames, keyed by frame number, so a pose estimator can hand the
exact (or noisy) landmarks for a frame to the live loop instead of running a model.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from station.synth.knobs import KnobSet, resolve_knobs
from station.synth.render import FrameRenderer
from station.synth.runner import SynthRunner
from station.synth.writer import iter_chunks

LIVE_CHUNK_FRAMES = 15
KEEP_FRAMES = 60           # landmarks kept for frames not yet asked for by the estimator

DEMO_CHANGE_AT_S = 40.0
_NO_IMAGE = np.zeros((0, 0, 3), np.uint8)


def demo_knobs(seconds: float = 3600.0) -> KnobSet:
    """The demo runner: steps on after 2 s with poor form (overstriding heel strike, low
    cadence, swayback, flared ribs, head forward), fixes it at 40 s; mild tracking noise."""
    return resolve_knobs({"change_at_s": DEMO_CHANGE_AT_S, "change_ramp_s": 6.0,
                          "absent_s": 2.0, "jitter_px": 1.0, "far_leg_vis": 0.8},
                         preset="good", start_preset="poor")


@dataclass(frozen=True)
class FeedFrame:
    seq: int
    t_ns: int                   # scenario time of the frame
    image: np.ndarray           # RGB uint8
    xy: np.ndarray              # (33, 2) float32, noisy, NaN below visibility
    vis: np.ndarray             # (33,) float32
    clean_xy: np.ndarray        # (33, 2) float32, NaN when absent
    mask: np.ndarray            # bool HxW


class SyntheticFeed:
    def __init__(self, knobs: KnobSet | None = None, seconds: float = 3600.0,
                 seed: int = 0) -> None:
        self.knobs = knobs if knobs is not None else demo_knobs(seconds)
        self.runner = SynthRunner(self.knobs, seconds)
        self.seed = seed
        self.renderer = FrameRenderer(self.runner)
        self.frame_count = len(self.runner.frame_t_ns())
        self._pending: list[FeedFrame] = []
        self._next = 0
        self._kept: OrderedDict[int, FeedFrame] = OrderedDict()
        #: Frames whose landmarks and mask stay for landmarks_for (0 when a pose model
        #: reads the pictures instead: ~18 MB of masks nobody asks for).
        self.keep_frames = KEEP_FRAMES

    @property
    def fps(self) -> float:
        return self.runner.fps

    @property
    def size_px(self) -> tuple[int, int]:
        return self.knobs.scene["width"], self.knobs.scene["height"]

    def _render_more(self) -> None:
        stop = min(self._next + LIVE_CHUNK_FRAMES, self.frame_count)
        for c in iter_chunks(self.runner, self.seed, self._next, stop, LIVE_CHUNK_FRAMES,
                             self.renderer):
            for j in range(len(c.index)):
                self._pending.append(FeedFrame(
                    int(c.index[j]), int(c.t_ns[j]), c.images[j], c.xy[j], c.vis[j],
                    c.clean_xy[j].astype(np.float32), c.masks[j]))
        self._next = stop

    def frame(self, seq: int) -> FeedFrame | None:
        """Frame `seq`. Frames go forward only; skipped frames are never rendered."""
        if seq >= self.frame_count:
            return None
        if seq >= self._next:
            self._pending = []
            self._next = seq
            self._render_more()
        self._pending = [f for f in self._pending if f.seq >= seq]
        if not self._pending or self._pending[0].seq != seq:
            raise ValueError(f"frame {seq} was already handed out; frames go forward only")
        f = self._pending.pop(0)
        # The estimator needs landmarks and mask, not the picture: keep ~1.2 MB less a frame.
        if self.keep_frames > 0:
            self._kept[f.seq] = replace(f, image=_NO_IMAGE)
        while len(self._kept) > self.keep_frames:
            self._kept.popitem(last=False)
        return f

    def landmarks_for(self, seq: int) -> FeedFrame | None:
        """The frame data for a frame already handed out, or None when forgotten."""
        return self._kept.get(seq)
