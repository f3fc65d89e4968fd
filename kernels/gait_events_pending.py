"""Gait-event kernel: emitting events, and contacts that wait for their stance.

A confirmed contact is timed once its stance spans `fit_s` (PR_FIT_DELAY_S): the hinge
fit then has stance frames after the contact instant (see kernels/gait_events.py). A
confirmation can come early (a walking heel is within the belt's height tolerance 2-4
frames before it lands at 60 fps): when the first fit finds the contact less than fit_s
old, it waits until the contact is, and is fitted again (timed from the early
confirmation, those contacts came ~1 frame early: only a row or two of stance after the
knee).
"""
from __future__ import annotations

import math

from kernels._jit import jit
from kernels.gait_events_fit import _contact_time
from kernels.gait_events_state import (CONTACT, FOOT_SIZE, PR_CONTACT_LAG_S, PR_DT_S,
                                       PR_FIT_DELAY_S, S_ANCHOR,
                                       S_COUNT, S_PEND, S_PEND_DUE, S_PEND_P, S_PEND_T, _row)


@jit
def _emit(out, n_out, t, kind, foot):
    out[n_out, 0] = t
    out[n_out, 1] = kind
    out[n_out, 2] = foot
    return n_out + 1


@jit
def _contact(f, t, p, k_first, anchor, tol_u, params, st, out, n_out):
    """A contact of point p whose stance was confirmed from `k_first` rows back: timed and
    emitted now, or (fit_delay_s > 0) left pending until the stance is that much older."""
    b = f * FOOT_SIZE
    if params[PR_FIT_DELAY_S] > 0.0:
        st[b + S_PEND] = 1.0
        st[b + S_PEND_T] = st[_row(st, b, k_first)]
        st[b + S_PEND_DUE] = st[b + S_PEND_T]
        st[b + S_PEND_P] = p
        return n_out
    tc = _contact_time(st, b, p, k_first, anchor, tol_u, params)
    return _emit(out, n_out, tc + params[PR_CONTACT_LAG_S], CONTACT, f)


@jit
def _pending_contact(f, t, tol_u, params, st, out, n_out, final):
    """Time and emit the foot's pending contact (if any) from its stance so far: the rows
    since the first confirmed one, and its stance anchor."""
    b = f * FOOT_SIZE
    if st[b + S_PEND] == 0.0:
        return n_out
    p = int(st[b + S_PEND_P])
    t_first = st[b + S_PEND_T]
    cnt = int(st[b + S_COUNT])
    k_first = -1
    for k in range(cnt):
        if st[_row(st, b, k)] >= t_first - 1e-9:
            k_first = k
        else:
            break
    n_on = st[b + S_ANCHOR + 3 * p + 1]
    if k_first < 0 or not n_on > 0.0:
        st[b + S_PEND] = 0.0
        return _emit(out, n_out, t_first - 0.5 * params[PR_DT_S], CONTACT, f)
    tc = _contact_time(st, b, p, k_first, st[b + S_ANCHOR + 3 * p] / n_on, tol_u, params)
    if not final and st[b + S_PEND] == 1.0 and t - tc < params[PR_FIT_DELAY_S]:
        st[b + S_PEND] = 2.0
        st[b + S_PEND_DUE] = tc
        return n_out
    st[b + S_PEND] = 0.0
    return _emit(out, n_out, tc + params[PR_CONTACT_LAG_S], CONTACT, f)
