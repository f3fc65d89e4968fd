"""Gait-event kernel: the walking detector, for a walker the belt model does not fit.

Why. Overground, the feet relative to the hips move like a treadmill's only roughly: the
walker's speed changes within a step, heel and toe heights jitter by more than the belt
model's tolerance, and a walker may even walk backward (the stance foot then moves
forward relative to the hips). The forward positions, though, draw clean sawtooths a leg
length tall. Zeni et al. (2008): a foot lands at its most anterior position relative to
the pelvis and leaves the ground at its most posterior one.

What. Label-free, so pose-model label trades do not matter: the lead heel (the larger of
the two heels' forward coordinates) peaks when the leading foot lands, the trail toe (the
smaller of the toes') bottoms out when the trailing foot leaves. Each extreme is found
causally with hysteresis (`walk_h_frac` x leg: emitted once the signal has come back that
far, a few frames), one per `walk_min_step_s` at most, and only after a rise of at most
`walk_max_amp_frac` x leg (a foot gliding faster is not walking). Walking forward, a
valley follows its peak after the double support, a short part of a step; walking
backward (toe first, heel last) the roles trade and the valley comes first: the running
fraction `W_FRAC` (peak to next valley, in steps) tells the two apart. Contacts alternate
feet (the first one, or one after a pause, takes the leading input's foot); a toe-off is
the foot that did not land last.

Which detector speaks. Both run every frame. The walking detector's events replace the
belt model's while the belt model finds fewer than `walk_belt_share` as many stances
(contact to toe-off, `walk_min_stance_s` at least: overground its stray contacts are
followed by a toe-off a frame or two later) as the walking detector finds contacts (both
counts decay over `walk_tau_s` and start afresh when the belt model first has a belt;
the choice waits `walk_wait_s` after they start, unless the belt model's feet stop
alternating: one foot landing twice in a row), until it finds as many (and 3). Only
stances of a foot whose contact alternated count. At the handover the walking contact at
the landing the belt model emitted last takes that contact's foot and is not emitted
again (a short clip then loses no stride to the switch). On a
treadmill the belt model finds every contact and keeps the word. Walking events come a
few frames late (the signal must come back `walk_h_frac` x leg from its extreme).
"""
from __future__ import annotations

import math

from kernels._jit import jit
from kernels.gait_events_state import (
    CONTACT, PR_MAX_GAP_S, PR_WALK_BELT_SHARE, PR_WALK_H_FRAC, PR_WALK_MAX_AMP_FRAC,
    PR_WALK_LEARN_S, PR_WALK_MIN_STANCE_S, PR_WALK_MIN_STEP_RUN_S, PR_WALK_MIN_STEP_S,
    PR_WALK_SAME_FRAC, PR_WALK_TAU_S, PR_WALK_WAIT_S, TOE_OFF,
    W_BELT_ALT, W_BELT_IC, W_C_BAD, W_C_BELT, W_C_T, W_C_WALK, W_FRAC, W_HAD_BELT, W_IC_FOOT,
    W_IC_NEW, W_IC_T, W_LAST_P, W_LAST_T, W_MODE, W_PEAK, W_STEP, W_SW_FOOT, W_SW_T,
    W_T_COUNT, W_VALLEY, reset_walk)


@jit
def _extreme(st, o, t, v, label, h, min_step_s, max_amp):
    """Hysteresis peak finder on v (block at o); the peak's time once confirmed, else NaN.
    Its input label is left in st[o + 5]."""
    found = math.nan
    if math.isnan(st[o + 4]):
        st[o + 4] = v                             # after a reset: rises from where it starts
    if st[o] == 0.0:                              # climbing to a peak
        if math.isnan(st[o + 1]) or v > st[o + 1]:
            st[o + 1] = v
            st[o + 2] = t
            st[o + 5] = label
        elif st[o + 1] - v > h:
            if st[o + 2] - st[o + 3] >= min_step_s and st[o + 1] - st[o + 4] <= max_amp \
                    and st[o + 1] - st[o + 4] > h:
                found = st[o + 2]
                st[o + 3] = found
            st[o] = 1.0
            st[o + 1] = v
            st[o + 2] = t
    else:                                         # going down to a valley
        if v < st[o + 1]:
            st[o + 1] = v
            st[o + 2] = t
        elif v - st[o + 1] > h:
            st[o] = 0.0
            st[o + 4] = st[o + 1]                 # the peak rises from here
            st[o + 1] = v
            st[o + 2] = t
            st[o + 5] = label
    return found


