"""Gait events (initial contact, toe-off, per foot) from a side view of a treadmill runner.

Physics used. On a treadmill the stance foot rests on the belt: its contact point (heel or
toe) sits at the belt's image height (one level per foot: the near and far foot land at
different heights under perspective) and moves backward at belt speed, so its anchor
u = forward_x + v_belt * t stays constant. Before contact the foot moves backward slower
than the belt and is a little above it; the contact instant is where the point's path in
(u, height) space joins the stance point (A, 0). At toe-off the toe rises off the belt; its
rising height extrapolated back to belt level gives the instant.

Streaming. `gait_event_step` is called once per frame with both feet's heel and toe
(forward coordinate s*x and image y, pixels; NaN = unseen). It does constant work: a short
ring buffer per foot, running sums per stance. Belt level and belt speed are learned per
foot from the session's own stances: the first is found by a "bootstrap" window (a point
moving backward along a straight line at constant height, right after the foot was in the
air); every confirmed stance then refines them. A contact is emitted once it is confirmed
(`confirm_s` of stance, 2 frames at 30 fps), a toe-off once the toe has been off the belt
for two frames; both carry their estimated (sub-frame) time. A foot must have been in the
air (`lift_frac` of leg length above the belt) before a contact counts, so standing still
or shuffling gives no events. A NaN gap longer than `max_gap_s` forgets the foot's stance.

Events per foot alternate contact, toe_off, contact, ... while the foot is tracked; after
a gap reset the sequence restarts with a contact.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

CONTACT, TOE_OFF = 0, 1

# ---- parameters ---------------------------------------------------------------------------
PR_DT_S = 0                 # nominal frame period, 1/fps
PR_TOL_Y_FRAC = 1           # on-belt height tolerance, fraction of leg length
PR_TOL_U_FRAC = 2           # off-the-stance-line tolerance (anchor u), fraction of leg length
PR_LIFT_FRAC = 3            # the foot must rise this much (x leg) between stances
PR_MIN_SPEED_LPS = 4        # slowest belt that counts, leg lengths per second
PR_PRE_S = 5                # path before a stance used to time its contact, s
PR_CONFIRM_FRAMES = 6       # stance frames that confirm a contact
PR_BOOT_FRAMES = 7          # frames of a bootstrap window
PR_MAX_GAP_S = 8            # NaN gap that resets a foot
PR_LEARN_N = 9              # belt level/speed: running mean over this many stances
PR_RELEARN_S = 10           # no stance for this long: a bootstrap may replace the belt model
PR_TOE_OFF_LEAD_S = 11      # subtracted from fitted toe-off times, s
PR_CONTACT_LAG_S = 12       # added to fitted contact times, s
PR_QUAD = 13                # 1: the approach before contact is fitted as a parabola
N_PARAMS = 14


def event_params(fps: float, tol_y_frac: float = 0.035, tol_u_frac: float = 0.05,
                 lift_frac: float = 0.1, min_speed_lps: float = 0.9, pre_s: float = 0.07, quad: bool = False,
                 confirm_s: float = 0.05, boot_s: float = 0.08, max_gap_s: float = 0.15,
                 learn_n: float = 20.0, relearn_s: float = 3.0, toe_off_lead_s: float = 0.013,
                 contact_lag_s: float = 0.016) -> np.ndarray:
    """Parameter vector for `gait_event_step` / `gait_events_ref`.

    fps            frame rate the stream was filmed at (sets the nominal frame period and
                   the frame counts below)
    tol_y_frac     a point within this x leg length of its belt level is "on the belt"
    tol_u_frac     ...and within this x leg length of its stance line (anchor u)
    lift_frac      a foot must have risen this x leg length above the belt since its last
                   stance before a new contact counts (standing still gives no events)
    min_speed_lps  belt slower than this (leg lengths / s) is "not moving": no events
    pre_s          how much of the path before a contact (after a toe-off) its timing fits
    quad           fit the approach before a contact as a parabola (else a line)
    confirm_s      stance time that confirms a contact (>= 2 frames): the event delay
    boot_s         length of the window that first finds the belt (>= 3 frames)
    max_gap_s      a foot unseen longer than this is reset (no event across the gap)
    learn_n        belt level and speed are running means over this many stances
    relearn_s      after this long with no stance a new bootstrap replaces the belt model
    toe_off_lead_s the toe leaves the belt slowly (it accelerates upward), so the line
                   fitted to its rising height meets the belt late: subtract this
    contact_lag_s  the foot's lag behind the belt shrinks as it lands (the approach is
                   concave), so the line fitted to it meets the stance early: add this
    """
    p = np.empty(N_PARAMS)
    p[PR_DT_S] = 1.0 / fps
    p[PR_TOL_Y_FRAC] = tol_y_frac
    p[PR_TOL_U_FRAC] = tol_u_frac
    p[PR_LIFT_FRAC] = lift_frac
    p[PR_MIN_SPEED_LPS] = min_speed_lps
    p[PR_PRE_S] = pre_s
    p[PR_QUAD] = 1.0 if quad else 0.0
    p[PR_CONFIRM_FRAMES] = max(2, round(confirm_s * fps))
    p[PR_BOOT_FRAMES] = max(3, round(boot_s * fps))
    p[PR_MAX_GAP_S] = max_gap_s
    p[PR_LEARN_N] = learn_n
    p[PR_RELEARN_S] = relearn_s
    p[PR_TOE_OFF_LEAD_S] = toe_off_lead_s
    p[PR_CONTACT_LAG_S] = contact_lag_s
    return p


# ---- state layout (per foot block) -------------------------------------------------------
RING = 16                   # frames kept per foot
_PT = 2                     # points per foot: 0 heel, 1 toe
# ring row: t, heel x, heel y, toe x, toe y
S_HEAD = 0                  # index of the newest ring row
S_COUNT = 1                 # rows in the ring (consecutive tracked frames)
S_LAST_T = 2                # time of the last frame with a seen point
S_PHASE = 3                 # 0 air/unknown, 1 stance (contact emitted), 2 stance (silent)
S_BELT_Y = 4                # learned belt level (image y), NaN until found
S_BELT_V = 5                # learned belt speed (forward px/s, > 0 means backward motion)
S_N_LEARN = 6               # stances learned from
S_T_MODEL = 7               # time of the last stance that confirmed the model
S_LIFTED = 8                # 1 once the foot rose lift_frac above the belt since its stance
S_LAST_KIND = 9             # last event kind of this foot (-1 none)
S_OFF_RUN = 10              # consecutive frames with no point on the belt (in stance)
S_LAST_ON = 11              # point last seen on the belt (0 heel, 1 toe)
S_ANCHOR = 12               # per point: running sum of u, count, sum of y  (3 x 2)
S_FIT = 18                  # stance least squares of x on t per point: n, st, sx, stt, stx (5x2)
S_T0 = 28                   # stance reference time
S_RING = 29
FOOT_SIZE = S_RING + RING * 5
STATE_SIZE = 2 * FOOT_SIZE


def new_event_state() -> np.ndarray:
    st = np.full(STATE_SIZE, np.nan)
    for f in range(2):
        _reset_foot(st, f * FOOT_SIZE, True)
    return st


@jit
def _reset_foot(st, b, forget_model):
    st[b + S_HEAD] = -1.0
    st[b + S_COUNT] = 0.0
    st[b + S_LAST_T] = math.nan
    st[b + S_PHASE] = 0.0
    st[b + S_LIFTED] = 0.0
    st[b + S_LAST_KIND] = -1.0
    st[b + S_OFF_RUN] = 0.0
    st[b + S_LAST_ON] = -1.0
    if forget_model:
        st[b + S_BELT_Y] = math.nan
        st[b + S_BELT_V] = math.nan
        st[b + S_N_LEARN] = 0.0
        st[b + S_T_MODEL] = math.nan


@jit
def _row(st, b, back):
    """State index of the ring row `back` frames before the newest (0 = newest)."""
    slot = (int(st[b + S_HEAD]) - back) % RING
    return b + S_RING + 5 * slot


@jit
def _start_stance(st, b, t0):
    st[b + S_T0] = t0
    st[b + S_OFF_RUN] = 0.0
    for k in range(6):
        st[b + S_ANCHOR + k] = 0.0
    for k in range(10):
        st[b + S_FIT + k] = 0.0


@jit
def _add_on(st, b, p, t, x, y, v):
    """Add point p's frame to its stance anchor and line fit."""
    st[b + S_ANCHOR + 3 * p] += x + v * t
    st[b + S_ANCHOR + 3 * p + 1] += 1.0
    st[b + S_ANCHOR + 3 * p + 2] += y
    tau = t - st[b + S_T0]
    q = b + S_FIT + 5 * p
    st[q] += 1.0
    st[q + 1] += tau
    st[q + 2] += x
    st[q + 3] += tau * tau
    st[q + 4] += tau * x


