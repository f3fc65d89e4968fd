"""Silhouette proxies: pelvic tilt (lumbar arch) and rib flare from the segmentation mask.

Geometry (kernels/silhouette.md has the picture): in the trunk frame, h runs from the hip
midpoint H (h=0) to the shoulder midpoint S (h=1) and f is the offset along the forward
normal, both in units of trunk length T. At each level h a ray perpendicular to the trunk
axis is marched forward and backward from the trunk through the mask; where the mask
drops below the threshold the body ends. That gives the front and back contours,
f_front(h) and f_back(h), the same profile station/synth/contour_metrics.py takes from an
outline.

- pelvic_tilt_deg = angle(back contour line over h 0.00..0.20, sacral/buttock)
                  - angle(back contour line over h 0.25..0.45, lumbar); + = more arch.
- rib_flare_deg   = angle(front contour line over h 0.05..0.40, lower trunk)
                  - mean(angle(front), angle(back)) over h 0.50..0.80 (rib cage);
                  + = rib cage tilted back relative to the pelvis.
The angle of a line f = a + b*h is atan(b), + = leaning forward going up.

What keeps the contour the trunk's own:
- Sub-pixel edges. The ray is marched pixel by pixel to find the edge, then the crossing
  of the threshold is located on the bilinearly interpolated mask at the ray's exact
  positions. Counting whole steps from the axis point instead ties the edge to where the
  axis point falls inside its pixel; on a treadmill the hips barely move sideways, so
  that error does not average out over frames and bent the sacral line by ~2 degrees.
- Arms. An arm that overlaps the trunk outline in a side view puts its own edge where
  the trunk's should be. An edge point closer than `arm_half_width` (x T) to an arm's
  axis (shoulder->elbow, elbow->wrist and on past the wrist over the fist) is dropped.
  Only the edge is tested, so an arm that swings clear of the trunk, or lies inside the
  silhouette away from the contour, costs nothing.
- The trunk's own pixels. The rays start at the trunk axis; where a deep lumbar hollow
  (or a wobbly landmark) puts the axis point outside the mask, they start from the
  nearest body pixel along the level line within `core_half_depth` (x T).
- Robust lines. Each band's line is fitted by least squares, then the level with the
  largest residual is dropped while it is off by more than MAX_RESID_T (x T, at least
  MIN_RESID_PX) and enough levels remain, at most a third of the levels: what is left of
  a hand, a thigh or a fold of clothing at one or two levels does not tilt the line.

The NumPy reference below does the same arithmetic in the same order.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

SACRAL_BAND = (0.0, 0.20)
LUMBAR_BAND = (0.25, 0.45)
RIB_BAND = (0.50, 0.80)
LOWER_TRUNK_BAND = (0.10, 0.40)
#: Longest ray, in trunk lengths: nothing of the trunk is that far from its axis.
MAX_REACH_T = 0.6
#: The fist: a capsule from the wrist landmark this far on along the forearm (x T)...
HAND_EXT_T = 0.15
#: ...with this radius relative to the arm's at the shoulder (the hand turns: generous).
HAND_FRAC = 0.9
#: Arm radius at the elbow and at the wrist relative to the one at the shoulder
#: (`arm_half_width`, sleeve included): limbs taper.
ELBOW_FRAC = 0.7
WRIST_FRAC = 0.6
#: Robust line fit: a level is an outlier when its residual exceeds this (x T)...
MAX_RESID_T = 0.02
#: ...or this many pixels, whichever is larger (quantisation of small masks).
MIN_RESID_PX = 1.0
#: After the trimming, a level still off the fit by this many x max_resid means the
#: contour is covered (an arm, a thigh), not merely kinked: no line.
REJECT_FACTOR = 1.0
#: The levels a band's line rests on must span at least this share of the band...
MIN_SPAN = 0.6
#: ...except the lower trunk's front, the belly: the flattest stretch of the outline and
#: the one forearms (above) and a swinging thigh (below) cover most often.
MIN_SPAN_BELLY = 0.4
#: Pull of the band's quadratic toward a straight line, relative to the curvature term
#: of a fully covered band. No effect on a fully covered band (the slope there does not
#: depend on the curvature); on a partly covered one it keeps the extrapolation tame.
RIDGE = 1.0
#: The march to the edge samples every STEP px, then pixel by pixel over the last stride
#: (a gap in the body narrower than this is not an edge).
STEP = 3
#: An edge is sharp when the mask falls from sure body to sure background within this
#: many trunk lengths (at least SOFT_EDGE_PX): MediaPipe's outline of a body against the
#: background takes ~0.012-0.02 T on the gym clip, the smear it leaves where a handrail
#: or the treadmill's console covers the belly 0.04-0.15 T.
SOFT_EDGE_T = 0.035
SOFT_EDGE_PX = 3


@jit
def _bilinear(mask: np.ndarray, x: float, y: float) -> float:
    """Mask value interpolated at (x, y); -1 outside the pixel-centre grid."""
    height, width = mask.shape
    if width < 2 or height < 2:
        return -1.0
    if not (x >= 0.0 and y >= 0.0 and x <= width - 1.0 and y <= height - 1.0):
        return -1.0
    x0 = min(int(math.floor(x)), width - 2)
    y0 = min(int(math.floor(y)), height - 2)
    fx = x - x0
    fy = y - y0
    top = mask[y0, x0] * (1.0 - fx) + mask[y0, x0 + 1] * fx
    bot = mask[y0 + 1, x0] * (1.0 - fx) + mask[y0 + 1, x0 + 1] * fx
    return top * (1.0 - fy) + bot * fy


@jit
def _pix(mask: np.ndarray, x: float, y: float) -> int:
    """Value of the pixel nearest to (x, y); -1 off the image."""
    height, width = mask.shape
    px = int(math.floor(x + 0.5))
    py = int(math.floor(y + 0.5))
    if px < 0 or py < 0 or px >= width or py >= height:
        return -1
    return int(mask[py, px])


@jit
def _is_in(mask: np.ndarray, threshold: int, x: float, y: float) -> int:
    """1 if the nearest pixel is body, 0 if not, -1 off the image."""
    v = _pix(mask, x, y)
    if v < 0:
        return -1
    return 1 if v >= threshold else 0


@jit
def _edge(mask: np.ndarray, threshold: int, cx: float, cy: float, dx: float, dy: float,
          reach: int, soft_px: int) -> float:
    """Distance (px) from (cx, cy), a body pixel, along the unit direction (dx, dy) to where
    the mask falls below the threshold; NaN when the body runs off the image or past
    `reach`, or when the edge is soft: the mask takes more than `soft_px` px to fall from
    sure body (above the middle of threshold..255) to sure background (below half the
    threshold), which is what an occluder in front of the body (a handrail, the console)
    leaves in a segmentation mask, where the body's own outline falls within a few px."""
    # Coarse march (every STEP px) to the first sample off the body, then pixel by pixel
    # back over the last stride to the first pixel off the body.
    k_out = -1
    k = STEP
    while k < reach:
        v = _pix(mask, cx + k * dx, cy + k * dy)
        if v < threshold:
            for j in range(k - STEP + 1, k + 1):
                vj = _pix(mask, cx + j * dx, cy + j * dy)
                if vj < threshold:
                    if vj < 0:
                        return math.nan  # the body runs off the image: no trustworthy edge
                    k_out = j
                    break
            break
        k += STEP
    if k_out < 1:
        return math.nan
    last_in = k_out - 1
    # Soft edge: the last sure-body pixel before the exit, the first sure-background
    # pixel after it (the image border counts as background), at most soft_px apart.
    hi = 0.5 * (threshold + 255.0)
    lo = 0.5 * threshold
    last_hi = -1
    for j in range(last_in, max(-1, k_out - soft_px - 1), -1):
        if _pix(mask, cx + j * dx, cy + j * dy) >= hi:
            last_hi = j
            break
    if last_hi < 0:
        return math.nan
    first_lo = -1
    for j in range(k_out, last_hi + soft_px + 1):
        if _pix(mask, cx + j * dx, cy + j * dy) <= lo:
            first_lo = j
            break
    if first_lo < 0:
        return math.nan
    # Sub-pixel: the threshold crossing of the interpolated mask, sampled every half pixel
    # from one pixel before the last body pixel to two after it.
    t_prev = last_in - 1.0
    v_prev = _bilinear(mask, cx + t_prev * dx, cy + t_prev * dy)
    if v_prev < threshold:
        return last_in + 0.5
    for j in range(1, 7):
        t = last_in - 1.0 + 0.5 * j
        v = _bilinear(mask, cx + t * dx, cy + t * dy)
        if v < 0.0:
            return last_in + 0.5
        if v < threshold:
            return t_prev + 0.5 * (v_prev - threshold) / (v_prev - v)
        t_prev = t
        v_prev = v
    return last_in + 0.5


