"""Everything GaitAnalyzer does to one pose, in one kernel call.

Per frame the analyzer ran ~6 kernels with Python arithmetic between them; each Numba call
from Python costs a few µs of dispatch, more than most of the kernels' own work. Here the
same kernels are called from compiled code (no dispatch) in the same order and with the
same arguments: leg-swap repair, raw frame features, silhouette proxies (when a mask is
given), One Euro smoothing, smoothed frame features, feet relative to the smoothed hips,
foot-glitch test (kernels/foot_glitch.py: a leg the pose model blended into the other one
is dropped from the event step for that frame) and the gait-event step with its leg-length
average. Results are bit-for-bit those of the
step-by-step path (kernels/frame_step_ref.py, tests/test_frame_step.py).

Inputs: pose landmarks `xy_in` (33, 2) float32 or float64 in pixels (NaN = unseen), the
frame time, facing sign `s`, camera side, and the mask (uint8 HxW; any array with
has_mask=False when there is none). Parameters in `cfg` (C_* below, `frame_step_config`).
State: the leg-swap, One Euro and gait-event states of their own kernels, plus `aux`
(A_* below, `new_aux`). Outputs: `xy` (33, 2) the swap-repaired landmarks, `row` the raw
features then silhouette_proxies' `out`: pelvic tilt, rib flare, the five band-line angles
and the five band contours the per-stride proxies are formed from (the per-stride ring's
row: kernels.stride_metrics.n_columns(levels_per_band), N_ROW at the default 8 levels; a
row of N_FEATURES + N_OUT_BANDS takes no contours), `feat_smooth` (N_FEATURES) the
smoothed features, `ev_out` (4, 3) the events (t_event_s, kind, foot) of this frame;
returns how many.
"""
from __future__ import annotations

import math

import numpy as np

from kernels import frame_features as ff
from kernels import foot_glitch as fg
from kernels._jit import jit
from kernels.gait_events import W_MODE, gait_event_step
from kernels.leg_swap import repair_leg_swap
from kernels.one_euro import one_euro_step
from kernels.silhouette import profile_out_len, silhouette_proxies

#: Length of `row` at the default 8 levels per band (kernels.stride_metrics.N_COLUMNS): the
#: raw frame features, then silhouette_proxies' `out` with the band contours.
N_ROW = ff.N_FEATURES + profile_out_len(8)

# cfg layout (floats; counts stored as floats and truncated back).
C_SWAP_RATIO = 0            # leg_swap ratio
C_SWAP_GAIN_TRUNK = 1       # leg_swap min gain, x smoothed trunk length (100 px until known)
C_SWAP_RETURN_FRAMES = 2    # leg_swap return_frames
C_FPS = 3                   # frame rate: frame periods since the last repaired frame
C_MASK_THRESHOLD = 4        # silhouette mask threshold (0..255)
C_LEVELS_PER_BAND = 5
C_CORE_HALF_DEPTH_TRUNK = 6
C_ARM_HALF_WIDTH_TRUNK = 7
C_MIN_CUTOFF_HZ = 8         # One Euro
C_BETA = 9
C_D_CUTOFF_HZ = 10
C_MAX_GAP_S = 11
C_GLITCH = 12               # kernels.foot_glitch parameters (fg.N_PARAMS of them)
N_CFG = C_GLITCH + fg.N_PARAMS

# aux layout: the small state the analyzer used to keep in Python.
A_SWAP_T_S = 0              # time of the last repaired frame
A_TRUNK_LEN_PX = 1          # exponential mean of the raw trunk length (never reset)
A_HIP_X_REF = 2             # last finite smoothed hip x
A_HIP_X0 = 3                # first such hip x: relative positions stay in image range
A_EVENT_LEG_LEN_PX = 4      # the event detector's leg length (exponential mean)
A_FOUND = 5                 # 1 if this frame had any seen landmark, else 0 (output)
A_GLITCH_FLAGS = 6          # (2,) 1 where foot_glitch dropped that foot this frame (output)
A_GLITCH = 8                # foot_glitch's state (fg.N_STATE)
N_AUX = A_GLITCH + fg.N_STATE

TRACKING_SLOTS = (A_SWAP_T_S, A_HIP_X_REF, A_HIP_X0, A_EVENT_LEG_LEN_PX) + \
    tuple(range(A_GLITCH, N_AUX))

