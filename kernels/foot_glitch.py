"""Blended feet: frames where the pose model pulls a leg toward the other one, found per frame
so the gait-event kernel can skip that foot for the frame.

Side-on, about once a stride and for 1-3 frames, the pose model draws each leg part of the
way toward the other (the 60 fps gym clip: a landing heel drawn 200 px back toward the
other foot, or thrown 90 px up the other shin). When that falls in a foot's first stance
frames the stance is confirmed late and its contact is timed late, by up to 7 frames, which
reads as a step-time asymmetry of 20%. The event kernel copes with a foot unseen for a frame
or two (its windows and fits run on the frames' own timestamps), so a blended foot is best
dropped: the event step gets NaN for that foot's heel and toe.

Test, per leg, on its knee, ankle, heel and toe (forward coordinate, image y; px), against
where the leg's last two accepted frames put it at constant velocity (e = point - prediction)
and the vector o from that prediction to the other leg's prediction, point by point:
- two or more of the ankle, heel and toe land further from their predictions than `gate`
  (gate_leg + gate_leg_s x the frame period, x leg length: a fast swing at 30 fps misses
  constant velocity by up to 0.25 leg, at 60 fps by 0.13; a landing foot that reverses to
  belt speed by less), each toward the other leg (cosine of e and o above cos_min, the
  share of o it covered between 0.05 and 1.3): one point is not enough, a toe that jumped
  on the last frame throws its own prediction off; or
- all four points moved by one common share w of their own o (the model's blend is a
  mixture of the two legs, knee with knee, foot with foot): least-squares w above w_min
  with a residual below res_max_leg x leg and below res_per_w x w. Natural motion does not
  move the knee and the foot by one share of their very different inter-leg vectors.
A blend lasts a few frames with much the same offset, so after a rejected frame the next is
rejected too while its offset from the (extrapolated) prediction stays within `cont` x the
last one's (max_run frames at most); anything else is accepted. (Testing such a frame
afresh, with the gate grown for the longer extrapolation, caught more synthetic blends but
dropped whole landings on the gym clip, whose stance heels jitter by 15-20 px: the belt
model then lost stances and the walking detector took over.) A foot accepted after a run
far from its prediction restarts the track (a real jump is not extrapolated from).

No delay: each frame is decided on its own and the frames before it. Accepted frames only
feed the predictions; a rejected leg keeps its last two accepted frames.

kernels/frame_step.py runs it on the swap-repaired legs relative to the hips, and drops a
flagged foot from the belt model's input (not while the label-free walking detector has the
word: it needs both heels of a frame).

State (N_STATE,): per leg (N_LEG_STATE each) the last accepted points (8), the ones before
(8), the last rejected offset (8), their times and the rejected-run length; NaN = unknown
(new_state; a reset is all NaN). Params: `glitch_params`.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

# params layout
G_ON = 0                # 1: test frames; 0: never flag (the state still follows the legs)
G_DT_S = 1              # nominal frame period
G_GATE_LEG = 2          # foot gate: this x leg length ...
G_GATE_LEG_S = 3        # ... plus this x leg length per second of frame period
G_COS_MIN = 4           # a foot point's move points toward the other leg (cosine)
G_W_MIN = 5             # common-share test: share of the way to the other leg
G_RES_MAX_LEG = 6       # ... its residual, x leg length, at most
G_RES_PER_W = 7         # ... and at most this x the share
G_MAX_RUN = 8           # frames in a row one leg may be rejected
G_CONT = 9              # a run goes on while the offset changes less than this x itself
N_PARAMS = 10

# state layout, per leg
L_LAST = 0              # (4, 2) last accepted knee, ankle, heel, toe
L_PREV = 8              # (4, 2) the accepted frame before
L_OFF = 16              # (4, 2) offset of the last rejected frame from its prediction
L_T_LAST = 24
L_T_PREV = 25
L_RUN = 26              # rejected frames in a row
N_LEG_STATE = 27
N_STATE = 2 * N_LEG_STATE

N_PTS = 4               # knee, ankle, heel, toe; the last two are the foot


def glitch_params(fps: float, on: bool = True, gate_leg: float = 0.05,
                  gate_leg_s: float = 6.0, cos_min: float = 0.8, w_min: float = 0.2,
                  res_max_leg: float = 0.05, res_per_w: float = 0.3, max_run: int = 3,
                  cont: float = 0.5) -> np.ndarray:
    """Parameter vector for `foot_glitch_step` (see the module doc). The defaults were set
    on the synthetic runner's blends (30 and 60 fps, 2 px jitter, 140 px legs)."""
    p = np.empty(N_PARAMS)
    p[G_ON] = 1.0 if on else 0.0
    p[G_DT_S] = 1.0 / fps
    p[G_GATE_LEG] = gate_leg
    p[G_GATE_LEG_S] = gate_leg_s
    p[G_COS_MIN] = cos_min
    p[G_W_MIN] = w_min
    p[G_RES_MAX_LEG] = res_max_leg
    p[G_RES_PER_W] = res_per_w
    p[G_MAX_RUN] = max_run
    p[G_CONT] = cont
    return p


