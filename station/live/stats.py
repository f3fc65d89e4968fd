"""Live-loop statistics: frame rate, dropped frames, stage latencies (measured, not guessed)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class FrameTimes:
    """Monotonic ns at each stage of one frame's trip through the loop."""

    seq: int
    t_capture_ns: int           # frame time from the source (container/sensor/due time)
    t_arrival_ns: int           # the capture thread got the frame (monotonic)
    t_pose_ns: int = 0          # pose estimate ready
    t_metrics_ns: int = 0       # kernels and cue engine done


@dataclass
class LoopStats:
    frames_read: int = 0
    frames_processed: int = 0
    frames_dropped: int = 0
    first_arrival_ns: int | None = None
    last_done_ns: int | None = None
    capture_to_metrics_ms: list[float] = field(default_factory=list)
    capture_to_cue_on_screen_ms: list[float] = field(default_factory=list)
    pose_ms: list[float] = field(default_factory=list)
    cues: int = 0
    strides: int = 0

    def record_processed(self, times: FrameTimes) -> None:
        self.frames_processed += 1
        if self.first_arrival_ns is None:
            self.first_arrival_ns = times.t_arrival_ns
        self.last_done_ns = times.t_metrics_ns
        self.capture_to_metrics_ms.append((times.t_metrics_ns - times.t_arrival_ns) / 1e6)
        self.pose_ms.append((times.t_pose_ns - times.t_arrival_ns) / 1e6)

    def record_cue_drawn(self, t_arrival_ns: int, t_drawn_ns: int) -> None:
        self.capture_to_cue_on_screen_ms.append((t_drawn_ns - t_arrival_ns) / 1e6)

    @property
    def fps(self) -> float:
        if self.first_arrival_ns is None or self.last_done_ns is None or self.frames_processed < 2:
            return math.nan
        span = (self.last_done_ns - self.first_arrival_ns) / 1e9
        return self.frames_processed / span if span > 0 else math.nan

    def as_dict(self) -> dict[str, Any]:
        def pct(v: list[float], q: float) -> float | None:
            return round(float(np.percentile(v, q)), 2) if v else None
        return {
            "fps": None if math.isnan(self.fps) else round(self.fps, 2),
            "frames_read": self.frames_read,
            "frames_processed": self.frames_processed,
            "frames_dropped": self.frames_dropped,
            "latency_capture_to_metrics_p50_ms": pct(self.capture_to_metrics_ms, 50),
            "latency_capture_to_metrics_p95_ms": pct(self.capture_to_metrics_ms, 95),
            "latency_capture_to_cue_p50_ms": pct(self.capture_to_cue_on_screen_ms, 50),
            "latency_capture_to_cue_p95_ms": pct(self.capture_to_cue_on_screen_ms, 95),
            "cues_on_screen": len(self.capture_to_cue_on_screen_ms),
            "pose_ms_p50": pct(self.pose_ms, 50),
            "strides": self.strides,
            "cues": self.cues,
        }