@jit
def _stance_line(st, b, p, t, v):
    """Where point p should be at t if still on the belt: its stance anchor moved back at
    the learned belt speed, or after 3 stance frames its own stance line (slope within 30%
    of the belt speed). NaN before its first stance frame: anything goes."""
    cnt = st[b + S_ANCHOR + 3 * p + 1]
    if cnt <= 0.0:
        return math.nan
    q = b + S_FIT + 5 * p
    n = st[q]
    if n >= 3.0:                        # its own stance line, slope kept near the belt's
        den = n * st[q + 3] - st[q + 1] * st[q + 1]
        if den > 0.0:
            slope = (n * st[q + 4] - st[q + 1] * st[q + 2]) / den
            slope = min(max(slope, -1.3 * v), -0.7 * v)
            return (st[q + 2] - slope * st[q + 1]) / n + slope * (t - st[b + S_T0])
    return st[b + S_ANCHOR + 3 * p] / cnt - v * t


@jit
def _learn(st, b, learn_n, t):
    """Fold the finished stance into the belt level and speed."""
    n_y = 0.0
    sum_y = 0.0
    best_n = 0.0
    slope = math.nan
    for p in range(_PT):
        cnt = st[b + S_ANCHOR + 3 * p + 1]
        n_y += cnt
        sum_y += st[b + S_ANCHOR + 3 * p + 2]
        q = b + S_FIT + 5 * p
        n = st[q]
        den = n * st[q + 3] - st[q + 1] * st[q + 1]
        if n >= 3.0 and n > best_n and den > 0.0:
            best_n = n
            slope = (n * st[q + 4] - st[q + 1] * st[q + 2]) / den
    if n_y < 1.0:
        return
    w = 1.0 / min(st[b + S_N_LEARN] + 1.0, learn_n)
    st[b + S_BELT_Y] += w * (sum_y / n_y - st[b + S_BELT_Y])
    if not math.isnan(slope) and -slope > 0.0:
        st[b + S_BELT_V] += w * (-slope - st[b + S_BELT_V])
    st[b + S_N_LEARN] += 1.0
    st[b + S_T_MODEL] = t


