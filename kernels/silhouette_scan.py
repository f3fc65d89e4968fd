"""Silhouette contour scan: where the trunk's front and back edges are at each level.

Part of the silhouette proxies (kernels/silhouette.py fits the band lines; the geometry
and the reasons are in kernels/silhouette.md). In the trunk frame, h runs from the hip
midpoint H (h=0) to the shoulder midpoint S (h=1) and f is the offset along the forward
normal, both in trunk lengths T. At each level a ray perpendicular to the trunk axis is
marched forward and backward through the mask from the trunk (or from the nearest body
pixel on the level line); where the mask drops below the threshold the body ends.

- Sub-pixel edges: the threshold crossing of the bilinearly interpolated mask at the ray's
  exact positions (whole steps from the axis point bent the sacral line by ~2 degrees).
- Soft edges are no edges: an occluder in front of the body (a handrail) leaves a grey
  smear in a segmentation mask, the body's own outline falls within a few px.
- Anchor: where a deep lumbar hollow (or a wobbly landmark) leaves the axis point outside
  the mask, the rays start from the nearest body pixel on the level line within
  `core_half_depth` (x T).
- Arms: an edge point inside a tapered capsule around an arm's bones may be the arm's
  edge, not the trunk's: trunk_profile drops it.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

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
#: The march to the edge samples every STEP px, then pixel by pixel over the last stride
#: (a gap in the body narrower than this is not an edge).
STEP = 3
#: An edge is sharp when the mask falls from sure body to sure background within this
#: many trunk lengths (at least SOFT_EDGE_PX): MediaPipe's outline of a body against the
#: background takes ~0.012-0.02 T on the gym clip, the smear it leaves where a handrail
#: or the treadmill's console covers the belly 0.04-0.15 T.
SOFT_EDGE_T = 0.035
SOFT_EDGE_PX = 3
#: Sub-pixel edge: the crossings of two rays this far to either side (px, along the trunk)
#: are averaged in. A binary mask's staircase holds still on a treadmill runner, so
#: its error does not average out over frames (0.5 px at a band end tilts a line ~2 deg).
SIDE_RAY_PX = 1.0
#: ...searched in the pixel around the centre ray's edge and this many pixels either way
#: (a contour sloping up to ~60 degrees off the level line; a steeper one leaves the
#: centre ray alone).
SIDE_RAY_SHIFTS = 2
#: In the pelvic bands, an edge whose ray runs into an arm's capsule within this many
#: trunk lengths beyond it (at least CREASE_MIN_PX) is the crease where the arm's outline
#: meets the back's, not the back: an elbow nestled in the lumbar hollow joins the back
#: 7-10 px from its landmark, just outside its capsule, and the crease sat 0.04-0.13 T
#: behind the back at the levels only those frames see (kernels/silhouette.md, session
#: 6). Not in the rib bands: there it dropped good edges beside the arms and moved the
#: flare 0.2-0.75 deg down over the sweeps.
CREASE_T = 0.04
CREASE_MIN_PX = 2.0
#: Columns of an arm_capsules row.
N_CAPSULE_COLS = 7


@jit
def _bilinear(mask: np.ndarray, x: float, y: float) -> float:
    """Mask value interpolated at (x, y); -1 outside the pixel-centre grid."""
    height, width = mask.shape
    if width < 2 or height < 2:
        return -1.0
    if not (x >= 0.0 and y >= 0.0 and x <= width - 1.0 and y <= height - 1.0):
        return -1.0
    # x, y >= 0 here, so truncation is the floor (and cheaper).
    x0 = min(int(x), width - 2)
    y0 = min(int(y), height - 2)
    fx = x - x0
    fy = y - y0
    top = mask[y0, x0] * (1.0 - fx) + mask[y0, x0 + 1] * fx
    bot = mask[y0 + 1, x0] * (1.0 - fx) + mask[y0 + 1, x0 + 1] * fx
    return top * (1.0 - fy) + bot * fy


@jit
def _pix(mask: np.ndarray, x: float, y: float) -> int:
    """Value of the pixel nearest to (x, y); -1 off the image."""
    height, width = mask.shape
    xr = x + 0.5
    yr = y + 0.5
    if not (xr >= 0.0 and yr >= 0.0):
        return -1
    # Non-negative here, so truncation is the floor (and cheaper).
    px = int(xr)
    py = int(yr)
    if px >= width or py >= height:
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
    # back over the last stride to the first pixel off the body. The pixels at the exit
    # (k_out) and just before it (last_in) are kept: the soft-edge test starts from them.
    k_out = -1
    v_out = 0
    v_in = -1                  # value at last_in when read here (-1: not read)
    v_coarse_prev = -1         # the previous coarse sample (body), none before STEP
    k = STEP
    while k < reach:
        v = _pix(mask, cx + k * dx, cy + k * dy)
        if v < threshold:
            v_prev = v_coarse_prev
            for j in range(k - STEP + 1, k + 1):
                vj = v if j == k else _pix(mask, cx + j * dx, cy + j * dy)
                if vj < threshold:
                    if vj < 0:
                        return math.nan  # the body runs off the image: no trustworthy edge
                    k_out = j
                    v_out = vj
                    v_in = v_prev
                    break
                v_prev = vj
            break
        v_coarse_prev = v
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
        vj = v_in if j == last_in and v_in >= 0 else _pix(mask, cx + j * dx, cy + j * dy)
        if vj >= hi:
            last_hi = j
            break
    if last_hi < 0:
        return math.nan
    first_lo = -1
    for j in range(k_out, last_hi + soft_px + 1):
        vj = v_out if j == k_out else _pix(mask, cx + j * dx, cy + j * dy)
        if vj <= lo:
            first_lo = j
            break
    if first_lo < 0:
        return math.nan
    # Sub-pixel: the threshold crossing of the interpolated mask on this ray (side_rays
    # refines it once the edge is known to be kept).
    centre = _crossing(mask, threshold, cx, cy, dx, dy, last_in - 1.0, 6)
    if math.isnan(centre):
        centre = last_in + 0.5
    return centre


@jit
def _side_rays(mask: np.ndarray, threshold: int, cx: float, cy: float, dx: float,
               dy: float, centre: float) -> float:
    """The edge at `centre` along the ray averaged with the crossings of parallel rays
    SIDE_RAY_PX to either side, which sample other phases of a binary mask's staircase."""
    total = centre
    n = 1
    for side in range(2):
        o = SIDE_RAY_PX if side == 0 else -SIDE_RAY_PX
        t = _crossing_near(mask, threshold, cx - o * dy, cy + o * dx, dx, dy, centre)
        if not math.isnan(t):
            total += t
            n += 1
    return total / n


