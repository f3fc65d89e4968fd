"""Reference for kernels/frame_step.py: the step-by-step path, one kernel call at a time.

This is what GaitAnalyzer ran per frame before the kernels were fused: each per-frame
kernel called on its own from Python, the arithmetic between them in plain Python/NumPy
(fancy indexing, `round`, list sums) as the analyzer and its event wrapper wrote it. Same
contract as `frame_step`; the fused kernel must give the same bits. Each kernel called here
is itself tested against its own NumPy reference (tests/test_kernels_vs_reference.py,
tests/test_gait_events_ref.py); tests/test_frame_step.py also checks the fused outputs
against those NumPy references directly.
"""
from __future__ import annotations

import math

import numpy as np

from kernels import frame_features as ff
from kernels import frame_step as fs
from kernels.foot_glitch import foot_glitch_step
from kernels.gait_events import W_MODE, gait_event_step
from kernels.leg_swap import repair_leg_swap
from kernels.one_euro import one_euro_step
from kernels.silhouette import silhouette_proxies

_ARMS = np.array(fs._ARMS)
_HEELS = np.array(fs._HEELS)
_TOES = np.array(fs._TOES)
_GLITCH_PTS = np.array(fs._GLITCH_PTS)


def frame_step_ref(xy_in: np.ndarray, t_s: float, s: float, camera_left: bool,
                   mask: np.ndarray, has_mask: bool, cfg: np.ndarray, left_idx: np.ndarray,
                   right_idx: np.ndarray, swap_state: np.ndarray, euro_state: np.ndarray,
                   ev_params: np.ndarray, ev_state: np.ndarray, aux: np.ndarray,
                   xy: np.ndarray, row: np.ndarray, feat_smooth: np.ndarray,
                   ev_out: np.ndarray) -> int:
    """`frame_step`, one kernel at a time (see the module doc)."""
    xy[:] = np.asarray(xy_in, np.float64)
    found = bool(np.isfinite(xy[:, 0]).any())
    aux[fs.A_FOUND] = float(found)
    if found:
        trunk = aux[fs.A_TRUNK_LEN_PX]
        gain = cfg[fs.C_SWAP_GAIN_TRUNK] * (trunk if math.isfinite(trunk) else 100.0)
        steps = 1.0
        if math.isfinite(aux[fs.A_SWAP_T_S]):
            steps = max(1.0, min(round((t_s - aux[fs.A_SWAP_T_S]) * cfg[fs.C_FPS]), 10.0))
        aux[fs.A_SWAP_T_S] = t_s
        repair_leg_swap(xy, swap_state, left_idx, right_idx, float(cfg[fs.C_SWAP_RATIO]),
                        float(gain), int(cfg[fs.C_SWAP_RETURN_FRAMES]), -1.0, float(steps))
    feat = np.full(ff.N_FEATURES, np.nan)
    ff.frame_features(xy, s, camera_left, feat)
    sil = np.full(row.shape[0] - ff.N_FEATURES, np.nan)
    if has_mask and np.isfinite(feat[ff.F_TRUNK_LEN_PX]):
        silhouette_proxies(mask, int(cfg[fs.C_MASK_THRESHOLD]), feat[ff.F_HIP_X],
                           feat[ff.F_HIP_Y], feat[ff.F_SHOULDER_X], feat[ff.F_SHOULDER_Y], s,
                           xy[_ARMS], int(cfg[fs.C_LEVELS_PER_BAND]),
                           float(cfg[fs.C_CORE_HALF_DEPTH_TRUNK]),
                           float(cfg[fs.C_ARM_HALF_WIDTH_TRUNK]), sil)
    row[:ff.N_FEATURES] = feat
    row[ff.N_FEATURES:] = sil
    tl = feat[ff.F_TRUNK_LEN_PX]
    if math.isfinite(tl):
        trunk = aux[fs.A_TRUNK_LEN_PX]
        aux[fs.A_TRUNK_LEN_PX] = tl if not math.isfinite(trunk) else 0.95 * trunk + 0.05 * tl
    smoothed = np.empty(66)
    one_euro_step(xy.ravel(), t_s, euro_state, float(cfg[fs.C_MIN_CUTOFF_HZ]),
                  float(cfg[fs.C_BETA]), float(cfg[fs.C_D_CUTOFF_HZ]),
                  float(cfg[fs.C_MAX_GAP_S]), smoothed)
    ff.frame_features(smoothed.reshape(33, 2), s, camera_left, feat_smooth)
    hip_x = feat_smooth[ff.F_HIP_X]
    if math.isfinite(hip_x):
        aux[fs.A_HIP_X_REF] = hip_x
    rel = xy.copy()
    shift = 0.0
    if math.isfinite(aux[fs.A_HIP_X_REF]):
        if not math.isfinite(aux[fs.A_HIP_X0]):
            aux[fs.A_HIP_X0] = aux[fs.A_HIP_X_REF]
        shift = aux[fs.A_HIP_X_REF] - aux[fs.A_HIP_X0]
        rel[:, 0] -= shift
    heel, toe = rel[_HEELS], rel[_TOES]
    seen = [math.hypot(rel[h, 0] - rel[a, 0], rel[h, 1] - rel[a, 1]) for h, a in fs._LEGS]
    seen = [v for v in seen if v == v]
    if seen:
        leg = sum(seen) / len(seen)
        old = aux[fs.A_EVENT_LEG_LEN_PX]
        aux[fs.A_EVENT_LEG_LEN_PX] = leg if not np.isfinite(old) else 0.99 * old + 0.01 * leg
    feet = np.stack([s * heel[:, 0], heel[:, 1], s * toe[:, 0], toe[:, 1]])
    legs = rel[_GLITCH_PTS] * np.array([s, 1.0])
    flags = aux[fs.A_GLITCH_FLAGS:fs.A_GLITCH_FLAGS + 2]
    foot_glitch_step(float(t_s), legs, float(aux[fs.A_EVENT_LEG_LEN_PX]),
                     cfg[fs.C_GLITCH:fs.N_CFG], aux[fs.A_GLITCH:fs.N_AUX], flags)
    overground = abs(shift) > aux[fs.A_EVENT_LEG_LEN_PX]      # hips travelled > a leg
    if ev_state[W_MODE] != 1.0 and not overground:
        feet[:, flags == 1.0] = np.nan
    return int(gait_event_step(t_s, feet[0], feet[1], feet[2], feet[3],
                                float(aux[fs.A_EVENT_LEG_LEN_PX]), ev_params, ev_state,
                                ev_out))
