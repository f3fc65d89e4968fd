"""Pose and pipeline figures on real footage, and the live loop's latency.

- pose: the model's own time per frame (decode not counted), mask on and off;
- pipeline: the whole per-frame work of `station run` (pose, kernels, cues, screen state)
  against pose alone on the same frames — two estimators stepped alternately on each frame,
  so both see the same machine load;
- latency: the live loop in real time (synthetic runner rendered, MediaPipe on it, screen
  drawn in memory): capture -> metrics and capture -> cue on screen percentiles.
"""
from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path
from typing import Any

import numpy as np

from hardware.video_file import VideoFileSource
from station.config import default_config
from station.live.processor import Processor, ProcessorSettings
from station.live.stats import FrameTimes
from station.pose import make_pose_estimator


class _NoBuzzer:
    def play_cue(self, cue_id: str, at_ns: int | None = None) -> None:
        pass

    def schedule_ticks(self, times_ns: object) -> None:
        pass


def _ms(samples: list[float]) -> float:
    return round(float(np.mean(samples)) * 1e3, 2)


def bench_pose_and_pipeline(clip: Path, n_frames: int) -> dict[str, Any]:
    out: dict[str, Any] = {"pose_clip": clip.name}
    pose_s, pose_nomask_s, pipe_s = [], [], []
    with VideoFileSource(clip) as src, \
            make_pose_estimator(segmentation=True) as est_pose, \
            make_pose_estimator(segmentation=False) as est_nomask, \
            make_pose_estimator(segmentation=True) as est_pipe:
        out["pose_resolution"] = f"{src.size_px[0]}x{src.size_px[1]}"
        proc = Processor(est_pipe, default_config(), ProcessorSettings(fps=src.fps), _NoBuzzer())
        for i, frame in enumerate(src):
            if i >= n_frames:
                break
            t0 = time.perf_counter()
            est_pose.estimate(frame)
            t1 = time.perf_counter()
            est_nomask.estimate(frame)
            t2 = time.perf_counter()
            proc.process(frame, FrameTimes(frame.seq, frame.t_ns, time.monotonic_ns()))
            t3 = time.perf_counter()
            if i >= 5:  # the first frames include graph start-up
                pose_s.append(t1 - t0)
                pose_nomask_s.append(t2 - t1)
                pipe_s.append(t3 - t2)
    if len(pose_s) < 5:
        raise ValueError(f"{clip}: too few frames to time ({len(pose_s) + 5})")
    out["pose_frames"] = len(pose_s)
    out["pose_ms_per_frame"] = _ms(pose_s)
    out["pose_ms_p95"] = round(float(np.percentile(pose_s, 95)) * 1e3, 2)
    out["pose_ms_per_frame_no_mask"] = _ms(pose_nomask_s)
    out["pipeline_ms_per_frame"] = _ms(pipe_s)
    out["pipeline_overhead_pct"] = round((np.mean(pipe_s) / np.mean(pose_s) - 1) * 100, 1)
    return out


def bench_latency(seconds: float = 20.0) -> dict[str, Any]:
    """`station demo --real-pose` in a child process: its stats file, including its own
    peak memory (the live station's, not this benchmark's buffers or the JIT child's)."""
    import json
    import subprocess
    import sys
    stats = Path(_tmp_name("latency.json"))
    subprocess.run([sys.executable, "-m", "station", "demo", "--headless", "--no-gpio",
                    "--real-pose", "--seconds", str(seconds), "--stats-json", str(stats)],
                   check=True, capture_output=True)
    s = json.loads(stats.read_text())
    stats.unlink()
    period_ms = 1000.0 / 30.0
    return {
        "latency_source": "station demo --real-pose: synthetic runner 640x480 rendered, "
                          "MediaPipe on each frame, realtime, screen drawn in memory",
        "latency_fps": s["fps"],
        "latency_frames_dropped": s["frames_dropped"],
        "latency_metrics_p50_ms": s["latency_capture_to_metrics_p50_ms"],
        "latency_metrics_p95_ms": s["latency_capture_to_metrics_p95_ms"],
        "latency_p50_ms": s["latency_capture_to_cue_p50_ms"],
        "latency_p95_ms": s["latency_capture_to_cue_p95_ms"],
        "latency_cues": s["cues_on_screen"],
        "latency_pose_ms_p50": s["pose_ms_p50"],
        "latency_target_p95_ms": None if s["pose_ms_p50"] is None else
        round(s["pose_ms_p50"] + period_ms + 10.0, 1),
        "rss_mb": s["rss_mb"],
    }


def _tmp_name(name: str) -> str:
    import tempfile
    return str(Path(tempfile.gettempdir()) / f"station-bench-{time.monotonic_ns()}-{name}")

