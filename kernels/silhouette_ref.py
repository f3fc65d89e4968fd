"""NumPy reference for kernels/silhouette.py: the same geometry written the plain way.

Kept in its own module (the kernel file was over the house's 400 lines); tests compare the
two on random, NaN-laden and edge masks.
"""
from __future__ import annotations

import numpy as np

from kernels.silhouette import (LOWER_TRUNK_BAND, LUMBAR_BAND, MAX_BELLY_DEG, MAX_RESID_T,
                                MAX_STEP_T, MIN_RESID_PX, MIN_SPAN, MIN_SPAN_BELLY,
                                MIN_STEP_PX, N_OUT_BANDS, N_PROFILES, REJECT_FACTOR,
                                RIB_BAND, RIDGE_BACK, RIDGE_FRONT, SACRAL_BAND)
from kernels.silhouette_scan import (CREASE_MIN_PX, CREASE_T, ELBOW_FRAC, HAND_EXT_T,
                                     HAND_FRAC, MAX_REACH_T, SIDE_RAY_PX, SIDE_RAY_SHIFTS,
                                     SOFT_EDGE_PX, SOFT_EDGE_T, STEP, WRIST_FRAC)


def _frame_ref(hx, hy, sx, sy, s):
    a = np.array([sx - hx, sy - hy], float)
    t_len = float(np.hypot(*a))
    u = a / t_len if t_len > 0 else np.zeros(2)
    n = np.array([-u[1], u[0]])
    if s * n[0] < 0:
        n = -n
    return a, t_len, u, n


def _bilinear_ref(mask, x, y):
    h_px, w_px = mask.shape
    if w_px < 2 or h_px < 2 or not (0.0 <= x <= w_px - 1.0 and 0.0 <= y <= h_px - 1.0):
        return -1.0
    x0 = min(int(np.floor(x)), w_px - 2)
    y0 = min(int(np.floor(y)), h_px - 2)
    fx, fy = x - x0, y - y0
    q = mask[y0:y0 + 2, x0:x0 + 2].astype(float)
    top = q[0, 0] * (1.0 - fx) + q[0, 1] * fx
    bot = q[1, 0] * (1.0 - fx) + q[1, 1] * fx
    return top * (1.0 - fy) + bot * fy


def _is_in_ref(mask, threshold, x, y):
    h_px, w_px = mask.shape
    px, py = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
    if not (0 <= px < w_px and 0 <= py < h_px):
        return -1
    return int(mask[py, px] >= threshold)


def _pix_ref(mask, x, y):
    h_px, w_px = mask.shape
    px, py = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
    if not (0 <= px < w_px and 0 <= py < h_px):
        return -1
    return int(mask[py, px])


def _edge_ref(mask, threshold, c, d, reach, soft_px):
    def pix(k):
        return _pix_ref(mask, *(c + k * d))

    # Coarse samples every STEP px; the first one off the body (or off the image) closes
    # the stride in which the first pixel off the body lies.
    coarse = np.arange(STEP, reach, STEP)
    off = [k for k in coarse if pix(k) < threshold]
    if not off:
        return np.nan                     # no edge within reach
    stride = np.arange(off[0] - STEP + 1, off[0] + 1)
    k_out = int(next(k for k in stride if pix(k) < threshold))
    if pix(k_out) < 0:
        return np.nan                     # runs off the image
    last_in = k_out - 1
    hi, lo = 0.5 * (threshold + 255.0), 0.5 * threshold
    sure_body = [j for j in range(max(0, k_out - soft_px), k_out) if pix(j) >= hi]
    if not sure_body:
        return np.nan                     # soft edge
    last_hi = sure_body[-1]
    sure_bg = [j for j in range(k_out, last_hi + soft_px + 1) if pix(j) <= lo]
    if not sure_bg:
        return np.nan                     # soft edge
    centre = _crossing_ref(mask, threshold, c, d, last_in - 1.0, 6)
    return last_in + 0.5 if np.isnan(centre) else centre


def _side_rays_ref(mask, threshold, c, d, centre):
    side = np.array([-d[1], d[0]])
    sides = [_crossing_near_ref(mask, threshold, c + o * side, d, centre)
             for o in (SIDE_RAY_PX, -SIDE_RAY_PX)]
    found = [centre] + [t for t in sides if np.isfinite(t)]
    return sum(found) / len(found)


def _crossing_near_ref(mask, threshold, c, d, t_near):
    """The crossing in the pixel-long span around t_near, the span moved a pixel at a time
    toward the edge, at most SIDE_RAY_SHIFTS times."""
    a = t_near - 0.5
    for _ in range(SIDE_RAY_SHIFTS + 1):
        va = _bilinear_ref(mask, *(c + a * d))
        vb = _bilinear_ref(mask, *(c + (a + 1.0) * d))
        if va < 0.0 or vb < 0.0:
            return np.nan
        if va >= threshold > vb:
            return a + (va - threshold) / (va - vb)
        a += -1.0 if va < threshold else 1.0
    return np.nan


