"""Gait-event kernel: parameters, the flat state vector's layout, and its small helpers.

See kernels/gait_events.py for what the detector does; kernels/gait_events_ref.py is the
plain-Python reference of the same rules.
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
                 lift_frac: float = 0.1, min_speed_lps: float = 0.9, pre_s: float = 0.1,
                 quad: bool = False,
                 confirm_s: float = 0.05, boot_s: float = 0.08, max_gap_s: float = 0.15,
                 learn_n: float = 20.0, relearn_s: float = 3.0, toe_off_lead_s: float = 0.013,
                 contact_lag_s: float = 0.006) -> np.ndarray:
    """Parameter vector for `gait_event_step` / `gait_events_ref`.

    fps            frame rate the stream was filmed at (sets the nominal frame period and
                   the frame counts below)
    tol_y_frac     a point within this x leg length of its belt level is "on the belt"
    tol_u_frac     a confirming / bootstrap window's anchor u spreads less than this x leg
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


