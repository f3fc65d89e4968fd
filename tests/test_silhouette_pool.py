"""Per-stride pelvic tilt and rib flare from the band contours pooled over each stride
(kernels/silhouette_pool.py), each frame's contours de-jittered first
(kernels/silhouette_dejitter.py), against the outline truth, under the issue's landmark
noise, and the pooling kernel against its NumPy reference.

Strides are the analyzer's (each runs from one contact of a foot to its next), the frames
are the synthetic sessions of tests/test_silhouette_synth.py. Run
`python tests/test_silhouette_pool.py` for the table: per stride band-angle medians (what
kernels/stride_metrics.py forms the flare from) beside the pooled contours without and with
the de-jitter (the tilt), with and without noise.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kernels import silhouette as sil  # noqa: E402
from kernels import silhouette_dejitter as dj  # noqa: E402
from kernels import silhouette_pool as pool  # noqa: E402
from test_silhouette_synth import (ISSUE_NOISE, LEVELS, Session, session,  # noqa: E402
                                   spearman)

MIN_FRAMES = 2
NO_TEMPLATE = np.zeros((2, 0))   # no session contour: each stride on its own
TILT_KNOBS = (-5.0, 10.0, 20.0, 30.0, 35.0)
FLARE_KNOBS = (-5.0, 15.0, 20.0)


def stride_frames(ses: Session) -> list[tuple[np.ndarray, np.ndarray]]:
    """Row indices of each stride's frames (after the previous contact of the same foot, up
    to this one) and their phase in the stride (0..1)."""
    out = []
    for k, (t_end, foot) in enumerate(ses.stride_ends):
        prev = [t for t, f in ses.stride_ends[:k] if f == foot]
        if prev:
            idx = np.flatnonzero((ses.t_ns > prev[-1]) & (ses.t_ns <= t_end))
            out.append((idx, (ses.t_ns[idx] - prev[-1]) / (t_end - prev[-1])))
    return out


def pooled_per_stride(ses: Session, min_frames: int = MIN_FRAMES,
                      dejitter: bool = True) -> np.ndarray:
    """(strides, 2): tilt and flare of each stride's pooled contours, de-jittered first
    (kernels/silhouette_dejitter.py) as kernels/stride_metrics.py does, or not."""
    out = np.empty(sil.N_OUT_BANDS)
    res = []
    for idx, phase in stride_frames(ses):
        rows = np.ascontiguousarray(ses.meas[idx, sil.N_OUT_BANDS:])
        if dejitter:
            placed = np.empty_like(rows)
            dj.dejitter_contours(rows, 0, LEVELS, np.ascontiguousarray(ses.hs[idx]), phase,
                                 ses.s, placed)
            rows = placed
        pool.pooled_band_angles(rows, 0, LEVELS, np.nan, min_frames, NO_TEMPLATE, out)
        res.append(out[:2].copy())
    return np.array(res).reshape(-1, 2)


def band_medians_per_stride(ses: Session) -> np.ndarray:
    """(strides, 2): tilt and flare from the stride's band-angle medians (stride_metrics'
    flare)."""
    res = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for idx, _ in stride_frames(ses):
            sac, lum, rib_f, rib_b, belly = np.nanmedian(ses.meas[idx, 2:7], 0)
            res.append([sac - lum, belly - 0.5 * (rib_f + rib_b)])
    return np.array(res).reshape(-1, 2)


def summarise(ses: Session, per_stride: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(truth median, median over the finite per-stride values, finite share)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.median(ses.truth, 0), np.nanmedian(per_stride, 0), \
            np.isfinite(per_stride).mean(0)


@pytest.fixture(scope="module")
def noisy_sweeps():
    noisy = dict(jitter=2.0, seconds=6.0, noise=ISSUE_NOISE)
    return ([summarise(s, pooled_per_stride(s)) for s in
             (session(t, 0.0, **noisy) for t in TILT_KNOBS)],
            [summarise(s, pooled_per_stride(s)) for s in
             (session(10.0, f, **noisy) for f in FLARE_KNOBS)])


def test_pooled_tilt_within_3deg_with_the_issues_noise(noisy_sweeps):
    """The per-stride band-angle medians read 37.45 for 30.33 and 42.16 for 34.84 here."""
    tilt, flare = noisy_sweeps
    for knob, (truth, meas, finite) in zip(TILT_KNOBS + FLARE_KNOBS[:2], tilt + flare[:2]):
        assert finite[0] >= 0.8 and abs(meas[0] - truth[0]) <= 3.0, (knob, truth, meas, finite)
    assert spearman(np.array([t[0][0] for t in tilt]), np.array([t[1][0] for t in tilt])) \
        >= 0.9


def test_pooled_tilt_at_flare_20_within_3deg_with_the_issues_noise(noisy_sweeps):
    """Pooled without the de-jitter: 13.76 for truth 7.49 (13.12 before the pool's trim and
    step changes); de-jittered first: 10.33."""
    truth, meas, _ = noisy_sweeps[1][2]
    assert abs(meas[0] - truth[0]) <= 3.0, (truth, meas)


def test_pooled_flare_within_3deg_with_the_issues_noise(noisy_sweeps):
    tilt, flare = noisy_sweeps
    for knob, (truth, meas, finite) in zip(TILT_KNOBS + FLARE_KNOBS, tilt + flare):
        assert finite[1] >= 0.8 and abs(meas[1] - truth[1]) <= 3.0, (knob, truth, meas, finite)
    assert spearman(np.array([t[0][1] for t in flare]), np.array([t[1][1] for t in flare])) \
        >= 0.9


def test_pooled_band_angles_equal_reference_on_random_rows():
    rng = np.random.default_rng(0)
    out = np.empty(sil.N_OUT_BANDS)
    for trial in range(300):
        levels = int(rng.choice([2, 4, 8, 12]))
        frames = int(rng.integers(0, 25))
        col0 = int(rng.integers(0, 9))
        rows = np.full((frames, col0 + sil.N_PROFILES * levels + int(rng.integers(0, 3))),
                       np.nan)
        h = np.linspace(0, 1, levels)
        for p in range(sil.N_PROFILES):
            base = rng.normal(0, 0.2) + rng.normal(0, 0.3) * h + rng.normal(0, 0.5) * h * h
            block = base + rng.normal(0, 0.01, (frames, levels))
            block[rng.random((frames, levels)) < rng.uniform(0, 0.9)] = np.nan
            bumps = rng.random((frames, levels)) < 0.1          # arms: steps either way
            block[bumps] += rng.choice([-0.1, 0.1])
            rows[:, col0 + p * levels: col0 + (p + 1) * levels] = block
        t_len = float(rng.choice([np.nan, 0.5, 40.0, 200.0]))
        min_frames = int(rng.integers(0, 4))
        # Half the trials with a session contour that fills some levels and learns others.
        tpl = np.zeros((2, sil.N_PROFILES * levels if trial % 2 else 0))
        if trial % 2:
            tpl[0] = rng.normal(0, 0.2, tpl.shape[1])
            tpl[1] = rng.choice([0.0, 1.0, 2.0, 9.0], tpl.shape[1])
        tpl_ref = tpl.copy()
        pool.pooled_band_angles(rows, col0, levels, t_len, min_frames, tpl, out)
        ref = pool.pooled_band_angles_ref(rows, col0, levels, t_len, min_frames, tpl_ref)
        np.testing.assert_allclose(out, ref, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(tpl, tpl_ref, rtol=1e-12, atol=1e-12)


def test_pooled_band_angles_edges():
    out = np.empty(sil.N_OUT_BANDS)
    for rows, levels in ((np.empty((0, 47)), 8), (np.full((5, 47), np.nan), 8),
                         (np.zeros((3, 10)), 8), (np.zeros((3, 12)), 1)):
        pool.pooled_band_angles(rows, 7, levels, 90.0, 1, NO_TEMPLATE, out)
        assert np.isnan(out).all()
        np.testing.assert_array_equal(
            np.isnan(pool.pooled_band_angles_ref(rows, 7, levels, 90.0, 1, NO_TEMPLATE)), True)
    short = np.empty(2)                         # the two-value call
    rows = np.tile(np.linspace(-0.2, 0.0, 40), (4, 1))
    pool.pooled_band_angles(rows, 0, 8, 90.0, 1, NO_TEMPLATE, short)
    pool.pooled_band_angles(rows, 0, 8, 90.0, 1, NO_TEMPLATE, out)
    np.testing.assert_array_equal(short, out[:2])



def test_a_stride_missing_levels_reads_the_band_line_of_the_session_contour():
    """A lumbar hollow that is no parabola, seen whole on two strides, then on a stride
    whose two lowest levels are behind an arm (and 0.01 T further back: the trunk frame
    moved): filled from the session's contour, moved onto the stride, it reads the whole
    band's line; on its own, the quadratic through six levels does not."""
    levels = 8
    h = np.linspace(0.0, 1.0, levels)
    lumbar = -0.12 + 0.10 * np.sin(np.pi * h) ** 3 + 0.02 * h   # a flat-bottomed hollow
    sacral = -0.30 + 0.12 * h ** 2
    rows = np.full((6, sil.N_PROFILES * levels), np.nan)
    rows[:, :levels] = sacral
    rows[:, levels:2 * levels] = lumbar
    tpl = np.zeros((2, sil.N_PROFILES * levels))
    whole = np.empty(sil.N_OUT_BANDS)
    for _ in range(2):
        pool.pooled_band_angles(rows, 0, levels, np.nan, 1, tpl, whole)
    assert np.isfinite(whole[3])
    covered = rows.copy()
    covered[:, levels:2 * levels] -= 0.01
    covered[:, levels:levels + 2] = np.nan
    alone, filled = np.empty(sil.N_OUT_BANDS), np.empty(sil.N_OUT_BANDS)
    pool.pooled_band_angles(covered, 0, levels, np.nan, 1, NO_TEMPLATE, alone)
    pool.pooled_band_angles(covered, 0, levels, np.nan, 1, tpl, filled)
    assert filled[3] == pytest.approx(whole[3], abs=1e-9)
    assert abs(alone[3] - whole[3]) > 3.0, (alone[3], whole[3])
    assert tpl[1, levels] == 2 and tpl[1, levels + 2] == 3   # seen levels learn, hidden not



