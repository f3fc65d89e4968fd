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


def event_params(fps: float, tol_y_frac: float = 0.035, tol_u_frac: float = 0.05,
                 lift_frac: float = 0.1, min_speed_lps: float = 0.9, pre_s: float = 0.2,
                 quad: bool = False,
                 confirm_s: float = 0.05, boot_s: float = 0.08, max_gap_s: float = 0.15,
                 learn_n: float = 20.0, relearn_s: float = 3.0, toe_off_lead_s: float = 0.013,
                 contact_lag_s: float = 0.003, lift_u_frac: float = 0.4,
                 remap: bool = False, max_speed_lps: float = 7.0,
                 boot_contact: bool = True, fit_s: float = 0.067,
                 walk_h_frac: float = 0.2, walk_min_step_s: float = 0.3,
                 walk_max_amp_frac: float = 2.0, walk_tau_s: float = 3.0,
                 walk_belt_share: float = 0.5, walk_wait_s: float = 3.0,
                 walk_min_stance_s: float = 0.12, toe_on_s: float = 0.15,
                 walk_same_frac: float = 0.3, walk_learn_s: float = 1.5,
                 walk_max_spm: float = 140.0, y_weight: float = 1.0,
                 foot_lag: bool = True, kappa_u_per_s: float = 1.5,
                 kappa_y_per_s: float = 20.0,
                 y_near_frac: float = 0.05, y_far_frac: float = 0.09) -> np.ndarray:
    """Parameter vector for `gait_event_step` / `gait_events_ref`.

    fps            frame rate the stream was filmed at (sets the nominal frame period and
                   the frame counts below)
    tol_y_frac     a point within this x leg length of its belt level is "on the belt"
    tol_u_frac     a confirming / bootstrap window's anchor u spreads less than this x leg
    lift_frac      a foot must have risen this x leg length above the belt since its last
                   stance before a new contact counts (standing still gives no events)
    min_speed_lps  belt slower than this (leg lengths / s) is "not moving": no events
    max_speed_lps  a bootstrap window faster than this (a sprint) is a swinging foot or a
                   label jump, not a belt
    pre_s          how much of the path before a contact (after a toe-off) its timing fits
    kappa_*_per_s  lag and height are fitted jointly, each approaching as g + kappa*g^2 (g:
                   time before the knee; y_weight: the height's weight; foot_lag: a heel's
                   lag is heel's and toe's mean). A line met walking contacts a frame early
                   at 60 fps, `quad` (a free parabola) spread 0.8 frame; kappa_y 20 centres
                   walking contacts (10 put them 0.2 frame early), running moves < 0.02.
    y_*_frac       a pre-stance height counts fully up to y_near_frac x leg above the belt,
                   not at all from y_far_frac (linear between): an overstrider's heel hangs
                   ~10 cm up for 0.1 s, then drops in 40 ms, which no fixed curvature
                   follows (contacts 0.65 frame late at 30 fps, 1.3 at 60); a hard cut
                   split the good runner's ~0.1 leg hover stance by stance
    confirm_s      stance time that confirms a contact, and off-belt time that confirms a
                   toe-off (>= 2 frames): the event delay. Measured on the timestamps: with
                   frames dropped, fewer frames (at least 2) cover it
    boot_s         window that first finds the belt (>= 3 frames; time, as confirm_s)
    max_gap_s      a foot unseen longer than this is reset (no event across the gap)
    learn_n        belt level and speed are running means over this many stances
    relearn_s      after this long with no stance a new bootstrap replaces the belt model
    toe_on_s       the toe-off hinge is fitted over the off rows and this much stance before
                   them (>= 3.5 frame periods; at 60 fps 58 ms was too little to pin it)
    toe_off_lead_s the toe leaves the belt slowly (it accelerates upward), so the line
                   fitted to its rising height meets the belt late: subtract this
    contact_lag_s  added to fitted contact times, s
    lift_u_frac    ...or once a point of it moved this x leg ahead of its last stance
                   anchor u (a walking foot's swing clears the floor by only a cm or two)
    remap          tracks follow the feet, not the labels: a track in stance whose own input
                   is off its stance line while the other input sits on it swaps the inputs
    fit_s          a confirmed contact is timed (and emitted) once its stance spans this long
                   (within the ring): timed at confirmation, walking contacts came early
    walk_*         the overground walking detector (kernels/gait_events_walk.py: the lead
                   heel's peaks, the trail toe's valleys; hysteresis walk_h_frac x leg, one
                   per walk_min_step_s, a rise of at most walk_max_amp_frac x leg). Its
                   events replace the belt model's while the belt model (found walk_wait_s
                   ago or longer) finds fewer than walk_belt_share as many alternating
                   stances (>= walk_min_stance_s) as contacts (counts decaying over
                   walk_tau_s); at once when the belt model's contacts stop alternating
                   after walk_learn_s at a walker's cadence (<= walk_max_spm; the slow-motion
                   lab runner keeps the belt model). A walking contact within walk_same_frac
                   x step of the belt model's last one is that landing (feet keep
                   alternating across the handover); walk_h_frac = 0 turns it off
    boot_contact   a foot that was in the air lands on a belt-like line that replaces the
                   known model (the belt's image speed varies with the foot's depth, the
                   hip's sway and, overground, the walker): emit its contact, timed like
                   any other, instead of a silent stance
    """
    p = np.empty(N_PARAMS)
    p[PR_DT_S] = 1.0 / fps
    p[PR_TOL_Y_FRAC] = tol_y_frac
    p[PR_TOL_U_FRAC] = tol_u_frac
    p[PR_LIFT_FRAC] = lift_frac
    p[PR_MIN_SPEED_LPS] = min_speed_lps
    p[PR_PRE_S] = pre_s
    p[PR_QUAD] = 1.0 if quad else 0.0
    # Windows are time spans measured on the frames' own timestamps, so dropped frames (a
    # live station skips frames when it falls behind) neither stretch nor stall them: a
    # window is the newest rows (at least CONFIRM_MIN_ROWS / BOOT_MIN_ROWS) that span
    # (k - 1) nominal frame periods, less half a period for timestamp jitter, where k is the
    # frame count at the nominal rate. k fits the ring (slow motion played at its capture
    # rate has many frames).
    kc = min(max(2, round(confirm_s * fps)), RING // 2)
    kb = min(max(3, round(boot_s * fps)), RING - 4)
    p[PR_CONFIRM_S] = (kc - 1.5) / fps
    p[PR_BOOT_S] = (kb - 1.5) / fps
    p[PR_MAX_GAP_S] = max_gap_s
    p[PR_LEARN_N] = learn_n
    p[PR_RELEARN_S] = relearn_s
    p[PR_TOE_OFF_LEAD_S] = toe_off_lead_s
    p[PR_CONTACT_LAG_S] = contact_lag_s
    p[PR_LIFT_U_FRAC] = lift_u_frac
    p[PR_REMAP] = 1.0 if remap else 0.0
    p[PR_MAX_SPEED_LPS] = max_speed_lps
    p[PR_BOOT_CONTACT] = 1.0 if boot_contact else 0.0
    # The contact is timed once its stance spans ks frames (more stance frames pin the
    # hinge); ks stays within the ring with the pre_s frames before the stance, and a
    # stance no longer than the confirming window is timed at confirmation (0).
    ks = max(kc, round(fit_s * fps) + 1)
    ks = max(kc, min(ks, RING - round(pre_s * fps) - 3))
    p[PR_FIT_DELAY_S] = (ks - 1.5) / fps if ks > kc else 0.0
    p[PR_WALK_H_FRAC] = walk_h_frac
    p[PR_WALK_MIN_STEP_S] = walk_min_step_s
    p[PR_WALK_MAX_AMP_FRAC] = walk_max_amp_frac
    p[PR_WALK_TAU_S] = walk_tau_s
    p[PR_WALK_BELT_SHARE] = walk_belt_share
    p[PR_WALK_WAIT_S] = walk_wait_s
    p[PR_WALK_MIN_STANCE_S] = walk_min_stance_s
    p[PR_TOE_ON_S] = toe_on_s
    p[PR_WALK_SAME_FRAC] = walk_same_frac
    p[PR_WALK_LEARN_S] = walk_learn_s
    p[PR_WALK_MIN_STEP_RUN_S] = 60.0 / walk_max_spm
    p[PR_Y_WEIGHT] = y_weight
    p[PR_FOOT_LAG] = 1.0 if foot_lag else 0.0
    p[PR_KAPPA_U_PER_S] = kappa_u_per_s
    p[PR_KAPPA_Y_PER_S] = kappa_y_per_s
    p[PR_Y_NEAR_FRAC] = y_near_frac
    p[PR_Y_FAR_FRAC] = y_far_frac
    return p


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
W_SIZE = 31
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