@jit
def _anchor(mask: np.ndarray, threshold: int, cx: float, cy: float, nx: float, ny: float,
            search: int) -> float:
    """Offset (px, along the normal) of the body pixel nearest to (cx, cy) on the level
    line, searching up to `search` px each way, front first; NaN if none."""
    v = _is_in(mask, threshold, cx, cy)
    if v > 0:
        return 0.0
    for k in range(1, search + 1):
        for sgn in (1.0, -1.0):
            if _is_in(mask, threshold, cx + sgn * k * nx, cy + sgn * k * ny) > 0:
                return sgn * k
    return math.nan


@jit
def arm_capsules(arm_xy: np.ndarray, radius: float, hand_ext: float,
                 caps: np.ndarray) -> int:
    """The capsules around the arms' bones, one row each (x0, y0, vx, vy, 1/|v|^2, r0,
    r1 - r0): shoulder->elbow (radius `radius` tapering to ELBOW_FRAC x radius),
    elbow->wrist (ELBOW_FRAC to WRIST_FRAC x radius) and the fist, wrist -> `hand_ext` px
    on along the forearm (HAND_FRAC x radius). Returns how many rows were filled (an
    unseen landmark leaves its capsules out). caps: (6, 7)."""
    n = 0
    for arm in range(arm_xy.shape[0] // 3):
        sx, sy = arm_xy[3 * arm, 0], arm_xy[3 * arm, 1]
        ex, ey = arm_xy[3 * arm + 1, 0], arm_xy[3 * arm + 1, 1]
        wx, wy = arm_xy[3 * arm + 2, 0], arm_xy[3 * arm + 2, 1]
        elbow = not (math.isnan(ex) or math.isnan(ey))
        wrist = not (math.isnan(wx) or math.isnan(wy))
        if elbow and not (math.isnan(sx) or math.isnan(sy)):
            _set_capsule(caps, n, sx, sy, ex, ey, radius, ELBOW_FRAC * radius)
            n += 1
        if elbow and wrist:
            _set_capsule(caps, n, ex, ey, wx, wy, ELBOW_FRAC * radius, WRIST_FRAC * radius)
            n += 1
            fl = math.hypot(wx - ex, wy - ey)
            if fl > 0.0:
                _set_capsule(caps, n, wx, wy, wx + (wx - ex) / fl * hand_ext,
                             wy + (wy - ey) / fl * hand_ext, HAND_FRAC * radius,
                             HAND_FRAC * radius)
                n += 1
    return n


@jit
def _set_capsule(caps: np.ndarray, i: int, x0: float, y0: float, x1: float, y1: float,
                 r0: float, r1: float) -> None:
    vx, vy = x1 - x0, y1 - y0
    ll = vx * vx + vy * vy
    caps[i, 0] = x0
    caps[i, 1] = y0
    caps[i, 2] = vx
    caps[i, 3] = vy
    caps[i, 4] = 1.0 / ll if ll > 0.0 else 0.0
    caps[i, 5] = r0
    caps[i, 6] = r1 - r0


@jit
def _near_arm(ex: float, ey: float, caps: np.ndarray, n_caps: int) -> bool:
    """True if (ex, ey) may be an arm's edge: inside one of the tapered capsules (radius
    interpolated at the nearest point of the axis)."""
    for i in range(n_caps):
        x0, y0, vx, vy = caps[i, 0], caps[i, 1], caps[i, 2], caps[i, 3]
        w = min(1.0, max(0.0, ((ex - x0) * vx + (ey - y0) * vy) * caps[i, 4]))
        r = caps[i, 5] + w * caps[i, 6]
        if r <= 0.0:
            continue
        qx = ex - (x0 + w * vx)
        qy = ey - (y0 + w * vy)
        if qx * qx + qy * qy < r * r:
            return True
    return False


@jit
def trunk_profile(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float,
                  sy: float, s: float, levels: np.ndarray, caps: np.ndarray, n_caps: int,
                  core_half_depth: float, want_front: bool,
                  want_back: bool, front: np.ndarray, back: np.ndarray) -> None:
    """Front and back contour offsets f (units of T) at each level; NaN where no trunk
    edge is found or it lies in one of the n_caps arm capsules (arm_capsules)."""
    ax, ay = sx - hx, sy - hy
    t_len = math.hypot(ax, ay)
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
    search = int(core_half_depth * t_len)
    soft_px = max(SOFT_EDGE_PX, int(SOFT_EDGE_T * t_len + 0.5))
    for i in range(levels.shape[0]):
        cx = hx + levels[i] * ax
        cy = hy + levels[i] * ay
        a = _anchor(mask, threshold, cx, cy, nx, ny, search)
        if math.isnan(a):
            continue
        px, py = cx + a * nx, cy + a * ny
        for side in range(2):
            if (side == 0 and not want_front) or (side == 1 and not want_back):
                continue
            direction = 1.0 if side == 0 else -1.0
            d = _edge(mask, threshold, px, py, direction * nx, direction * ny, reach,
                      soft_px)
            if math.isnan(d):
                continue
            off = a + direction * d
            if _near_arm(cx + off * nx, cy + off * ny, caps, n_caps):
                continue
            if side == 0:
                front[i] = off / t_len
            else:
                back[i] = off / t_len


@jit
def _fit(levels: np.ndarray, offsets: np.ndarray, use: np.ndarray, mid: float,
         ridge: float) -> tuple:
    """Least-squares quadratic f = p0 + p1 (h-mid) + p2 (h-mid)^2 over the levels with
    use[i], with `ridge` added to the curvature's normal equation (a pull toward a
    straight line): (n, p0, p1, p2); NaNs when it is not determined."""
    n = 0
    s1 = s2 = s3 = s4 = 0.0
    t0 = t1 = t2 = 0.0
    for i in range(levels.shape[0]):
        if use[i]:
            d = levels[i] - mid
            d2 = d * d
            f = offsets[i]
            n += 1
            s1 += d
            s2 += d2
            s3 += d2 * d
            s4 += d2 * d2
            t0 += f
            t1 += f * d
            t2 += f * d2
    s4 += ridge
    # Normal equations [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]] p = [t0, t1, t2], Cramer.
    s0 = float(n)
    det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2)
    if n < 3 or not (abs(det) > 1e-18):
        return n, math.nan, math.nan, math.nan
    d0 = t0 * (s2 * s4 - s3 * s3) - s1 * (t1 * s4 - s3 * t2) + s2 * (t1 * s3 - s2 * t2)
    d1 = s0 * (t1 * s4 - t2 * s3) - t0 * (s1 * s4 - s3 * s2) + s2 * (s1 * t2 - t1 * s2)
    d2 = s0 * (s2 * t2 - s3 * t1) - s1 * (s1 * t2 - t1 * s2) + t0 * (s1 * s3 - s2 * s2)
    return n, d0 / det, d1 / det, d2 / det


