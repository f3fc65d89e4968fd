"""Gait-event kernel: the parameter vector (`event_params`) and what each parameter means.

The parameter indices (PR_*) and the state layout are in kernels/gait_events_state.py; see
kernels/gait_events.py for what the detector does.
"""
from __future__ import annotations

import numpy as np

from kernels.gait_events_state import (
    N_PARAMS, RING, PR_BOOT_CONTACT, PR_BOOT_S, PR_CONFIRM_S, PR_CONTACT_LAG_S, PR_DT_S,
    PR_FIT_DELAY_S, PR_FOOT_LAG, PR_KAPPA_U_PER_S, PR_KAPPA_Y_PER_S, PR_LEARN_N,
    PR_LIFT_FRAC, PR_LIFT_U_FRAC, PR_MAX_GAP_S, PR_MAX_SPEED_LPS, PR_MIN_SPEED_LPS,
    PR_PRE_S, PR_QUAD, PR_RELEARN_S, PR_REMAP, PR_TOE_OFF_LEAD_S, PR_TOE_ON_S,
    PR_TOL_U_FRAC, PR_TOL_Y_FRAC, PR_WALK_BELT_SHARE, PR_WALK_H_FRAC, PR_WALK_LEARN_S,
    PR_WALK_MAX_AMP_FRAC, PR_WALK_MIN_STANCE_S, PR_WALK_MIN_STEP_RUN_S,
    PR_WALK_MIN_STEP_S, PR_WALK_SAME_FRAC, PR_WALK_TAU_S, PR_WALK_WAIT_S, PR_Y_FAR_FRAC,
    PR_Y_NEAR_FRAC, PR_Y_WEIGHT)


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
                   (within the ring), and again once the contact that fit found is this old
                   if it was not yet: timed at confirmation, walking contacts came early
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