def _crossing_ref(mask, threshold, c, d, t0, n_half_px):
    t = t0 + 0.5 * np.arange(n_half_px + 1)
    v = np.array([_bilinear_ref(mask, *(c + tj * d)) for tj in t])
    if v[0] < threshold:
        return np.nan
    for j in range(1, n_half_px + 1):
        if v[j] < 0.0:
            return np.nan
        if v[j] < threshold:
            return t[j - 1] + 0.5 * (v[j - 1] - threshold) / (v[j - 1] - v[j])
    return np.nan


def _anchor_ref(mask, threshold, c, n, search):
    if _is_in_ref(mask, threshold, *c) > 0:
        return 0.0
    for k in range(1, search + 1):
        for sgn in (1.0, -1.0):
            if _is_in_ref(mask, threshold, *(c + sgn * k * n)) > 0:
                return sgn * k
    return np.nan


def _in_capsule_ref(e, p0, p1, r0, r1):
    v = p1 - p0
    ll = float(v @ v)
    w = float(np.clip((e - p0) @ v / ll, 0.0, 1.0)) if ll > 0 else 0.0
    return float(np.hypot(*(e - (p0 + w * v)))) < r0 + w * (r1 - r0)


def _near_arm_ref(e, arm_xy, radius, hand_ext):
    for arm in range(len(arm_xy) // 3):
        sh, el, wr = (np.asarray(arm_xy[3 * arm + j], float) for j in range(3))
        elbow, wrist = np.isfinite(el).all(), np.isfinite(wr).all()
        if elbow and np.isfinite(sh).all() \
                and _in_capsule_ref(e, sh, el, radius, ELBOW_FRAC * radius):
            return True
        if elbow and wrist:
            if _in_capsule_ref(e, el, wr, ELBOW_FRAC * radius, WRIST_FRAC * radius):
                return True
            fl = float(np.hypot(*(wr - el)))
            if fl > 0 and _in_capsule_ref(e, wr, wr + (wr - el) / fl * hand_ext,
                                          HAND_FRAC * radius, HAND_FRAC * radius):
                return True
    return False


def _arm_edge_ref(e, d, crease_px, arm_xy, radius, hand_ext):
    """Reference of silhouette_scan._arm_edge: in a capsule, or one crease_px beyond."""
    return _near_arm_ref(e, arm_xy, radius, hand_ext) or (
        crease_px > 0 and _near_arm_ref(e + crease_px * d, arm_xy, radius, hand_ext))


def trunk_profile_ref(mask, threshold, hx, hy, sx, sy, s, levels, arm_xy, core_half_depth,
                      arm_half_width, want_front=True, want_back=True, crease_t=0.0):
    levels = np.asarray(levels, float)
    front = np.full(levels.shape, np.nan)
    back = np.full(levels.shape, np.nan)
    if not np.isfinite([hx, hy, sx, sy]).all():
        return front, back
    a, t_len, _, n = _frame_ref(hx, hy, sx, sy, s)
    if not t_len > 1.0:
        return front, back
    reach = int(MAX_REACH_T * t_len) + 1
    search = int(core_half_depth * t_len)
    soft_px = max(SOFT_EDGE_PX, int(SOFT_EDGE_T * t_len + 0.5))
    crease = max(crease_t * t_len, CREASE_MIN_PX) if crease_t > 0 else 0.0
    for i, lv in enumerate(levels):
        c = np.array([hx, hy]) + lv * a
        anchor = _anchor_ref(mask, threshold, c, n, search)
        if np.isnan(anchor):
            continue
        for direction, dest, want in ((1.0, front, want_front), (-1.0, back, want_back)):
            if not want:
                continue
            d = _edge_ref(mask, threshold, c + anchor * n, direction * n, reach, soft_px)
            if np.isnan(d):
                continue
            off = anchor + direction * d
            if _arm_edge_ref(c + off * n, direction * n, crease, arm_xy,
                             arm_half_width * t_len, HAND_EXT_T * t_len):
                continue
            off = anchor + direction * _side_rays_ref(mask, threshold, c + anchor * n,
                                                      direction * n, d)
            dest[i] = off / t_len
    return front, back


def _fit_ref(levels, offsets, use, mid, ridge):
    n = int(use.sum())
    if n < 3:
        return n, np.nan, np.nan, np.nan
    d = levels[use] - mid
    f = offsets[use]
    a = np.array([[n, d.sum(), (d ** 2).sum()], [d.sum(), (d ** 2).sum(), (d ** 3).sum()],
                  [(d ** 2).sum(), (d ** 3).sum(), (d ** 4).sum() + ridge]])
    if not abs(np.linalg.det(a)) > 1e-18:
        return n, np.nan, np.nan, np.nan
    p = np.linalg.solve(a, np.array([f.sum(), (f * d).sum(), (f * d * d).sum()]))
    return n, p[0], p[1], p[2]


def drop_outward_steps_ref(offsets, use, outward, max_step):
    """use without the levels that stand out by more than max_step from their nearest
    used neighbour, outward; repeated until none does."""
    use = use.copy()
    while True:
        idx = np.flatnonzero(use)
        steps = np.diff(offsets[idx]) * outward
        out_up = np.flatnonzero(steps > max_step)
        out_down = np.flatnonzero(steps < -max_step)
        if not len(out_up) and not len(out_down):
            return use
        # The kernel's single pass, written out: walking up, a level that steps out from
        # the last kept one goes (and the next is compared with that same kept one); a
        # step back in drops the level before it.
        prev = -1
        for i in idx:
            if prev >= 0:
                step = (offsets[i] - offsets[prev]) * outward
                if step > max_step:
                    use[i] = False
                    continue
                if step < -max_step:
                    use[prev] = False
            prev = i


def line_angle_deg_ref(levels, offsets, min_points, max_resid, min_span, outward=1.0,
                       max_step=np.inf, ridge_frac=RIDGE_FRONT):
    lo, hi = levels[0], levels[-1]
    mid = 0.5 * (lo + hi)
    ridge = ridge_frac * len(levels) * (0.5 * (hi - lo)) ** 4
    use = drop_outward_steps_ref(offsets, np.isfinite(offsets), outward, max_step)
    n, p0, p1, p2 = _fit_ref(levels, offsets, use, mid, ridge)
    for _ in range(len(levels) - min_points):
        if n - 1 < min_points or np.isnan(p1):
            break
        d = levels - mid
        r = np.where(use, np.abs(offsets - (p0 + p1 * d + p2 * d * d)), -np.inf)
        worst = int(np.argmax(r))
        if not r[worst] > max_resid:
            break
        use[worst] = False
        n, p0, p1, p2 = _fit_ref(levels, offsets, use, mid, ridge)
    if n < min_points or np.isnan(p1):
        return np.nan
    d = levels[use] - mid
    if (np.abs(offsets[use] - (p0 + p1 * d + p2 * d * d)) > REJECT_FACTOR * max_resid).any():
        return np.nan
    idx = np.flatnonzero(use)
    if levels[idx[-1]] - levels[idx[0]] < min_span * (hi - lo):
        return np.nan
    return float(np.degrees(np.arctan(p1)))


def silhouette_proxies_ref(mask, threshold, hx, hy, sx, sy, s, arm_xy, levels_per_band,
                           core_half_depth, arm_half_width, bands=False, profiles=False):
    """(pelvic tilt, rib flare), followed with bands=True by the angles of the sacral back,
    lumbar back, rib front, rib back and belly lines, and with profiles=True also by those
    five contours level by level (without the levels the outward-step rule drops)."""
    n_out = N_OUT_BANDS + N_PROFILES * max(levels_per_band, 0) if profiles else \
        N_OUT_BANDS if bands else 2
    nan2 = np.full(n_out, np.nan)
    if levels_per_band < 2 or not np.isfinite([hx, hy, sx, sy]).all():
        return nan2
    t_len = float(np.hypot(sx - hx, sy - hy))
    if not t_len > 1.0:
        return nan2
    max_resid = max(MAX_RESID_T, MIN_RESID_PX / t_len)
    max_step = max(MAX_STEP_T, MIN_STEP_PX / t_len)
    min_points = max(4, levels_per_band // 2)
    ang_f, ang_b = [np.nan] * 4, [np.nan] * 4
    contours = [None] * N_PROFILES
    for b, (lo, hi) in enumerate((SACRAL_BAND, LUMBAR_BAND, RIB_BAND, LOWER_TRUNK_BAND)):
        levels = lo + (hi - lo) * np.arange(levels_per_band) / (levels_per_band - 1)
        want_front, want_back = b >= 2, b <= 2
        front, back = trunk_profile_ref(mask, threshold, hx, hy, sx, sy, s, levels, arm_xy,
                                        core_half_depth, arm_half_width, want_front,
                                        want_back, CREASE_T if b < 2 else 0.0)
        span = MIN_SPAN_BELLY if b == 3 else MIN_SPAN
        for want, dest, contour, outward in ((want_back, b if b < 2 else 3, back, -1.0),
                                             (want_front, 2 * b - 2, front, 1.0)):
            if want:
                kept = drop_outward_steps_ref(contour, np.isfinite(contour), outward,
                                              max_step)
                contours[dest] = np.where(kept, contour, np.nan)
        if want_front:
            ang_f[b] = line_angle_deg_ref(levels, front, min_points, max_resid, span, 1.0,
                                          max_step, RIDGE_FRONT)
        if want_back:
            ang_b[b] = line_angle_deg_ref(levels, back, min_points, max_resid, span, -1.0,
                                          max_step, RIDGE_BACK)
    belly = ang_f[3] if abs(ang_f[3]) <= MAX_BELLY_DEG else np.nan
    proxies = [ang_b[0] - ang_b[1], belly - 0.5 * (ang_f[2] + ang_b[2])]
    if profiles:
        return np.concatenate([proxies, [ang_b[0], ang_b[1], ang_f[2], ang_b[2], belly],
                               *contours])
    if bands:
        return np.array(proxies + [ang_b[0], ang_b[1], ang_f[2], ang_b[2], belly])
    return np.array(proxies)
