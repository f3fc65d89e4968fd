"""Per-stride pelvic tilt and rib flare from the silhouette contours pooled over the stride.

silhouette_proxies (kernels/silhouette.py) places its bands by the hip and shoulder
landmarks. A landmark's jitter moves a band along the body, and the lumbar hollow is
curved: the lumbar line's angle swings ~5 deg per px of hip jitter (synthetic runner,
T ~ 90 px). That alone averages out, but arms cover the lumbar band in 60-85 % of frames,
and whether a partly covered band still passes depends on where the jitter put it: a band
pushed up, away from the hand behind the lower back, passes twice as often as one pushed
down, and reads the hollow higher up. The median of the per-frame band angles then leans
one way (tilt 30 read 37 under the issue's noise). Pooling the contour level by level over
the stride's frames (the median offset at each level, over the frames where it is in
view) and fitting the band lines once to the pooled contour uses every frame's clear
levels, with no per-band pass/fail. What still leaned under noise: arm outlines that
jittered capsules let through (trimmed here, POOL_MAX_OUT_T), a genuine steep step at
the outward-step limit (not applied to the pooled contour, POOL_MAX_STEP), and the bands'
own movement with H and S (kernels/silhouette_dejitter.py re-places each frame's contours
before they come here).

Input: the per-frame contours silhouette_proxies writes after its band angles when `out`
has profile_out_len(levels_per_band) entries (sacral back, lumbar back, rib front, rib
back, belly; levels_per_band offsets each, in trunk lengths T). kernels/silhouette.md.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels.silhouette import (LOWER_TRUNK_BAND, LUMBAR_BAND, MAX_BELLY_DEG, MAX_RESID_T,
                                MIN_RESID_PX, MIN_SPAN, MIN_SPAN_BELLY,
                                N_OUT_BANDS, N_PROFILES, RIB_BAND, RIDGE_BACK,
                                RIDGE_FRONT, SACRAL_BAND, line_angle_deg,
                                profile_band, proxies_from_band_angles)

#: A level's pooled offset leaves out the frames whose edge lies further out than this
#: (x T, at least POOL_MAX_OUT_PX) from the pooled offset, re-pooling until none do:
#: arms whose capsules a jittered landmark moved off the drawn arm let the arm's outline
#: through as "back" in ~20 % of the frames at the upper lumbar levels, 3-9 px behind the
#: back (synthetic runner, 2 px jitter); the median alone leans ~1 px toward them, tilt
#: 0 read +1..+3.7 high. Occluders only ever add to a silhouette, so only the outward side
#: is trimmed. The trunk's own scatter from landmark jitter is ~1.5 px.
POOL_MAX_OUT_T = 0.035
POOL_MAX_OUT_PX = 3.0
#: The pooled contour's lines are fitted without the outward-step rule: the frames'
#: contours have had it (silhouette_proxies), and the pooled contour of a steep, genuine
#: stretch trips it (the lumbar band's lowest step is 0.048 T at rib flare 20, the rule's
#: limit 0.05 T: whether that level counted flipped with the jitter, tilt 10 read 12.8).
POOL_MAX_STEP = math.inf
#: Levels a stride did not see are filled from the session's contour: each level's running
#: mean over the strides that saw it (`template`, updated here), moved onto the stride by
#: the band's median offset between its own pooled levels and the session's. Arms cover
#: the lumbar band's lower levels in 60-75 % of frames, so a stride often pools 5 of 8;
#: a line through those, on a hollow that is not a parabola, is not the band's line (tilt
#: 25 at flare 15 read 31.7 for 26.1 with no noise; the session's medians of each level
#: were within 0.003 T of truth). The back's shape holds from stride to stride; where it
#: sits moves with the trunk frame, hence the shift.
TEMPLATE_MIN_STRIDES = 2     # strides that saw a level before its session value fills
TEMPLATE_MIN_SHARED = 3      # levels seen by both the stride and the session, to place it
TEMPLATE_ALPHA = 0.2         # running mean: 1/n up to 1/TEMPLATE_ALPHA strides, then EMA
#: A level the stride did see, in n frames, is drawn toward the session's value (moved onto
#: the stride) with weight TEMPLATE_PRIOR_FRAMES / (n + TEMPLATE_PRIOR_FRAMES): a shrinkage
#: estimate, as if the session's contour were that many frames more. Under landmark jitter
#: each frame's band placement is off by ~0.9 px along the trunk (the de-jitter's fit), the
#: lumbar band's lowest levels are seen in 2-8 of a stride's ~21 frames, and at rib flare 20
#: the back falls 0.05 T per level there: a level's median over 3 frames carries those
#: frames' placement errors x that slope, and the band line swings with it (per-stride tilt
#: sd 3.7-4.5 deg at tilt 10 / flare 20; 2.1-3.5 with this). Levels seen in most frames
#: barely move.
TEMPLATE_PRIOR_FRAMES = 4.0


@jit
def _sorted_median(v: np.ndarray, lo: int, hi: int) -> float:
    """Median of the sorted v[lo:hi] (hi > lo), in np.median's arithmetic."""
    n = hi - lo
    half = lo + (n >> 1)
    if n & 1 == 0:
        return (v[half - 1] + v[half]) / 2
    return v[half]


