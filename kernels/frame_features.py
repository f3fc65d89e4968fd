"""Per-frame geometry of a side-on runner: the raw angles and positions every metric uses.

Input: BlazePose landmarks (33, 2) in pixels (x right, y down, NaN = unseen), the facing
sign `s` (+1 faces image-right) and which side of the body faces the camera. Output: a
vector indexed by the F_* constants. "Forward" of a vector d is s*d.x, "up" is -d.y
(METRICS.md). Angles in degrees; NaN wherever a needed landmark is NaN.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

# BlazePose indices used here (kernels import nothing of the project).
NOSE, L_EAR, R_EAR = 0, 7, 8
L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 11, 12, 13, 14, 15, 16
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 23, 24, 25, 26, 27, 28
L_HEEL, R_HEEL, L_TOE, R_TOE = 29, 30, 31, 32

# Output layout. Per-leg features come as a (left, right) pair: index + 0 left, + 1 right.
F_TRUNK_LEAN_DEG = 0        # atan2(forward(S-H), up(S-H))
F_TRUNK_LEN_PX = 1          # |S-H|
F_HIP_X = 2                 # H, pixels
F_HIP_Y = 3
F_SHOULDER_X = 4            # S, pixels
F_SHOULDER_Y = 5
F_HEAD_FORWARD_PCT = 6      # forward(ear - shoulder) / T * 100, camera side
F_EAR_ABOVE_SHOULDER_PCT = 7  # up(ear - shoulder) / T * 100, camera side
F_KNEE_FLEXION_DEG = 8      # 180 - angle(hip, knee, ankle)            (L, R)
F_SHANK_DEG = 10            # knee->ankle from vertical, + ankle ahead  (L, R)
F_THIGH_DEG = 12            # hip->knee from vertical, + knee ahead     (L, R)
F_FOOT_DEG = 14             # heel->toe vs image horizontal, + toes up  (L, R)
F_HEEL_FORWARD_PX = 16      # forward(heel - H)                         (L, R)
F_BODY_LEAN_DEG = 18        # atan2(forward(S-A), up(S-A)), A = ankle    (L, R)
F_FOOT_LOW_Y = 20           # lowest point of the foot: max y of heel, toe (L, R)
F_FOOT_FORWARD_PX = 22      # s * x of the foot's middle (heel+toe)/2    (L, R)
F_LEG_LEN_PX = 24           # |hip - ankle|                              (L, R)
N_FEATURES = 26

_LEG = ((L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_TOE), (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_TOE))


@jit
def _mid(xy: np.ndarray, a: int, b: int, k: int) -> float:
    """Midpoint coordinate k of landmarks a and b; the one that is seen when only one is."""
    va, vb = xy[a, k], xy[b, k]
    if math.isnan(va):
        return vb
    if math.isnan(vb):
        return va
    return 0.5 * (va + vb)


@jit
def _angle_from_vertical_deg(forward: float, along: float) -> float:
    """Angle of a vector from the vertical axis `along` (up or down), + toward forward."""
    return math.degrees(math.atan2(forward, along))


@jit
def frame_features(xy: np.ndarray, s: float, camera_left: bool, out: np.ndarray) -> None:
    """Fill `out` (N_FEATURES,) from landmarks `xy` (33, 2)."""
    sx = _mid(xy, L_SHOULDER, R_SHOULDER, 0)
    sy = _mid(xy, L_SHOULDER, R_SHOULDER, 1)
    hx = _mid(xy, L_HIP, R_HIP, 0)
    hy = _mid(xy, L_HIP, R_HIP, 1)
    out[F_HIP_X] = hx
    out[F_HIP_Y] = hy
    out[F_SHOULDER_X] = sx
    out[F_SHOULDER_Y] = sy
    trunk = math.hypot(sx - hx, sy - hy)
    out[F_TRUNK_LEN_PX] = trunk
    out[F_TRUNK_LEAN_DEG] = _angle_from_vertical_deg(s * (sx - hx), -(sy - hy))

    # Head: ear and shoulder of the side facing the camera, else the other side.
    ear, sho = (L_EAR, L_SHOULDER) if camera_left else (R_EAR, R_SHOULDER)
    if math.isnan(xy[ear, 0]) or math.isnan(xy[sho, 0]):
        ear, sho = (R_EAR, R_SHOULDER) if camera_left else (L_EAR, L_SHOULDER)
    out[F_HEAD_FORWARD_PCT] = s * (xy[ear, 0] - xy[sho, 0]) / trunk * 100.0
    out[F_EAR_ABOVE_SHOULDER_PCT] = -(xy[ear, 1] - xy[sho, 1]) / trunk * 100.0

    for side in range(2):
        hip, knee, ankle, heel, toe = _LEG[side]
        # Knee flexion from the angle between knee->hip and knee->ankle.
        ux, uy = xy[hip, 0] - xy[knee, 0], xy[hip, 1] - xy[knee, 1]
        vx, vy = xy[ankle, 0] - xy[knee, 0], xy[ankle, 1] - xy[knee, 1]
        inner = math.degrees(math.atan2(abs(ux * vy - uy * vx), ux * vx + uy * vy))
        out[F_KNEE_FLEXION_DEG + side] = 180.0 - inner
        out[F_SHANK_DEG + side] = _angle_from_vertical_deg(s * vx, vy)
        out[F_THIGH_DEG + side] = _angle_from_vertical_deg(-s * ux, -uy)
        out[F_FOOT_DEG + side] = math.degrees(math.atan2(
            -(xy[toe, 1] - xy[heel, 1]), s * (xy[toe, 0] - xy[heel, 0])))
        out[F_HEEL_FORWARD_PX + side] = s * (xy[heel, 0] - hx)
        out[F_BODY_LEAN_DEG + side] = _angle_from_vertical_deg(
            s * (sx - xy[ankle, 0]), -(sy - xy[ankle, 1]))
        out[F_FOOT_LOW_Y + side] = max(xy[heel, 1], xy[toe, 1]) \
            if not (math.isnan(xy[heel, 1]) or math.isnan(xy[toe, 1])) else math.nan
        out[F_FOOT_FORWARD_PX + side] = s * 0.5 * (xy[heel, 0] + xy[toe, 0])
        out[F_LEG_LEN_PX + side] = math.hypot(xy[hip, 0] - xy[ankle, 0], xy[hip, 1] - xy[ankle, 1])


@jit
def frame_features_batch(xy: np.ndarray, s: float, camera_left: bool, out: np.ndarray) -> None:
    """`frame_features` over frames: xy (N, 33, 2) -> out (N, N_FEATURES)."""
    for i in range(xy.shape[0]):
        frame_features(xy[i], s, camera_left, out[i])


# ---------------------------------------------------------------------------------------
# NumPy reference: the same definitions written the plain way, vectorised over frames.

def _mid_ref(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(a), b, np.where(np.isnan(b), a, 0.5 * (a + b)))


def frame_features_ref(xy: np.ndarray, s: float, camera_left: bool) -> np.ndarray:
    """Reference for `frame_features_batch`: xy (N, 33, 2) -> (N, N_FEATURES)."""
    xy = np.asarray(xy, np.float64)
    n = xy.shape[0]
    out = np.full((n, N_FEATURES), np.nan)
    S = _mid_ref(xy[:, L_SHOULDER], xy[:, R_SHOULDER])
    H = _mid_ref(xy[:, L_HIP], xy[:, R_HIP])
    d = S - H
    T = np.hypot(d[:, 0], d[:, 1])
    out[:, F_HIP_X], out[:, F_HIP_Y] = H[:, 0], H[:, 1]
    out[:, F_SHOULDER_X], out[:, F_SHOULDER_Y] = S[:, 0], S[:, 1]
    out[:, F_TRUNK_LEN_PX] = T
    out[:, F_TRUNK_LEAN_DEG] = np.degrees(np.arctan2(s * d[:, 0], -d[:, 1]))
    near = (L_EAR, L_SHOULDER) if camera_left else (R_EAR, R_SHOULDER)
    far = (R_EAR, R_SHOULDER) if camera_left else (L_EAR, L_SHOULDER)
    use_far = np.isnan(xy[:, near[0], 0]) | np.isnan(xy[:, near[1], 0])
    ear = np.where(use_far[:, None], xy[:, far[0]], xy[:, near[0]])
    sho = np.where(use_far[:, None], xy[:, far[1]], xy[:, near[1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, F_HEAD_FORWARD_PCT] = s * (ear[:, 0] - sho[:, 0]) / T * 100.0
        out[:, F_EAR_ABOVE_SHOULDER_PCT] = -(ear[:, 1] - sho[:, 1]) / T * 100.0
    for side, (hip, knee, ankle, heel, toe) in enumerate(_LEG):
        u = xy[:, hip] - xy[:, knee]
        v = xy[:, ankle] - xy[:, knee]
        cross = np.abs(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0])
        dot = (u * v).sum(axis=1)
        out[:, F_KNEE_FLEXION_DEG + side] = 180.0 - np.degrees(np.arctan2(cross, dot))
        out[:, F_SHANK_DEG + side] = np.degrees(np.arctan2(s * v[:, 0], v[:, 1]))
        out[:, F_THIGH_DEG + side] = np.degrees(np.arctan2(-s * u[:, 0], -u[:, 1]))
        f = xy[:, toe] - xy[:, heel]
        out[:, F_FOOT_DEG + side] = np.degrees(np.arctan2(-f[:, 1], s * f[:, 0]))
        out[:, F_HEEL_FORWARD_PX + side] = s * (xy[:, heel, 0] - H[:, 0])
        a = S - xy[:, ankle]
        out[:, F_BODY_LEAN_DEG + side] = np.degrees(np.arctan2(s * a[:, 0], -a[:, 1]))
        out[:, F_FOOT_LOW_Y + side] = np.maximum(xy[:, heel, 1], xy[:, toe, 1])
        out[:, F_FOOT_FORWARD_PX + side] = s * 0.5 * (xy[:, heel, 0] + xy[:, toe, 0])
        leg = xy[:, hip] - xy[:, ankle]
        out[:, F_LEG_LEN_PX + side] = np.hypot(leg[:, 0], leg[:, 1])
    return out
