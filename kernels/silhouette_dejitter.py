"""Per-stride de-jitter of the silhouette band contours: each frame's contours re-placed in
a trunk frame fitted to the stride's hip and shoulder points.

silhouette_proxies places its bands by the frame's hip (H) and shoulder (S) midpoints. Their
jitter (2 px under the issue's noise, T ~ 90 px) moves a band along the curved back, tilts
it and shifts it; the contours pooled over a stride (kernels/silhouette_pool.py) blur that,
but a partly covered band's line still leans on the few frames that see its end levels:
tilt read up to 3.7 deg high at tilt -5..0 and 12.8 for 7.5 at rib flare 20 (6 seeds:
max error 6.0 deg; with H and S exact, 1.1). H and S move smoothly over a stride (the hips
bob twice per stride), so a fit over the stride's frames knows where each frame's band
should have been: each contour point goes to the image and back into the fitted frame, and
is read at the band levels. kernels/silhouette.md.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit
from kernels._linalg import solve_in_place
from kernels.silhouette import (LOWER_TRUNK_BAND, LUMBAR_BAND, N_PROFILES, RIB_BAND,
                                SACRAL_BAND, profile_band)
from kernels.silhouette_pool import pooled_band_angles, pooled_band_angles_ref

#: The stride's hip and shoulder points are fitted, coordinate by coordinate, with a
#: constant, a linear drift and harmonics 1, 2 and 4 of the stride: the hips bob twice per
#: stride (2), not as a sine (4: stance and flight differ), and the legs differ (1). Without
#: the 4th the fit misplaced the clean runner's bands by up to 0.5 px (tilt at flare 20
#: read 2.1 high without noise, 1.5 without the de-jitter); over 6 seeds of the issue's
#: noise the worst tilt error was 3.96 with harmonics 1 and 2, 2.79 with 1, 2 and 4...
N_DEJITTER_TERMS = 8
#: ...when at least this many frames have both points (else the contours stay as measured).
DEJITTER_MIN_FRAMES = 16
#: A band's end level may be extrapolated from its two end levels by this many level
#: spacings at most (the de-jittered level falls just outside the measured ones).
DEJITTER_MAX_EXTRAP = 0.5
#: A frame's common hip/shoulder residual ((H + S) / 2 less the fit) is taken as jitter up
#: to this many sd of what jitter gives it, the sd from the H - S residual (H and S jitter
#: apart, the trunk moves as one: jitter alone gives the common residual half the H - S
#: sd); beyond, the fit missed motion and the frame keeps it. Without noise the synthetic
#: runner's fit misses the hip's drop before contact by 3-4 px (overstride 34, the 'poor'
#: preset), in the very frames that see the lumbar band's lowest levels: the poor runner's
#: tilt read 41.8 for 31.0. Jitter within 2 sd is corrected as before.
DEJITTER_CLIP_Z = 2.0
#: A re-placed level within this (T) of where it was is where it was: a frame that keeps
#: its place (the whole residual kept) comes back to its levels up to rounding, and which
#: neighbours a level is read between must not hang on the last bit.
LEVEL_SNAP_T = 1e-9
#: The trunk fit's normal equations are singular below this pivot (x largest diagonal).
SOLVE_REL_TOL = 1e-9


@jit
def _terms(phase: float, a: np.ndarray) -> None:
    w = 2.0 * math.pi * phase
    a[0] = 1.0
    a[1] = phase - 0.5
    a[2] = math.cos(w)
    a[3] = math.sin(w)
    a[4] = math.cos(2.0 * w)
    a[5] = math.sin(2.0 * w)
    a[6] = math.cos(4.0 * w)
    a[7] = math.sin(4.0 * w)


@jit
def _axes(hx: float, hy: float, sx: float, sy: float, s: float, ax: np.ndarray) -> float:
    """ax = (ux, uy, nx, ny): the trunk axis H->S and the forward normal as
    silhouette_proxies takes them; returns T (px)."""
    t_len = math.hypot(sx - hx, sy - hy)
    ax[0] = (sx - hx) / t_len
    ax[1] = (sy - hy) / t_len
    ax[2] = -ax[1]
    ax[3] = ax[0]
    if s * ax[2] < 0.0:
        ax[2] = -ax[2]
        ax[3] = -ax[3]
    return t_len


@jit
def facing_sign(hs: np.ndarray, lean_deg: np.ndarray) -> float:
    """The facing sign s the frames were measured with, from frame_features' trunk lean
    atan2(s (S-H)x, -(S-H)y) and the same frames' H and S (hs (n, 4): H x, y, S x, y):
    +1 or -1 from the first frame where both are off zero, 0 when none is."""
    for i in range(hs.shape[0]):
        dx = hs[i, 2] - hs[i, 0]
        sn = math.sin(math.radians(lean_deg[i]))
        if dx != 0.0 and sn != 0.0 and not math.isnan(dx) and not math.isnan(sn):
            return 1.0 if (dx > 0.0) == (sn > 0.0) else -1.0
    return 0.0


@jit
def _trunk_seen(hs: np.ndarray, phase: np.ndarray, r: int) -> bool:
    """Frame r has H, S and a stride phase (what the fit and the re-placing need)."""
    return not math.isnan(hs[r, 0] + hs[r, 1] + hs[r, 2] + hs[r, 3] + phase[r])


@jit
def dejitter_contours(rows: np.ndarray, col0: int, levels_per_band: int, hs: np.ndarray,
                      phase: np.ndarray, s: float, out: np.ndarray) -> bool:
    """out (frames, N_PROFILES * levels_per_band) = the frames' band contours (rows' columns
    from col0, in T of their own frame) re-placed in a trunk frame fitted over the stride.

    A landmark's jitter moves a frame's bands along the curved back (the lumbar line swings
    ~4 deg per px) and tilts and shifts them; pooling blurs that but the partly covered
    bands' lines still lean (kernels/silhouette.md). The hip and shoulder points hs (frames,
    4: H x, y, S x, y, px, as the contours were measured with) are fitted over the stride's
    `phase` (0..1, contact to contact), each coordinate with N_DEJITTER_TERMS terms; each
    frame's target frame is the fit, less the part of the frame's common H/S residual that
    jitter cannot explain (DEJITTER_CLIP_Z); each contour point goes to the image and back
    into the target frame, and is read at the band levels between the frame's neighbouring
    levels (a band's end level up to DEJITTER_MAX_EXTRAP spacings beyond them). s: the
    facing sign. Returns False, with the
    contours copied unchanged, when fewer than DEJITTER_MIN_FRAMES frames have H and S or
    the fit is not determined; a frame without H and S gives NaN."""
    n_fr = rows.shape[0]
    n_lv = levels_per_band
    n_c = N_PROFILES * n_lv
    for r in range(n_fr):
        for k in range(n_c):
            out[r, k] = rows[r, col0 + k]
    if n_lv < 2 or not (s == 1.0 or s == -1.0):
        return False
    nt = N_DEJITTER_TERMS
    m = np.zeros((nt, nt))
    rhs = np.zeros((nt, 4))
    terms = np.empty((n_fr, nt))    # each frame's terms, for the fit and again for its frame
    n_ok = 0
    for r in range(n_fr):
        if not _trunk_seen(hs, phase, r):
            continue
        n_ok += 1
        a = terms[r]
        _terms(phase[r], a)
        for i in range(nt):
            for j in range(nt):
                m[i, j] += a[i] * a[j]
            for c in range(4):
                rhs[i, c] += a[i] * hs[r, c]
    if n_ok < DEJITTER_MIN_FRAMES or not solve_in_place(m, rhs, SOLVE_REL_TOL):
        return False
    # The fit, and the spread of the H - S residual: jitter's (H and S jitter apart), not
    # the trunk's motion (H and S move together).
    tgt = np.empty((n_fr, 4))
    sum_d2 = 0.0
    for r in range(n_fr):
        if not _trunk_seen(hs, phase, r):
            continue
        for c in range(4):
            v = 0.0
            for i in range(nt):
                v += terms[r, i] * rhs[i, c]
            tgt[r, c] = v
        for c in range(2):
            d = (hs[r, c] - tgt[r, c]) - (hs[r, c + 2] - tgt[r, c + 2])
            sum_d2 += d * d
    # Jitter's share of the common residual (H + S) / 2 has a quarter of the variance of
    # H - S; what lies beyond DEJITTER_CLIP_Z of that sd is motion the fit missed, and the
    # target frame keeps it.
    lim = DEJITTER_CLIP_Z * 0.5 * math.sqrt(sum_d2 / (2.0 * n_ok))
    for r in range(n_fr):
        if not _trunk_seen(hs, phase, r):
            continue
        for c in range(2):
            cm = 0.5 * ((hs[r, c] - tgt[r, c]) + (hs[r, c + 2] - tgt[r, c + 2]))
            keep = cm - min(max(cm, -lim), lim)
            tgt[r, c] += keep
            tgt[r, c + 2] += keep
    # Each profile's band levels and level spacing, as read below.
    lv_tab = np.empty((N_PROFILES, n_lv))
    spacing_tab = np.empty(N_PROFILES)
    for p in range(N_PROFILES):
        lo, hi = profile_band(p)
        for i in range(n_lv):
            lv_tab[p, i] = lo + (hi - lo) * i / (n_lv - 1)
        spacing_tab[p] = (hi - lo) / (n_lv - 1)
    ax_n = np.empty(4)
    ax_f = np.empty(4)
    h2 = np.empty(n_lv)
    f2 = np.empty(n_lv)
    for r in range(n_fr):
        if not _trunk_seen(hs, phase, r):
            for k in range(n_c):
                out[r, k] = math.nan
            continue
        fit = tgt[r]
        t_n = _axes(hs[r, 0], hs[r, 1], hs[r, 2], hs[r, 3], s, ax_n)
        t_f = _axes(fit[0], fit[1], fit[2], fit[3], s, ax_f)
        if not (t_n > 1.0 and t_f > 1.0):
            for k in range(n_c):
                out[r, k] = math.nan
            continue
        dx = hs[r, 0] - fit[0]
        dy = hs[r, 1] - fit[1]
        for p in range(N_PROFILES):
            c0 = col0 + p * n_lv
            # h2 rising over its finite entries (as good as always): the first segment
            # that holds a level is never before the one that held the level below it.
            rising = True
            h_last = -math.inf
            n_seen = 0
            for i in range(n_lv):
                lv = lv_tab[p, i]
                f = rows[r, c0 + i]
                if math.isnan(f):        # covered: NaN either way, without the arithmetic
                    h2[i] = math.nan
                    f2[i] = math.nan
                    continue
                n_seen += 1
                # The point H + T (lv u + f n) of the measured frame, in the fitted frame.
                px = dx + t_n * (lv * ax_n[0] + f * ax_n[2])
                py = dy + t_n * (lv * ax_n[1] + f * ax_n[3])
                h2[i] = (px * ax_f[0] + py * ax_f[1]) / t_f
                f2[i] = (px * ax_f[2] + py * ax_f[3]) / t_f
                if abs(h2[i] - lv) < LEVEL_SNAP_T:
                    h2[i] = lv
                if not math.isnan(h2[i]):
                    if h2[i] < h_last:
                        rising = False
                    h_last = h2[i]
            if n_seen < 2:               # no two levels to read between: all NaN
                for j in range(n_lv):
                    out[r, c0 - col0 + j] = math.nan
                continue
            spacing = spacing_tab[p]
            i0 = 0
            for j in range(n_lv):
                lv = lv_tab[p, j]
                v = math.nan
                for i in range(i0, n_lv - 1):
                    if not math.isnan(f2[i] + f2[i + 1]) and h2[i] <= lv <= h2[i + 1]:
                        v = f2[i] + (lv - h2[i]) / (h2[i + 1] - h2[i]) * (f2[i + 1] - f2[i])
                        if rising:
                            i0 = i
                        break
                if math.isnan(v) and not math.isnan(f2[0] + f2[1]) and j == 0 \
                        and lv < h2[0] <= lv + DEJITTER_MAX_EXTRAP * spacing:
                    v = f2[0] + (lv - h2[0]) / (h2[1] - h2[0]) * (f2[1] - f2[0])
                k = n_lv - 1
                if math.isnan(v) and not math.isnan(f2[k] + f2[k - 1]) and j == k \
                        and lv - DEJITTER_MAX_EXTRAP * spacing <= h2[k] < lv:
                    v = f2[k - 1] + (lv - h2[k - 1]) / (h2[k] - h2[k - 1]) \
                        * (f2[k] - f2[k - 1])
                out[r, c0 - col0 + j] = v
    return True


def facing_sign_ref(hs: np.ndarray, lean_deg: np.ndarray) -> float:
    """NumPy reference of facing_sign."""
    dx = hs[:, 2] - hs[:, 0]
    sn = np.sin(np.radians(lean_deg))
    ok = np.flatnonzero((dx != 0) & (sn != 0) & np.isfinite(dx) & np.isfinite(sn))
    if not len(ok):
        return 0.0
    return 1.0 if (dx[ok[0]] > 0) == (sn[ok[0]] > 0) else -1.0


def _terms_ref(phase: np.ndarray) -> np.ndarray:
    w = 2.0 * np.pi * phase
    return np.stack([np.ones_like(phase), phase - 0.5, np.cos(w), np.sin(w), np.cos(2 * w),
                     np.sin(2 * w), np.cos(4 * w), np.sin(4 * w)], -1)


def dejitter_contours_ref(rows: np.ndarray, col0: int, levels_per_band: int,
                          hs: np.ndarray, phase: np.ndarray, s: float
                          ) -> tuple[bool, np.ndarray]:
    """NumPy reference of dejitter_contours: (fitted, contours)."""
    n_lv = levels_per_band
    out = rows[:, col0:col0 + N_PROFILES * n_lv].astype(float).copy()
    if n_lv < 2 or s not in (1.0, -1.0):
        return False, out
    ok = np.isfinite(hs).all(1) & np.isfinite(phase)
    if ok.sum() < DEJITTER_MIN_FRAMES:
        return False, out
    a = _terms_ref(phase[ok])
    m = a.T @ a
    if np.linalg.cond(m) > 1e12:
        return False, out
    coef = np.linalg.solve(m, a.T @ hs[ok])
    out[~ok] = np.nan
    res = hs[ok] - a @ coef
    d = res[:, :2] - res[:, 2:]
    lim = DEJITTER_CLIP_Z * 0.5 * np.sqrt(np.mean(d ** 2))
    common = 0.5 * (res[:, :2] + res[:, 2:])
    keep = common - np.clip(common, -lim, lim)
    tgt = np.full_like(hs, np.nan, dtype=float)
    tgt[ok] = a @ coef + np.concatenate([keep, keep], 1)

    def axes(h, sh):
        d = sh - h
        t_len = float(np.hypot(*d))
        u = d / t_len
        n = np.array([-u[1], u[0]])
        return t_len, u, (-n if s * n[0] < 0 else n)

    bands = (SACRAL_BAND, LUMBAR_BAND, RIB_BAND, RIB_BAND, LOWER_TRUNK_BAND)
    for r in np.flatnonzero(ok):
        fit = tgt[r:r + 1]
        t_n, u_n, n_n = axes(hs[r, :2], hs[r, 2:])
        t_f, u_f, n_f = axes(fit[0, :2], fit[0, 2:])
        if not (t_n > 1.0 and t_f > 1.0):
            out[r] = np.nan
            continue
        for p, (lo, hi) in enumerate(bands):
            lv = lo + (hi - lo) * np.arange(n_lv) / (n_lv - 1)
            f = rows[r, col0 + p * n_lv: col0 + (p + 1) * n_lv]
            pts = (hs[r, :2] - fit[0, :2]) + t_n * (lv[:, None] * u_n + f[:, None] * n_n)
            h2, f2 = pts @ u_f / t_f, pts @ n_f / t_f
            h2 = np.where(np.abs(h2 - lv) < LEVEL_SNAP_T, lv, h2)
            new = np.full(n_lv, np.nan)
            spacing = (hi - lo) / (n_lv - 1)
            for j in range(n_lv):
                for i in range(n_lv - 1):
                    if np.isfinite(f2[i] + f2[i + 1]) and h2[i] <= lv[j] <= h2[i + 1]:
                        new[j] = f2[i] + (lv[j] - h2[i]) / (h2[i + 1] - h2[i]) \
                            * (f2[i + 1] - f2[i])
                        break
            if np.isnan(new[0]) and np.isfinite(f2[0] + f2[1]) \
                    and lv[0] < h2[0] <= lv[0] + DEJITTER_MAX_EXTRAP * spacing:
                new[0] = f2[0] + (lv[0] - h2[0]) / (h2[1] - h2[0]) * (f2[1] - f2[0])
            k = n_lv - 1
            if np.isnan(new[k]) and np.isfinite(f2[k] + f2[k - 1]) \
                    and lv[k] - DEJITTER_MAX_EXTRAP * spacing <= h2[k] < lv[k]:
                new[k] = f2[k - 1] + (lv[k] - h2[k - 1]) / (h2[k] - h2[k - 1]) \
                    * (f2[k] - f2[k - 1])
            out[r, p * n_lv:(p + 1) * n_lv] = new
    return True, out


@jit
def stride_band_angles(t: np.ndarray, V: np.ndarray, t0: float, t1: float, col_hs: int,
                       col_lean: int, col_t_len: int, col_contours: int,
                       levels_per_band: int, min_frames: int, template: np.ndarray,
                       out: np.ndarray) -> None:
    """pooled_band_angles' `out` for the frames t0 <= t <= t1 (a stride, contact to contact)
    of the per-frame rows V: their contours (columns from col_contours) de-jittered with the
    H and S at col_hs .. col_hs + 3 (H x, y, S x, y) and the facing sign their trunk lean
    (col_lean) was taken with, then pooled; the trunk length for the px floors is the median
    of col_t_len over the frames. template: the session's contour (pooled_band_angles)."""
    n_c = N_PROFILES * levels_per_band
    rows = np.empty((t.shape[0], n_c))
    hs = np.empty((t.shape[0], 4))
    lean = np.empty(t.shape[0])
    phase = np.empty(t.shape[0])
    t_len = np.empty(t.shape[0])
    n = 0
    n_t = 0
    for i in range(t.shape[0]):
        if t0 <= t[i] <= t1:
            for k in range(n_c):
                rows[n, k] = V[i, col_contours + k]
            for k in range(4):
                hs[n, k] = V[i, col_hs + k]
            lean[n] = V[i, col_lean]
            phase[n] = (t[i] - t0) / (t1 - t0)
            n += 1
            if not math.isnan(V[i, col_t_len]):
                t_len[n_t] = V[i, col_t_len]
                n_t += 1
    placed = np.empty((n, n_c))
    dejitter_contours(rows[:n], 0, levels_per_band, hs[:n], phase[:n],
                      facing_sign(hs[:n], lean[:n]), placed)
    pooled_band_angles(placed, 0, levels_per_band,
                       np.median(t_len[:n_t]) if n_t > 0 else math.nan, min_frames, template,
                       out)


def stride_band_angles_ref(t: np.ndarray, V: np.ndarray, t0: float, t1: float, col_hs: int,
                           col_lean: int, col_t_len: int, col_contours: int,
                           levels_per_band: int, min_frames: int,
                           template: np.ndarray) -> np.ndarray:
    """NumPy reference of stride_band_angles: the N_OUT_BANDS values."""
    inside = (t >= t0) & (t <= t1)
    hs = V[inside, col_hs:col_hs + 4]
    placed = dejitter_contours_ref(
        V[inside, col_contours:col_contours + N_PROFILES * levels_per_band], 0,
        levels_per_band, hs, (t[inside] - t0) / (t1 - t0),
        facing_sign_ref(hs, V[inside, col_lean]))[1]
    t_len = V[inside, col_t_len]
    t_len = t_len[~np.isnan(t_len)]
    return pooled_band_angles_ref(placed, 0, levels_per_band,
                                  float(np.median(t_len)) if t_len.size else np.nan,
                                  min_frames, template)
