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
PR_SPARE = 5                # (unused)
PR_CONFIRM_FRAMES = 6       # stance frames that confirm a contact
PR_BOOT_FRAMES = 7          # frames of a bootstrap window
PR_MAX_GAP_S = 8            # NaN gap that resets a foot
PR_LEARN_N = 9              # belt level/speed: running mean over this many stances
PR_RELEARN_S = 10           # no stance for this long: a bootstrap may replace the belt model
PR_TOE_OFF_LEAD = 11        # toe-off extrapolation correction, fraction of a frame
PR_CONTACT_LEAD = 12        # contact extrapolation correction, fraction of a frame
N_PARAMS = 13


def event_params(fps: float, tol_y_frac: float = 0.035, tol_u_frac: float = 0.05,
                 lift_frac: float = 0.1, min_speed_lps: float = 0.9,
                 confirm_s: float = 0.05, boot_s: float = 0.08, max_gap_s: float = 0.15,
                 learn_n: float = 20.0, relearn_s: float = 3.0, toe_off_lead: float = 0.0,
                 contact_lead: float = 0.0) -> np.ndarray:
    """Parameter vector for `gait_event_step` / `gait_events_ref`.

    fps            frame rate the stream was filmed at (sets the nominal frame period and
                   the frame counts below)
    tol_y_frac     a point within this x leg length of its belt level is "on the belt"
    tol_u_frac     ...and within this x leg length of its stance line (anchor u)
    lift_frac      a foot must have risen this x leg length above the belt since its last
                   stance before a new contact counts (standing still gives no events)
    min_speed_lps  belt slower than this (leg lengths / s) is "not moving": no events
    confirm_s      stance time that confirms a contact (>= 2 frames): the event delay
    boot_s         length of the window that first finds the belt (>= 3 frames)
    max_gap_s      a foot unseen longer than this is reset (no event across the gap)
    learn_n        belt level and speed are running means over this many stances
    relearn_s      after this long with no stance a new bootstrap replaces the belt model
    toe_off_lead   subtract this fraction of a frame from extrapolated toe-off times
    contact_lead   subtract this fraction of a frame from extrapolated contact times
    """
    p = np.empty(N_PARAMS)
    p[PR_DT_S] = 1.0 / fps
    p[PR_TOL_Y_FRAC] = tol_y_frac
    p[PR_TOL_U_FRAC] = tol_u_frac
    p[PR_LIFT_FRAC] = lift_frac
    p[PR_MIN_SPEED_LPS] = min_speed_lps
    p[PR_SPARE] = 0.0
    p[PR_CONFIRM_FRAMES] = max(2, round(confirm_s * fps))
    p[PR_BOOT_FRAMES] = max(3, round(boot_s * fps))
    p[PR_MAX_GAP_S] = max_gap_s
    p[PR_LEARN_N] = learn_n
    p[PR_RELEARN_S] = relearn_s
    p[PR_TOE_OFF_LEAD] = toe_off_lead
    p[PR_CONTACT_LEAD] = contact_lead
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
    if not math.isnan(known_y) and s_y / n <= known_y + tol_y:
        # A belt is known and this window is not below it: only a stale model (no
        # stance for relearn_s) is replaced, and only by a window at a belt-like speed.
        if not relearn:
            return math.nan, math.nan
    for k in range(nb):
        r = _row(st, b, k)
        res = st[r + 1 + 2 * p] - (icpt + slope * (st[r] - t_new))
        if abs(res) > tol_u:
            return math.nan, math.nan
    return s_y / n, v