def test_a_level_seen_in_few_frames_is_drawn_toward_the_session_contour():
    """A level the stride saw in n frames moves toward the session's value (moved onto the
    stride) by TEMPLATE_PRIOR_FRAMES / (n + TEMPLATE_PRIOR_FRAMES); NaN levels are filled,
    levels the session has not seen twice are left alone; the template learns the stride's
    own values. Kernel == reference, also on random, NaN-laden input."""
    k = pool.TEMPLATE_PRIOR_FRAMES
    tpl = np.array([[0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [2, 2, 2, 2, 2, 1]], float)
    pooled = np.array([0.01, 0.11, 0.21, 0.5, np.nan, 0.9])   # shift 0.01 (median)
    n = np.array([20.0, 20.0, 20.0, 2.0, 0.0, 3.0])
    got, ref_tpl = pooled.copy(), tpl.copy()
    pool.fill_from_template(got, n, tpl, 0)
    ref = pool.fill_from_template_ref(pooled, n, ref_tpl, 0)
    want = pooled.copy()
    want[:4] += k / (n[:4] + k) * (np.array([0.0, 0.1, 0.2, 0.3]) + 0.01 - pooled[:4])
    want[4] = 0.4 + 0.01
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(ref, want, atol=1e-12)
    assert abs(got[3] - 0.31) < abs(pooled[3] - 0.31) / 2     # 2 frames: mostly the session
    assert abs(got[0] - pooled[0]) < 1e-12                    # 20 frames, on the line: kept
    np.testing.assert_allclose(tpl, ref_tpl, atol=1e-12)
    assert tpl[1].tolist() == [3, 3, 3, 3, 2, 2] and tpl[0, 5] == pytest.approx(0.7)
    rng = np.random.default_rng(3)
    for _ in range(300):
        m = int(rng.integers(1, 10))
        pooled = rng.normal(0, 0.1, m)
        pooled[rng.random(m) < rng.uniform(0, 0.8)] = np.nan
        n = np.where(np.isnan(pooled), rng.integers(0, 2, m), rng.integers(1, 30, m)).astype(float)
        k0 = int(rng.integers(0, 3))
        cols = max(m + k0 + int(rng.integers(-1, 2)), 0)
        tpl = np.vstack([rng.normal(0, 0.1, cols), rng.choice([0.0, 1.0, 2.0, 7.0], cols)])
        got, ref_tpl = pooled.copy(), tpl.copy()
        pool.fill_from_template(got, n, tpl, k0)
        ref = pool.fill_from_template_ref(pooled, n, ref_tpl, k0)
        np.testing.assert_allclose(got, ref, atol=1e-12, equal_nan=True)
        np.testing.assert_allclose(tpl, ref_tpl, atol=1e-12)


if __name__ == "__main__":
    print("knob tilt flare | truth tilt flare | band medians tilt flare | pooled tilt flare | "
          "de-jittered and pooled tilt flare (finite share)")
    for noisy in (False, True):
        kw = dict(jitter=2.0, noise=ISSUE_NOISE) if noisy else {}
        rows = {}
        for t, f in [(t, 0.0) for t in (-5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0)] \
                + [(10.0, f) for f in (-5.0, 5.0, 10.0, 15.0, 20.0)]:
            ses = session(t, f, seconds=6.0, **kw)
            rows[t, f] = (summarise(ses, band_medians_per_stride(ses)),
                          summarise(ses, pooled_per_stride(ses, dejitter=False)),
                          summarise(ses, pooled_per_stride(ses)))
            (tr, bm, _), (_, pm, _), (_, dm, fin) = rows[t, f]
            print(f"{'noisy' if noisy else 'clean'} {t:5.0f} {f:5.0f} | {tr[0]:6.2f} {tr[1]:6.2f}"
                  f" | {bm[0]:6.2f} {bm[1]:6.2f} | {pm[0]:6.2f} {pm[1]:6.2f} | {dm[0]:6.2f} "
                  f"{dm[1]:6.2f} ({fin[0]:.2f} {fin[1]:.2f})", flush=True)
        for name, keys, j in (("tilt sweep, tilt", [k for k in rows if k[1] == 0.0], 0),
                              ("flare sweep, flare", [k for k in rows if k[0] == 10.0], 1),
                              ("tilt sweep, flare", [k for k in rows if k[1] == 0.0], 1),
                              ("flare sweep, tilt", [k for k in rows if k[0] == 10.0], 0)):
            tr = np.array([rows[k][0][0][j] for k in keys])
            for col, label in enumerate(("band medians", "pooled", "de-jittered, pooled")):
                m = np.array([rows[k][col][1][j] for k in keys])
                print(f"{'noisy' if noisy else 'clean'} {name}, {label}: max |error| "
                      f"{np.abs(m - tr).max():.2f}, rank correlation {spearman(tr, m):.3f}")
