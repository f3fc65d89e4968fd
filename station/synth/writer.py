"""Writes a synthetic clip: landmarks.csv (+ masks.npz), clean/landmarks.csv (noise-free),
truth.json and runner.mp4, into one folder."""
from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np

from station.landmark_file import LandmarkTrack, write_landmarks_csv
from station.synth.knobs import KnobSet
from station.synth.noise import noisy_landmarks
from station.synth.render import FrameRenderer, render_frames
from station.synth.runner import SynthRunner
from station.synth.truth import compute_truth

log = logging.getLogger(__name__)

CHUNK_FRAMES = 120
VIDEO_NAME, TRUTH_NAME, LANDMARKS_NAME = "runner.mp4", "truth.json", "landmarks.csv"
CLEAN_DIR = "clean"


@dataclass
class FrameChunk:
    """Consecutive frames: clean and noisy landmarks, and optionally images and masks."""

    index: np.ndarray           # frame numbers
    t_ns: np.ndarray
    clean_xy: np.ndarray        # (n, 33, 2) float64, NaN when absent
    xy: np.ndarray              # (n, 33, 2) float32 with noise, NaN below visibility
    vis: np.ndarray             # (n, 33) float32
    present: np.ndarray
    images: list[np.ndarray] | None = None
    masks: list[np.ndarray] | None = None


def iter_chunks(runner: SynthRunner, seed: int, start: int = 0, stop: int | None = None,
                chunk: int = CHUNK_FRAMES, renderer: FrameRenderer | None = None
                ) -> Iterator[FrameChunk]:
    t_ns_all = runner.frame_t_ns()
    stop = len(t_ns_all) if stop is None else min(stop, len(t_ns_all))
    scene = runner.knobs.scene
    for i0 in range(start, stop, chunk):
        idx = np.arange(i0, min(i0 + chunk, stop))
        t_s = t_ns_all[idx] / 1e9
        pose = runner.world_pose(t_s)
        clean = runner.landmarks_px(pose)
        xy, vis = noisy_landmarks(clean, pose.present, idx, scene, runner.fps, seed,
                                  runner.facing_sign)
        fc = FrameChunk(idx, t_ns_all[idx], clean, xy, vis, pose.present)
        if renderer is not None:
            fc.images, fc.masks = render_frames(runner, pose, runner.belt_travel_cm(t_s), renderer)
        yield fc


def _clean_track(chunks: list[FrameChunk], meta: dict[str, Any], w: int, h: int
                 ) -> LandmarkTrack:
    xy = np.concatenate([c.clean_xy for c in chunks]).astype(np.float32)
    present = np.concatenate([c.present for c in chunks])
    inside = (xy[..., 0] >= 0) & (xy[..., 0] < w) & (xy[..., 1] >= 0) & (xy[..., 1] < h)
    vis = (inside & present[:, None]).astype(np.float32)
    xy[vis < 0.5] = np.nan
    return LandmarkTrack(t_ns=np.concatenate([c.t_ns for c in chunks]),
                         seq=np.concatenate([c.index for c in chunks]).astype(np.int64),
                         xy=xy, vis=vis, width=w, height=h, meta=dict(meta, clean=True))


def _json_safe(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_safe(v) for v in obj]
    return obj


def write_clip(out_dir: Path, knobs: KnobSet, seconds: float, seed: int,
               video: bool = True) -> dict[str, Any]:
    """Generate the clip into `out_dir`; returns a small summary (paths, timings)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    runner = SynthRunner(knobs, seconds)
    w, h = knobs.scene["width"], knobs.scene["height"]
    renderer = FrameRenderer(runner) if video else None
    writer = None
    if video:
        writer = cv2.VideoWriter(str(out_dir / VIDEO_NAME), cv2.VideoWriter_fourcc(*"mp4v"),
                                 runner.fps, (w, h))
        if not writer.isOpened():
            raise RuntimeError(f"cv2.VideoWriter could not open {out_dir / VIDEO_NAME}")
    chunks, packed = [], []
    try:
        for c in iter_chunks(runner, seed, renderer=renderer):
            if writer is not None:
                for img, m in zip(c.images, c.masks):
                    writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
                    packed.append(np.packbits(m, axis=-1))
                c.images = c.masks = None
            chunks.append(c)
    finally:
        if writer is not None:
            writer.release()
    t_frames = time.perf_counter()
    meta = {"source": "station synth", "fps": runner.fps, "seed": seed,
            "facing": knobs.scene["facing"], "seconds": seconds}
    masks = None
    if packed:
        masks = np.unpackbits(np.stack(packed), axis=-1, count=w).astype(bool)
    track = LandmarkTrack(
        t_ns=np.concatenate([c.t_ns for c in chunks]),
        seq=np.concatenate([c.index for c in chunks]).astype(np.int64),
        xy=np.concatenate([c.xy for c in chunks]), vis=np.concatenate([c.vis for c in chunks]),
        width=w, height=h, meta=meta, masks=masks)
    write_landmarks_csv(out_dir / LANDMARKS_NAME, track)
    del masks, track
    write_landmarks_csv(out_dir / CLEAN_DIR / LANDMARKS_NAME, _clean_track(chunks, meta, w, h))
    truth = compute_truth(runner)
    truth.update({"knobs": knobs.as_json(), "seed": seed, "seconds": seconds, "fps": runner.fps,
                  "width": w, "height": h, "frames": int(len(runner.frame_t_ns())),
                  "runner_height_cm": runner.body.height_cm})
    (out_dir / TRUTH_NAME).write_text(json.dumps(_json_safe(truth), indent=1, sort_keys=False))
    t_end = time.perf_counter()
    log.info("frames %.1fs, files+truth %.1fs", t_frames - t_start, t_end - t_frames)
    return {"out": str(out_dir), "frames": truth["frames"], "strides": len(truth["strides"]),
            "seconds_taken": t_end - t_start}
