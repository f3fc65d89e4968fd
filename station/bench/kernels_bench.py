"""Kernel figures: µs per frame for all kernels together, the NumPy references on the same
stream, JIT compile (cold) and cache-load (warm) times, and `analyze` frames per second."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kernels import frame_features as ff
from kernels import frame_step as fs
from kernels import gait_events as ge
from kernels import leg_swap as ls
from kernels import one_euro as oe
from kernels import silhouette_ref as sil_ref
from kernels import stride_metrics as sm
from kernels.gait_events_ref import gait_events_ref
from station.bench.stream import BenchStream, bench_stream
from station.contracts import LM, Pose
from station.gait.analyzer import GaitAnalyzer, GaitSettings, frame_step_config

_ARMS = np.array([LM["left_shoulder"], LM["left_elbow"], LM["left_wrist"],
                  LM["right_shoulder"], LM["right_elbow"], LM["right_wrist"]])
_HEELS = np.array([LM["left_heel"], LM["right_heel"]])
_TOES = np.array([LM["left_foot_index"], LM["right_foot_index"]])


def _settings(st: BenchStream) -> GaitSettings:
    """The analyzer's defaults: the kernels run with the parameters the station uses."""
    return GaitSettings(fps=st.fps)


def _stride_windows(st: BenchStream, V: np.ndarray) -> list[tuple]:
    """(t, V, c0, toe_off, c1, c2, other_toe_off) for each stride of the stream: the
    per-stride kernel's inputs, from the truth contacts (the bench times kernels, not
    the event detector's accuracy)."""
    c = st.contacts
    out = []
    for k in range(len(c) - 2):
        sel = (st.t_s >= c[k] - 0.07) & (st.t_s <= c[k + 2] + 0.07)
        tc = 0.35 * (c[k + 2] - c[k])
        out.append((st.t_s[sel], V[sel], c[k], c[k] + tc, c[k + 1], c[k + 2], c[k + 1] + tc))
    return out


def _run_kernels(st: BenchStream, fresh_mask: bool = True) -> tuple[float, np.ndarray]:
    """The analyzer's per-frame path (GaitAnalyzer._process): one fused kernel call per
    frame (leg-swap repair, frame features, silhouette proxies, One Euro, smoothed features,
    gait events), with the analyzer's own arguments; then the per-stride kernel over the
    stream's strides, amortised per frame.

    `fresh_mask`: each frame's mask is copied into the frame's buffer just before the
    (timed) call, as live, where the pose model has just written the mask it hands over and
    it is in the CPU cache. Without it the masks are read from 90 MB prepared up front,
    long evicted from the cache: ~6 us a frame more on this machine, reported apart."""
    n = len(st.t_s)
    s = float(st.facing_sign)
    g = _settings(st)
    cfg = frame_step_config(g)
    n_cols = sm.n_columns(g.levels_per_band)      # the analyzer's ring row
    swap_state, euro_state, ev_state = ls.new_state(), oe.new_state(66), ge.new_event_state()
    params, aux = ge.event_params(st.fps), fs.new_aux()
    xy, row, feat_s, ev_out = np.empty((33, 2)), np.empty(n_cols), \
        np.empty(ff.N_FEATURES), np.empty((4, 3))
    V = np.full((n, n_cols), np.nan)
    masks = [m.astype(np.uint8) * 255 for m in st.masks]
    xy_all = st.xy.astype(np.float32)        # as poses arrive (Pose.xy is float32)
    t_all = [float(t) for t in st.t_s]
    buf = np.empty_like(masks[0])
    per_frame = 0.0
    for i in range(n):
        mask = masks[i]
        if fresh_mask:
            np.copyto(buf, mask)
            mask = buf
        t0 = time.perf_counter()
        # Every argument given: Numba dispatches omitted defaults ~70x slower.
        fs.frame_step(xy_all[i], t_all[i], s, s > 0, mask, True, cfg, ls.LEFT_LEG,
                      ls.RIGHT_LEG, swap_state, euro_state, params, ev_state, aux, xy, row,
                      feat_s, ev_out)
        per_frame += time.perf_counter() - t0
        V[i] = row          # the bench's own record for the per-stride pass: not timed
    out = np.empty(sm.N_STRIDE)
    windows = _stride_windows(st, V)
    tpl = sm.new_contour_template(_settings(st).levels_per_band)
    t1 = time.perf_counter()
    for (t, W, c0, to, c1, c2, oto) in windows:
        sm.stride_metrics(t, W, 0, c0, to, c1, c2, oto, 130.0, 1.8, 0.0, 0.0, tpl, out)
    per_stride = time.perf_counter() - t1
    return (per_frame + per_stride) / n * 1e6, V