# BlazePose indices (kernels import nothing of the project).
_ARMS = (11, 13, 15, 12, 14, 16)        # shoulder, elbow, wrist: left then right
_HEELS = (29, 30)
_TOES = (31, 32)
_LEGS = ((23, 27), (24, 28))            # (hip, ankle) left, right
_GLITCH_PTS = ((25, 27, 29, 31), (26, 28, 30, 32))    # knee, ankle, heel, toe


def frame_step_config(swap_ratio: float, swap_min_gain_trunk: float, swap_return_frames: int,
                      fps: float, mask_threshold: int, levels_per_band: int,
                      core_half_depth_trunk: float, arm_half_width_trunk: float,
                      min_cutoff_hz: float, beta: float, d_cutoff_hz: float,
                      max_gap_s: float, glitch_on: bool = True) -> np.ndarray:
    cfg = np.empty(N_CFG)
    cfg[C_SWAP_RATIO] = swap_ratio
    cfg[C_SWAP_GAIN_TRUNK] = swap_min_gain_trunk
    cfg[C_SWAP_RETURN_FRAMES] = swap_return_frames
    cfg[C_FPS] = fps
    cfg[C_MASK_THRESHOLD] = mask_threshold
    cfg[C_LEVELS_PER_BAND] = levels_per_band
    cfg[C_CORE_HALF_DEPTH_TRUNK] = core_half_depth_trunk
    cfg[C_ARM_HALF_WIDTH_TRUNK] = arm_half_width_trunk
    cfg[C_MIN_CUTOFF_HZ] = min_cutoff_hz
    cfg[C_BETA] = beta
    cfg[C_D_CUTOFF_HZ] = d_cutoff_hz
    cfg[C_MAX_GAP_S] = max_gap_s
    cfg[C_GLITCH:] = fg.glitch_params(fps, on=glitch_on)
    return cfg


def new_aux() -> np.ndarray:
    return np.full(N_AUX, np.nan)


def reset_tracking(aux: np.ndarray) -> None:
    """A new start for the trackers (facing revised); the trunk length is kept."""
    for k in TRACKING_SLOTS:
        aux[k] = np.nan


