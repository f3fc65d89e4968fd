"""Gait-event kernel: parameter indices (the vector itself: gait_events_params), the flat
state vector's layout, and its small helpers.

See kernels/gait_events.py for what the detector does; kernels/gait_events_ref.py is the
plain-Python reference of the same rules.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

CONTACT, TOE_OFF = 0, 1

# ---- parameters ---------------------------------------------------------------------------
PR_DT_S = 0                 # nominal frame period, 1/fps (hinge grid, tolerances; not windows)
PR_TOL_Y_FRAC = 1           # on-belt height tolerance, fraction of leg length
PR_TOL_U_FRAC = 2           # off-the-stance-line tolerance (anchor u), fraction of leg length
PR_LIFT_FRAC = 3            # the foot must rise this much (x leg) between stances
PR_MIN_SPEED_LPS = 4        # slowest belt that counts, leg lengths per second
PR_PRE_S = 5                # path before a stance used to time its contact, s
PR_CONFIRM_S = 6            # time span (s, actual timestamps) that confirms a contact / toe-off
PR_BOOT_S = 7               # time span (s) of a bootstrap window
PR_MAX_GAP_S = 8            # NaN gap that resets a foot
PR_LEARN_N = 9              # belt level/speed: running mean over this many stances
PR_RELEARN_S = 10           # no stance for this long: a bootstrap may replace the belt model
PR_TOE_OFF_LEAD_S = 11      # subtracted from fitted toe-off times, s
PR_CONTACT_LAG_S = 12       # added to fitted contact times, s
PR_QUAD = 13                # 1: the approach before contact is fitted as a parabola
PR_LIFT_U_FRAC = 14         # ...or its point moved this much (x leg) ahead of its footprint
PR_REMAP = 15               # 1: a stance foot's track may take the other foot's input
PR_MAX_SPEED_LPS = 16       # fastest belt that counts, leg lengths per second
PR_BOOT_CONTACT = 17        # 1: a bootstrap that replaces a known model at a landing emits its contact
PR_FIT_DELAY_S = 18         # stance span (s) a confirmed contact waits for before it is timed
PR_WALK_H_FRAC = 19         # walking detector: hysteresis of its extremes, x leg (0: off)
PR_WALK_MIN_STEP_S = 20     # ...extremes of one kind closer than this are one
PR_WALK_MAX_AMP_FRAC = 21   # ...a rise to an extreme larger than this x leg is not a step
PR_WALK_TAU_S = 22          # ...contact counts (walking vs belt detector) decay over this
PR_WALK_BELT_SHARE = 23     # ...walking events replace the belt's when the belt finds fewer
                            #    contacts than this share of the walking detector's
PR_WALK_WAIT_S = 24         # ...counting for this long (since its belt was found)
PR_WALK_MIN_STANCE_S = 25   # ...a belt stance shorter than this (contact to toe-off) is stray
PR_TOE_ON_S = 26            # stance time before a toe-off its hinge fit uses (>= 3.5 periods)
PR_WALK_SAME_FRAC = 27      # ...a walking contact this close (x step) to the belt's last is it
PR_WALK_LEARN_S = 28        # ...belt contacts this soon after counting starts may skip a foot
PR_WALK_MIN_STEP_RUN_S = 29 # ...steps shorter than this (s) may be a runner's: no early switch
PR_Y_WEIGHT = 30            # contact hinge: weight of the height channel (the lag's: 1)
PR_FOOT_LAG = 31            # 1: the contact hinge's lag is heel's and toe's mean
PR_KAPPA_U_PER_S = 32       # contact hinge: curvature of the lag's approach, 1/s
PR_KAPPA_Y_PER_S = 33       # ...of the height's
PR_Y_NEAR_FRAC = 34         # ...pre-stance heights count fully up to this x leg above the belt
PR_Y_FAR_FRAC = 35          # ...and not at all from this x leg up
N_PARAMS = 36


# ---- state layout (per foot block) -------------------------------------------------------
RING = 24                   # frames kept per foot
CONFIRM_MIN_ROWS = 2        # a confirming window has at least this many frames
BOOT_MIN_ROWS = 3           # a bootstrap window has at least this many frames
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
S_OFF_RUN = 10              # frames in a row with no point on the belt (in stance)
S_LAST_ON = 11              # point last seen on the belt (0 heel, 1 toe)
S_ANCHOR = 12               # per point: running sum of u, count, sum of y  (3 x 2)
S_FIT = 18                  # stance least squares of x on t per point: n, st, sx, stt, stx (5x2)
S_T0 = 28                   # stance reference time
S_OFF_T = 29                # time of the first off-belt frame of the current off run
S_PEND = 30                 # 1 while a confirmed contact waits for fit_delay_s of stance
S_PEND_T = 31               # time of that stance's first confirmed row
S_PEND_P = 32               # the point (0 heel, 1 toe) that confirmed it
S_PEND_DUE = 33             # it is timed once the stance spans fit_delay_s from here
S_RING = 34
FOOT_SIZE = S_RING + RING * 5
S_SWAPPED = 2 * FOOT_SIZE   # shared: 1 when this frame track 0 took input 1, track 1 input 0
# Walking detector block (kernels/gait_events_walk.py): two extreme finders (lead heel
# peak, trail toe valley), each state, extreme value, its time, last accepted time, the
# value it rose from, the input (foot label) at the extreme; then shared slots.
W0 = 2 * FOOT_SIZE + 1
W_PEAK = W0                 # 6 slots
W_VALLEY = W0 + 6           # 6 slots
W_LAST_P = W0 + 12          # time of the last accepted peak
W_STEP = W0 + 13            # step time estimate, s
W_FRAC = W0 + 14            # peak -> next valley, fraction of a step (< 0.5: walking forward)
W_IC_FOOT = W0 + 15         # foot of the last walking contact (-1 none)
W_IC_T = W0 + 16            # ...and its time
W_C_WALK = W0 + 17          # decaying count of walking-detector contacts
W_C_BELT = W0 + 18          # decaying count of belt-model contacts
W_C_T = W0 + 19             # time the counts were last decayed to
W_MODE = W0 + 20            # 1: walking detector's events are emitted, 0: the belt model's
W_LAST_T = W0 + 21          # last frame with both heels or both toes seen
W_T_COUNT = W0 + 22         # counts start: first frame, again when the belt model has a belt
W_BELT_IC = W0 + 23         # per foot (2): time of the belt model's last contact
W_HAD_BELT = W0 + 25        # 1 once the belt model had a belt
W_BELT_ALT = W0 + 26        # per foot (2): 1 if the other foot's belt contact came between
                            # this foot's last two (belt contacts alternate feet)
W_C_BAD = W0 + 28           # decaying count of belt-model contacts that did not alternate
W_SW_T = W0 + 29            # the belt model's last contact emitted (walking mode off)...
W_SW_FOOT = W0 + 30         # ...and its foot: a walking contact at that landing takes it
W_IC_NEW = W0 + 31          # 1: the last walking contact is not out (belt model's word)
W_SIZE = 32
STATE_SIZE = W0 + W_SIZE


def new_event_state() -> np.ndarray:
    st = np.full(STATE_SIZE, np.nan)
    for f in range(2):
        _reset_foot(st, f * FOOT_SIZE, True)
        st[f * FOOT_SIZE + S_ANCHOR:f * FOOT_SIZE + S_ANCHOR + 6] = 0.0
    st[S_SWAPPED] = 0.0
    reset_walk(st, True)
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
    st[b + S_PEND] = 0.0
    if forget_model:
        st[b + S_BELT_Y] = math.nan
        st[b + S_BELT_V] = math.nan
        st[b + S_N_LEARN] = 0.0
        st[b + S_T_MODEL] = math.nan


@jit
def reset_walk(st, forget):
    """Walking detector: forget its extremes (a gap); `forget` also its step, direction
    and counts."""
    for o in (W_PEAK, W_VALLEY):
        st[o] = 0.0
        st[o + 1] = math.nan
        st[o + 2] = math.nan
        st[o + 3] = -math.inf
        st[o + 4] = math.nan
        st[o + 5] = -1.0
    st[W_LAST_P] = math.nan
    st[W_IC_FOOT] = -1.0
    st[W_IC_T] = math.nan
    st[W_IC_NEW] = 0.0
    st[W_LAST_T] = math.nan
    if forget:
        st[W_T_COUNT] = math.nan
        st[W_HAD_BELT] = 0.0
        st[W_BELT_IC] = math.nan
        st[W_BELT_IC + 1] = math.nan
        st[W_BELT_ALT] = 0.0
        st[W_BELT_ALT + 1] = 0.0
        st[W_C_BAD] = 0.0
        st[W_SW_T] = math.nan
        st[W_SW_FOOT] = -1.0
        st[W_STEP] = 0.5
        st[W_FRAC] = 0.25
        st[W_C_WALK] = 0.0
        st[W_C_BELT] = 0.0
        st[W_C_T] = math.nan
        st[W_MODE] = 0.0


@jit
def _row(st, b, back):
    """State index of the ring row `back` frames before the newest (0 = newest)."""
    slot = (int(st[b + S_HEAD]) - back) % RING
    return b + S_RING + 5 * slot


@jit
def _span_rows(st, b, span, min_rows):
    """Fewest newest ring rows (at least min_rows) whose timestamps span >= span seconds;
    0 when the ring holds no such window."""
    cnt = int(st[b + S_COUNT])
    if cnt < min_rows:
        return 0
    t_new = st[_row(st, b, 0)]
    for k in range(min_rows - 1, cnt):
        if t_new - st[_row(st, b, k)] >= span:
            return k + 1
    return 0


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
def _anchor_fit(st, b, x, y, p, t, tol_u, tol_y):
    """1 if point p at (x, y) sits on the foot's stance line (within 2 tol), 0 if it is off
    it, -1 when it cannot tell (point unseen or no stance sample of that point)."""
    cnt = st[b + S_ANCHOR + 3 * p + 1]
    if math.isnan(x) or math.isnan(y) or not cnt > 0.0:
        return -1
    u = x + st[b + S_BELT_V] * t
    if abs(u - st[b + S_ANCHOR + 3 * p] / cnt) <= 2.0 * tol_u and \
            abs(y - st[b + S_BELT_Y]) <= 2.0 * tol_y:
        return 1
    return 0


@jit
def _foot_fit(st, b, hx, hy, tx, ty, t, tol_u, tol_y):
    """Does a foot's input fit the stance of the foot at block b? 1 yes (either point on
    the line), 0 no (a point could be told and none is on it), -1 cannot tell."""
    a = _anchor_fit(st, b, hx, hy, 0, t, tol_u, tol_y)
    c = _anchor_fit(st, b, tx, ty, 1, t, tol_u, tol_y)
    if a == 1 or c == 1:
        return 1
    if a == 0 or c == 0:
        return 0
    return -1


@jit
def _stance_slope(st, b, p):
    """Point p's stance line so far: least-squares slope of x on t (px/s; NaN when its
    times have no spread) and its number of samples."""
    q = b + S_FIT + 5 * p
    n = st[q]
    den = n * st[q + 3] - st[q + 1] * st[q + 1]
    if not den > 0.0:
        return math.nan, n
    return (n * st[q + 4] - st[q + 1] * st[q + 2]) / den, n


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
        s, n = _stance_slope(st, b, p)
        if n >= 3.0 and n > best_n and not math.isnan(s):
            best_n = n
            slope = s
    if n_y < 1.0:
        return
    w = 1.0 / min(st[b + S_N_LEARN] + 1.0, learn_n)
    st[b + S_BELT_Y] += w * (sum_y / n_y - st[b + S_BELT_Y])
    if not math.isnan(slope) and -slope > 0.0:
        st[b + S_BELT_V] += w * (-slope - st[b + S_BELT_V])
    st[b + S_N_LEARN] += 1.0
    st[b + S_T_MODEL] = t