@jit
def _walk_event(st, t_ev, is_contact, label, same_frac, out, n_out):
    """Append a walking event (contact foot by alternation, toe-off the other foot). A
    contact at the landing the belt model last emitted (while it had the word) is that
    contact: it takes the belt's foot, so the feet keep alternating across a handover,
    and is not emitted again."""
    if is_contact:
        foot = label
        if st[W_IC_FOOT] >= 0.0 and t_ev - st[W_IC_T] <= 1.5 * st[W_STEP] + 0.3:
            foot = 1.0 - st[W_IC_FOOT]
        same = abs(t_ev - st[W_SW_T]) < same_frac * st[W_STEP]
        if same:
            foot = st[W_SW_FOOT]
            st[W_SW_T] = math.nan
        st[W_IC_FOOT] = foot
        st[W_IC_T] = t_ev
        st[W_IC_NEW] = 0.0 if same else 1.0
        st[W_C_WALK] += 1.0
        if same:
            return n_out
        kind = CONTACT
    else:
        if st[W_IC_FOOT] < 0.0:
            return n_out
        foot = 1.0 - st[W_IC_FOOT]
        kind = TOE_OFF
    out[n_out, 0] = t_ev
    out[n_out, 1] = kind
    out[n_out, 2] = foot
    return n_out + 1


@jit
def _handover_contact(st, t, wout, n):
    """At the switch to the walking detector: its last contact, found within the last step
    while the belt model had the word, and not a landing the belt model emitted, is the
    landing at the handover (the belt model's next contact, which would have switched a
    frame sooner, came late): out first. Unless this frame found a contact."""
    if st[W_IC_NEW] != 1.0 or not t - st[W_IC_T] < st[W_STEP]:
        return n
    for j in range(n):
        if wout[j, 1] == CONTACT:
            return n
    for j in range(n, 0, -1):
        wout[j, :] = wout[j - 1, :]
    wout[0, 0] = st[W_IC_T]
    wout[0, 1] = CONTACT
    wout[0, 2] = st[W_IC_FOOT]
    return n + 1