@jit
def frame_step(xy_in: np.ndarray, t_s: float, s: float, camera_left: bool, mask: np.ndarray,
               has_mask: bool, cfg: np.ndarray, left_idx: np.ndarray, right_idx: np.ndarray,
               swap_state: np.ndarray, euro_state: np.ndarray, ev_params: np.ndarray,
               ev_state: np.ndarray, aux: np.ndarray, xy: np.ndarray, row: np.ndarray,
               feat_smooth: np.ndarray, ev_out: np.ndarray) -> int:
    """One pose through every per-frame kernel (see the module doc); returns the number of
    events written to ev_out."""
    found = False
    for i in range(33):
        xy[i, 0] = xy_in[i, 0]
        xy[i, 1] = xy_in[i, 1]
        if math.isfinite(xy[i, 0]):
            found = True
    aux[A_FOUND] = 1.0 if found else 0.0
    if found:
        trunk = aux[A_TRUNK_LEN_PX]
        gain = cfg[C_SWAP_GAIN_TRUNK] * (trunk if math.isfinite(trunk) else 100.0)
        # Frame periods since the last repaired frame: dropped frames stretch the step.
        steps = 1.0
        if math.isfinite(aux[A_SWAP_T_S]):
            steps = max(1.0, min(np.rint((t_s - aux[A_SWAP_T_S]) * cfg[C_FPS]), 10.0))
        aux[A_SWAP_T_S] = t_s
        repair_leg_swap(xy, swap_state, left_idx, right_idx, cfg[C_SWAP_RATIO], gain,
                        int(cfg[C_SWAP_RETURN_FRAMES]), -1.0, steps)
    feat = row[:ff.N_FEATURES]
    ff.frame_features(xy, s, camera_left, feat)
    sil = row[ff.N_FEATURES:]
    for k in range(sil.shape[0]):
        sil[k] = math.nan
    if has_mask and math.isfinite(feat[ff.F_TRUNK_LEN_PX]):
        arms = np.empty((6, 2))
        for k in range(6):
            arms[k, 0] = xy[_ARMS[k], 0]
            arms[k, 1] = xy[_ARMS[k], 1]
        silhouette_proxies(mask, int(cfg[C_MASK_THRESHOLD]), feat[ff.F_HIP_X],
                           feat[ff.F_HIP_Y], feat[ff.F_SHOULDER_X], feat[ff.F_SHOULDER_Y], s,
                           arms, int(cfg[C_LEVELS_PER_BAND]), cfg[C_CORE_HALF_DEPTH_TRUNK],
                           cfg[C_ARM_HALF_WIDTH_TRUNK], sil)
    tl = feat[ff.F_TRUNK_LEN_PX]
    if math.isfinite(tl):
        trunk = aux[A_TRUNK_LEN_PX]
        aux[A_TRUNK_LEN_PX] = tl if not math.isfinite(trunk) else 0.95 * trunk + 0.05 * tl

    smoothed = np.empty((33, 2))
    one_euro_step(xy.reshape(66), t_s, euro_state, cfg[C_MIN_CUTOFF_HZ], cfg[C_BETA],
                  cfg[C_D_CUTOFF_HZ], cfg[C_MAX_GAP_S], smoothed.reshape(66))
    ff.frame_features(smoothed, s, camera_left, feat_smooth)

    # Feet relative to the smoothed hips (station/gait/analyzer.py says why).
    hip_x = feat_smooth[ff.F_HIP_X]
    if math.isfinite(hip_x):
        aux[A_HIP_X_REF] = hip_x
    shift = 0.0
    shifted = False
    if math.isfinite(aux[A_HIP_X_REF]):
        if not math.isfinite(aux[A_HIP_X0]):
            aux[A_HIP_X0] = aux[A_HIP_X_REF]
        shift = aux[A_HIP_X_REF] - aux[A_HIP_X0]
        shifted = True
    feet = np.empty((4, 2))         # rows: heel forward, heel y, toe forward, toe y
    for f in range(2):
        hx = xy[_HEELS[f], 0] - shift if shifted else xy[_HEELS[f], 0]
        tx = xy[_TOES[f], 0] - shift if shifted else xy[_TOES[f], 0]
        feet[0, f] = s * hx
        feet[1, f] = xy[_HEELS[f], 1]
        feet[2, f] = s * tx
        feet[3, f] = xy[_TOES[f], 1]
    # The event kernel's leg length: a slow running mean of hip->ankle, on the shifted points.
    leg_sum = 0.0
    n_leg = 0
    for f in range(2):
        h, a = _LEGS[f]
        hx = xy[h, 0] - shift if shifted else xy[h, 0]
        ax = xy[a, 0] - shift if shifted else xy[a, 0]
        v = math.hypot(hx - ax, xy[h, 1] - xy[a, 1])
        if v == v:
            leg_sum += v
            n_leg += 1
    if n_leg > 0:
        leg = leg_sum / n_leg
        old = aux[A_EVENT_LEG_LEN_PX]
        aux[A_EVENT_LEG_LEN_PX] = leg if not math.isfinite(old) else 0.99 * old + 0.01 * leg
    # A leg blended into the other one this frame: its foot sits this frame out of the belt
    # model. Not while the label-free walking detector has the word (an overground walker):
    # it needs both heels of a frame, and a dropped foot hides the extremes it times steps by.
    # Nor once the hips have travelled more than a leg length (overground: a treadmill runner
    # drifts by a tenth of one): the belt model only stands in there until the walking
    # detector takes the word, and feet it lost mid-stride cost it the next contacts (the
    # indoor walk: both feet blended for 3 frames at a landing, the next two steps lost).
    legs = np.empty((2, 4, 2))
    for f in range(2):
        for k in range(4):
            i = _GLITCH_PTS[f][k]
            x = xy[i, 0] - shift if shifted else xy[i, 0]
            legs[f, k, 0] = s * x
            legs[f, k, 1] = xy[i, 1]
    flags = aux[A_GLITCH_FLAGS:A_GLITCH_FLAGS + 2]
    if fg.foot_glitch_step(t_s, legs, aux[A_EVENT_LEG_LEN_PX], cfg[C_GLITCH:N_CFG],
                           aux[A_GLITCH:N_AUX], flags) > 0 and ev_state[W_MODE] != 1.0 \
            and not abs(shift) > aux[A_EVENT_LEG_LEN_PX]:
        for f in range(2):
            if flags[f] == 1.0:
                for r in range(4):
                    feet[r, f] = math.nan
    return gait_event_step(t_s, feet[0], feet[1], feet[2], feet[3], aux[A_EVENT_LEG_LEN_PX],
                           ev_params, ev_state, ev_out)
