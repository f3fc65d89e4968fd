"""Gait-event kernel: the fits. The belt bootstrap (a point moving backward along a
straight line at constant height) and the hinge fits that time a contact (the foot's
lag behind its stance line and its height above the belt both reach zero) and a toe-off
(the toe's height above the belt starts to rise).
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels.gait_events_state import (PR_DT_S, PR_FOOT_LAG, PR_KAPPA_U_PER_S,
                                       PR_KAPPA_Y_PER_S, PR_PRE_S, PR_TOL_U_FRAC,
                                       PR_Y_NEAR_FRAC, PR_Y_FAR_FRAC, PR_QUAD, PR_Y_WEIGHT,
                                       RING, FOOT_SIZE, S_BELT_V, S_BELT_Y, S_COUNT,
                                       S_N_LEARN, S_PHASE, _row, _stance_slope)

@jit
def _bootstrap(st, b, p, nb, tol_y, tol_u, min_v, max_v, relearn):
    """Does point p move along a belt-like line over the last nb frames? Then (y, v)."""
    if st[b + S_COUNT] < nb:
        return math.nan, math.nan
    n = 0.0
    s_t = 0.0
    s_x = 0.0
    s_tt = 0.0
    s_tx = 0.0
    s_y = 0.0
    y_lo = math.inf
    y_hi = -math.inf
    t_new = st[_row(st, b, 0)]
    for k in range(nb):
        r = _row(st, b, k)
        x = st[r + 1 + 2 * p]
        y = st[r + 2 + 2 * p]
        if math.isnan(x) or math.isnan(y):
            return math.nan, math.nan
        tau = st[r] - t_new
        n += 1.0
        s_t += tau
        s_x += x
        s_tt += tau * tau
        s_tx += tau * x
        s_y += y
        y_lo = min(y_lo, y)
        y_hi = max(y_hi, y)
    den = n * s_tt - s_t * s_t
    if not den > 0.0 or y_hi - y_lo > tol_y:
        return math.nan, math.nan
    slope = (n * s_tx - s_t * s_x) / den
    icpt = (s_x - slope * s_t) / n
    v = -slope
    if not min_v <= v <= max_v:
        return math.nan, math.nan
    known_y = st[b + S_BELT_Y]
    known_v = st[b + S_BELT_V]
    if not math.isnan(known_y):
        # A known belt model is replaced by a window below its level, one clearly faster
        # at its level (the model came from a foot drifting back before it landed), or
        # any after relearn_s without a stance. A model bootstrapped slow must be mended in
        # stance too (the gym clip's right foot: 1870 px/s, belt ~2400; unmended, the belt
        # model lost the stances and the clip read as walking). But in stance a toe
        # pivoting at push-off also outruns the belt (replacing the model with it biased
        # the foot's contacts for ~20 stances): there the toe's line counts only when the
        # other foot's belt speed agrees with it better than with the model (one belt).
        # Nor does a stance toe's window below the level replace it: side-on from a low
        # camera the toe point sits lower than the heel point on the belt, and lower still
        # at push-off (the 60 fps gym clip: heel ~1311 px, toe ~1331, push-off toe ~1340,
        # tol_y 17). Taken as the level, it left every later landing heel "above the
        # belt": stances were confirmed only once the toe came down, the heel-striking
        # foot's contacts 2-4 frames late (step-time asymmetry 11.9%; now 3.7%).
        lower = s_y / n > known_y + tol_y and (st[b + S_PHASE] == 0.0 or p == 0)
        other_v = st[(FOOT_SIZE - b) + S_BELT_V]
        faster = v > 1.25 * known_v and s_y / n > known_y - tol_y and (
            st[b + S_PHASE] == 0.0 or p == 0 or math.isnan(other_v)
            or abs(v - other_v) < abs(known_v - other_v))
        if faster and st[b + S_PHASE] != 0.0 and st[b + S_N_LEARN] >= 2.0:
            # But a short window's speed is noisy (2 px of jitter over 5 rows at 60 fps
            # walking: +-19%, and only its fast side counts: walking feet were replaced
            # every 3-5 stances and learned their belt 10-35% fast, which bent the stance
            # lines the contacts are timed on): once the model has learned from a stance,
            # in stance the point's whole stance line so far (2 windows at least) must be
            # faster too. (A model from one bootstrap window is no better than the window.)
            s_line, n_line = _stance_slope(st, b, p)
            faster = n_line >= 2 * nb and -s_line > 1.25 * known_v
        if not (lower or faster or relearn):
            return math.nan, math.nan
    for k in range(nb):
        r = _row(st, b, k)
        res = st[r + 1 + 2 * p] - (icpt + slope * (st[r] - t_new))
        if abs(res) > tol_u:
            return math.nan, math.nan
    return s_y / n, v


@jit
def _solve3(m00, m01, m02, m11, m12, m22, r0, r1, r2):
    """Solve the symmetric 3x3 system; NaNs when singular."""
    c00 = m11 * m22 - m12 * m12
    c01 = m02 * m12 - m01 * m22
    c02 = m01 * m12 - m02 * m11
    det = m00 * c00 + m01 * c01 + m02 * c02
    if not abs(det) > 1e-12:
        return math.nan, math.nan, math.nan
    c11 = m00 * m22 - m02 * m02
    c12 = m01 * m02 - m00 * m12
    c22 = m00 * m11 - m01 * m01
    return ((c00 * r0 + c01 * r1 + c02 * r2) / det, (c01 * r0 + c11 * r1 + c12 * r2) / det,
            (c02 * r0 + c12 * r1 + c22 * r2) / det)


@jit
def _hinge_time(ts, zs, m, lo, hi, rising, quad, dt):
    """Least-squares hinge: z = a + c1*g + c2*g^2 with g = max(0, t_h - t) (rising=False: the
    path joins a constant at t_h) or g = max(0, t - t_h) (rising=True: it leaves one); c2 = 0
    unless `quad`. t_h is scanned over [lo, hi] in dt/8 steps; the best one is returned."""
    best = math.inf
    best_t = math.nan
    steps = int((hi - lo) / (dt / 8.0)) + 1
    for step in range(steps + 1):
        th = min(lo + step * (dt / 8.0), hi)
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        s4 = 0.0
        z0 = 0.0
        z1 = 0.0
        z2 = 0.0
        for j in range(m):
            g = max(0.0, ts[j] - th) if rising else max(0.0, th - ts[j])
            s0 += 1.0
            s1 += g
            s2 += g * g
            s3 += g * g * g
            s4 += g * g * g * g
            z0 += zs[j]
            z1 += g * zs[j]
            z2 += g * g * zs[j]
        if quad:
            a, c1, c2 = _solve3(s0, s1, s2, s2, s3, s4, z0, z1, z2)
            if math.isnan(a) or c1 < 0.0:
                continue
        else:
            den = s0 * s2 - s1 * s1
            if not den > 1e-12:
                continue
            c1 = (s0 * z1 - s1 * z0) / den
            if c1 < 0.0:
                continue
            a = (z0 - c1 * s1) / s0
            c2 = 0.0
        sse = 0.0
        for j in range(m):
            g = max(0.0, ts[j] - th) if rising else max(0.0, th - ts[j])
            e = zs[j] - a - c1 * g - c2 * g * g
            sse += e * e
        if sse < best - 1e-9:
            best = sse
            best_t = th
    return best_t


@jit
def _prev_t(st, b, t_ref):
    """Time of the newest ring row before t_ref; NaN if none."""
    for k in range(int(st[b + S_COUNT])):
        t = st[_row(st, b, k)]
        if t < t_ref:
            return t
    return math.nan


@jit
def _gap_mid(st, b, t_ref, dt):
    """Midway between t_ref and the newest ring row before it (the event happened in that
    interval, however many frames were dropped there); t_ref - dt/2 if there is none."""
    t = _prev_t(st, b, t_ref)
    return t_ref - 0.5 * dt if math.isnan(t) else 0.5 * (t + t_ref)


@jit
def _contact_time(st, b, p, k_first, anchor, tol_u, params):
    """Contact instant of point p whose stance (anchor u) was confirmed from `k_first` rows
    back: the knee of a joint hinge in time (_hinge2_time) of the foot's lag behind its
    stance line (anchor - u: the foot moves backward slower than the belt before it lands
    and stops on it; for a heel, the mean of heel's and toe's when both are seen, which
    halves the jitter; a landing toe's heel still swings down, and averaging it read
    forefoot strikes flatter) and its point's height above the belt, fitted over the stance
    frames and `pre_s` of frames before them (a gap right before the stance moves that
    window back by the gap; times are the frames' own: dropped frames leave gaps, not
    errors). Too few frames to fit: midway between the first stance frame and the one
    before it, at most a frame period before the stance."""
    dt = params[PR_DT_S]
    quad = params[PR_QUAD] > 0.0
    v = st[b + S_BELT_V]
    cnt = int(st[b + S_COUNT])
    ts = np.empty(RING)
    us = np.empty(RING)
    hs = np.empty(RING)
    t_first = st[_row(st, b, k_first)]
    # pre_s of frames before the stance: a gap right before it moves the window back
    t_pre = t_first
    if k_first + 1 < cnt:
        t_pre = min(t_first, st[_row(st, b, k_first + 1)] + dt)
    # a heel's toe: its anchor from its stance rows
    q = 1 - p
    anc_q = 0.0
    n_q = 0
    if params[PR_FOOT_LAG] > 0.0 and p == 0:
        for k in range(k_first + 1):
            r = _row(st, b, k)
            if not math.isnan(st[r + 1 + 2 * q]):
                anc_q += st[r + 1 + 2 * q] + v * st[r]
                n_q += 1
    m = 0
    n_pre = 0
    for k in range(cnt - 1, -1, -1):
        r = _row(st, b, k)
        x = st[r + 1 + 2 * p]
        if math.isnan(x) or st[r] < t_pre - params[PR_PRE_S] - 1e-9:
            continue
        lag = anchor - (x + v * st[r])
        if n_q > 0 and not math.isnan(st[r + 1 + 2 * q]):
            lag = 0.5 * (lag + anc_q / n_q - (st[r + 1 + 2 * q] + v * st[r]))
        h = st[b + S_BELT_Y] - st[r + 2 + 2 * p]
        if k > k_first and (lag + h > 9.0 * tol_u or lag + h < -tol_u):
            # far off the line (the swing, which no fixed curvature follows; with 10 x tol_u
            # a clean 60 fps walk's contacts came a frame early, 44% within one): the fit
            # starts after it
            m = 0
            n_pre = 0
            continue
        ts[m] = st[r]
        us[m] = lag
        hs[m] = h
        m += 1
        if k > k_first:
            n_pre += 1
    # no fit: just before the first stance frame (a landing foot nears the belt gradually;
    # across a gap, at most a period before it)
    # (no frame before it -- the foot was first seen on the belt, after a gap reset -- then
    # at its first frame: the landing was not seen, and must not be dated inside the gap)
    t_fb = t_first if math.isnan(_prev_t(st, b, t_first)) else \
        max(_gap_mid(st, b, t_first, dt), t_first - dt)
    if n_pre < (3 if quad else 2):
        return t_fb
    # The knee from two rows before the last pre-stance row on: jitter or a dropped point
    # on the first stance rows delays the confirmation by a row or two (held after the last
    # pre-stance row, such contacts came 1-2 frames late; the fit itself places the rest).
    lo = ts[max(0, n_pre - 3)]
    if quad:
        for j in range(m):
            us[j] += hs[j]
        th = _hinge_time(ts, us, m, lo, ts[m - 1] - dt, False, True, dt)
    else:
        # a pre-stance height counts fully up to y_near_frac x leg above the belt, not at
        # all from y_far_frac up (a heel hanging over the belt, then dropping, follows no
        # fixed curvature)
        near = params[PR_Y_NEAR_FRAC] * tol_u / params[PR_TOL_U_FRAC]
        far = params[PR_Y_FAR_FRAC] * tol_u / params[PR_TOL_U_FRAC]
        ws = np.ones(RING)
        for j in range(n_pre):
            ws[j] = min(1.0, max(0.0, (far - hs[j]) / (far - near)))
        th = _hinge2_time(ts, us, hs, ws, m, lo, ts[m - 1] - dt,
                          params[PR_KAPPA_U_PER_S], params[PR_KAPPA_Y_PER_S],
                          params[PR_Y_WEIGHT], dt)
    return t_fb if math.isnan(th) else th


@jit
def _chan_sse(ts, zs, ws, m, th, kappa):
    """Weighted (ws) squared error of the best z = a + c*(g + kappa*g^2), g = max(0, th - t),
    c >= 0; inf when there is none. One pass: the least-squares residual is orthogonal to
    both columns, so its squared sum is sum(w z^2) - a sum(w z) - c sum(w g z)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    z0 = 0.0
    z1 = 0.0
    zz = 0.0
    for j in range(m):
        g = max(0.0, th - ts[j])
        g += kappa * g * g
        w = ws[j]
        wz = w * zs[j]
        s0 += w
        s1 += w * g
        s2 += w * g * g
        z0 += wz
        z1 += wz * g
        zz += wz * zs[j]
    den = s0 * s2 - s1 * s1
    if not den > 1e-12:
        return math.inf
    c = (s0 * z1 - s1 * z0) / den
    if c < 0.0:
        return math.inf
    a = (z0 - c * s1) / s0
    return max(0.0, zz - a * z0 - c * z1)


