"""Gait events (initial contact, toe-off, per foot) from a side view of a treadmill runner.

Physics used. On a treadmill the stance foot rests on the belt: its contact point (heel or
toe) sits at the belt's image height (one level per foot: the near and far foot land at
different heights under perspective) and moves backward at belt speed, so its anchor
u = forward_x + v_belt * t stays constant. Before contact the foot moves backward slower
than the belt and is a little above it; the contact instant is the knee of a joint
least-squares hinge in time where the foot's lag behind its stance line and the point's
height above the belt both reach zero, each approaching along a fixed-curvature path (a
landing foot decelerates; a straight line met walking contacts up to a frame early) over
pre_s (0.2 s) of frames; a heel's lag is averaged with its toe's; a pre-stance height
counts less from 0.05 leg above the belt up and not at all from 0.09 (an overstrider's
heel hangs ~10 cm up and drops in the last ~40 ms, which no fixed curvature follows). In
stance a seen point counts as on the belt while it is not above the belt level by more than the
tolerance (height only: a 2 px jitter in x must not end a stance). At toe-off the toe
rises off the belt; its rising height fitted as a hinge gives the instant.

Streaming. `gait_event_step` is called once per frame with both feet's heel and toe
(forward coordinate s*x and image y, pixels; NaN = unseen). It does constant work: a short
ring buffer per foot, running sums per stance. Belt level and belt speed are learned per
foot from the session's own stances: the first is found by a "bootstrap" window (a point
moving backward along a straight line at constant height, right after the foot was in the
air); every confirmed stance then refines them. A contact is confirmed by
`confirm_s` of stance (2 frames at 30 fps) and timed and emitted once its stance spans
`fit_s` (3 frames at 30 fps, 5 at 60: the hinge needs stance frames after it; timed at
confirmation, walking contacts came a frame early); a walking heel comes within the
belt's height tolerance 2-4 frames before it lands at 60 fps, so if the first fit finds
the contact less than fit_s old it waits until it is and fits again. A toe-off once the
toe has been off the belt `confirm_s`; both carry their estimated (sub-frame) time. Windows are time spans on the
frames' own timestamps and the fits use those times, so dropped frames (a live station
skips frames when it falls behind; timestamps then jump by 2-3 periods) shorten no window
and shift no event; a gap up to `max_gap_s` keeps the foot's stance. A foot must have been in the
air (`lift_frac` of leg length above the belt) before a contact counts, so standing still
or shuffling gives no events. A NaN gap longer than `max_gap_s` forgets the foot's stance.

Events per foot alternate contact, toe_off, contact, ... while the foot is tracked; after
a gap reset (and at the start) the sequence restarts with a contact, or with the toe-off
of a stance whose landing was not seen.

Real video. The two tracks follow the feet, not the pose model's left/right labels (which
trade places when the swinging leg passes the standing one, sometimes for good): a track
in stance whose input leaves its stance line while the other input sits on it swaps the
inputs, as does a jump that the crossed assignment continues (`remap`). The choice is
made afresh each frame against the tracks' own recent path (no latched mapping: a wrong
swap cannot outlive its evidence). An overground
walker's swing clears the floor by a centimetre or two, so a foot also counts as having
been in the air once it moved `lift_u_frac` ahead of its footprint. A bootstrap window
faster than `max_speed_lps` is not a belt.

Overground. A walker's stance foot relative to the hips fits a belt only roughly (speed
changes within a step, heel heights jitter by more than tol_y, a walker may walk
backward), so the belt model finds few of the contacts, and stray ones. A second,
label-free walking detector (gait_events_walk: Zeni's most anterior heel / most posterior
toe) runs beside it every frame and takes the word while the belt model finds fewer than
half as many stances as it finds steps (at once, at a walker's cadence, when the belt
model's feet stop alternating; the handover neither repeats nor drops the landing at it);
on a treadmill the belt model keeps it.

Modules: gait_events_params (the parameter vector), gait_events_state (parameter
indices, state layout, belt learning), gait_events_fit (bootstrap and hinge fits),
gait_events_pending (contacts waiting for fit_s of stance), gait_events_walk (the walking
detector and the choice), this one (the per-frame state machine); gait_events_ref (+
_ref_remap, _ref_walk) is the plain Python/NumPy reference of the same rules.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels.gait_events_fit import _bootstrap, _contact_time, _toe_off_time
from kernels.gait_events_params import event_params  # noqa: F401  (public)
from kernels.gait_events_pending import _contact, _emit, _pending_contact
from kernels.gait_events_walk import walk_step
from kernels.gait_events_state import (  # noqa: F401  (public names re-exported)
    _PT, CONTACT, FOOT_SIZE, N_PARAMS, PR_BOOT_S, PR_CONFIRM_S, PR_CONTACT_LAG_S,
    PR_DT_S, PR_LEARN_N, PR_LIFT_FRAC, PR_MAX_GAP_S, PR_MIN_SPEED_LPS, PR_PRE_S, PR_QUAD,
    PR_RELEARN_S, PR_TOE_OFF_LEAD_S, PR_TOL_U_FRAC, PR_TOL_Y_FRAC, RING, S_BELT_V, S_BELT_Y,
    S_COUNT, S_HEAD, S_LAST_KIND, S_LAST_ON, S_LAST_T, S_LIFTED, S_N_LEARN, S_OFF_RUN,
    S_PHASE, S_RING, S_T_MODEL, STATE_SIZE, TOE_OFF, _add_on, _learn, _reset_foot, _row,
    _start_stance, new_event_state, PR_LIFT_U_FRAC, PR_REMAP, S_ANCHOR,
    S_SWAPPED, _foot_fit, PR_MAX_SPEED_LPS, S_OFF_T, _span_rows, CONFIRM_MIN_ROWS,
    BOOT_MIN_ROWS, PR_BOOT_CONTACT, PR_FIT_DELAY_S, S_PEND, S_PEND_T, S_PEND_P, S_PEND_DUE,
    PR_WALK_H_FRAC, W_MODE, PR_TOE_ON_S, W_C_WALK, W_C_BELT)


@jit
def _foot_step(f, t, hx, hy, tx, ty, leg_len_px, params, st, out, n_out):
    b = f * FOOT_SIZE
    dt = params[PR_DT_S]
    seen_h = not (math.isnan(hx) or math.isnan(hy))
    seen_t = not (math.isnan(tx) or math.isnan(ty))
    last_t = st[b + S_LAST_T]
    if not math.isnan(last_t) and t - last_t > params[PR_MAX_GAP_S]:
        n_out = _pending_contact(f, t, params[PR_TOL_U_FRAC] * leg_len_px, params, st, out,
                                 n_out, True)
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
    max_v = params[PR_MAX_SPEED_LPS] * leg_len_px
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
        if phase == 0.0:
            # ...or a point moved a good part of a step ahead of its footprint.
            lift_u = params[PR_LIFT_U_FRAC] * leg_len_px
            for p in range(_PT):
                x = hx if p == 0 else tx
                cnt = st[b + S_ANCHOR + 3 * p + 1]
                if (seen_h if p == 0 else seen_t) and cnt > 0.0 and \
                        x + v * t - st[b + S_ANCHOR + 3 * p] / cnt > lift_u:
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
        nb = _span_rows(st, b, params[PR_BOOT_S], BOOT_MIN_ROWS)
        relearn = phase == 0.0 and st[b + S_LIFTED] == 1.0 and \
            t - st[b + S_T_MODEL] > params[PR_RELEARN_S]
        for p in range(_PT if nb > 0 else 0):
            by, bv = _bootstrap(st, b, p, nb, tol_y, tol_u, min_v, max_v, relearn)
            if not math.isnan(by):
                # A foot that was in the air and lands on a line that replaces a known
                # model (it moves back faster than the learned speed: the belt's image
                # speed varies with the foot's depth and the hip's sway) has landed.
                landed = phase == 0.0 and st[b + S_LIFTED] == 1.0 and \
                    not math.isnan(belt_y) and st[b + S_LAST_KIND] != CONTACT
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
                if landed and params[PR_BOOT_CONTACT] > 0.0:
                    s_u = 0.0
                    for k in range(nb):
                        rr = _row(st, b, k)
                        s_u += st[rr + 1 + 2 * p] + bv * st[rr]
                    st[b + S_PHASE] = 1.0
                    st[b + S_LAST_KIND] = CONTACT
                    n_out = _contact(f, t, p, nb - 1, s_u / nb, tol_u, params, st, out, n_out)
                return n_out
    if math.isnan(belt_y):
        return n_out

    if phase == 0.0:
        if st[b + S_LIFTED] == 0.0:
            return n_out
        kc = _span_rows(st, b, params[PR_CONFIRM_S], CONFIRM_MIN_ROWS)
        if kc == 0:
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
            tc = _contact_time(st, b, p, kc - 1, s_u / kc, tol_u, params)
            if tc < best_t:
                best_t = tc
                best_p = p
        if best_p < 0:
            return n_out
        t_first = st[_row(st, b, kc - 1)]
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
            if params[PR_FIT_DELAY_S] > 0.0:
                st[b + S_PEND] = 1.0
                st[b + S_PEND_T] = t_first
                st[b + S_PEND_DUE] = t_first
                st[b + S_PEND_P] = best_p
            else:
                n_out = _emit(out, n_out, best_t + params[PR_CONTACT_LAG_S], CONTACT, f)
        return n_out

    # In stance: which points are still on the belt?
    if st[b + S_PEND] != 0.0 and t - st[b + S_PEND_DUE] >= params[PR_FIT_DELAY_S]:
        n_out = _pending_contact(f, t, tol_u, params, st, out, n_out, False)
    any_on = False
    for p in range(_PT):
        x = hx if p == 0 else tx
        y = hy if p == 0 else ty
        if math.isnan(x) or math.isnan(y) or belt_y - y > tol_y:  # below the belt: still on
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
    if st[b + S_OFF_RUN] == 1.0:
        st[b + S_OFF_T] = t
    if t - st[b + S_OFF_T] < params[PR_CONFIRM_S] or st[b + S_OFF_RUN] < CONFIRM_MIN_ROWS:
        return n_out
    # Off the belt for confirm_s: toe-off of the point that was on the belt last.
    n_out = _pending_contact(f, t, tol_u, params, st, out, n_out, True)
    p = int(st[b + S_LAST_ON])
    t_off = _toe_off_time(st, b, p, max(3.5 * dt, params[PR_TOE_ON_S]), st[b + S_OFF_T], belt_y, dt)
    t_off -= params[PR_TOE_OFF_LEAD_S]
    _learn(st, b, params[PR_LEARN_N], t)
    # A silent stance (its landing unseen) ends in a toe-off too when it is the foot's
    # first since a reset: a sequence may open with it (a 60 fps walk's first stance, its
    # belt found late in it, otherwise lost its toe-off a second into the run).
    if (phase == 1.0 and st[b + S_LAST_KIND] == CONTACT) or \
            (phase == 2.0 and st[b + S_LAST_KIND] == -1.0):
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
    if params[PR_REMAP] > 0.0 and leg_len_px > 0.0:
        _remap(t_s, heel_fwd, heel_y, toe_fwd, toe_y, leg_len_px, params, state)
    for f in range(2):
        i = 1 - f if state[S_SWAPPED] == 1.0 else f
        n_out = _foot_step(f, t_s, heel_fwd[i], heel_y[i], toe_fwd[i], toe_y[i], leg_len_px,
                           params, state, out, n_out)
    if params[PR_WALK_H_FRAC] > 0.0:
        wout = np.empty((3, 3))
        has_belt = not (math.isnan(state[S_BELT_Y]) and math.isnan(state[FOOT_SIZE + S_BELT_Y]))
        n_walk = walk_step(t_s, heel_fwd, toe_fwd, leg_len_px, out, n_out, has_belt, params,
                           state, wout)
        if state[W_MODE] == 1.0:
            for j in range(n_walk):
                out[j, :] = wout[j, :]
            n_out = n_walk
    return n_out


@jit
def _remap(t, heel_fwd, heel_y, toe_fwd, toe_y, leg_len_px, params, st):
    """Tracks follow feet: a track in stance whose input left its stance line while the
    other input sits on it has been handed the other foot; swap this frame's inputs."""
    tol_y = params[PR_TOL_Y_FRAC] * leg_len_px
    tol_u = params[PR_TOL_U_FRAC] * leg_len_px
    sw = False                # decided afresh each frame from the tracks' own history
    st[S_SWAPPED] = 0.0
    for f in range(2):
        b = f * FOOT_SIZE
        g = 1 - f
        if st[b + S_PHASE] == 0.0 or math.isnan(st[b + S_BELT_Y]):
            continue
        i_own = g if sw else f
        i_other = 1 - i_own
        own = _foot_fit(st, b, heel_fwd[i_own], heel_y[i_own], toe_fwd[i_own], toe_y[i_own],
                        t, tol_u, tol_y)
        cross = _foot_fit(st, b, heel_fwd[i_other], heel_y[i_other], toe_fwd[i_other],
                          toe_y[i_other], t, tol_u, tol_y)
        if own != 0 or cross != 1:
            continue
        bg = g * FOOT_SIZE
        if st[bg + S_PHASE] != 0.0 and not math.isnan(st[bg + S_BELT_Y]):
            # the other track is in stance too: its own input must not hold it
            if _foot_fit(st, bg, heel_fwd[i_other], heel_y[i_other], toe_fwd[i_other],
                         toe_y[i_other], t, tol_u, tol_y) == 1:
                continue
        st[S_SWAPPED] = 1.0
        return
    # No stance to tell: the inputs jumped, and crossed they continue both tracks' paths.
    c = np.empty(4)
    for k in range(4):
        f = k // 2
        i = (k % 2) if not sw else 1 - (k % 2)
        c[k] = _track_cost(st, f * FOOT_SIZE, heel_fwd[i], heel_y[i], toe_fwd[i], toe_y[i],
                           t, params[PR_MAX_GAP_S])
    direct = c[0] + c[3]
    crossed = c[1] + c[2]
    if crossed < 0.5 * direct and direct - crossed > 0.5 * params[PR_LIFT_U_FRAC] * leg_len_px:
        st[S_SWAPPED] = 1.0


@jit
def _track_cost(st, b, hx, hy, tx, ty, t, max_gap_s):
    """Mean distance of a foot's input points from where the track's last two frames
    predict them (constant velocity); NaN when it cannot tell."""
    if st[b + S_COUNT] < 2.0:
        return math.nan
    r1 = _row(st, b, 0)
    r0 = _row(st, b, 1)
    t1 = st[r1]
    t0 = st[r0]
    if not t - t1 <= max_gap_s or not t1 > t0:
        return math.nan
    total = 0.0
    n = 0
    for p in range(_PT):
        x = hx if p == 0 else tx
        y = hy if p == 0 else ty
        x1 = st[r1 + 1 + 2 * p]
        y1 = st[r1 + 2 + 2 * p]
        x0 = st[r0 + 1 + 2 * p]
        y0 = st[r0 + 2 + 2 * p]
        px = x1 + (x1 - x0) / (t1 - t0) * (t - t1)
        py = y1 + (y1 - y0) / (t1 - t0) * (t - t1)
        d = math.hypot(x - px, y - py)
        if not math.isnan(d):
            total += d
            n += 1
    return total / n if n > 0 else math.nan


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