@jit
def _crossing_near(mask: np.ndarray, threshold: int, cx: float, cy: float, dx: float,
                   dy: float, t_near: float) -> float:
    """Where the interpolated mask falls below the threshold along the ray, looked for in
    the pixel around t_near and at most SIDE_RAY_SHIFTS pixels on either way (linear
    between samples a pixel apart: two samples for a contour that runs across the ray);
    NaN when not found there or off the image."""
    a = t_near - 0.5
    b = t_near + 0.5
    va = _bilinear(mask, cx + a * dx, cy + a * dy)
    vb = _bilinear(mask, cx + b * dx, cy + b * dy)
    for _ in range(SIDE_RAY_SHIFTS + 1):
        if va < 0.0 or vb < 0.0:
            return math.nan
        if va >= threshold and vb < threshold:
            return a + (va - threshold) / (va - vb)
        if va < threshold:
            b = a
            vb = va
            a -= 1.0
            va = _bilinear(mask, cx + a * dx, cy + a * dy)
        else:
            a = b
            va = vb
            b += 1.0
            vb = _bilinear(mask, cx + b * dx, cy + b * dy)
    return math.nan


@jit
def _crossing(mask: np.ndarray, threshold: int, cx: float, cy: float, dx: float,
              dy: float, t0: float, n_half_px: int) -> float:
    """Where the interpolated mask first falls below the threshold along the ray, sampled
    every half pixel from t0 for n_half_px samples; NaN when the ray starts off the body,
    leaves the image or does not cross."""
    t_prev = t0
    v_prev = _bilinear(mask, cx + t_prev * dx, cy + t_prev * dy)
    if v_prev < threshold:
        return math.nan
    for j in range(1, n_half_px + 1):
        t = t0 + 0.5 * j
        v = _bilinear(mask, cx + t * dx, cy + t * dy)
        if v < 0.0:
            return math.nan
        if v < threshold:
            return t_prev + 0.5 * (v_prev - threshold) / (v_prev - v)
        t_prev = t
        v_prev = v
    return math.nan


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
    unseen landmark leaves its capsules out). caps: (6, N_CAPSULE_COLS)."""
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
    interpolated at the nearest point of the axis). Every capsule is tested, without an
    early way out: which one (if any) holds an edge point changes from edge to edge, and
    mispredicted branches cost more than the few products they would skip."""
    hit = False
    for i in range(n_caps):
        x0, y0, vx, vy = caps[i, 0], caps[i, 1], caps[i, 2], caps[i, 3]
        w = min(1.0, max(0.0, ((ex - x0) * vx + (ey - y0) * vy) * caps[i, 4]))
        r = caps[i, 5] + w * caps[i, 6]
        qx = ex - (x0 + w * vx)
        qy = ey - (y0 + w * vy)
        hit |= (r > 0.0) & (qx * qx + qy * qy < r * r)
    return hit