@jit
def _hinge2_time(ts, us, hs, ws, m, lo, hi, k_u, k_y, w_y, dt):
    """Joint least-squares hinge in time of the lag (us) and, weighted w_y and per frame ws,
    the height (hs): each is a constant from the knee th on and a + c*(g + kappa*g^2)
    before it (g = th - t, c >= 0, kappa (1/s) the approach's fixed curvature per
    coordinate: a landing foot decelerates, its height more than its lag; a line met the
    stance early, by a frame at 60 fps walking). th on a dt/8 grid over [lo, hi]."""
    best = math.inf
    best_t = math.nan
    ones = np.ones(m)
    steps = int((hi - lo) / (dt / 8.0)) + 1
    for step in range(steps + 1):
        th = min(lo + step * (dt / 8.0), hi)
        sse = _chan_sse(ts, us, ones, m, th, k_u)
        if w_y > 0.0:
            sse += w_y * _chan_sse(ts, hs, ws, m, th, k_y)
        if sse < best - 1e-9:
            best = sse
            best_t = th
    return best_t


@jit
def _toe_off_time(st, b, p, on_s, t_off0, belt_y, dt):
    """Toe-off instant of point p, off the belt since the row at t_off0: the hinge where its
    height above the belt starts to rise, fitted over the off rows and the stance rows up
    to `on_s` before them (before the last stance row plus a period: a gap moves it back), with a hinge no earlier than a frame period before the last stance
    row (2 periods before t_off0 when no frame was dropped). Too
    few rows: midway between the last stance row and t_off0."""
    cnt = int(st[b + S_COUNT])
    t_prev = _prev_t(st, b, t_off0)                 # the last stance row
    if math.isnan(t_prev):
        t_prev = t_off0 - dt
    t_win = min(t_off0 - dt, t_prev) + dt - on_s   # a gap before the off run moves it back
    ts = np.empty(RING)
    zs = np.empty(RING)
    m = 0
    for k in range(cnt - 1, -1, -1):
        r = _row(st, b, k)
        y = st[r + 2 + 2 * p]
        if math.isnan(y) or st[r] < t_win:
            continue
        ts[m] = st[r]
        zs[m] = belt_y - y
        m += 1
    t_new = st[_row(st, b, 0)]
    if m < 3:
        return _gap_mid(st, b, t_off0, dt)
    lo = max(ts[0], min(t_off0 - dt, t_prev) - dt)
    th = _hinge_time(ts, zs, m, lo, t_new, True, False, dt)
    return _gap_mid(st, b, t_off0, dt) if math.isnan(th) else th
