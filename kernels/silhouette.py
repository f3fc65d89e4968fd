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
- rib_flare_deg   = angle(front contour line over h 0.10..0.40, lower trunk)
                  - mean(angle(front), angle(back)) over h 0.50..0.80 (rib cage);
                  + = rib cage tilted back relative to the pelvis.
The angle of a line f = a + b*h is atan(b), + = leaning forward going up.

The contour scan (sub-pixel edges, soft edges dropped, the anchor, the arm capsules) is
in kernels/silhouette_scan.py; this module fits the band lines and forms the proxies.

- Robust lines. Each band's line is fitted by least squares, then the level with the
  largest residual is dropped while it is off by more than MAX_RESID_T (x T, at least
  MIN_RESID_PX) and enough levels remain, at most a third of the levels: what is left of
  a hand, a thigh or a fold of clothing at one or two levels does not tilt the line.

The NumPy reference (kernels/silhouette_ref.py) does the same arithmetic in the same
order.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels.silhouette_scan import (CREASE_T, ELBOW_FRAC, HAND_EXT_T, HAND_FRAC,  # noqa: F401
                                     MAX_REACH_T, SOFT_EDGE_PX, SOFT_EDGE_T, STEP,
                                     WRIST_FRAC, N_CAPSULE_COLS, arm_capsules,
                                     trunk_profile)

SACRAL_BAND = (0.0, 0.20)
LUMBAR_BAND = (0.25, 0.45)
RIB_BAND = (0.50, 0.80)
LOWER_TRUNK_BAND = (0.10, 0.40)


@jit
def profile_band(p: int) -> tuple[float, float]:
    """(lo, hi) trunk fractions of contour profile p: sacral back, lumbar back, rib front,
    rib back, belly (lower-trunk front)."""
    if p == 0:
        return SACRAL_BAND[0], SACRAL_BAND[1]
    if p == 1:
        return LUMBAR_BAND[0], LUMBAR_BAND[1]
    if p <= 3:
        return RIB_BAND[0], RIB_BAND[1]
    return LOWER_TRUNK_BAND[0], LOWER_TRUNK_BAND[1]


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
#: The front (chest, belly) is nearly straight: a strong pull. The back is the curve
#: itself (the lumbar hollow sits in the lumbar band's middle and runs on into the rib
#: band's lowest levels): a pull there turns a half-covered hollow into a slope (-19 deg
#: read for -1 with the lumbar band's two lowest levels behind an elbow).
RIDGE_FRONT = 1.0
RIDGE_BACK = 0.0
#: A step outward between neighbouring levels larger than this (x T, at least MIN_STEP_PX)
#: is something on top of the trunk: arms, hands and thighs only add to a silhouette.
MAX_STEP_T = 0.05
MIN_STEP_PX = 2.0
#: The belly runs along the trunk: a lower-trunk front line more than this many degrees
#: off the trunk axis is an edge across the body. The treadmill handles' top edges on the
#: gym clip read -20..-33; the synthetic runner's belly 13 at rib flare 20.
MAX_BELLY_DEG = 20.0
#: silhouette_proxies fills the band angles too when `out` has this many entries.
N_OUT_BANDS = 7
#: ...and the five band contours level by level after them when `out` has
#: profile_out_len(levels_per_band) entries (see silhouette_proxies).
N_PROFILES = 5


def profile_out_len(levels_per_band: int) -> int:
    """Length of a silhouette_proxies `out` that also takes the per-level contours."""
    return N_OUT_BANDS + N_PROFILES * levels_per_band


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
def _drop_outward_steps(offsets: np.ndarray, use: np.ndarray, outward: float,
                        max_step: float) -> None:
    """Clears use[i] for levels that stand out from their nearest used neighbour by more
    than max_step in the `outward` direction (+1 front, -1 back), until none does: a run
    of such levels (a forearm across the belly, an elbow in the hollow) goes whole."""
    n_lv = offsets.shape[0]
    changed = True
    while changed:
        changed = False
        prev = -1
        for i in range(n_lv):
            if not use[i]:
                continue
            if prev >= 0:
                step = (offsets[i] - offsets[prev]) * outward
                if step > max_step:
                    use[i] = False
                    changed = True
                    continue
                if step < -max_step:
                    use[prev] = False
                    changed = True
            prev = i


@jit
def _put_profile(offsets: np.ndarray, use: np.ndarray, outward: float, max_step: float,
                 out: np.ndarray, start: int) -> None:
    """out[start:start+n] = the contour's offsets without the levels the outward-step rule
    drops (NaN there), as line_angle_deg's fit starts from them."""
    for i in range(offsets.shape[0]):
        use[i] = not math.isnan(offsets[i])
    _drop_outward_steps(offsets, use, outward, max_step)
    for i in range(offsets.shape[0]):
        out[start + i] = offsets[i] if use[i] else math.nan