def _run_references(st: BenchStream, V: np.ndarray) -> float:
    n = len(st.t_s)
    s = float(st.facing_sign)
    g = _settings(st)
    sil_args = (g.levels_per_band, g.core_half_depth_trunk, g.arm_half_width_trunk)
    masks = [m.astype(np.uint8) * 255 for m in st.masks]
    t0 = time.perf_counter()
    repaired, _ = ls.repair_leg_swap_ref(st.xy, 0.5, 8.0, 15)
    for i in range(n):
        xy = repaired[i]
        f = ff.frame_features_ref(xy[None], s, s > 0)[0]
        sil_ref.silhouette_proxies_ref(masks[i], 128, f[ff.F_HIP_X], f[ff.F_HIP_Y],
                                   f[ff.F_SHOULDER_X], f[ff.F_SHOULDER_Y], s, xy[_ARMS],
                                   *sil_args, profiles=True)
    smooth = oe.one_euro_ref(repaired.reshape(n, 66), st.t_s, 3.0, 0.02, 1.0, 0.1)
    for i in range(n):
        ff.frame_features_ref(smooth[i].reshape(1, 33, 2), s, s > 0)
    gait_events_ref(st.t_s, s * repaired[:, _HEELS, 0], repaired[:, _HEELS, 1],
                    s * repaired[:, _TOES, 0], repaired[:, _TOES, 1], 130.0,
                    ge.event_params(st.fps))
    tpl = sm.new_contour_template(g.levels_per_band)
    for (t, W, c0, to, c1, c2, oto) in _stride_windows(st, V):
        sm.stride_metrics_ref(t, W, 0, c0, to, c1, c2, oto, 130.0, 1.8, 0.0, 0.0, tpl)
    return (time.perf_counter() - t0) / n * 1e6


def analyzer_us_per_frame(st: BenchStream, repeats: int = 3) -> float:
    """What the live loop pays per pose: GaitAnalyzer.update end to end (facing watch,
    kernels, ring, running stats, per-stride metrics, result objects), best of `repeats`
    passes over the stream after the facing decision."""
    poses = [Pose(xy=st.xy[i].astype(np.float32), vis=st.vis[i],
                  mask=st.masks[i].astype(np.uint8) * 255, t_ns=int(round(st.t_s[i] * 1e9)),
                  seq=i) for i in range(len(st.t_s))]
    best = float("inf")
    for _ in range(repeats):
        analyzer = GaitAnalyzer(_settings(st))
        i = 0
        while analyzer.decision is None and i < len(poses):
            analyzer.update(poses[i])
            i += 1
        if i == len(poses):
            raise RuntimeError("the bench stream never gave a facing decision")
        t0 = time.perf_counter()
        for pose in poses[i:]:
            analyzer.update(pose)
        best = min(best, (time.perf_counter() - t0) / (len(poses) - i) * 1e6)
    return best


_WARM_UP = ("import time; t=time.perf_counter(); "
            "from station.live.app import warm_up_kernels; warm_up_kernels(); "
            "print(time.perf_counter()-t)")


def jit_times() -> tuple[float, float]:
    """Compile everything with an empty Numba cache, then again with that cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        times = []
        for _ in range(2):
            proc = subprocess.run([sys.executable, "-c", _WARM_UP], env=env, check=True,
                                  capture_output=True, text=True)
            times.append(float(proc.stdout.strip().splitlines()[-1]))
    return times[0], times[1]


def analyze_fps(seconds: float = 30.0) -> float:
    from station.cli import main
    from station.synth.knobs import resolve_knobs
    from station.synth.writer import write_clip
    with tempfile.TemporaryDirectory() as tmp:
        write_clip(Path(tmp), resolve_knobs({"jitter_px": 2.0, "drop_pct": 2.0}), seconds, 0,
                   video=False)
        frames = int(round(seconds * 30))
        t0 = time.perf_counter()
        code = main(["analyze", str(Path(tmp) / "landmarks.csv"), "--json",
                     str(Path(tmp) / "a.json")])
        elapsed = time.perf_counter() - t0
    if code != 0:
        raise RuntimeError(f"analyze failed with exit code {code}")
    return frames / elapsed


def bench_kernels() -> dict[str, Any]:
    st = bench_stream(seconds=10.0)
    _run_kernels(st)                         # compile / load from cache first
    # Best of 3 passes: the machine is shared (capture, screen, other jobs); the best pass
    # is the kernels' own cost.
    kernel_us, V = min((_run_kernels(st) for _ in range(3)), key=lambda r: r[0])
    cold_mask_us = min(_run_kernels(st, fresh_mask=False)[0] for _ in range(3))
    numpy_us = _run_references(st, V)
    analyzer_us = analyzer_us_per_frame(st)
    cold, warm = jit_times()
    return {
        "kernels_us_per_frame": round(kernel_us, 2),
        "kernels_us_per_frame_uncached_masks": round(cold_mask_us, 2),
        "numpy_us_per_frame": round(numpy_us, 1),
        "kernels_speedup": round(numpy_us / kernel_us, 1),
        "kernels_frames": len(st.t_s),
        "analyzer_us_per_frame": round(analyzer_us, 1),
        "jit_cold_s": round(cold, 2),
        "jit_cache_s": round(warm, 3),
        "analyze_fps": round(analyze_fps(), 1),
    }