@jit
def _inner_median(buf: np.ndarray, n: int, outward: float, max_out: float,
                  min_n: int) -> float:
    """Median of buf[:n] without the values more than max_out beyond it in the `outward`
    direction, re-taken until it settles (at most 8 rounds); NaN when fewer than min_n.

    buf[:n] is sorted in place first (insertion sort: a stride's ~25 frames). The values
    kept, (v - m) * outward <= max_out, are then a prefix (outward > 0) or a suffix of it,
    so each round's median is read off the sorted values: the same values np.median would
    take from the kept ones, without a copy and a partition per round."""
    if n < min_n:
        return math.nan
    for i in range(1, n):
        v = buf[i]
        j = i - 1
        while j >= 0 and buf[j] > v:
            buf[j + 1] = buf[j]
            j -= 1
        buf[j + 1] = v
    m = _sorted_median(buf, 0, n)
    for _ in range(8):
        k = 0
        for j in range(n):
            if (buf[j] - m) * outward <= max_out:
                k += 1
        if k == n or k < min_n:
            break
        m_new = _sorted_median(buf, 0, k) if outward > 0.0 else _sorted_median(buf, n - k, n)
        if m_new == m:
            break
        m = m_new
    return m


@jit
def fill_from_template(pooled: np.ndarray, n_frames: np.ndarray, template: np.ndarray,
                       k0: int) -> None:
    """Fill pooled's NaN levels from template[0, k0:k0+n] + the median offset between
    pooled and template over the levels both have (module doc), draw the levels it has
    toward that value by their frame counts n_frames (TEMPLATE_PRIOR_FRAMES), then fold
    pooled's own levels into the template (template[1] counts the strides each level was
    seen in). A template with fewer columns than k0 + n does nothing."""
    n = pooled.shape[0]
    if template.shape[1] < k0 + n:
        return
    d = np.empty(n)
    m = 0
    for i in range(n):
        if template[1, k0 + i] >= TEMPLATE_MIN_STRIDES and not math.isnan(pooled[i]):
            d[m] = pooled[i] - template[0, k0 + i]
            m += 1
    shift = np.median(d[:m]) if m >= TEMPLATE_MIN_SHARED else math.nan
    for i in range(n):
        v = pooled[i]           # the stride's own value: what the template learns
        if template[1, k0 + i] >= TEMPLATE_MIN_STRIDES and not math.isnan(shift):
            target = template[0, k0 + i] + shift
            if math.isnan(v):
                pooled[i] = target
            else:
                pooled[i] = v + TEMPLATE_PRIOR_FRAMES / (n_frames[i] + TEMPLATE_PRIOR_FRAMES) \
                    * (target - v)
        if not math.isnan(v):
            # The first stride's weight is 1: its own value, whatever row 0 held.
            c = template[1, k0 + i] + 1.0
            template[0, k0 + i] += max(1.0 / c, TEMPLATE_ALPHA) * (v - template[0, k0 + i])
            template[1, k0 + i] = c