@jit
def line_angle_deg(levels: np.ndarray, offsets: np.ndarray, min_points: int,
                   max_resid: float, min_span: float, use: np.ndarray, outward: float,
                   max_step: float, ridge_frac: float) -> float:
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
    ridge = ridge_frac * n_lv * (0.5 * (hi - lo)) ** 4
    for i in range(n_lv):
        use[i] = not math.isnan(offsets[i])
    _drop_outward_steps(offsets, use, outward, max_step)
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
def proxies_from_band_angles(sacral: float, lumbar: float, rib_front: float, rib_back: float,
                             belly: float, out: np.ndarray) -> None:
    """out[0] tilt, out[1] flare from the five band lines; out[2:7] the lines themselves
    when `out` has room (N_OUT_BANDS), the belly NaN when it is no belly line."""
    if abs(belly) > MAX_BELLY_DEG:
        belly = math.nan  # an edge across the body (a handle bar, a forearm), not the belly
    out[0] = sacral - lumbar
    out[1] = belly - 0.5 * (rib_front + rib_back)
    if out.shape[0] >= N_OUT_BANDS:
        out[2] = sacral
        out[3] = lumbar
        out[4] = rib_front
        out[5] = rib_back
        out[6] = belly


@jit
def silhouette_proxies(mask: np.ndarray, threshold: int, hx: float, hy: float, sx: float,
                       sy: float, s: float, arm_xy: np.ndarray, levels_per_band: int,
                       core_half_depth: float, arm_half_width: float,
                       out: np.ndarray) -> None:
    """out[0] = pelvic_tilt_deg, out[1] = rib_flare_deg (NaN when not measurable).

    With out of length >= N_OUT_BANDS the band lines' angles follow (NaN where a band is
    not measurable): out[2] sacral back, out[3] lumbar back, out[4] rib front, out[5] rib
    back, out[6] belly (lower-trunk front). The proxies need all their lines in the same
    frame; arms cover some band in most frames, so a per-stride value is better formed
    from the per-stride medians of the band angles (out[2] - out[3];
    out[6] - (out[4] + out[5]) / 2).

    With out of length >= profile_out_len(levels_per_band), the five contours follow level
    by level, in the same order (levels_per_band offsets each, in T, NaN where covered or
    dropped by the outward-step rule): what kernels/silhouette_pool.py pools over a
    stride (a landmark's jitter moves a band along the body; selecting frames by which
    bands are clear then biases the band angles, pooling the contour does not).

    mask uint8 (H, W); H = (hx, hy), S = (sx, sy) in pixels; s = +1 facing image-right;
    arm_xy (6, 2): left shoulder, elbow, wrist, right shoulder, elbow, wrist (NaN = unseen).
    core_half_depth, arm_half_width in trunk lengths (see the module doc)."""
    with_profiles = out.shape[0] >= N_OUT_BANDS + N_PROFILES * max(levels_per_band, 0)
    n_fill = out.shape[0] if with_profiles else min(out.shape[0], N_OUT_BANDS)
    for i in range(n_fill):
        out[i] = math.nan
    if levels_per_band < 2 or math.isnan(hx) or math.isnan(hy) or math.isnan(sx) \
            or math.isnan(sy):
        return
    t_len = math.hypot(sx - hx, sy - hy)
    if not (t_len > 1.0):
        return
    max_resid = max(MAX_RESID_T, MIN_RESID_PX / t_len)
    max_step = max(MAX_STEP_T, MIN_STEP_PX / t_len)
    bands = ((SACRAL_BAND[0], SACRAL_BAND[1]), (LUMBAR_BAND[0], LUMBAR_BAND[1]),
             (RIB_BAND[0], RIB_BAND[1]), (LOWER_TRUNK_BAND[0], LOWER_TRUNK_BAND[1]))
    angles_front = np.full(4, np.nan)
    angles_back = np.full(4, np.nan)
    levels = np.empty(levels_per_band)
    front = np.empty(levels_per_band)
    back = np.empty(levels_per_band)
    use = np.empty(levels_per_band, np.bool_)
    min_points = max(4, levels_per_band // 2)
    caps = np.empty((6, N_CAPSULE_COLS))
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
                      core_half_depth, want_front, want_back, CREASE_T if b < 2 else 0.0,
                      front, back)
        span = MIN_SPAN_BELLY if b == 3 else MIN_SPAN
        if with_profiles:
            # Slots as the band angles: sacral back, lumbar back, rib front, rib back, belly.
            if want_back:
                _put_profile(back, use, -1.0, max_step, out,
                             N_OUT_BANDS + (b if b < 2 else 3) * levels_per_band)
            if want_front:
                _put_profile(front, use, 1.0, max_step, out,
                             N_OUT_BANDS + (2 * b - 2) * levels_per_band)
        if want_front:
            angles_front[b] = line_angle_deg(levels, front, min_points, max_resid, span, use,
                                              1.0, max_step, RIDGE_FRONT)
        if want_back:
            angles_back[b] = line_angle_deg(levels, back, min_points, max_resid, span, use,
                                             -1.0, max_step, RIDGE_BACK)
    proxies_from_band_angles(angles_back[0], angles_back[1], angles_front[2], angles_back[2],
                             angles_front[3], out)