@jit
def line_angle_deg(levels: np.ndarray, offsets: np.ndarray, min_points: int,
                   max_resid: float, min_span: float, use: np.ndarray) -> float:
    """Angle (degrees, atan of the slope) of the band's least-squares line f(h), robust to
    missing and contaminated levels.

    With every level present this is exactly the least-squares line: a quadratic fitted
    over levels symmetric about the band's middle has the line's slope as its derivative
    there. With levels missing, the quadratic through the rest still gives the slope the
    full band's line would have on a smoothly curving contour, where a line through the
    remaining levels would not. Levels are dropped, worst first, while a residual exceeds
    max_resid: at most a third of them, never below min_points. NaN when fewer than
    min_points levels have an edge, they cover less than `min_span` of the band, or one
    is still off by more than REJECT_FACTOR x max_resid."""
    n_lv = levels.shape[0]
    lo = levels[0]
    hi = levels[n_lv - 1]
    mid = 0.5 * (lo + hi)
    ridge = RIDGE * n_lv * (0.5 * (hi - lo)) ** 4
    for i in range(n_lv):
        use[i] = not math.isnan(offsets[i])
    n, p0, p1, p2 = _fit(levels, offsets, use, mid, ridge)
    for _ in range(n_lv - min_points):
        if n - 1 < min_points or math.isnan(p1):
            break
        worst = -1
        worst_r = max_resid
        for i in range(n_lv):
            if use[i]:
                d = levels[i] - mid
                r = abs(offsets[i] - (p0 + p1 * d + p2 * d * d))
                if r > worst_r:
                    worst_r = r
                    worst = i
        if worst < 0:
            break
        use[worst] = False
        n, p0, p1, p2 = _fit(levels, offsets, use, mid, ridge)
    if n < min_points or math.isnan(p1):
        return math.nan
    for i in range(n_lv):
        if use[i]:
            d = levels[i] - mid
            if abs(offsets[i] - (p0 + p1 * d + p2 * d * d)) > REJECT_FACTOR * max_resid:
                return math.nan  # still far off a smooth contour: something covers it
    first = -1
    last = -1
    for i in range(n_lv):
        if use[i]:
            if first < 0:
                first = i
            last = i
    if levels[last] - levels[first] < min_span * (hi - lo):
        return math.nan
    return math.degrees(math.atan(p1))