@jit
def _bootstrap(st, b, p, nb, tol_y, tol_u, min_v, relearn):
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
    if not v >= min_v:
        return math.nan, math.nan
    known_y = st[b + S_BELT_Y]
    known_v = st[b + S_BELT_V]
    if not math.isnan(known_y):
        # A known belt model is replaced by a window below its level, one clearly faster
        # at its level (the model came from a foot drifting back before it landed), or
        # any after relearn_s without a stance.
        lower = s_y / n > known_y + tol_y
        faster = v > 1.25 * known_v and s_y / n > known_y - tol_y
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
def _contact_time(st, b, p, k_first, anchor, tol_u, pre_s, quad, dt):
    """Contact instant of point p whose stance (anchor u) was confirmed from `k_first` rows
    back: the hinge where the point's lag behind its stance line (anchor - u; the foot moves
    backward slower than the belt before it lands) reaches zero, fitted over the stance
    frames and the frames up to `pre_s` before them."""
    v = st[b + S_BELT_V]
    cnt = int(st[b + S_COUNT])
    ts = np.empty(RING)
    zs = np.empty(RING)
    t_first = st[_row(st, b, k_first)]
    m = 0
    n_pre = 0
    for k in range(cnt - 1, -1, -1):
        r = _row(st, b, k)
        x = st[r + 1 + 2 * p]
        if math.isnan(x) or st[r] < t_first - pre_s - 1e-9:
            continue
        z = anchor - (x + v * st[r])
        if k > k_first and (z > 10.0 * tol_u or z < -tol_u):
            m = 0                       # far off the line: the fit starts after it
            n_pre = 0
            continue
        ts[m] = st[r]
        zs[m] = z
        m += 1
        if k > k_first:
            n_pre += 1
    if n_pre < (3 if quad else 2):
        return t_first - 0.5 * dt
    th = _hinge_time(ts, zs, m, ts[n_pre - 1], t_first, False, quad, dt)
    return t_first - 0.5 * dt if math.isnan(th) else th