@jit
def walk_step(t, heel_fwd, toe_fwd, leg_len_px, belt_out, n_belt, has_belt, params, st,
              wout):
    """One frame of the walking detector, after the belt model wrote its `n_belt` events
    to `belt_out`: updates its state and the detector choice (st[W_MODE]); writes its own
    events (t, kind, foot) to `wout` (3, 3); returns how many. `has_belt`: the belt model
    has a belt for a foot."""
    if not params[PR_WALK_H_FRAC] > 0.0 or not leg_len_px > 0.0:
        return 0
    if not math.isnan(st[W_C_T]):
        decay = math.exp(-(t - st[W_C_T]) / params[PR_WALK_TAU_S])
        st[W_C_WALK] *= decay
        st[W_C_BELT] *= decay
        st[W_C_BAD] *= decay
    st[W_C_T] = t
    if math.isnan(st[W_T_COUNT]) or (has_belt and st[W_HAD_BELT] == 0.0):
        st[W_T_COUNT] = t                         # count from here: both start even
        st[W_C_WALK] = 0.0
        st[W_C_BELT] = 0.0
        st[W_C_BAD] = 0.0
        if has_belt:
            st[W_HAD_BELT] = 1.0
    for j in range(n_belt):
        f = int(belt_out[j, 2])
        if belt_out[j, 1] == CONTACT:
            # its previous contact came after the other foot's last one (or the other foot
            # never landed): the belt model's feet do not alternate
            own = st[W_BELT_IC + f]
            other = st[W_BELT_IC + 1 - f]
            st[W_BELT_ALT + f] = 0.0 if not math.isnan(own) and \
                (math.isnan(other) or own >= other) else 1.0
            if t - st[W_T_COUNT] >= params[PR_WALK_LEARN_S]:
                st[W_C_BAD] += 1.0 - st[W_BELT_ALT + f]
            st[W_BELT_IC + f] = belt_out[j, 0]
        elif belt_out[j, 0] - st[W_BELT_IC + f] >= params[PR_WALK_MIN_STANCE_S] and \
                st[W_BELT_ALT + f] == 1.0:
            st[W_C_BELT] += 1.0
    if not math.isnan(st[W_LAST_T]) and t - st[W_LAST_T] > params[PR_MAX_GAP_S]:
        reset_walk(st, False)
    n = 0
    h = params[PR_WALK_H_FRAC] * leg_len_px
    amp = params[PR_WALK_MAX_AMP_FRAC] * leg_len_px
    min_step = params[PR_WALK_MIN_STEP_S]
    same_frac = params[PR_WALK_SAME_FRAC]
    if not (math.isnan(heel_fwd[0]) or math.isnan(heel_fwd[1])):
        st[W_LAST_T] = t
        a = _extreme(st, W_PEAK, t, max(heel_fwd[0], heel_fwd[1]),
                     0.0 if heel_fwd[0] >= heel_fwd[1] else 1.0, h, min_step, amp)
        if not math.isnan(a):
            if not math.isnan(st[W_LAST_P]) and a - st[W_LAST_P] < 3.0 * st[W_STEP]:
                st[W_STEP] += 0.2 * (a - st[W_LAST_P] - st[W_STEP])
            st[W_LAST_P] = a
            n = _walk_event(st, a, st[W_FRAC] < 0.5, st[W_PEAK + 5], same_frac, wout, n)
    if not (math.isnan(toe_fwd[0]) or math.isnan(toe_fwd[1])):
        st[W_LAST_T] = t
        b = _extreme(st, W_VALLEY, t, -min(toe_fwd[0], toe_fwd[1]),
                     0.0 if toe_fwd[0] <= toe_fwd[1] else 1.0, h, min_step, amp)
        if not math.isnan(b):
            if not math.isnan(st[W_LAST_P]) and b - st[W_LAST_P] < 1.5 * st[W_STEP]:
                st[W_FRAC] += 0.3 * ((b - st[W_LAST_P]) / st[W_STEP] - st[W_FRAC])
            n = _walk_event(st, b, st[W_FRAC] >= 0.5, st[W_VALLEY + 5], same_frac, wout, n)
    # Walking detector in when the belt model finds less than the share of its contacts
    # (after the wait, or at once when its feet stopped alternating -- one non-alternating
    # contact, decayed a little, is >= 0.9 -- at a walker's cadence); out when it finds as
    # many (and 3): a belt model that fits now and then does not take the word back and
    # forth.
    share = params[PR_WALK_BELT_SHARE]
    if st[W_MODE] == 0.0:
        if st[W_C_WALK] >= 2.0 and st[W_C_BELT] < share * st[W_C_WALK] and \
                (t - st[W_T_COUNT] >= params[PR_WALK_WAIT_S] or
                 (st[W_C_BAD] >= 0.9 and st[W_STEP] >= params[PR_WALK_MIN_STEP_RUN_S])):
            st[W_MODE] = 1.0
            n = _handover_contact(st, t, wout, n)
    elif st[W_C_BELT] >= 3.0 and st[W_C_BELT] >= st[W_C_WALK]:
        st[W_MODE] = 0.0
    if st[W_MODE] == 1.0:
        st[W_IC_NEW] = 0.0
    if st[W_MODE] == 0.0:                         # the belt model's events go out
        for j in range(n_belt):
            if belt_out[j, 1] == CONTACT:
                st[W_SW_T] = belt_out[j, 0]
                st[W_SW_FOOT] = belt_out[j, 2]
    return n
