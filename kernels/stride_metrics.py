"""Per-stride metrics from the frames of one stride and its gait events (METRICS.md).

A stride of foot F runs from F's contact c0 to F's next contact c2, with the other foot's
contact c1 between and F's toe-off `to` after c0. Contact metrics are read at c0, moved
earlier when the foot shows it had already landed (kernels.stride_contact), stance metrics
over [c0, to], hip extension at `to`, vertical oscillation over the step [c0, c1] (a
periodic fit, kernels.stride_bounce), posture medians over the whole stride. Values at an
event instant are read from the frames around it (kernels.stride_read), so they do not
depend on where the frames happen to fall; the shank at contact from the last approach
frame and the chord across the contact (stride_read.contact_value_at: why).

Rib flare: from the stride's median of each silhouette band line (each over the frames
where it is in view); a per-frame proxy needs its three lines in one frame, NaN in ~90 % of
frames, and those few are biased (kernels/silhouette.md). Pelvic tilt: from the band
contours pooled level by level over the stride (kernels/silhouette_pool.py); landmark
jitter moves a band along the curved back and which frames' lines pass depends on where
it moved, so band-angle medians lean (tilt 30 read 37 under the issue's noise). The pooled
flare is not used: on the gym clip the belly shows only between the treadmill's handles.

Inputs: frame times t (m,) in seconds and per-frame values V (m, n_columns(levels)): the
frame_features columns, then silhouette_proxies' profile_out_len(levels) outputs
(COL_PELVIC_TILT, COL_RIB_FLARE, band angles COL_SACRAL_DEG .. COL_BELLY_DEG, the five band
contours from COL_CONTOURS); the level count is read from V's width.
Outputs: a vector indexed by the S_* constants; NaN where not measurable.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels.frame_features import (F_BODY_LEAN_DEG, F_EAR_ABOVE_SHOULDER_PCT, F_FOOT_DEG,
                                    F_HEAD_FORWARD_PCT, F_HEEL_FORWARD_PX, F_HIP_X, F_HIP_Y,
                                    F_KNEE_FLEXION_DEG, F_SHANK_DEG, F_THIGH_DEG,
                                    F_TRUNK_LEAN_DEG, F_TRUNK_LEN_PX, N_FEATURES)
from kernels.silhouette import N_OUT_BANDS, N_PROFILES, profile_out_len
from kernels.silhouette_dejitter import stride_band_angles, stride_band_angles_ref
from kernels.stride_bounce import (BOUNCE_PAD_STEPS, MAX_GAP_STEPS, N_HARMONICS,
                                   step_bounce_px, step_bounce_px_ref)
from kernels.stride_contact import (FLAT_FROM_FRAC, FLAT_TO_FRAC, FOOT_MEAN_S, FOOT_TURN_DEG,
                                    MAX_BACK_S, landed_contact_s, landed_contact_s_ref,
                                    last_airborne_frame, last_airborne_frame_ref, mean_before,
                                    mean_before_ref)
from kernels.stride_read import (MAX_READ_GAP_S, _approach_ref, _contact_ref, _interp_ref,
                                 _peak_ref, _stance_ref, approach_value_at, contact_value_at,
                                 interp_at, peak_value_between, stance_value_at)

# The ring row: frame_features, then silhouette_proxies' profile_out_len(levels) `out`.
COL_PELVIC_TILT = N_FEATURES        # per-frame proxies (the live per-frame readout)
COL_RIB_FLARE = N_FEATURES + 1
COL_SACRAL_DEG = N_FEATURES + 2     # band-line angles: sacral back, lumbar back,
COL_LUMBAR_DEG = N_FEATURES + 3
COL_RIB_FRONT_DEG = N_FEATURES + 4  # rib front, rib back,
COL_RIB_BACK_DEG = N_FEATURES + 5
COL_BELLY_DEG = N_FEATURES + 6      # lower-trunk front
COL_CONTOURS = N_FEATURES + N_OUT_BANDS  # the 5 band contours (their order), `levels` each
DEFAULT_LEVELS_PER_BAND = 8        # GaitSettings.levels_per_band's default
#: A level's pooled offset needs it in view in at least this many of the stride's frames.
POOL_MIN_FRAMES = 2


def new_contour_template(levels_per_band: int) -> np.ndarray:
    """A session's empty silhouette contour (stride_metrics' contour_template): row 0 the
    offsets, row 1 how many strides saw each level."""
    return np.zeros((2, N_PROFILES * levels_per_band))


def n_columns(levels_per_band: int) -> int:
    """Width of the ring row (frame_step's `row`) for this many levels per band."""
    return N_FEATURES + profile_out_len(levels_per_band)


N_COLUMNS = n_columns(DEFAULT_LEVELS_PER_BAND)

# Output layout, in METRICS.md names (see STRIDE_METRIC_NAMES).
S_CADENCE = 0
S_TRUNK_LEAN = 1
S_BODY_LEAN = 2
S_WAIST_BEND = 3
S_PELVIC_TILT = 4
S_RIB_FLARE = 5
S_OVERSTRIDE = 6
S_SHANK_IC = 7
S_FOOT_STRIKE = 8
S_CONTACT_MS = 9
S_FLIGHT_MS = 10
S_DUTY = 11
S_VERT_OSC = 12
S_HIP_EXT = 13
S_KNEE_IC = 14
S_KNEE_PEAK = 15
S_HEAD_FWD = 16
S_SHRUG = 17
S_STEP_ASYM = 18
S_CONTACT_ASYM = 19
N_STRIDE = 20

STRIDE_METRIC_NAMES: tuple[str, ...] = (
    "cadence_spm", "trunk_lean_deg", "body_lean_deg", "waist_bend_deg", "pelvic_tilt_deg",
    "rib_flare_deg", "overstride_pct", "shank_angle_ic_deg", "foot_strike_angle_deg",
    "ground_contact_ms", "flight_ms", "duty_factor_pct", "vertical_oscillation_cm",
    "hip_extension_deg", "knee_flexion_ic_deg", "knee_flexion_peak_deg", "head_forward_pct",
    "shoulder_shrug_pct", "step_time_asym_pct", "contact_asym_pct",
)


@jit
def _median_between(t: np.ndarray, v: np.ndarray, t0: float, t1: float) -> float:
    buf = np.empty(t.shape[0])
    n = 0
    for i in range(t.shape[0]):
        if t0 <= t[i] <= t1 and not math.isnan(v[i]):
            buf[n] = v[i]
            n += 1
    if n == 0:
        return math.nan
    return float(np.median(buf[:n]))


@jit
def _pooled_tilt(t: np.ndarray, V: np.ndarray, t0: float, t1: float,
                 contour_template: np.ndarray) -> float:
    """Pelvic tilt of the band contours pooled over the frames t0 <= t <= t1 (module doc),
    each frame's contours re-placed in a trunk frame fitted over them first, the levels
    the stride did not see filled from the session's contour (contour_template)."""
    levels = (V.shape[1] - COL_CONTOURS) // N_PROFILES
    if levels < 2:
        return math.nan
    res = np.empty(2)                # tilt, flare (the flare is not used: module doc)
    stride_band_angles(t, V, t0, t1, F_HIP_X, F_TRUNK_LEAN_DEG, F_TRUNK_LEN_PX, COL_CONTOURS,
                       levels, POOL_MIN_FRAMES, contour_template, res)
    return res[0]


@jit
def stride_metrics(t: np.ndarray, V: np.ndarray, foot: int, c0: float, toe_off: float,
                   c1: float, c2: float, other_toe_off: float, leg_len_px: float,
                   px_per_cm: float, shrug_baseline_pct: float, belt_angle_deg: float,
                   contour_template: np.ndarray, out: np.ndarray) -> None:
    """Fill out (N_STRIDE,) for the stride of `foot` (0 left, 1 right).
    contour_template: the session's silhouette contour, state kept by the caller across
    strides (kernels/silhouette_pool.py fill_from_template; new_contour_template())."""
    for k in range(N_STRIDE):
        out[k] = math.nan
    stride_s = c2 - c0
    if not stride_s > 0.0:
        return
    out[S_CADENCE] = 120.0 / stride_s
    out[S_TRUNK_LEAN] = _median_between(t, V[:, F_TRUNK_LEAN_DEG], c0, c2)
    t_mid = 0.5 * (c0 + toe_off)
    trunk_mid = interp_at(t, V[:, F_TRUNK_LEAN_DEG], t_mid, MAX_READ_GAP_S)
    body_mid = interp_at(t, V[:, F_BODY_LEAN_DEG + foot], t_mid, MAX_READ_GAP_S)
    out[S_BODY_LEAN] = body_mid
    out[S_WAIST_BEND] = trunk_mid - body_mid
    out[S_PELVIC_TILT] = _pooled_tilt(t, V, c0, c2, contour_template)
    # From the band lines' medians (module doc), in the per-frame kernel's arithmetic.
    belly = _median_between(t, V[:, COL_BELLY_DEG], c0, c2)
    out[S_RIB_FLARE] = belly - 0.5 * (_median_between(t, V[:, COL_RIB_FRONT_DEG], c0, c2)
                                      + _median_between(t, V[:, COL_RIB_BACK_DEG], c0, c2))
    foot_deg = V[:, F_FOOT_DEG + foot]
    # "Toward flat" is toward this foot's own mid-stance reading (landmark bias, camera roll).
    flat_deg = _median_between(t, foot_deg, c0 + FLAT_FROM_FRAC * (toe_off - c0),
                               c0 + FLAT_TO_FRAC * (toe_off - c0))
    if math.isnan(flat_deg) or not toe_off > c0:
        flat_deg = belt_angle_deg
    k_air = last_airborne_frame(t, foot_deg, c0, flat_deg, FOOT_TURN_DEG, MAX_BACK_S)
    if k_air >= 0 and c0 - t[k_air] > MAX_READ_GAP_S:
        k_air = -1      # the last foot seen is mid-swing: nothing to read the landing from
    t_ic = landed_contact_s(t, foot_deg, c0, k_air)
    heel_ic_px = stance_value_at(t, V[:, F_HEEL_FORWARD_PX + foot], t_ic, MAX_READ_GAP_S)
    out[S_OVERSTRIDE] = heel_ic_px / leg_len_px * 100.0
    out[S_SHANK_IC] = contact_value_at(t, V[:, F_SHANK_DEG + foot], t_ic, MAX_READ_GAP_S)
    strike = mean_before(t, foot_deg, k_air, FOOT_MEAN_S) if k_air >= 0 \
        else approach_value_at(t, foot_deg, c0, MAX_READ_GAP_S)
    out[S_FOOT_STRIKE] = strike - belt_angle_deg
    contact_s = toe_off - c0
    if contact_s > 0.0:
        out[S_CONTACT_MS] = contact_s * 1000.0
        out[S_DUTY] = contact_s / stride_s * 100.0
        out[S_KNEE_PEAK] = peak_value_between(t, V[:, F_KNEE_FLEXION_DEG + foot], c0, toe_off)
        out[S_HIP_EXT] = -interp_at(t, V[:, F_THIGH_DEG + foot], toe_off, MAX_READ_GAP_S)
        if not math.isnan(c1):
            out[S_FLIGHT_MS] = max(0.0, c1 - toe_off) * 1000.0
    # Knee flexion at contact = thigh angle - shank angle (sagittal 2D): the thigh swings
    # smoothly through the landing and is read between the frames around it, the shank
    # from the contact reading above. The hip-knee-ankle angle's own line through the two
    # approach frames, extrapolated up to a frame, carried twice their landmark noise:
    # per-stride sd 5.8-9.1 deg against 3.3-7.8 this way (synthetic runner, 2 px jitter;
    # kernels/stride_read.py). Signed: a knee straightened past 0 reads negative.
    out[S_KNEE_IC] = interp_at(t, V[:, F_THIGH_DEG + foot], t_ic, MAX_READ_GAP_S) \
        - out[S_SHANK_IC]
    if not math.isnan(c1) and c0 < c1 < c2:
        out[S_VERT_OSC] = step_bounce_px(t, V[:, F_HIP_Y], c0, c1, N_HARMONICS,
                                         BOUNCE_PAD_STEPS, MAX_GAP_STEPS) / px_per_cm
        step_a, step_b = c1 - c0, c2 - c1
        out[S_STEP_ASYM] = abs(step_a - step_b) / (0.5 * (step_a + step_b)) * 100.0
        other_contact = other_toe_off - c1
        if contact_s > 0.0 and other_contact > 0.0:
            out[S_CONTACT_ASYM] = abs(contact_s - other_contact) / \
                (0.5 * (contact_s + other_contact)) * 100.0
    out[S_HEAD_FWD] = _median_between(t, V[:, F_HEAD_FORWARD_PCT], c0, c2)
    out[S_SHRUG] = shrug_baseline_pct - _median_between(t, V[:, F_EAR_ABOVE_SHOULDER_PCT], c0, c2)


# ---------------------------------------------------------------------------------------
# NumPy reference.

def _sel(t, v, t0, t1):
    x = v[(t >= t0) & (t <= t1)]
    return x[~np.isnan(x)]


def stride_metrics_ref(t, V, foot, c0, toe_off, c1, c2, other_toe_off, leg_len_px,
                       px_per_cm, shrug_baseline_pct, belt_angle_deg,
                       contour_template) -> np.ndarray:
    out = np.full(N_STRIDE, np.nan)
    stride_s = c2 - c0
    if not stride_s > 0:
        return out

    def med(col, a, b):
        x = _sel(t, V[:, col], a, b)
        return float(np.median(x)) if x.size else np.nan

    out[S_CADENCE] = 120.0 / stride_s
    out[S_TRUNK_LEAN] = med(F_TRUNK_LEAN_DEG, c0, c2)
    t_mid = 0.5 * (c0 + toe_off)
    body_mid = _interp_ref(t, V[:, F_BODY_LEAN_DEG + foot], t_mid)
    out[S_BODY_LEAN] = body_mid
    out[S_WAIST_BEND] = _interp_ref(t, V[:, F_TRUNK_LEAN_DEG], t_mid) - body_mid
    levels = (V.shape[1] - COL_CONTOURS) // N_PROFILES
    if levels >= 2:
        out[S_PELVIC_TILT] = stride_band_angles_ref(
            t, V, c0, c2, F_HIP_X, F_TRUNK_LEAN_DEG, F_TRUNK_LEN_PX, COL_CONTOURS, levels,
            POOL_MIN_FRAMES, contour_template)[0]
    out[S_RIB_FLARE] = med(COL_BELLY_DEG, c0, c2) \
        - 0.5 * (med(COL_RIB_FRONT_DEG, c0, c2) + med(COL_RIB_BACK_DEG, c0, c2))
    foot_deg = V[:, F_FOOT_DEG + foot]
    flat_deg = med(F_FOOT_DEG + foot, c0 + FLAT_FROM_FRAC * (toe_off - c0),
                   c0 + FLAT_TO_FRAC * (toe_off - c0))
    if np.isnan(flat_deg) or not toe_off > c0:
        flat_deg = belt_angle_deg
    k_air = last_airborne_frame_ref(t, foot_deg, c0, flat_deg, FOOT_TURN_DEG, MAX_BACK_S)
    if k_air >= 0 and c0 - t[k_air] > MAX_READ_GAP_S:
        k_air = -1
    t_ic = landed_contact_s_ref(t, foot_deg, c0, k_air)
    out[S_OVERSTRIDE] = _stance_ref(t, V[:, F_HEEL_FORWARD_PX + foot], t_ic) / leg_len_px * 100
    out[S_SHANK_IC] = _contact_ref(t, V[:, F_SHANK_DEG + foot], t_ic)
    strike = mean_before_ref(t, foot_deg, k_air, FOOT_MEAN_S) if k_air >= 0 \
        else _approach_ref(t, foot_deg, c0)
    out[S_FOOT_STRIKE] = strike - belt_angle_deg
    contact_s = toe_off - c0
    if contact_s > 0:
        out[S_CONTACT_MS] = contact_s * 1000
        out[S_DUTY] = contact_s / stride_s * 100
        out[S_KNEE_PEAK] = _peak_ref(t, V[:, F_KNEE_FLEXION_DEG + foot], c0, toe_off)
        out[S_HIP_EXT] = -_interp_ref(t, V[:, F_THIGH_DEG + foot], toe_off)
        if not np.isnan(c1):
            out[S_FLIGHT_MS] = max(0.0, c1 - toe_off) * 1000
    out[S_KNEE_IC] = _interp_ref(t, V[:, F_THIGH_DEG + foot], t_ic) - out[S_SHANK_IC]
    if not np.isnan(c1) and c0 < c1 < c2:
        out[S_VERT_OSC] = step_bounce_px_ref(t, V[:, F_HIP_Y], c0, c1, N_HARMONICS,
                                             BOUNCE_PAD_STEPS, MAX_GAP_STEPS) / px_per_cm
        a, b = c1 - c0, c2 - c1
        out[S_STEP_ASYM] = abs(a - b) / (0.5 * (a + b)) * 100
        other = other_toe_off - c1
        if contact_s > 0 and other > 0:
            out[S_CONTACT_ASYM] = abs(contact_s - other) / (0.5 * (contact_s + other)) * 100
    out[S_HEAD_FWD] = med(F_HEAD_FORWARD_PCT, c0, c2)
    out[S_SHRUG] = shrug_baseline_pct - med(F_EAR_ABOVE_SHOULDER_PCT, c0, c2)
    return out