@jit
def _contact_time(st, b, p, k_first, anchor, tol_y, tol_u, dt):
    """Estimated contact instant of point p whose stance (anchor u) was confirmed starting
    `k_first` rows back: walk back while the point stays near the stance, then extrapolate
    its distance from the stance (u, height) to zero."""
    belt_y = st[b + S_BELT_Y]
    v = st[b + S_BELT_V]
    k = k_first
    cnt = int(st[b + S_COUNT])
    while k + 1 < cnt:
        r = _row(st, b, k + 1)
        x = st[r + 1 + 2 * p]
        y = st[r + 2 + 2 * p]
        if math.isnan(x) or math.isnan(y):
            break
        du = max(anchor - (x + v * st[r]), 0.0) / tol_u
        dh = max(belt_y - y, 0.0) / tol_y
        if du * du + dh * dh > 1.0:
            break
        k += 1
    t_on = st[_row(st, b, k)]
    if k + 1 >= cnt:
        return t_on - 0.5 * dt
    r1 = _row(st, b, k + 1)
    t1 = st[r1]
    x1 = st[r1 + 1 + 2 * p]
    y1 = st[r1 + 2 + 2 * p]
    if math.isnan(x1):
        return t_on - 0.5 * dt
    e1 = math.hypot(max(anchor - (x1 + v * t1), 0.0), max(belt_y - y1, 0.0))
    if k + 2 < cnt:
        r2 = _row(st, b, k + 2)
        t2 = st[r2]
        x2 = st[r2 + 1 + 2 * p]
        y2 = st[r2 + 2 + 2 * p]
        if not math.isnan(x2) and not math.isnan(y2):
            e2 = math.hypot(max(anchor - (x2 + v * t2), 0.0), max(belt_y - y2, 0.0))
            rate = (e2 - e1) / (t1 - t2)
            if rate > 0.0:
                return min(max(t1 + e1 / rate, t1), t_on)
    return t1 + 0.5 * (t_on - t1)


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
    if phase == 0.0 and st[b + S_LIFTED] == 1.0:
        nb = int(params[PR_BOOT_FRAMES])
        relearn = t - st[b + S_T_MODEL] > params[PR_RELEARN_S]
        for p in range(_PT):
            by, bv = _bootstrap(st, b, p, nb, tol_y, tol_u, min_v, relearn)
            if not math.isnan(by):
                st[b + S_BELT_Y] = by
                st[b + S_BELT_V] = bv
                st[b + S_N_LEARN] = 1.0
                st[b + S_T_MODEL] = t
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
            tc = _contact_time(st, b, p, kc - 1, s_u / kc, tol_y, tol_u, dt)
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
            n_out = _emit(out, n_out, best_t - params[PR_CONTACT_LEAD] * dt, CONTACT, f)
        return n_out

    # In stance: which points are still on the belt?
    any_on = False
    for p in range(_PT):
        x = hx if p == 0 else tx
        y = hy if p == 0 else ty
        if math.isnan(x) or math.isnan(y) or abs(y - belt_y) > tol_y:
            continue
        cnt = st[b + S_ANCHOR + 3 * p + 1]
        u = x + v * t
        if cnt > 0.0 and abs(u - st[b + S_ANCHOR + 3 * p] / cnt) > tol_u:
            continue
        _add_on(st, b, p, t, x, y, v)
        any_on = True
        st[b + S_LAST_ON] = p
    if any_on:
        st[b + S_OFF_RUN] = 0.0
        return n_out
    if not (seen_h or seen_t):
        return n_out
    st[b + S_OFF_RUN] += 1.0
    if st[b + S_OFF_RUN] < 2.0:
        return n_out
    # Off the belt for two frames: toe-off. Extrapolate the last-on point's height back.
    p = int(st[b + S_LAST_ON])
    r0 = _row(st, b, 0)
    r1 = _row(st, b, 1)
    h0 = belt_y - st[r0 + 2 + 2 * p]
    h1 = belt_y - st[r1 + 2 + 2 * p]
    t0 = st[r0]
    t1 = st[r1]
    t_off = t1 - 0.5 * dt
    if not (math.isnan(h0) or math.isnan(h1)) and h0 > h1 and h1 > 0.0:
        t_off = t1 - h1 * (t0 - t1) / (h0 - h1)
        t_off = max(t_off, t1 - dt)
    elif not math.isnan(h1) and h1 <= 0.0:
        t_off = t1
    t_off -= params[PR_TOE_OFF_LEAD] * dt
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