@jit
def silhouette_proxies(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float,
                       sy: float, s: float, arm_xy: np.ndarray, levels_per_band: int,
                       core_half_depth: float, arm_half_width: float,
                       out: np.ndarray) -> None:
    """out[0] = pelvic_tilt_deg, out[1] = rib_flare_deg (NaN when not measurable).

    mask uint8 (H, W); H = (hx, hy), S = (sx, sy) in pixels; s = +1 facing image-right;
    arm_xy (6, 2): left shoulder, elbow, wrist, right shoulder, elbow, wrist (NaN = unseen).
    core_half_depth, arm_half_width in trunk lengths (see the module doc)."""
    out[0] = math.nan
    out[1] = math.nan
    if levels_per_band < 2 or math.isnan(hx) or math.isnan(hy) or math.isnan(sx) \
            or math.isnan(sy):
        return
    t_len = math.hypot(sx - hx, sy - hy)
    if not (t_len > 1.0):
        return
    max_resid = max(MAX_RESID_T, MIN_RESID_PX / t_len)
    bands = ((SACRAL_BAND[0], SACRAL_BAND[1]), (LUMBAR_BAND[0], LUMBAR_BAND[1]),
             (RIB_BAND[0], RIB_BAND[1]), (LOWER_TRUNK_BAND[0], LOWER_TRUNK_BAND[1]))
    angles_front = np.full(4, np.nan)
    angles_back = np.full(4, np.nan)
    levels = np.empty(levels_per_band)
    front = np.empty(levels_per_band)
    back = np.empty(levels_per_band)
    use = np.empty(levels_per_band, np.bool_)
    min_points = max(4, levels_per_band // 2)
    caps = np.empty((6, 7))
    n_caps = arm_capsules(arm_xy, arm_half_width * t_len, HAND_EXT_T * t_len, caps)
    for b in range(4):
        lo, hi = bands[b]
        for i in range(levels_per_band):
            levels[i] = lo + (hi - lo) * i / (levels_per_band - 1)
        # Only the contours the proxies use: back of the sacral and lumbar bands, both
        # sides of the rib band, front of the lower trunk.
        want_front = b >= 2
        want_back = b <= 2
        trunk_profile(mask, threshold, hx, hy, sx, sy, s, levels, caps, n_caps,
                      core_half_depth, want_front, want_back, front, back)
        span = MIN_SPAN_BELLY if b == 3 else MIN_SPAN
        if want_front:
            angles_front[b] = line_angle_deg(levels, front, min_points, max_resid, span, use)
        if want_back:
            angles_back[b] = line_angle_deg(levels, back, min_points, max_resid, span, use)
    out[0] = angles_back[0] - angles_back[1]
    out[1] = angles_front[3] - 0.5 * (angles_front[2] + angles_back[2])