@jit
def _toe_off_time(st, b, p, n_on_max, n_off, belt_y, dt):
    """Toe-off instant of point p, off the belt for the newest `n_off` rows: the hinge where
    its height above the belt starts to rise, fitted over those rows and up to `n_on_max`
    stance rows before them."""
    cnt = int(st[b + S_COUNT])
    ts = np.empty(RING)
    zs = np.empty(RING)
    m = 0
    for k in range(min(cnt - 1, n_off + n_on_max - 1), -1, -1):
        r = _row(st, b, k)
        y = st[r + 2 + 2 * p]
        if math.isnan(y):
            continue
        ts[m] = st[r]
        zs[m] = belt_y - y
        m += 1
    t_new = st[_row(st, b, 0)]
    if m < 3:
        return t_new - (n_off - 0.5) * dt
    lo = max(ts[0], t_new - (n_off + 1) * dt)
    th = _hinge_time(ts, zs, m, lo, t_new, True, False, dt)
    return t_new - (n_off - 0.5) * dt if math.isnan(th) else th


@jit
def _emit(out, n_out, t, kind, foot):
    out[n_out, 0] = t
    out[n_out, 1] = kind
    out[n_out, 2] = foot
    return n_out + 1


@jit
def _foot_step(f, t, hx, hy, tx, ty, leg_len_px, params, st, out, n_out):
    b = f * FOOT_SIZE
    dt = params[PR_DT_S]
    seen_h = not (math.isnan(hx) or math.isnan(hy))
    seen_t = not (math.isnan(tx) or math.isnan(ty))
    last_t = st[b + S_LAST_T]
    if not math.isnan(last_t) and t - last_t > params[PR_MAX_GAP_S]:
        _reset_foot(st, b, False)
    if not (seen_h or seen_t) or not leg_len_px > 0.0:
        return n_out
    # push the frame
    head = (int(st[b + S_HEAD]) + 1) % RING
    st[b + S_HEAD] = head
    st[b + S_COUNT] = min(st[b + S_COUNT] + 1.0, RING)
    r = b + S_RING + 5 * head
    st[r] = t
    st[r + 1] = hx if seen_h else math.nan
    st[r + 2] = hy if seen_h else math.nan
    st[r + 3] = tx if seen_t else math.nan
    st[r + 4] = ty if seen_t else math.nan
    st[b + S_LAST_T] = t

    tol_y = params[PR_TOL_Y_FRAC] * leg_len_px
    tol_u = params[PR_TOL_U_FRAC] * leg_len_px
    lift = params[PR_LIFT_FRAC] * leg_len_px
    min_v = params[PR_MIN_SPEED_LPS] * leg_len_px
    belt_y = st[b + S_BELT_Y]
    v = st[b + S_BELT_V]
    phase = st[b + S_PHASE]

    # Has the foot been in the air since its last stance?
    if not math.isnan(belt_y):
        low = -math.inf
        if seen_h:
            low = max(low, hy)
        if seen_t:
            low = max(low, ty)
        if belt_y - low > lift:
            st[b + S_LIFTED] = 1.0
    elif st[b + S_COUNT] >= 2:
        # No belt yet: "lifted" means the foot moved up and down by lift within the ring.
        lo = math.inf
        hi = -math.inf
        for k in range(int(st[b + S_COUNT])):
            rr = _row(st, b, k)
            for p in range(_PT):
                yy = st[rr + 2 + 2 * p]
                if not math.isnan(yy):
                    lo = min(lo, yy)
                    hi = max(hi, yy)
        if hi - lo > lift:
            st[b + S_LIFTED] = 1.0

    # Bootstrap the belt model from a belt-like window; a window below the known belt
    # level, or any after relearn_s without a stance, replaces it.
    if st[b + S_LIFTED] == 1.0 or not math.isnan(belt_y):
        nb = int(params[PR_BOOT_FRAMES])
        relearn = phase == 0.0 and st[b + S_LIFTED] == 1.0 and \
            t - st[b + S_T_MODEL] > params[PR_RELEARN_S]
        for p in range(_PT):
            by, bv = _bootstrap(st, b, p, nb, tol_y, tol_u, min_v, relearn)
            if not math.isnan(by):
                st[b + S_BELT_Y] = by
                st[b + S_BELT_V] = bv
                st[b + S_N_LEARN] = 1.0
                st[b + S_T_MODEL] = t
                if phase != 1.0:
                    st[b + S_PHASE] = 2.0     # in a stance whose start we did not see
                st[b + S_LIFTED] = 0.0
                _start_stance(st, b, t)
                _add_on(st, b, p, t, hx if p == 0 else tx, hy if p == 0 else ty, bv)
                st[b + S_LAST_ON] = p
                return n_out
    if math.isnan(belt_y):
        return n_out

    if phase == 0.0:
        if st[b + S_LIFTED] == 0.0:
            return n_out
        kc = int(params[PR_CONFIRM_FRAMES])
        if st[b + S_COUNT] < kc:
            return n_out
        best_t = math.inf
        best_p = -1
        for p in range(_PT):
            s_u = 0.0
            u_lo = math.inf
            u_hi = -math.inf
            ok = True
            for k in range(kc):
                rr = _row(st, b, k)
                x = st[rr + 1 + 2 * p]
                y = st[rr + 2 + 2 * p]
                if math.isnan(x) or abs(y - belt_y) > tol_y:
                    ok = False
                    break
                u = x + v * st[rr]
                s_u += u
                u_lo = min(u_lo, u)
                u_hi = max(u_hi, u)
            if not ok or u_hi - u_lo > tol_u:
                continue
            tc = _contact_time(st, b, p, kc - 1, s_u / kc, tol_u, params[PR_PRE_S],
                                params[PR_QUAD] > 0.0, dt)
            if tc < best_t:
                best_t = tc
                best_p = p
        if best_p < 0:
            return n_out
        _start_stance(st, b, t)
        for p in range(_PT):
            for k in range(kc):
                rr = _row(st, b, k)
                x = st[rr + 1 + 2 * p]
                y = st[rr + 2 + 2 * p]
                if p == best_p or (not math.isnan(x) and abs(y - belt_y) <= tol_y):
                    if not math.isnan(x):
                        _add_on(st, b, p, st[rr], x, y, v)
        st[b + S_LAST_ON] = best_p
        st[b + S_PHASE] = 1.0
        st[b + S_LIFTED] = 0.0
        if st[b + S_LAST_KIND] != CONTACT:
            st[b + S_LAST_KIND] = CONTACT
            n_out = _emit(out, n_out, best_t + params[PR_CONTACT_LAG_S], CONTACT, f)
        return n_out

    # In stance: which points are still on the belt?
    any_on = False
    for p in range(_PT):
        x = hx if p == 0 else tx
        y = hy if p == 0 else ty
        if math.isnan(x) or math.isnan(y) or belt_y - y > tol_y:  # below the belt: still on
            continue
        if abs(x - _stance_line(st, b, p, t, v)) > tol_u:
            continue
        _add_on(st, b, p, t, x, y, v)
        any_on = True
        st[b + S_LAST_ON] = p
    if any_on:
        st[b + S_OFF_RUN] = 0.0
        return n_out
    last_on = int(st[b + S_LAST_ON])
    if (last_on == 0 and not seen_h) or (last_on == 1 and not seen_t):
        return n_out                    # the point that holds the stance is unseen
    st[b + S_OFF_RUN] += 1.0
    n_off = params[PR_CONFIRM_FRAMES]
    if st[b + S_OFF_RUN] < n_off:
        return n_out
    # Off the belt for n_off frames: toe-off of the point that was on the belt last.
    p = int(st[b + S_LAST_ON])
    t_off = _toe_off_time(st, b, p, 3, int(n_off), belt_y, dt)
    t_off -= params[PR_TOE_OFF_LEAD_S]
    _learn(st, b, params[PR_LEARN_N], t)
    if phase == 1.0 and st[b + S_LAST_KIND] == CONTACT:
        st[b + S_LAST_KIND] = TOE_OFF
        n_out = _emit(out, n_out, t_off, TOE_OFF, f)
    st[b + S_PHASE] = 0.0
    st[b + S_LIFTED] = 0.0
    return n_out


@jit
def gait_event_step(t_s, heel_fwd, heel_y, toe_fwd, toe_y, leg_len_px, params, state, out):
    """One frame: heel/toe forward coordinate (s*x) and image y per foot (2,), NaN allowed.
    Writes up to 4 events as rows (t_event_s, kind, foot) of `out` (4, 3); returns how many.
    """
    n_out = 0
    for f in range(2):
        n_out = _foot_step(f, t_s, heel_fwd[f], heel_y[f], toe_fwd[f], toe_y[f], leg_len_px,
                           params, state, out, n_out)
    return n_out


def gait_events_kernel_series(t_s, heel_fwd, heel_y, toe_fwd, toe_y, leg_len_px, params):
    """Run the streaming kernel over a whole series; events (m, 3)."""
    state = new_event_state()
    out = np.empty((4, 3))
    ev = []
    for i in range(len(t_s)):
        n = gait_event_step(float(t_s[i]), heel_fwd[i], heel_y[i], toe_fwd[i], toe_y[i],
                            float(leg_len_px), params, state, out)
        for j in range(n):
            ev.append(out[j].copy())
    return np.array(ev).reshape(-1, 3)
