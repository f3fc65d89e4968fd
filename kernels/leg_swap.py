"""Left/right leg identity by continuity: two tracks that follow the two physical legs.

Side-on, the far leg hides behind the near one and pose models trade the left/right labels
as the swinging leg passes the standing one: for a frame, every other frame, or for a second
at a time. The labels therefore say nothing reliable about which physical leg is which; the
motion does. Each of the two tracks keeps, per leg point (knee, ankle, heel, toe), its last
position and a smoothed velocity, and predicts the next position at constant velocity. A
foot in stance moves backward at belt speed while the other swings forward fast, so where
the feet pass each other their positions nearly coincide but the predictions do not.

The kernel keeps a RELATION between the model's labels and the tracks (as labelled, or
crossed) and changes it only when the other assignment fits the predictions clearly better
(cost < ratio x, and by at least `min_gain_px`); back to the labels it needs a little less
(ratio x `LABEL_PRIOR`), the labels being right most of the time. A track's distances count
1/gap, gap the frames since it last took its point: a track that coasted (outlier frames,
dropped points) predicts from a stale velocity, and its error must not outvote the fresh
track. (At 30 fps the swing foot accelerates faster than a constant-velocity prediction
follows; the outlier gate then lets the swing track coast, and weighing its stale
prediction like a fresh one kept a wrong relation after a 4-frame label swap for the rest
of the clip.)

Two ways back to the model's labels. `return_frames` frames in a row on which neither
assignment could be decided (legs unseen): predictions are stale, the labels are taken as
they are. And the labels are right most of the time, so tracks that have been crossed to
them for `PULL_PER_RETURN` x `return_frames` frames net (crossed frames count up, as-labelled
frames down) follow the right legs under the wrong names: they trade names, state and all,
so continuity is untouched and the next frame goes on as labelled. Real label swaps last up
to ~1 s; the analyzer's return_frames is 0.5 s, so the pull takes 2 s of disagreement.

Where the legs pass, the model also blends them or throws a foot up the shin for a frame or
a few. A frame whose two legs lie on top of each other (mean point distance under
`COINCIDE_PER_GAIN` x min_gain_px) teaches nothing: both tracks coast over it (its two
assignments cost about the same, so it rarely decides anything either). (The indoor walk: a blend at the feet's crossing drew both legs within 7 px; learning
from it set the two velocities toward each other and flipped the relation for 1.6 s.)
A leg whose points land further from its prediction than an outlier gate is not learned from: its track coasts on its prediction (for `MAX_COAST` frames at most). The gate
is adaptive: `gate_px` (default `GATE_PER_GAIN` x min_gain_px) plus `GATE_PER_ERR` x the
track's own recent prediction error (an exponential mean over accepted frames). Fast swings
at 30 fps predict worse than a slow-motion clip at 120 fps, and noisy small figures worse
than sharp large ones; the gate follows each without a per-fps or per-size constant.

State (4, 2, P, 2): row 0 last position per track and point, row 1 velocity (px/frame),
row 2 frames since the point was last seen (both coords), row 3 [0, 0, 0, 0] the relation
(1 = crossed), [0, 0, 0, 1] consecutive undecidable frames, [1, 0, 0] the net crossed frames
of the pull-back, [leg, 1, 0] the leg's recent prediction error (px, NaN until its first
frame). P = 5 points per leg: hip, knee, ankle, heel, toe; the hips overlap side-on and
decide nothing, but travel with their leg.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

LEFT_LEG = np.array([23, 25, 27, 29, 31], np.int64)
RIGHT_LEG = np.array([24, 26, 28, 30, 32], np.int64)
N_LEG_POINTS = 5
VEL_ALPHA = 0.5          # weight of the newest frame-to-frame velocity
MAX_EXTRAPOLATE = 3.0    # frames of constant-velocity extrapolation over a gap, at most
GATE_PER_GAIN = 1.5      # default outlier gate: this x min_gain_px (mean point distance)
GATE_PER_ERR = 2.5       # ...plus this x the track's own recent prediction error (adaptive)
ERR_ALPHA = 0.1          # weight of the newest frame in that recent error
MAX_COAST = 4.0          # a track coasts over outlier frames while unseen this long at most
LABEL_PRIOR = 1.4        # back to the labels: cost < ratio x this x (labels mostly right)
PULL_PER_RETURN = 4.0    # tracks crossed to the labels this x return_frames (net) trade names
COINCIDE_PER_GAIN = 1.0  # legs whose points lie within this x min_gain_px (mean): coincident


def new_state() -> np.ndarray:
    st = np.full((4, 2, N_LEG_POINTS, 2), np.nan)
    st[2] = 0.0
    st[3] = 0.0
    st[3, :, 1, 0] = np.nan
    return st


@jit
def repair_leg_swap(xy: np.ndarray, state: np.ndarray, left_idx: np.ndarray,
                    right_idx: np.ndarray, ratio: float, min_gain_px: float,
                    return_frames: int, gate_px: float = -1.0, steps: float = 1.0) -> bool:
    """Relabel the legs of `xy` (33, 2) in place to the tracked identities; True if crossed.
    `steps`: frame periods since the previous call (> 1 after dropped frames)."""
    npt = left_idx.shape[0]
    if steps > 1.0:
        for leg in range(2):
            for p in range(npt):
                for c in range(2):
                    state[2, leg, p, c] += steps - 1.0
    if gate_px < 0.0:
        gate_px = GATE_PER_GAIN * min_gain_px
    pred = np.empty((2, npt, 2))
    for leg in range(2):
        for p in range(npt):
            for c in range(2):
                pos = state[0, leg, p, c]
                vel = state[1, leg, p, c]
                gap = min(max(state[2, leg, p, c], 1.0), MAX_EXTRAPOLATE)
                if math.isnan(vel):
                    pred[leg, p, c] = pos
                else:
                    pred[leg, p, c] = pos + gap * vel
    # Costs of the two assignments over the points seen on both legs and predicted on both.
    keep = 0.0
    cross = 0.0
    n = 0
    for p in range(1, npt):
        a = left_idx[p]
        b = right_idx[p]
        d00 = math.hypot(xy[a, 0] - pred[0, p, 0], xy[a, 1] - pred[0, p, 1])
        d11 = math.hypot(xy[b, 0] - pred[1, p, 0], xy[b, 1] - pred[1, p, 1])
        d01 = math.hypot(xy[a, 0] - pred[1, p, 0], xy[a, 1] - pred[1, p, 1])
        d10 = math.hypot(xy[b, 0] - pred[0, p, 0], xy[b, 1] - pred[0, p, 1])
        if math.isnan(d00) or math.isnan(d11) or math.isnan(d01) or math.isnan(d10):
            continue
        # A track that coasted predicts from a stale velocity: its distances count less.
        w0 = 1.0 / max(state[2, 0, p, 0], 1.0)
        w1 = 1.0 / max(state[2, 1, p, 0], 1.0)
        d00 *= w0
        d10 *= w0
        d11 *= w1
        d01 *= w1
        keep += d00 + d11
        cross += d01 + d10
        n += 1
    # Legs drawn on top of each other (a crossing, or the model's blend of the two) say
    # nothing about which is which, and a blend would set both velocities toward the other
    # leg: neither track learns from the frame (both coast).
    dsep = 0.0
    nsep = 0
    for p in range(1, npt):
        dab = math.hypot(xy[left_idx[p], 0] - xy[right_idx[p], 0],
                         xy[left_idx[p], 1] - xy[right_idx[p], 1])
        if not math.isnan(dab):
            dsep += dab
            nsep += 1
    coincide = nsep >= 2 and dsep < COINCIDE_PER_GAIN * min_gain_px * nsep
    rel = state[3, 0, 0, 0]
    if n >= 2:
        state[3, 0, 0, 1] = 0.0
        cur = cross if rel == 1.0 else keep
        alt = keep if rel == 1.0 else cross
        r_eff = ratio * LABEL_PRIOR if rel == 1.0 else ratio
        if alt < r_eff * cur and cur - alt > min_gain_px:
            rel = 1.0 - rel
    else:
        state[3, 0, 0, 1] += 1.0
        if state[3, 0, 0, 1] >= return_frames:
            rel = 0.0
    # The model's labels are right most of the time: tracks that have disagreed with them
    # for longer than any plausible swap follow the right legs under the wrong names. They
    # trade names (state and all, so continuity is untouched) and agree with the labels.
    crossed = state[3, 1, 0, 0] + (steps if rel == 1.0 else -steps)
    crossed = max(crossed, 0.0)
    if rel == 1.0 and crossed >= PULL_PER_RETURN * return_frames:
        for p in range(npt):
            for c in range(2):
                for r in range(3):
                    tmp = state[r, 0, p, c]
                    state[r, 0, p, c] = state[r, 1, p, c]
                    state[r, 1, p, c] = tmp
                tmp = pred[0, p, c]
                pred[0, p, c] = pred[1, p, c]
                pred[1, p, c] = tmp
        tmp = state[3, 0, 1, 0]
        state[3, 0, 1, 0] = state[3, 1, 1, 0]
        state[3, 1, 1, 0] = tmp
        rel = 0.0
        crossed = 0.0
    state[3, 1, 0, 0] = crossed
    state[3, 0, 0, 0] = rel
    if rel == 1.0:
        for p in range(npt):
            for c in range(2):
                a = xy[left_idx[p], c]
                xy[left_idx[p], c] = xy[right_idx[p], c]
                xy[right_idx[p], c] = a
    for leg in range(2):
        # A leg that lands far from its prediction on a frame is an outlier (the model
        # blends the legs for a frame as they pass): the track coasts over it, for a while.
        dsum = 0.0
        nd = 0
        coast = 0.0
        for p in range(1, npt):
            idx = left_idx[p] if leg == 0 else right_idx[p]
            d = math.hypot(xy[idx, 0] - pred[leg, p, 0], xy[idx, 1] - pred[leg, p, 1])
            if not math.isnan(d):
                dsum += d
                nd += 1
            coast = max(coast, state[2, leg, p, 0])
        ema = state[3, leg, 1, 0]
        reject = coincide and coast <= MAX_COAST
        if nd > 0 and not reject:
            err = dsum / nd
            if not math.isnan(ema):
                reject = err > gate_px + GATE_PER_ERR * ema and coast <= MAX_COAST
            if not reject:
                state[3, leg, 1, 0] = err if math.isnan(ema) else \
                    ERR_ALPHA * err + (1.0 - ERR_ALPHA) * ema
        for p in range(npt):
            idx = left_idx[p] if leg == 0 else right_idx[p]
            for c in range(2):
                v = xy[idx, c]
                if math.isnan(v) or reject:
                    state[2, leg, p, c] += 1.0
                    continue
                pos = state[0, leg, p, c]
                if not math.isnan(pos):
                    meas = (v - pos) / max(state[2, leg, p, c], 1.0)
                    vel = state[1, leg, p, c]
                    state[1, leg, p, c] = meas if math.isnan(vel) else \
                        VEL_ALPHA * meas + (1.0 - VEL_ALPHA) * vel
                state[0, leg, p, c] = v
                state[2, leg, p, c] = 1.0
    return rel == 1.0


def repair_leg_swap_ref(xy_series: np.ndarray, ratio: float, min_gain_px: float,
                        return_frames: int, gate_px: float = -1.0, steps=None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Reference over a series (n, 33, 2): relabelled copy and the per-frame crossed flags."""
    if gate_px < 0.0:
        gate_px = GATE_PER_GAIN * min_gain_px
    xy_series = np.array(xy_series, float)
    legs = np.stack([LEFT_LEG, RIGHT_LEG])
    pos = np.full((2, N_LEG_POINTS, 2), np.nan)
    vel = np.full((2, N_LEG_POINTS, 2), np.nan)
    gap = np.zeros((2, N_LEG_POINTS, 2))
    ema = np.full(2, np.nan)
    rel, undecided, crossed = 0, 0, 0.0
    flags = np.zeros(len(xy_series), bool)
    for i, xy in enumerate(xy_series):
        step = 1.0 if steps is None else float(steps[i])
        if step > 1.0:
            gap = gap + (step - 1.0)
        g = np.clip(gap, 1.0, MAX_EXTRAPOLATE)
        pred = np.where(np.isnan(vel), pos, pos + g * vel)
        obs = xy[legs[:, 1:]]                                  # (2, P-1, 2) as labelled
        w = 1.0 / np.maximum(gap[:, 1:, 0], 1.0)               # (track, P-1)
        d_keep = w * np.hypot(*(obs - pred[:, 1:]).transpose(2, 0, 1))
        d_cross = w * np.hypot(*(obs[::-1] - pred[:, 1:]).transpose(2, 0, 1))
        ok = np.isfinite(d_keep).all(axis=0) & np.isfinite(d_cross).all(axis=0)
        sep = np.hypot(*(obs[0] - obs[1]).T)
        sep = sep[np.isfinite(sep)]
        coincide = len(sep) >= 2 and sep.sum() < COINCIDE_PER_GAIN * min_gain_px * len(sep)
        if ok.sum() >= 2:
            undecided = 0
            keep, cross = d_keep[:, ok].sum(axis=0).sum(), d_cross[:, ok].sum(axis=0).sum()
            cur, alt = (cross, keep) if rel else (keep, cross)
            r_eff = ratio * LABEL_PRIOR if rel else ratio
            if alt < r_eff * cur and cur - alt > min_gain_px:
                rel = 1 - rel
        else:
            undecided += 1
            if undecided >= return_frames:
                rel = 0
        crossed = max(crossed + (step if rel else -step), 0.0)
        if rel and crossed >= PULL_PER_RETURN * return_frames:
            pos, vel, gap, pred = pos[::-1].copy(), vel[::-1].copy(), gap[::-1].copy(), \
                pred[::-1].copy()
            ema = ema[::-1].copy()
            rel, crossed = 0, 0.0
        if rel:
            xy[legs[0]], xy[legs[1]] = xy[legs[1]].copy(), xy[legs[0]].copy()
        flags[i] = bool(rel)
        cur = xy[legs]
        d = np.hypot(*(cur[:, 1:] - pred[:, 1:]).transpose(2, 0, 1))      # (2, P-1)
        reject = np.zeros(2, bool)
        for leg in range(2):
            dl = d[leg][np.isfinite(d[leg])]
            if coincide and gap[leg, 1:, 0].max() <= MAX_COAST:
                reject[leg] = True
                continue
            if len(dl) == 0:
                continue
            err = dl.sum() / len(dl)
            if np.isfinite(ema[leg]):
                reject[leg] = err > gate_px + GATE_PER_ERR * ema[leg] \
                    and gap[leg, 1:, 0].max() <= MAX_COAST
            if not reject[leg]:
                ema[leg] = err if np.isnan(ema[leg]) else \
                    ERR_ALPHA * err + (1 - ERR_ALPHA) * ema[leg]
        seen = np.isfinite(cur) & ~reject[:, None, None]
        meas = (cur - pos) / np.maximum(gap, 1.0)
        new_vel = np.where(np.isnan(vel), meas, VEL_ALPHA * meas + (1 - VEL_ALPHA) * vel)
        vel = np.where(seen & np.isfinite(pos), new_vel, vel)
        pos = np.where(seen, cur, pos)
        gap = np.where(seen, 1.0, gap + 1.0)
    return xy_series, flags