@jit
def _capsules_across(caps: np.ndarray, n_caps: int, hx: float, hy: float, ux: float,
                     uy: float, a_lo: float, a_hi: float, out: np.ndarray) -> int:
    """Copies into `out` the capsules that reach across the trunk between a_lo and a_hi px
    along the axis (from the hip, unit direction (ux, uy)); returns how many. Every edge a
    level's rays find, and the crease probe beyond it, lies on the level's line across the
    trunk, so the rest cannot hold one: the sacral band skips the upper arms, the rib band
    the fists, and each edge tests about half the capsules (1 px of slack: rounding)."""
    n = 0
    for i in range(n_caps):
        a0 = (caps[i, 0] - hx) * ux + (caps[i, 1] - hy) * uy
        a1 = a0 + caps[i, 2] * ux + caps[i, 3] * uy
        r = max(caps[i, 5], caps[i, 5] + caps[i, 6]) + 1.0
        if max(a0, a1) + r >= a_lo and min(a0, a1) - r <= a_hi:
            for k in range(N_CAPSULE_COLS):
                out[n, k] = caps[i, k]
            n += 1
    return n


@jit
def _arm_edge(ex: float, ey: float, dx: float, dy: float, crease_px: float,
              caps: np.ndarray, n_caps: int) -> bool:
    """True if the edge at (ex, ey), found going (dx, dy), may be an arm's: inside a
    capsule, or (crease_px > 0) the crease where an arm joins the trunk, a capsule
    crease_px further out along the ray (CREASE_T)."""
    if _near_arm(ex, ey, caps, n_caps):
        return True
    return crease_px > 0.0 and _near_arm(ex + crease_px * dx, ey + crease_px * dy, caps,
                                         n_caps)


@jit
def trunk_profile(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float,
                  sy: float, s: float, levels: np.ndarray, caps: np.ndarray, n_caps: int,
                  core_half_depth: float, want_front: bool,
                  want_back: bool, crease_t: float, front: np.ndarray,
                  back: np.ndarray) -> None:
    """Front and back contour offsets f (units of T) at each level; NaN where no trunk
    edge is found or it lies in one of the n_caps arm capsules (arm_capsules), or with
    crease_t > 0, where its ray meets a capsule within crease_t (x T, at least
    CREASE_MIN_PX) beyond it."""
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
    crease = max(crease_t * t_len, CREASE_MIN_PX) if crease_t > 0.0 else 0.0
    a_lo = math.inf
    a_hi = -math.inf
    for i in range(levels.shape[0]):
        a_lo = min(a_lo, levels[i] * t_len)
        a_hi = max(a_hi, levels[i] * t_len)
    near = np.empty((max(n_caps, 1), N_CAPSULE_COLS))
    n_near = _capsules_across(caps, n_caps, hx, hy, ux, uy, a_lo, a_hi, near)
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
            if _arm_edge(cx + off * nx, cy + off * ny, direction * nx, direction * ny,
                         crease, near, n_near):
                continue
            # Only a kept edge pays for the side rays (the capsules drop ~40 %).
            off = a + direction * _side_rays(mask, threshold, px, py, direction * nx,
                                             direction * ny, d)
            if side == 0:
                front[i] = off / t_len
            else:
                back[i] = off / t_len
