"""Plain Python/NumPy reference of the gait-event detector (kernels/gait_events.py).

Written separately from the kernel, for reading and for the equivalence test: one object
per foot with a list of recent frames and lists of its stance samples instead of a flat
state vector and running sums; the fits are NumPy least squares over arrays. The rules
are the kernel's (see its module docstring); the parameter vector is `event_params`'s
(kernels/gait_events_params.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kernels.gait_events_state import (BOOT_MIN_ROWS, CONFIRM_MIN_ROWS, CONTACT, PR_BOOT_S,
                                       PR_CONFIRM_S,
                                       PR_CONTACT_LAG_S, PR_DT_S, PR_FIT_DELAY_S, PR_WALK_H_FRAC, PR_TOE_ON_S, PR_LEARN_N, PR_LIFT_FRAC,
                                       PR_LIFT_U_FRAC, PR_MAX_GAP_S, PR_MAX_SPEED_LPS, PR_BOOT_CONTACT, PR_REMAP, PR_MIN_SPEED_LPS, PR_PRE_S, PR_QUAD,
                                       PR_RELEARN_S, PR_TOE_OFF_LEAD_S, PR_TOL_U_FRAC,
                                       PR_TOL_Y_FRAC, RING, TOE_OFF)
from kernels.gait_events_ref_fit import _hinge, contact_time
from kernels.gait_events_ref_remap import _remap
from kernels.gait_events_ref_walk import WalkRef

HEEL, TOE = 0, 1


@dataclass
class _Foot:
    frames: list = field(default_factory=list)   # (t, [(x, y) heel, (x, y) toe]), newest last
    last_t: float = math.nan
    phase: int = 0              # 0 air/unknown, 1 stance (contact emitted), 2 silent stance
    belt_y: float = math.nan
    belt_v: float = math.nan
    n_learn: int = 0
    t_model: float = math.nan
    lifted: bool = False
    last_kind: int = -1
    off_run: int = 0
    off_t: float = math.nan     # time of the first off-belt frame of the off run
    last_on: int = -1
    t0: float = math.nan
    on: tuple = ((), ())        # per point: list of (t, x, y, u) stance samples
    pend: int = 0               # a confirmed contact waits for fit_delay_s of stance (1),
                                # again after its first fit, from the contact it found (2)
    pend_t: float = math.nan    # ...the stance's first confirmed frame
    pend_due: float = math.nan  # ...timed once the stance spans fit_delay_s from here
    pend_p: int = -1            # ...of this point

    def forget_tracking(self) -> None:
        self.frames = []
        self.last_t = math.nan
        self.phase = 0
        self.lifted = False
        self.last_kind = -1
        self.off_run = 0
        self.last_on = -1
        self.pend = 0

    def start_stance(self, t0: float) -> None:
        self.t0 = t0
        self.off_run = 0
        self.on = ([], [])

    def back(self, k: int):
        """Frame k frames before the newest."""
        return self.frames[len(self.frames) - 1 - k]

    def window(self, span: float, min_rows: int) -> int:
        """How many newest frames (>= min_rows) first span `span` seconds; 0 if none do."""
        ts = [t for t, _ in self.frames]
        for n in range(min_rows, len(ts) + 1):
            if ts[-1] - ts[-n] >= span:
                return n
        return 0

    def mid_before(self, t_ref: float, dt: float) -> float:
        """Midway between t_ref and the newest frame before it (t_ref - dt/2 if none)."""
        before = [t for t, _ in self.frames if t < t_ref]
        return 0.5 * (before[-1] + t_ref) if before else t_ref - 0.5 * dt


def _line_slope(t: np.ndarray, x: np.ndarray) -> float:
    """Least-squares slope of x on t; NaN when t has no spread."""
    n = len(t)
    den = n * np.dot(t, t) - t.sum() ** 2
    if not den > 0.0:
        return math.nan
    return float((n * np.dot(t, x) - t.sum() * x.sum()) / den)


def _learn(foot: _Foot, learn_n: float, t: float) -> None:
    ys = [y for pts in foot.on for (_, _, y, _) in pts]
    if not ys:
        return
    slope, best_n = math.nan, 0
    for pts in foot.on:
        if len(pts) >= 3 and len(pts) > best_n:
            a = np.array(pts)
            s = _line_slope(a[:, 0] - foot.t0, a[:, 1])
            if not math.isnan(s):
                best_n, slope = len(pts), s
    w = 1.0 / min(foot.n_learn + 1.0, learn_n)
    foot.belt_y += w * (float(np.mean(ys)) - foot.belt_y)
    if not math.isnan(slope) and -slope > 0.0:
        foot.belt_v += w * (-slope - foot.belt_v)
    foot.n_learn += 1
    foot.t_model = t


def _bootstrap(foot: _Foot, p: int, nb: int, tol_y: float, tol_u: float, min_v: float,
               max_v: float, relearn: bool, other_v: float) -> tuple[float, float]:
    if nb == 0:
        return math.nan, math.nan
    win = foot.frames[-nb:]
    t = np.array([f[0] for f in win])
    xy = np.array([f[1][p] for f in win])
    if np.isnan(xy).any():
        return math.nan, math.nan
    tau = t - t[-1]
    n = float(nb)
    den = n * np.dot(tau, tau) - tau.sum() ** 2
    if not den > 0.0 or xy[:, 1].max() - xy[:, 1].min() > tol_y:
        return math.nan, math.nan
    slope = (n * np.dot(tau, xy[:, 0]) - tau.sum() * xy[:, 0].sum()) / den
    icpt = (xy[:, 0].sum() - slope * tau.sum()) / n
    v = -slope
    if not min_v <= v <= max_v:
        return math.nan, math.nan
    y_mean = xy[:, 1].sum() / n
    if not math.isnan(foot.belt_y):
        # in stance a toe's line below the level does not replace it (kernel's comment)
        lower = y_mean > foot.belt_y + tol_y and (foot.phase == 0 or p == HEEL)
        # in stance, the toe's line only when the other foot's belt agrees (kernel's comment)
        faster = v > 1.25 * foot.belt_v and y_mean > foot.belt_y - tol_y and (
            foot.phase == 0 or p == HEEL or math.isnan(other_v)
            or abs(v - other_v) < abs(foot.belt_v - other_v))
        if faster and foot.phase != 0 and foot.n_learn >= 2:
            # a learned model: in stance the point's whole stance line (>= 2 windows) must
            # be faster too
            on = np.array(foot.on[p]).reshape(-1, 4)
            faster = len(on) >= 2 * nb and \
                -_line_slope(on[:, 0] - foot.t0, on[:, 1]) > 1.25 * foot.belt_v
        if not (lower or faster or relearn):
            return math.nan, math.nan
    if (np.abs(xy[:, 0] - (icpt + slope * tau)) > tol_u).any():
        return math.nan, math.nan
    return float(y_mean), float(v)


def _toe_off_time(foot: _Foot, p: int, on_s: float, dt: float) -> float:
    """Hinge where the point's height above the belt starts to rise, over the frames since
    `on_s` before the off run began; the hinge no earlier than 2 periods before the run."""
    before = [t for t, _ in foot.frames if t < foot.off_t]
    t_last_on = before[-1] if before else foot.off_t - dt
    t_win = min(foot.off_t - dt, t_last_on) + dt - on_s
    rows = [(t, pts[p][1]) for t, pts in foot.frames
            if t >= t_win and not math.isnan(pts[p][1])]
    ts = np.array([t for t, _ in rows])
    zs = np.array([foot.belt_y - y for _, y in rows])
    if len(ts) < 3:
        return foot.mid_before(foot.off_t, dt)
    lo = max(ts[0], min(foot.off_t - dt, t_last_on) - dt)
    th = _hinge(ts, zs, lo, foot.frames[-1][0], True, False, dt)
    return foot.mid_before(foot.off_t, dt) if math.isnan(th) else th


def _contact(foot: _Foot, f: int, p: int, k_first: int, anchor: float, tol_u: float,
             prm: np.ndarray, out: list) -> None:
    """Time and emit a contact now, or (fit_delay_s > 0) leave it pending."""
    if prm[PR_FIT_DELAY_S] > 0.0:
        foot.pend, foot.pend_t, foot.pend_p = 1, foot.back(k_first)[0], p
        foot.pend_due = foot.pend_t
        return
    tc = contact_time(foot, p, k_first, anchor, tol_u, prm)
    out.append((tc + prm[PR_CONTACT_LAG_S], CONTACT, f))


def _pending_contact(foot: _Foot, f: int, tol_u: float, prm: np.ndarray, out: list,
                     final: bool) -> None:
    """Time and emit the pending contact (if any) from the stance so far; unless `final`,
    a first fit whose contact is less than fit_delay_s old waits until it is."""
    if not foot.pend:
        return
    p = foot.pend_p
    k_first = -1
    for k in range(len(foot.frames)):
        if foot.back(k)[0] < foot.pend_t - 1e-9:
            break
        k_first = k
    if k_first < 0 or not foot.on[p]:
        foot.pend = 0
        out.append((foot.pend_t - 0.5 * prm[PR_DT_S], CONTACT, f))
        return
    anchor = float(np.mean([q[3] for q in foot.on[p]]))
    tc = contact_time(foot, p, k_first, anchor, tol_u, prm)
    if not final and foot.pend == 1 and foot.frames[-1][0] - tc < prm[PR_FIT_DELAY_S]:
        foot.pend, foot.pend_due = 2, tc
        return
    foot.pend = 0
    out.append((tc + prm[PR_CONTACT_LAG_S], CONTACT, f))


def _foot_step(foot: _Foot, f: int, t: float, pts: list, leg: float, prm: np.ndarray,
               out: list, other_v: float) -> None:
    """`other_v`: the other foot's belt speed as it stands when this foot's turn comes."""
    dt = prm[PR_DT_S]
    seen = [not (math.isnan(x) or math.isnan(y)) for x, y in pts]
    if not math.isnan(foot.last_t) and t - foot.last_t > prm[PR_MAX_GAP_S]:
        _pending_contact(foot, f, prm[PR_TOL_U_FRAC] * leg, prm, out, True)
        foot.forget_tracking()
    if not any(seen) or not leg > 0.0:
        return
    pts = [pt if s else (math.nan, math.nan) for pt, s in zip(pts, seen)]
    foot.frames.append((t, pts))
    del foot.frames[:-RING]
    foot.last_t = t
    tol_y, tol_u = prm[PR_TOL_Y_FRAC] * leg, prm[PR_TOL_U_FRAC] * leg
    lift, min_v = prm[PR_LIFT_FRAC] * leg, prm[PR_MIN_SPEED_LPS] * leg
    belt_y, v, phase = foot.belt_y, foot.belt_v, foot.phase

    # In the air since the last stance?
    if not math.isnan(belt_y):
        if belt_y - max(y for (x, y), s in zip(pts, seen) if s) > lift:
            foot.lifted = True
        if phase == 0:
            for p in (HEEL, TOE):
                if seen[p] and foot.on[p] and pts[p][0] + v * t - float(
                        np.mean([q[3] for q in foot.on[p]])) > prm[PR_LIFT_U_FRAC] * leg:
                    foot.lifted = True
    elif len(foot.frames) >= 2:
        ys = [y for _, fp in foot.frames for _, y in fp if not math.isnan(y)]
        if max(ys) - min(ys) > lift:
            foot.lifted = True

    # Belt model from a belt-like window.
    if foot.lifted or not math.isnan(belt_y):
        relearn = phase == 0 and foot.lifted and t - foot.t_model > prm[PR_RELEARN_S]
        for p in (HEEL, TOE):
            by, bv = _bootstrap(foot, p, foot.window(prm[PR_BOOT_S], BOOT_MIN_ROWS), tol_y,
                                tol_u, min_v, prm[PR_MAX_SPEED_LPS] * leg, relearn, other_v)
            if not math.isnan(by):
                landed = phase == 0 and foot.lifted and not math.isnan(belt_y) and \
                    foot.last_kind != CONTACT
                foot.belt_y, foot.belt_v, foot.n_learn, foot.t_model = by, bv, 1, t
                if phase != 1:
                    foot.phase = 2
                foot.lifted = False
                foot.start_stance(t)
                foot.on[p].append((t, pts[p][0], pts[p][1], pts[p][0] + bv * t))
                foot.last_on = p
                if landed and prm[PR_BOOT_CONTACT] > 0.0:
                    nb = foot.window(prm[PR_BOOT_S], BOOT_MIN_ROWS)
                    u = sum(foot.back(k)[1][p][0] + bv * foot.back(k)[0] for k in range(nb))
                    foot.phase, foot.last_kind = 1, CONTACT
                    _contact(foot, f, p, nb - 1, u / nb, tol_u, prm, out)
                return
    if math.isnan(belt_y):
        return

    if phase == 0:
        kc = foot.window(prm[PR_CONFIRM_S], CONFIRM_MIN_ROWS)
        if not foot.lifted or kc == 0:
            return
        best_t, best_p = math.inf, -1
        for p in (HEEL, TOE):
            win = [foot.back(k) for k in range(kc)]
            xs = np.array([w[1][p][0] for w in win])
            ys = np.array([w[1][p][1] for w in win])
            if np.isnan(xs).any() or not (np.abs(ys - belt_y) <= tol_y).all():
                continue
            u = xs + v * np.array([w[0] for w in win])
            if u.max() - u.min() > tol_u:
                continue
            tc = contact_time(foot, p, kc - 1, float(u.sum()) / kc, tol_u, prm)
            if tc < best_t:
                best_t, best_p = tc, p
        if best_p < 0:
            return
        t_first = foot.back(kc - 1)[0]
        foot.start_stance(t)
        for p in (HEEL, TOE):
            for k in range(kc - 1, -1, -1):
                tk, fp = foot.back(k)
                x, y = fp[p]
                if not math.isnan(x) and (p == best_p or abs(y - belt_y) <= tol_y):
                    foot.on[p].append((tk, x, y, x + v * tk))
        foot.last_on, foot.phase, foot.lifted = best_p, 1, False
        if foot.last_kind != CONTACT:
            foot.last_kind = CONTACT
            if prm[PR_FIT_DELAY_S] > 0.0:
                foot.pend, foot.pend_t, foot.pend_p = 1, t_first, best_p
                foot.pend_due = t_first
            else:
                out.append((best_t + prm[PR_CONTACT_LAG_S], CONTACT, f))
        return

    # Stance: a seen point not above the belt by more than tol_y is still on it.
    if foot.pend and t - foot.pend_due >= prm[PR_FIT_DELAY_S]:
        _pending_contact(foot, f, tol_u, prm, out, False)
    any_on = False
    for p in (HEEL, TOE):
        x, y = pts[p]
        if seen[p] and not belt_y - y > tol_y:
            foot.on[p].append((t, x, y, x + v * t))
            foot.last_on, any_on = p, True
    if any_on:
        foot.off_run = 0
        return
    if not seen[foot.last_on]:
        return
    foot.off_run += 1
    if foot.off_run == 1:
        foot.off_t = t
    if t - foot.off_t < prm[PR_CONFIRM_S] or foot.off_run < CONFIRM_MIN_ROWS:
        return
    _pending_contact(foot, f, tol_u, prm, out, True)
    t_off = _toe_off_time(foot, foot.last_on, max(3.5 * dt, prm[PR_TOE_ON_S]), dt) - prm[PR_TOE_OFF_LEAD_S]
    _learn(foot, prm[PR_LEARN_N], t)
    # (a silent stance's toe-off opens the foot's sequence)
    if (phase == 1 and foot.last_kind == CONTACT) or (phase == 2 and foot.last_kind == -1):
        foot.last_kind = TOE_OFF
        out.append((t_off, TOE_OFF, f))
    foot.phase, foot.lifted = 0, False


def gait_events_ref(t_s, heel_fwd, heel_y, toe_fwd, toe_y, leg_len_px, params) -> np.ndarray:
    """Events (m, 3) rows (t_event_s, kind, foot) over a whole series, in emission order;
    inputs as `gait_events_kernel_series`."""
    feet = [_Foot(), _Foot()]
    walk = WalkRef()
    out: list = []
    swapped = False
    leg = float(leg_len_px)
    for i in range(len(t_s)):
        inputs = [[(float(heel_fwd[i][f]), float(heel_y[i][f])),
                   (float(toe_fwd[i][f]), float(toe_y[i][f]))] for f in (0, 1)]
        if params[PR_REMAP] > 0.0 and leg > 0.0:
            swapped = _remap(feet, inputs, float(t_s[i]), leg, params, False)
        n0 = len(out)
        for f in (0, 1):
            pts = inputs[1 - f if swapped else f]
            _foot_step(feet[f], f, float(t_s[i]), pts, leg, params, out, feet[1 - f].belt_v)
        if params[PR_WALK_H_FRAC] > 0.0:
            has_belt = not (math.isnan(feet[0].belt_y) and math.isnan(feet[1].belt_y))
            mine = walk.step(float(t_s[i]), heel_fwd[i], toe_fwd[i], leg, out[n0:], has_belt,
                             params)
            if walk.mode == 1:
                out[n0:] = mine
    return np.array(out, dtype=float).reshape(-1, 3)
