"""Matched frames: the same gait phase (initial contact, mid-stance, toe-off) of a typical
stride from each session, with the skeleton drawn. On the kept video when there is one,
otherwise on a plain background (skeleton only)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from station.contracts import LM, Pose
from station.overlay import draw_pose_bgr
from station.report.data import SessionData
from station.store.store import SessionFrames, Store
from station.store.video import read_video_frames

PHASES = ("initial contact", "mid-stance", "toe-off")
PANEL_H_PX = 360
#: Metrics whose typical values pick the stride shown (closest to the session medians).
TYPICAL_BY = ("overstride_pct", "shank_angle_ic_deg", "trunk_lean_deg", "knee_flexion_ic_deg",
              "foot_strike_angle_deg", "hip_extension_deg", "cadence_spm")


@dataclass
class PhaseImage:
    phase: str
    t_s: float            # since the session start
    png: bytes
    on_video: bool


@dataclass
class MatchedFrames:
    session_id: int
    foot: str
    stride_t_s: float
    images: list[PhaseImage]
    note: str = ""


def near_foot(frames: SessionFrames) -> str:
    """The leg nearer the camera is the better seen one."""
    if not len(frames):
        return "left"
    left = float(np.nanmean(frames.vis[:, LM["left_ankle"]]))
    right = float(np.nanmean(frames.vis[:, LM["right_ankle"]]))
    return "left" if left >= right else "right"


def _typical_stride(data: SessionData, foot: str):
    strides = [s for s in data.strides if s.foot == foot]
    best, best_cost = None, math.inf
    for s in strides:
        cost, used = 0.0, 0
        for name in TYPICAL_BY:
            m = data.metrics[name]
            v = s.values.get(name, math.nan)
            if m.n < 2 or not math.isfinite(v):
                continue
            spread = max(m.p90 - m.p10, 1e-6)
            cost += abs(v - m.median) / spread
            used += 1
        if used and cost / used < best_cost:
            best, best_cost = s, cost / used
    return best


def _phase_times(data: SessionData, stride, foot: str) -> list[int] | None:
    contacts = [e.t_ns for e in data.events if e.kind == "contact" and e.foot == foot
                and e.t_ns < stride.t_ns - 1_000_000]
    if not contacts:
        return None
    c0 = contacts[-1]
    toes = [e.t_ns for e in data.events if e.kind == "toe_off" and e.foot == foot
            and c0 < e.t_ns < stride.t_ns]
    if not toes:
        return None
    return [c0, (c0 + toes[0]) // 2, toes[0]]


def _crop_box(xy: np.ndarray, w: int, h: int) -> tuple[int, int, int, int]:
    ok = np.isfinite(xy).all(axis=1)
    if not ok.any():
        return 0, 0, w, h
    x0, y0 = xy[ok].min(axis=0)
    x1, y1 = xy[ok].max(axis=0)
    bh = max(y1 - y0, 1.0)
    pad = 0.18 * bh
    cy0, cy1 = y0 - pad, y1 + pad
    cw = max((cy1 - cy0) * 0.85, x1 - x0 + 2 * pad)
    cx = (x0 + x1) / 2
    box = [int(cx - cw / 2), int(cy0), int(cx + cw / 2), int(cy1)]
    box = [max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])]
    return tuple(box)  # type: ignore[return-value]


def _panel(image_rgb: np.ndarray | None, xy: np.ndarray, vis: np.ndarray, size: tuple[int, int],
           label: str) -> tuple[bytes, bool]:
    w, h = size
    if image_rgb is not None:
        vh, vw = image_rgb.shape[:2]
        sx, sy = vw / max(w, 1), vh / max(h, 1)
        xy = xy * np.array([sx, sy], np.float32)
        bgr = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR)
        w, h = vw, vh
    else:
        bgr = np.full((h, w, 3), 235, np.uint8)
    draw_pose_bgr(bgr, Pose(xy.astype(np.float32), vis, None, 0, 0))
    x0, y0, x1, y1 = _crop_box(xy, w, h)
    crop = bgr[y0:y1, x0:x1]
    if crop.size == 0:
        crop = bgr
    scale = PANEL_H_PX / crop.shape[0]
    crop = cv2.resize(crop, (max(1, int(crop.shape[1] * scale)), PANEL_H_PX),
                      interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    cv2.putText(crop, label, (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(crop, label, (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1,
                cv2.LINE_AA)
    ok, png = cv2.imencode(".png", crop)
    return (png.tobytes() if ok else b""), image_rgb is not None


def matched_frames(store: Store, data: SessionData, foot: str | None = None
                   ) -> MatchedFrames | None:
    info = data.info
    frames = store.frames(info.id)
    if not len(frames):
        return None
    foot = foot or near_foot(frames)
    stride = _typical_stride(data, foot)
    if stride is None:
        return None
    times = _phase_times(data, stride, foot)
    if times is None:
        return None
    video = store.video_file(info)
    # With a video, the nearest frame that made it into the video (live recording skips
    # an image when the encoder falls behind); otherwise the nearest frame.
    candidates = np.flatnonzero(frames.video_index >= 0) if video is not None else np.array([])
    if not candidates.size:
        candidates = np.arange(len(frames))
    idx = [int(candidates[np.argmin(np.abs(frames.t_ns[candidates] - t))]) for t in times]
    images: dict[int, np.ndarray] = {}
    note = ""
    if video is not None:
        images = read_video_frames(video, [int(frames.video_index[i]) for i in idx])
        if not images:
            note = "the kept video could not be read (cut off before it was closed?)"
    elif info.video_path:
        note = "the kept video file is missing"
    else:
        note = "no video was kept for this session: skeleton only"
    size = (int(info.width_px or 640), int(info.height_px or 480))
    out = []
    for phase, i in zip(PHASES, idx):
        img = images.get(int(frames.video_index[i]))
        t_s = (int(frames.t_ns[i]) - info.started_ns) / 1e9
        png, on_video = _panel(img, frames.xy[i], frames.vis[i], size,
                               f"{phase}  t={t_s:.2f} s")
        out.append(PhaseImage(phase, t_s, png, on_video))
    return MatchedFrames(info.id, foot, (stride.t_ns - info.started_ns) / 1e9, out, note)
