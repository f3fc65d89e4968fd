"""Silhouette proxies: pelvic tilt (lumbar arch) and rib flare from the segmentation mask.

Geometry (see kernels/silhouette.md): in the trunk frame, h runs from the hip midpoint H
(h=0) to the shoulder midpoint S (h=1) and f is the offset along the forward normal, both in
units of trunk length T. At each level h a ray is marched from the trunk axis forward and
backward through the mask; the first pixel below the threshold ends the body there. That
gives the front and back contour, f_front(h) and f_back(h).

- pelvic_tilt_deg = angle(back contour line over h 0.00..0.20, sacral/buttock)
                  - angle(back contour line over h 0.25..0.45, lumbar); + = more arch.
- rib_flare_deg   = angle(front contour line over h 0.05..0.40, lower trunk)
                  - mean(angle(front), angle(back)) over h 0.50..0.80 (rib cage);
                  + = rib cage tilted back relative to the pelvis.
The angle of a line f = a + b*h is atan(b), + = leaning forward going up.

Arms overlap the trunk in a side view: a level where an arm landmark segment lies outside
the trunk core on one side is dropped on that side (`arm_xy`), so a hand in front of the belly
or an elbow behind the back does not bend the contour.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

SACRAL_BAND = (0.0, 0.20)
LUMBAR_BAND = (0.25, 0.45)
RIB_BAND = (0.50, 0.80)
LOWER_TRUNK_BAND = (0.05, 0.40)
#: Longest ray, in trunk lengths: nothing of the trunk is that far from its axis.
MAX_REACH_T = 0.6


@jit
def trunk_profile(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float, sy: float,
                  s: float, levels: np.ndarray, front: np.ndarray, back: np.ndarray) -> None:
    """March rays at each level; write f_front, f_back (units of T, NaN = no edge found)."""
    ax, ay = sx - hx, sy - hy
    t_len = math.hypot(ax, ay)
    height, width = mask.shape
    for i in range(levels.shape[0]):
        front[i] = math.nan
        back[i] = math.nan
    if not (t_len > 1.0):
        return
    ux, uy = ax / t_len, ay / t_len
    # Forward normal: perpendicular to the trunk, pointing the way the runner faces.
    nx, ny = -uy, ux
    if s * nx < 0:
        nx, ny = -nx, -ny
    reach = int(MAX_REACH_T * t_len) + 1
    for i in range(levels.shape[0]):
        cx = hx + levels[i] * ax
        cy = hy + levels[i] * ay
        for direction in (1.0, -1.0):
            last_in = -1
            edge = False
            for k in range(reach):
                px = int(round(cx + direction * k * nx))
                py = int(round(cy + direction * k * ny))
                if px < 0 or py < 0 or px >= width or py >= height:
                    break  # the body runs off the image: no trustworthy edge
                if mask[py, px] < threshold:
                    edge = True
                    break
                last_in = k
            if edge and last_in >= 0:
                # The edge lies between the last pixel in and the first pixel out.
                off = direction * (last_in + 0.5) / t_len
                if direction > 0:
                    front[i] = off
                else:
                    back[i] = off


@jit
def drop_arm_levels(arm_xy: np.ndarray, hx: float, hy: float, sx: float, sy: float, s: float,
                    levels: np.ndarray, core_half_depth: float, half_width: float,
                    front: np.ndarray, back: np.ndarray) -> None:
    """NaN the levels where an arm segment sticks out of the trunk core on that side.

    `arm_xy` (k, 2): points along the arms (shoulder, elbow, wrist of each arm); segments are
    consecutive pairs (0-1, 1-2, 3-4, 4-5). Units of the thresholds: trunk lengths.
    """
    ax, ay = sx - hx, sy - hy
    t_len = math.hypot(ax, ay)
    if not (t_len > 1.0):
        return
    ux, uy = ax / t_len, ay / t_len
    nx, ny = -uy, ux
    if s * nx < 0:
        nx, ny = -nx, -ny
    n_pts = arm_xy.shape[0]
    for seg in range(n_pts - 1):
        if seg % 3 == 2:
            continue  # wrist of one arm to the shoulder of the next is not a bone
        x0, y0 = arm_xy[seg, 0], arm_xy[seg, 1]
        x1, y1 = arm_xy[seg + 1, 0], arm_xy[seg + 1, 1]
        if math.isnan(x0) or math.isnan(x1) or math.isnan(y0) or math.isnan(y1):
            continue
        for j in range(9):
            w = j / 8.0
            px = x0 + w * (x1 - x0) - hx
            py = y0 + w * (y1 - y0) - hy
            h = (px * ux + py * uy) / t_len
            f = (px * nx + py * ny) / t_len
            if abs(f) <= core_half_depth:
                continue
            for i in range(levels.shape[0]):
                if abs(levels[i] - h) <= half_width:
                    if f > 0:
                        front[i] = math.nan
                    else:
                        back[i] = math.nan


@jit
def line_angle_deg(levels: np.ndarray, offsets: np.ndarray, min_points: int) -> float:
    """atan of the least-squares slope of offsets over levels (NaNs skipped), degrees."""
    n = 0
    sh = 0.0
    sf = 0.0
    for i in range(levels.shape[0]):
        if not math.isnan(offsets[i]):
            n += 1
            sh += levels[i]
            sf += offsets[i]
    if n < min_points:
        return math.nan
    mh, mf = sh / n, sf / n
    shh = 0.0
    shf = 0.0
    for i in range(levels.shape[0]):
        if not math.isnan(offsets[i]):
            dh = levels[i] - mh
            shh += dh * dh
            shf += dh * (offsets[i] - mf)
    if shh <= 0.0:
        return math.nan
    return math.degrees(math.atan(shf / shh))


@jit
def silhouette_proxies(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float,
                       sy: float, s: float, arm_xy: np.ndarray, levels_per_band: int,
                       core_half_depth: float, arm_half_width: float,
                       out: np.ndarray) -> None:
    """out[0] = pelvic_tilt_deg, out[1] = rib_flare_deg (NaN when not measurable)."""
    bands = ((SACRAL_BAND[0], SACRAL_BAND[1]), (LUMBAR_BAND[0], LUMBAR_BAND[1]),
             (RIB_BAND[0], RIB_BAND[1]), (LOWER_TRUNK_BAND[0], LOWER_TRUNK_BAND[1]))
    angles_front = np.empty(4)
    angles_back = np.empty(4)
    levels = np.empty(levels_per_band)
    front = np.empty(levels_per_band)
    back = np.empty(levels_per_band)
    min_points = max(3, levels_per_band // 2)
    for b in range(4):
        lo, hi = bands[b]
        for i in range(levels_per_band):
            levels[i] = lo + (hi - lo) * i / (levels_per_band - 1)
        trunk_profile(mask, threshold, hx, hy, sx, sy, s, levels, front, back)
        drop_arm_levels(arm_xy, hx, hy, sx, sy, s, levels, core_half_depth, arm_half_width,
                        front, back)
        angles_front[b] = line_angle_deg(levels, front, min_points)
        angles_back[b] = line_angle_deg(levels, back, min_points)
    out[0] = angles_back[0] - angles_back[1]
    out[1] = angles_front[3] - 0.5 * (angles_front[2] + angles_back[2])


# ---------------------------------------------------------------------------------------
# NumPy reference: the same geometry, vectorised per band.

def _frame_ref(hx, hy, sx, sy, s):
    a = np.array([sx - hx, sy - hy], float)
    t_len = float(np.hypot(*a))
    u = a / t_len if t_len > 0 else np.zeros(2)
    n = np.array([-u[1], u[0]])
    if s * n[0] < 0:
        n = -n
    return a, t_len, u, n


def trunk_profile_ref(mask, threshold, hx, hy, sx, sy, s, levels):
    levels = np.asarray(levels, float)
    front = np.full(levels.shape, np.nan)
    back = np.full(levels.shape, np.nan)
    if not np.isfinite([hx, hy, sx, sy]).all():
        return front, back
    a, t_len, _, n = _frame_ref(hx, hy, sx, sy, s)
    if not t_len > 1.0:
        return front, back
    reach = int(MAX_REACH_T * t_len) + 1
    k = np.arange(reach)
    h_px, w_px = mask.shape
    for i, lv in enumerate(levels):
        c = np.array([hx, hy]) + lv * a
        for direction, dest in ((1.0, front), (-1.0, back)):
            px = np.round(c[0] + direction * k * n[0]).astype(int)
            py = np.round(c[1] + direction * k * n[1]).astype(int)
            inside = (px >= 0) & (py >= 0) & (px < w_px) & (py < h_px)
            first_out_of_image = np.argmin(inside) if not inside.all() else reach
            body = np.zeros(reach, bool)
            body[inside] = mask[py[inside], px[inside]] >= threshold
            first_out = np.argmin(body) if not body.all() else reach
            if first_out >= reach or first_out >= first_out_of_image or first_out == 0:
                continue  # no edge in reach, body runs off the image, or axis outside
            dest[i] = direction * (first_out - 1 + 0.5) / t_len
    return front, back


def drop_arm_levels_ref(arm_xy, hx, hy, sx, sy, s, levels, core_half_depth, half_width,
                        front, back):
    _, t_len, u, n = _frame_ref(hx, hy, sx, sy, s)
    if not t_len > 1.0:
        return
    w = np.linspace(0.0, 1.0, 9)
    for seg in range(len(arm_xy) - 1):
        if seg % 3 == 2:
            continue
        p0, p1 = arm_xy[seg], arm_xy[seg + 1]
        if not (np.isfinite(p0).all() and np.isfinite(p1).all()):
            continue
        pts = p0 + w[:, None] * (p1 - p0) - np.array([hx, hy])
        h = pts @ u / t_len
        f = pts @ n / t_len
        for hj, fj in zip(h[np.abs(f) > core_half_depth], f[np.abs(f) > core_half_depth]):
            near = np.abs(levels - hj) <= half_width
            (front if fj > 0 else back)[near] = np.nan


def line_angle_deg_ref(levels, offsets, min_points):
    ok = np.isfinite(offsets)
    if ok.sum() < min_points or np.ptp(levels[ok]) == 0:
        return np.nan
    return float(np.degrees(np.arctan(np.polyfit(levels[ok], offsets[ok], 1)[0])))


def silhouette_proxies_ref(mask, threshold, hx, hy, sx, sy, s, arm_xy, levels_per_band,
                           core_half_depth, arm_half_width):
    min_points = max(3, levels_per_band // 2)
    ang_f, ang_b = [], []
    for lo, hi in (SACRAL_BAND, LUMBAR_BAND, RIB_BAND, LOWER_TRUNK_BAND):
        levels = np.linspace(lo, hi, levels_per_band)
        front, back = trunk_profile_ref(mask, threshold, hx, hy, sx, sy, s, levels)
        if np.isfinite([hx, hy, sx, sy]).all():
            drop_arm_levels_ref(arm_xy, hx, hy, sx, sy, s, levels, core_half_depth,
                                arm_half_width, front, back)
        ang_f.append(line_angle_deg_ref(levels, front, min_points))
        ang_b.append(line_angle_deg_ref(levels, back, min_points))
    return np.array([ang_b[0] - ang_b[1], ang_f[3] - 0.5 * (ang_f[2] + ang_b[2])])
