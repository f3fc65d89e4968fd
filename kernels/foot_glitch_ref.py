"""Reference for kernels/foot_glitch.py in plain NumPy: the same rules over a whole series,
with arrays instead of the kernel's flat state. tests/test_foot_glitch.py checks the two
agree frame by frame."""
from __future__ import annotations

import numpy as np

from kernels import foot_glitch as fg


def _first_test(e: np.ndarray, o: np.ndarray, gate: float, leg_len_px: float,
                p: np.ndarray) -> bool:
    """e, o (4, 2): offsets from the leg's prediction and the vectors to the other's."""
    o2 = np.sum(o * o, axis=1)
    ok = np.isfinite(e).all(axis=1) & (o2 > 0.0) & (o2 < np.inf)
    dot = np.sum(e * o, axis=1)
    dist = np.hypot(e[:, 0], e[:, 1])
    with np.errstate(invalid="ignore"):
        far = ok & (dist > gate) & (dot > p[fg.G_COS_MIN] * dist * np.sqrt(o2)) & \
            (dot > 0.05 * o2) & (dot < 1.3 * o2)
    if np.sum(far[1:]) >= 2:
        return True
    if ok.sum() < 3:
        return False
    w = dot[ok].sum() / o2[ok].sum()
    if not w > p[fg.G_W_MIN]:
        return False
    res = np.sqrt(np.sum((e[ok] - w * o[ok]) ** 2) / ok.sum()) / leg_len_px
    return bool(res < p[fg.G_RES_MAX_LEG] and res < p[fg.G_RES_PER_W] * w)


def foot_glitch_ref(t_s: np.ndarray, legs: np.ndarray, leg_len_px: np.ndarray,
                    params: np.ndarray) -> np.ndarray:
    """Flags (n, 2) for a series: `legs` (n, 2, 4, 2) knee, ankle, heel, toe per leg,
    `leg_len_px` (n,) the leg length each frame was judged with."""
    p = params
    dt, max_run = p[fg.G_DT_S], p[fg.G_MAX_RUN]
    last = np.full((2, 4, 2), np.nan)
    prev = np.full((2, 4, 2), np.nan)
    off = np.full((2, 4, 2), np.nan)
    t_last = np.full(2, np.nan)
    t_prev = np.full(2, np.nan)
    run = np.zeros(2)
    flags = np.zeros((len(t_s), 2))
    for i, (t, cur, leg) in enumerate(zip(t_s, legs, leg_len_px)):
        gate = (p[fg.G_GATE_LEG] + p[fg.G_GATE_LEG_S] * dt) * leg
        span = t_last - t_prev
        has = (span > 0.0) & (span < 2.5 * dt) & (t - t_last < (max_run + 1.5) * dt)
        with np.errstate(invalid="ignore", divide="ignore"):
            pred = last + (last - prev) * ((t - t_last) / span)[:, None, None]
        test = p[fg.G_ON] > 0.0 and leg > 0.0
        hit = np.zeros(2, bool)
        for f in range(2):
            e = cur[f] - pred[f]
            if test and run[f] == 0.0 and has[f] and has[1 - f]:
                hit[f] = _first_test(e, pred[1 - f] - pred[f], gate, leg, p)
            elif test and 0.0 < run[f] < max_run and has[f]:
                ok = np.isfinite(e).all(axis=1) & np.isfinite(off[f]).all(axis=1)
                dd = np.hypot(*(e[ok] - off[f][ok]).T).sum()
                mg = np.hypot(*off[f][ok].T).sum()
                hit[f] = bool(ok.any() and dd < p[fg.G_CONT] * mg)
        flags[i] = hit
        for f in range(2):
            if hit[f]:
                off[f] = cur[f] - pred[f]
                run[f] += 1.0
                continue
            was_run = run[f] > 0.0
            run[f] = 0.0
            if not np.isfinite(cur[f]).all(axis=1).any():
                continue
            if was_run:
                d = np.hypot(*(cur[f] - pred[f]).T) if has[f] else np.full(4, np.nan)
                d = d[np.isfinite(d)]
                if len(d) == 0 or d.mean() > gate:
                    t_last[f] = np.nan        # a new track
            prev[f], last[f] = last[f], cur[f].copy()
            t_prev[f], t_last[f] = t_last[f], t
    return flags