@jit
def pooled_band_angles(rows: np.ndarray, col0: int, levels_per_band: int, t_len_px: float,
                       min_frames: int, template: np.ndarray, out: np.ndarray) -> None:
    """out[0] = pelvic tilt, out[1] = rib flare, out[2:7] = the band angles (sacral back,
    lumbar back, rib front, rib back, belly) of the contours pooled over `rows`.

    rows (frames, cols): one frame per row, its contours in columns col0 ..
    col0 + N_PROFILES * levels_per_band (NaN = not in view). A level's pooled offset is the
    median over the frames where it is in view, NaN when fewer than `min_frames` are, less
    the frames whose edge stands out beyond it (POOL_MAX_OUT_T).
    t_len_px: the trunk length in px (the fit's residual limit has a px floor; NaN: none).
    template (2, N_PROFILES * levels_per_band): the session's contour, which fills the
    levels the stride did not see and learns from those it did (fill_from_template); a
    (2, 0) array: none. The lines are fitted as in silhouette_proxies (trimming, span),
    without the outward-step rule (POOL_MAX_STEP)."""
    for i in range(min(out.shape[0], N_OUT_BANDS)):
        out[i] = math.nan
    n_lv = levels_per_band
    if n_lv < 2 or rows.shape[1] < col0 + N_PROFILES * n_lv:
        return
    max_resid = MAX_RESID_T
    max_out = POOL_MAX_OUT_T
    if t_len_px > 1.0:
        max_resid = max(MAX_RESID_T, MIN_RESID_PX / t_len_px)
        max_out = max(POOL_MAX_OUT_T, POOL_MAX_OUT_PX / t_len_px)
    min_points = max(4, n_lv // 2)
    levels = np.empty(n_lv)
    pooled = np.empty(n_lv)
    n_frames = np.empty(n_lv)
    use = np.empty(n_lv, np.bool_)
    buf = np.empty(rows.shape[0])
    angles = np.full(N_PROFILES, np.nan)
    for p in range(N_PROFILES):
        lo, hi = profile_band(p)
        front = p == 2 or p == 4
        for i in range(n_lv):
            levels[i] = lo + (hi - lo) * i / (n_lv - 1)
            n = 0
            for r in range(rows.shape[0]):
                v = rows[r, col0 + p * n_lv + i]
                if not math.isnan(v):
                    buf[n] = v
                    n += 1
            pooled[i] = _inner_median(buf, n, 1.0 if front else -1.0, max_out,
                                      max(min_frames, 1))
            n_frames[i] = n
        fill_from_template(pooled, n_frames, template, p * n_lv)
        angles[p] = line_angle_deg(levels, pooled, min_points, max_resid,
                                   MIN_SPAN_BELLY if p == 4 else MIN_SPAN, use,
                                   1.0 if front else -1.0, POOL_MAX_STEP,
                                   RIDGE_FRONT if front else RIDGE_BACK)
    proxies_from_band_angles(angles[0], angles[1], angles[2], angles[3], angles[4], out)


def _inner_median_ref(values: np.ndarray, outward: float, max_out: float,
                      min_n: int) -> float:
    v = values[np.isfinite(values)]
    if len(v) < min_n:
        return np.nan
    m = float(np.median(v))
    for _ in range(8):
        kept = v[(v - m) * outward <= max_out]
        if len(kept) == len(v) or len(kept) < min_n:
            break
        m_new = float(np.median(kept))
        if m_new == m:
            break
        m = m_new
    return m


def fill_from_template_ref(pooled: np.ndarray, n_frames: np.ndarray, template: np.ndarray,
                           k0: int) -> np.ndarray:
    """NumPy reference of fill_from_template: the filled levels (template updated in place)."""
    n = len(pooled)
    if template.shape[1] < k0 + n:
        return pooled
    value, count = template[0, k0:k0 + n], template[1, k0:k0 + n]
    known = count >= TEMPLATE_MIN_STRIDES
    shared = known & ~np.isnan(pooled)
    filled = pooled.copy()
    if shared.sum() >= TEMPLATE_MIN_SHARED:
        shift = np.median(pooled[shared] - value[shared])
        gap = np.isnan(pooled) & known
        filled[gap] = value[gap] + shift
        w = TEMPLATE_PRIOR_FRAMES / (n_frames[shared] + TEMPLATE_PRIOR_FRAMES)
        filled[shared] += w * (value[shared] + shift - filled[shared])
    seen = ~np.isnan(pooled)
    c = count[seen] + 1.0
    w = np.maximum(1.0 / c, TEMPLATE_ALPHA)
    value[seen] += w * (pooled[seen] - value[seen])
    count[seen] = c
    return filled


def pooled_band_angles_ref(rows: np.ndarray, col0: int, levels_per_band: int,
                           t_len_px: float, min_frames: int,
                           template: np.ndarray) -> np.ndarray:
    """NumPy reference of pooled_band_angles: the N_OUT_BANDS values (template updated in
    place as the kernel does)."""
    from kernels.silhouette_ref import line_angle_deg_ref
    res = np.full(N_OUT_BANDS, np.nan)
    n_lv = levels_per_band
    if n_lv < 2 or rows.shape[1] < col0 + N_PROFILES * n_lv:
        return res
    max_resid, max_out = MAX_RESID_T, POOL_MAX_OUT_T
    if t_len_px > 1.0:
        max_resid = max(MAX_RESID_T, MIN_RESID_PX / t_len_px)
        max_out = max(POOL_MAX_OUT_T, POOL_MAX_OUT_PX / t_len_px)
    bands = (SACRAL_BAND, LUMBAR_BAND, RIB_BAND, RIB_BAND, LOWER_TRUNK_BAND)
    ang = []
    for p, (lo, hi) in enumerate(bands):
        levels = lo + (hi - lo) * np.arange(n_lv) / (n_lv - 1)
        block = rows[:, col0 + p * n_lv: col0 + (p + 1) * n_lv]
        front = p in (2, 4)
        pooled = np.array([_inner_median_ref(block[:, i], 1.0 if front else -1.0, max_out,
                                             max(min_frames, 1)) for i in range(n_lv)])
        n_frames = np.isfinite(block).sum(0).astype(float)
        pooled = fill_from_template_ref(pooled, n_frames, template, p * n_lv)
        ang.append(line_angle_deg_ref(levels, pooled, max(4, n_lv // 2), max_resid,
                                      MIN_SPAN_BELLY if p == 4 else MIN_SPAN,
                                      1.0 if front else -1.0, POOL_MAX_STEP,
                                      RIDGE_FRONT if front else RIDGE_BACK))
    belly = ang[4] if abs(ang[4]) <= MAX_BELLY_DEG else np.nan
    res[:] = [ang[0] - ang[1], belly - 0.5 * (ang[2] + ang[3]), ang[0], ang[1], ang[2],
              ang[3], belly]
    return res