def new_state() -> np.ndarray:
    return np.full(N_STATE, np.nan)


@jit
def _predict(st, b, t, dt, max_run, pred):
    """Constant-velocity prediction of leg block b at t into pred (4, 2); False if none."""
    tl = st[b + L_T_LAST]
    tp = st[b + L_T_PREV]
    if not (tl - tp > 0.0 and tl - tp < 2.5 * dt and t - tl < (max_run + 1.5) * dt):
        return False
    k = (t - tl) / (tl - tp)
    for i in range(2 * N_PTS):
        last = st[b + L_LAST + i]
        pred[i // 2, i % 2] = last + (last - st[b + L_PREV + i]) * k
    return True


@jit
def _offsets(legs, pred, f, g, k):
    """Point k of leg f: its offset from its prediction (ex, ey), and the other leg's
    predicted point relative to this one's (ox, oy) with its squared length o2."""
    ox = pred[g, k, 0] - pred[f, k, 0]
    oy = pred[g, k, 1] - pred[f, k, 1]
    return (legs[f, k, 0] - pred[f, k, 0], legs[f, k, 1] - pred[f, k, 1], ox, oy,
            ox * ox + oy * oy)


@jit
def _first_test(legs, f, pred, has, gate, leg_len_px, params):
    """Is leg f's frame a blend (no run under way)?"""
    g = 1 - f
    if not (has[f] and has[g]):
        return False
    # the foot: at least two of ankle, heel, toe far from their predictions, each toward the
    # other leg's (one noisy point, e.g. a toe that jumped last frame, does not decide)
    n_far = 0
    # the common share of all four points
    eo = 0.0
    oo = 0.0
    n_all = 0
    for k in range(N_PTS):
        ex, ey, ox, oy, o2 = _offsets(legs, pred, f, g, k)
        if not (math.isfinite(ex) and math.isfinite(ey) and o2 > 0.0 and o2 < math.inf):
            continue
        dot = ex * ox + ey * oy
        eo += dot
        oo += o2
        n_all += 1
        e = math.hypot(ex, ey)
        if k >= 1 and e > gate and dot > params[G_COS_MIN] * e * math.sqrt(o2) and \
                0.05 * o2 < dot < 1.3 * o2:
            n_far += 1
    if n_far >= 2:
        return True
    if n_all < 3:
        return False
    w = eo / oo
    if not w > params[G_W_MIN]:
        return False
    r2 = 0.0
    for k in range(N_PTS):
        ex, ey, ox, oy, o2 = _offsets(legs, pred, f, g, k)
        if not (math.isfinite(ex) and math.isfinite(ey) and o2 > 0.0 and o2 < math.inf):
            continue
        r2 += (ex - w * ox) ** 2 + (ey - w * oy) ** 2
    res = math.sqrt(r2 / n_all) / leg_len_px
    return res < params[G_RES_MAX_LEG] and res < params[G_RES_PER_W] * w


@jit
def _run_goes_on(legs, f, pred, st, b, cont):
    """A run under way: is this frame's offset from the prediction within cont x the last
    rejected one's of it?"""
    dd = 0.0
    mg = 0.0
    n = 0
    for k in range(N_PTS):
        ex = legs[f, k, 0] - pred[f, k, 0]
        ey = legs[f, k, 1] - pred[f, k, 1]
        gx = st[b + L_OFF + 2 * k]
        gy = st[b + L_OFF + 2 * k + 1]
        if not (math.isfinite(ex) and math.isfinite(ey) and math.isfinite(gx)
                and math.isfinite(gy)):
            continue
        dd += math.hypot(ex - gx, ey - gy)
        mg += math.hypot(gx, gy)
        n += 1
    return n > 0 and dd < cont * mg


@jit
def foot_glitch_step(t_s: float, legs: np.ndarray, leg_len_px: float, params: np.ndarray,
                     state: np.ndarray, flags: np.ndarray) -> int:
    """One frame: `legs` (2, 4, 2) knee, ankle, heel, toe per leg (forward coordinate, image
    y; NaN = unseen). Sets flags[f] = 1.0 for a blended leg f (else 0.0); returns how many."""
    dt = params[G_DT_S]
    max_run = params[G_MAX_RUN]
    gate = (params[G_GATE_LEG] + params[G_GATE_LEG_S] * dt) * leg_len_px
    pred = np.empty((2, N_PTS, 2))
    has = np.zeros(2, np.bool_)
    for f in range(2):
        has[f] = _predict(state, f * N_LEG_STATE, t_s, dt, max_run, pred[f])
    test = params[G_ON] > 0.0 and leg_len_px > 0.0
    n_flag = 0
    for f in range(2):
        b = f * N_LEG_STATE
        run = state[b + L_RUN]
        if not run > 0.0:
            run = 0.0
        hit = False
        if test and run == 0.0:
            hit = _first_test(legs, f, pred, has, gate, leg_len_px, params)
        elif test and run < max_run and has[f]:
            hit = _run_goes_on(legs, f, pred, state, b, params[G_CONT])
        flags[f] = 1.0 if hit else 0.0
        n_flag += 1 if hit else 0
    for f in range(2):
        b = f * N_LEG_STATE
        run = state[b + L_RUN]
        if not run > 0.0:
            run = 0.0
        if flags[f] == 1.0:
            for k in range(N_PTS):
                for c in range(2):
                    state[b + L_OFF + 2 * k + c] = legs[f, k, c] - pred[f, k, c]
            state[b + L_RUN] = run + 1.0
            continue
        state[b + L_RUN] = 0.0
        seen = False
        for k in range(N_PTS):
            if math.isfinite(legs[f, k, 0]) and math.isfinite(legs[f, k, 1]):
                seen = True
        if not seen:
            continue
        if run > 0.0:
            # accepted after a run: far from the prediction, it starts a new track
            d = 0.0
            n = 0
            if has[f]:
                for k in range(N_PTS):
                    e = math.hypot(legs[f, k, 0] - pred[f, k, 0], legs[f, k, 1] - pred[f, k, 1])
                    if math.isfinite(e):
                        d += e
                        n += 1
            if n == 0 or d / n > gate:
                state[b + L_T_LAST] = math.nan
        for k in range(N_PTS):
            for c in range(2):
                state[b + L_PREV + 2 * k + c] = state[b + L_LAST + 2 * k + c]
                state[b + L_LAST + 2 * k + c] = legs[f, k, c]
        state[b + L_T_PREV] = state[b + L_T_LAST]
        state[b + L_T_LAST] = t_s
    return n_flag
