"""kernels/silhouette_dejitter.py: the band contours re-placed in a trunk frame fitted over
the stride, against the NumPy reference and against a known contour seen through jittered
hip and shoulder points."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernels import silhouette as sil  # noqa: E402
from kernels import silhouette_dejitter as dj  # noqa: E402

LEVELS = 8
BANDS = (sil.SACRAL_BAND, sil.LUMBAR_BAND, sil.RIB_BAND, sil.RIB_BAND, sil.LOWER_TRUNK_BAND)


def band_levels(p: int, levels: int = LEVELS) -> np.ndarray:
    lo, hi = BANDS[p]
    return lo + (hi - lo) * np.arange(levels) / (levels - 1)


def back_f(h: np.ndarray) -> np.ndarray:
    """A curved back and belly (in T): buttock, lumbar hollow, ribs; the front is its
    mirror image shifted forward."""
    return -0.25 + 0.9 * (h - 0.35) ** 2 - 0.15 * np.exp(-((h - 0.05) / 0.12) ** 2)


def trajectory(n: int, s: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """(phase (n,), H and S (n, 4)): a runner bobbing twice per stride, leaning forward."""
    ph = np.sort(rng.uniform(0, 1, n))
    bob = 6.0 * np.cos(4 * np.pi * ph) + 1.5 * np.sin(2 * np.pi * ph)
    hx = 320 + 2.0 * np.sin(4 * np.pi * ph)
    hy = 300 + bob
    lean = np.radians(8.0 + 1.0 * np.sin(4 * np.pi * ph))
    t_len = 90.0
    sx = hx + s * t_len * np.sin(lean)
    sy = hy - t_len * np.cos(lean)
    return ph, np.stack([hx, hy, sx, sy], -1)


def measured(hs_true: np.ndarray, hs_seen: np.ndarray, s: float) -> np.ndarray:
    """The contours silhouette_proxies would write at the band levels of the frames placed
    by hs_seen, of a body whose outline is back_f / front in the frames of hs_true."""
    fine = np.linspace(-0.3, 1.1, 2801)
    out = np.empty((len(hs_true), sil.N_PROFILES * LEVELS))
    for r in range(len(hs_true)):
        def axes(h):
            d = h[2:] - h[:2]
            t_len = np.hypot(*d)
            u = d / t_len
            n = np.array([-u[1], u[0]])
            return h[:2], t_len, u, (-n if s * n[0] < 0 else n)
        o_t, t_t, u_t, n_t = axes(hs_true[r])
        o_s, t_s, u_s, n_s = axes(hs_seen[r])
        for p in range(sil.N_PROFILES):
            front = p in (2, 4)
            f_true = back_f(fine) + (0.45 if front else 0.0)
            pts = o_t + t_t * (fine[:, None] * u_t + f_true[:, None] * n_t) - o_s
            h_seen, f_seen = pts @ u_s / t_s, pts @ n_s / t_s
            out[r, p * LEVELS:(p + 1) * LEVELS] = np.interp(band_levels(p), h_seen, f_seen)
    return out


def test_equals_reference_on_random_rows():
    rng = np.random.default_rng(1)
    for trial in range(300):
        levels = int(rng.choice([2, 4, 8]))
        n = int(rng.integers(0, 30))
        col0 = int(rng.integers(0, 5))
        rows = rng.normal(0, 0.2, (n, col0 + sil.N_PROFILES * levels + 1))
        rows[rng.random(rows.shape) < 0.3] = np.nan
        ph = np.sort(rng.random(n))
        hs = np.array([300, 300, 310, 210.0]) + rng.normal(0, 2, (n, 4)) \
            + 5 * np.sin(4 * np.pi * ph)[:, None]
        if trial % 3 == 0:    # H and S move as one: no H - S residual, the clip at 0
            hs[:, 2:] = hs[:, :2] + [10.0, -90.0]
        hs[rng.random((n, 4)) < 0.03] = np.nan
        s = float(rng.choice([1.0, -1.0, 0.0]))
        out = np.empty((n, sil.N_PROFILES * levels))
        ok = dj.dejitter_contours(rows, col0, levels, hs, ph, s, out)
        ok_ref, ref = dj.dejitter_contours_ref(rows, col0, levels, hs, ph, s)
        assert ok == ok_ref, trial
        np.testing.assert_allclose(out, ref, atol=1e-9, equal_nan=True)


def test_facing_sign_is_the_one_the_lean_was_taken_with():
    rng = np.random.default_rng(2)
    for s in (1.0, -1.0):
        _, hs = trajectory(20, s, rng)
        d = hs[:, 2:] - hs[:, :2]
        lean = np.degrees(np.arctan2(s * d[:, 0], -d[:, 1]))
        assert dj.facing_sign(hs, lean) == dj.facing_sign_ref(hs, lean) == s
    upright = np.array([[0, 0, 0, -90.0]])
    assert dj.facing_sign(upright, np.zeros(1)) == dj.facing_sign_ref(upright, np.zeros(1)) \
        == 0.0


def test_fewer_frames_than_the_fit_needs_leave_the_contours_as_they_are():
    rng = np.random.default_rng(3)
    ph, hs = trajectory(dj.DEJITTER_MIN_FRAMES - 1, 1.0, rng)
    rows = measured(hs, hs, 1.0)
    out = np.empty_like(rows)
    assert not dj.dejitter_contours(rows, 0, LEVELS, hs, ph, 1.0, out)
    np.testing.assert_array_equal(out, rows)
    assert not dj.dejitter_contours(rows, 0, LEVELS, hs, ph, 0.0, out)   # facing unknown


def test_contours_seen_through_jittered_points_come_back_to_the_body():
    """2 px jitter on H and S: the measured contours scatter by the jitter; re-placed in the
    fitted frames they sit closer to the body's outline (a fit of 8 terms to 21 frames
    keeps ~sqrt(8/21) = 0.62 of the jitter at the frames, less between them)."""
    for s in (1.0, -1.0):
        rng = np.random.default_rng(4 if s > 0 else 5)
        ph, hs_true = trajectory(21, s, rng)
        hs_seen = hs_true + rng.normal(0, 2.0 / np.sqrt(2), hs_true.shape)
        seen = measured(hs_true, hs_seen, s)
        truth = measured(hs_true, hs_true, s)
        out = np.empty_like(seen)
        assert dj.dejitter_contours(seen, 0, LEVELS, hs_seen, ph, s, out)
        ok = np.isfinite(out)
        assert ok.mean() > 0.9
        before = np.sqrt(np.mean((seen - truth) ** 2))
        after = np.sqrt(np.mean((out[ok] - truth[ok]) ** 2))
        assert after < 0.7 * before, (s, before, after)
        # H and S on the fitted model exactly (a steady lean): the contours come back as
        # measured.
        hs_model = hs_true.copy()
        hs_model[:, 2:] = hs_model[:, :2] + [s * 12.0, -89.0]
        exact = measured(hs_model, hs_model, s)
        assert dj.dejitter_contours(exact, 0, LEVELS, hs_model, ph, s, out)
        np.testing.assert_allclose(out[np.isfinite(out)], exact[np.isfinite(out)], atol=1e-9)
        assert np.isfinite(out).mean() > 0.99


def test_motion_the_fit_misses_is_kept_where_h_and_s_move_as_one():
    """No jitter, the trunk dropping 6 px in the last tenth of each half stride (sharper than
    the fit's harmonics follow: 2-4 px off there) with H and S together: jitter cannot
    explain a common residual without an H - S one, so every frame keeps its place and the
    contours come back as measured."""
    for s in (1.0, -1.0):
        rng = np.random.default_rng(6)
        ph, hs = trajectory(22, s, rng)
        hs[:, 2:] = hs[:, :2] + [s * 12.0, -89.0]                # a steady lean
        half = (2 * ph) % 1.0
        drop = 6.0 * np.clip((half - 0.9) / 0.1, 0.0, 1.0)
        hs[:, 1] += drop
        hs[:, 3] += drop
        rows = measured(hs, hs, s)
        out = np.empty_like(rows)
        assert dj.dejitter_contours(rows, 0, LEVELS, hs, ph, s, out)
        np.testing.assert_allclose(out, rows, atol=1e-9)
        ok, ref = dj.dejitter_contours_ref(rows, 0, LEVELS, hs, ph, s)
        np.testing.assert_allclose(ref, rows, atol=1e-9)
