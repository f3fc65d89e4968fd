"""Every Numba kernel equals its plain NumPy reference: random, NaN-laden and edge input."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from kernels import frame_features as ff
from kernels import leg_swap as ls
from kernels import one_euro as oe
from kernels import silhouette as sil
from kernels import silhouette_ref as sil_ref


def landmarks(rng: np.random.Generator, n: int, nan_frac: float) -> np.ndarray:
    xy = rng.uniform(0, 640, (n, 33, 2))
    xy[rng.random((n, 33)) < nan_frac] = np.nan
    return xy


@pytest.mark.parametrize("nan_frac", [0.0, 0.05, 0.5, 1.0])
@pytest.mark.parametrize("s,camera_left", [(1.0, True), (-1.0, False), (1.0, False)])
def test_frame_features(nan_frac, s, camera_left):
    rng = np.random.default_rng(int(nan_frac * 100) + int(s) + 1)
    xy = landmarks(rng, 400, nan_frac)
    out = np.empty((len(xy), ff.N_FEATURES))
    ff.frame_features_batch(xy, s, camera_left, out)
    np.testing.assert_allclose(out, ff.frame_features_ref(xy, s, camera_left),
                               rtol=1e-12, atol=1e-9, equal_nan=True)


def test_frame_features_edges():
    xy = np.zeros((3, 33, 2))               # every point on top of each other: T = 0
    xy[1] = 1e6                              # far away but finite
    xy[2, 11] = xy[2, 12] = xy[2, 23] = xy[2, 24] = (5.0, 5.0)
    out = np.empty((3, ff.N_FEATURES))
    with np.errstate(all="ignore"):
        ff.frame_features_batch(xy, 1.0, True, out)
        ref = ff.frame_features_ref(xy, 1.0, True)
    np.testing.assert_allclose(out, ref, equal_nan=True)
    assert np.isnan(out[0, ff.F_HEAD_FORWARD_PCT]) or np.isinf(out[0, ff.F_HEAD_FORWARD_PCT])


def test_frame_features_known_pose():
    """A hand-made runner leaning 10 degrees forward, facing right and left."""
    for s in (1.0, -1.0):
        xy = np.full((1, 33, 2), np.nan)
        lean = np.radians(10.0)
        hip = np.array([300.0, 300.0])
        xy[0, 23] = xy[0, 24] = hip
        xy[0, 11] = xy[0, 12] = hip + 100 * np.array([s * np.sin(lean), -np.cos(lean)])
        xy[0, 25] = hip + (s * 20, 80)       # knee ahead of the hip
        xy[0, 27] = xy[0, 25] + (0, 80)      # shank vertical
        xy[0, 29] = xy[0, 27] + (-s * 5, 10)
        xy[0, 31] = xy[0, 29] + (s * 30, 0)  # foot flat
        out = ff.frame_features_ref(xy, s, True)[0]
        assert out[ff.F_TRUNK_LEAN_DEG] == pytest.approx(10.0)
        assert out[ff.F_TRUNK_LEN_PX] == pytest.approx(100.0)
        assert out[ff.F_SHANK_DEG] == pytest.approx(0.0, abs=1e-9)
        assert out[ff.F_THIGH_DEG] == pytest.approx(np.degrees(np.arctan2(20, 80)))
        assert out[ff.F_FOOT_DEG] == pytest.approx(0.0, abs=1e-9)
        assert out[ff.F_KNEE_FLEXION_DEG] == pytest.approx(np.degrees(np.arctan2(20, 80)))


@pytest.mark.parametrize("nan_frac,gap", [(0.0, 0.1), (0.1, 0.1), (0.3, 0.0), (1.0, 0.1)])
def test_one_euro(nan_frac, gap):
    rng = np.random.default_rng(7)
    n, k = 300, 66
    t = np.cumsum(rng.uniform(0.01, 0.06, n))
    t[120] = t[119]                          # a repeated timestamp must not divide by zero
    x = np.cumsum(rng.normal(0, 3, (n, k)), axis=0)
    x[rng.random((n, k)) < nan_frac] = np.nan
    x[150:170, 5] = np.nan                   # a long gap
    state = oe.new_state(k)
    out = np.empty((n, k))
    for i in range(n):
        oe.one_euro_step(x[i], t[i], state, 1.5, 0.01, 1.0, gap, out[i])
    np.testing.assert_allclose(out, oe.one_euro_ref(x, t, 1.5, 0.01, 1.0, gap),
                               rtol=1e-12, atol=1e-9, equal_nan=True)


def test_one_euro_smooths_jitter_and_follows_motion():
    rng = np.random.default_rng(3)
    t = np.arange(300) / 30.0
    still = 200 + rng.normal(0, 2.0, t.shape)
    out = oe.one_euro_ref(still[:, None], t, 1.0, 0.05, 1.0, 0.1)[:, 0]
    assert np.std(out[30:]) < 0.5 * np.std(still[30:])      # jitter of a still point halved
    ramp = 300.0 * t                                        # a foot moving at 300 px/s
    out = oe.one_euro_ref((ramp + rng.normal(0, 2.0, t.shape))[:, None], t, 1.0, 0.05, 1.0, 0.1)
    assert np.abs(out[30:, 0] - ramp[30:]).mean() < 4.0     # lag stays small when moving


@pytest.mark.parametrize("seed", range(4))
def test_leg_swap(seed):
    rng = np.random.default_rng(seed)
    n = 240
    t = np.arange(n) / 30.0
    xy = landmarks(rng, n, 0.0)
    for leg, phase in ((ls.LEFT_LEG, 0.0), (ls.RIGHT_LEG, np.pi)):
        for p, idx in enumerate(leg):
            xy[:, idx, 0] = 300 + 12 * p * np.sin(2 * np.pi * 1.4 * t + phase)
            xy[:, idx, 1] = 200 + 40 * p + 6 * np.cos(2 * np.pi * 1.4 * t + phase)
    xy += rng.normal(0, 1.5, xy.shape)
    xy[rng.random((n, 33)) < 0.05] = np.nan
    bad = xy.copy()
    for start in rng.choice(np.arange(10, n - 10, 25), 4, replace=False):
        for i in range(start, start + rng.integers(1, 5)):
            bad[i, ls.LEFT_LEG], bad[i, ls.RIGHT_LEG] = xy[i, ls.RIGHT_LEG], xy[i, ls.LEFT_LEG]
    fixed = bad.copy()
    state = ls.new_state()
    flags = np.array([ls.repair_leg_swap(fixed[i], state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5, 10.0, 15)
                      for i in range(n)])
    ref, ref_flags = ls.repair_leg_swap_ref(bad, 0.5, 10.0, 15)
    np.testing.assert_array_equal(flags, ref_flags)
    np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)
    # ...and the repair is right: the legs are where they were before the swaps.
    legs = np.concatenate([ls.LEFT_LEG, ls.RIGHT_LEG])
    assert np.nanmax(np.abs(fixed[:, legs] - xy[:, legs])) < 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_leg_swap_outlier_gate(seed):
    """Kernel == reference where the adaptive outlier gate acts: legs thrown far for 1-6
    frames (coasting, then giving up), NaN points, and an explicit gate."""
    rng = np.random.default_rng(100 + seed)
    n = 300
    t = np.arange(n) / 60.0
    xy = landmarks(rng, n, 0.0)
    for leg, phase in ((ls.LEFT_LEG, 0.0), (ls.RIGHT_LEG, np.pi)):
        for p, idx in enumerate(leg):
            xy[:, idx, 0] = 300 + 30 * p * np.sin(2 * np.pi * 1.4 * t + phase)
            xy[:, idx, 1] = 200 + 40 * p + 6 * np.cos(2 * np.pi * 1.4 * t + phase)
    xy += rng.normal(0, 2.0, xy.shape)
    for start in rng.choice(np.arange(10, n - 10), 12, replace=False):
        leg = ls.LEFT_LEG if rng.random() < 0.5 else ls.RIGHT_LEG
        xy[start:start + rng.integers(1, 7), leg] += rng.normal(0, 60, 2)
    for start in rng.choice(np.arange(10, n - 40), 5, replace=False):
        sl = slice(start, start + rng.integers(1, 30))
        xy[sl, ls.LEFT_LEG], xy[sl, ls.RIGHT_LEG] = xy[sl, ls.RIGHT_LEG], xy[sl, ls.LEFT_LEG].copy()
    xy[rng.random((n, 33)) < 0.05] = np.nan
    steps = np.where(rng.random(n) < 0.1, 3.0, 1.0)       # dropped frames before some
    for gate in (-1.0, 20.0):
        fixed = xy.copy()
        state = ls.new_state()
        flags = np.array([ls.repair_leg_swap(fixed[i], state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5,
                                             8.0, 15, gate, steps[i]) for i in range(n)])
        ref, ref_flags = ls.repair_leg_swap_ref(xy, 0.5, 8.0, 15, gate, steps)
        np.testing.assert_array_equal(flags, ref_flags)
        np.testing.assert_allclose(fixed, ref, rtol=0, atol=1e-9, equal_nan=True)


def test_leg_swap_keeps_a_long_swap():
    """Labels traded for good stay repaired for as long as continuity says so, up to the
    pull-back horizon (PULL_PER_RETURN x return_frames: 120 frames here)."""
    n = 120
    xy = np.full((n, 33, 2), np.nan)
    for leg, x0 in ((ls.LEFT_LEG, 100.0), (ls.RIGHT_LEG, 300.0)):
        for p, idx in enumerate(leg):
            xy[:, idx] = (x0, 100.0 + 40 * p)
    xy[10:, ls.LEFT_LEG], xy[10:, ls.RIGHT_LEG] = xy[10:, ls.RIGHT_LEG].copy(), xy[10:, ls.LEFT_LEG].copy()
    fixed, flags = ls.repair_leg_swap_ref(xy, 0.5, 10.0, 30)
    assert flags[10:].all() and not flags[:10].any()
    assert np.allclose(fixed[:, ls.LEFT_LEG, 0], 100.0)
    state = ls.new_state()
    k = np.array([ls.repair_leg_swap(xy[i].copy(), state, ls.LEFT_LEG, ls.RIGHT_LEG, 0.5, 10.0, 30)
                  for i in range(n)])
    np.testing.assert_array_equal(k, flags)


def test_leg_swap_takes_the_labels_back_after_the_legs_were_lost():
    """Sustained evidence that continuity lost the legs (unseen for return_frames frames)
    hands the identities back to the model's labels."""
    n = 60
    xy = np.full((n, 33, 2), np.nan)
    for leg, x0 in ((ls.LEFT_LEG, 100.0), (ls.RIGHT_LEG, 300.0)):
        for p, idx in enumerate(leg):
            xy[:, idx] = (x0, 100.0 + 40 * p)
    xy[10:, ls.LEFT_LEG], xy[10:, ls.RIGHT_LEG] = xy[10:, ls.RIGHT_LEG].copy(), xy[10:, ls.LEFT_LEG].copy()
    xy[20:26, ls.LEFT_LEG] = np.nan                    # one leg unseen for 6 frames
    _, flags = ls.repair_leg_swap_ref(xy, 0.5, 10.0, 5)
    assert flags[10:24].all() and not flags[24:].any()


def trunk_mask(tilt_arch_px: int) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """A torso-shaped mask; hips at (320, 330), shoulders at (330, 150)."""
    m = np.zeros((480, 640), np.uint8)
    cv2.ellipse(m, (322, 245), (38, 100), 3, 0, 360, 255, -1)
    cv2.circle(m, (300, 320), 30, 255, -1)                  # buttocks, behind (runner faces right)
    if tilt_arch_px:
        # A lumbar hollow that deepens smoothly, as a back does: a notch with a sharp step
        # would read as an arm's outline, which the kernel drops (kernels/silhouette.md).
        for y in range(m.shape[0]):
            xs = np.flatnonzero(m[y])
            if len(xs):
                depth = int(round(tilt_arch_px * np.exp(-((y - 275) / 25.0) ** 2)))
                m[y, xs[0]:xs[0] + depth] = 0
    return m, (320.0, 330.0, 330.0, 150.0)


@pytest.mark.parametrize("arch", [0, 3, 6])
@pytest.mark.parametrize("threshold", [1, 128, 255])
def test_silhouette_proxies(arch, threshold):
    rng = np.random.default_rng(arch)
    m, (hx, hy, sx, sy) = trunk_mask(arch)
    arms = rng.uniform(250, 400, (6, 2))
    arms[rng.random(6) < 0.2] = np.nan
    out = np.empty(2)
    sil.silhouette_proxies(m, threshold, hx, hy, sx, sy, 1.0, arms, 12, 0.12, 0.06, out)
    ref = sil_ref.silhouette_proxies_ref(m, threshold, hx, hy, sx, sy, 1.0, arms, 12, 0.12, 0.06)
    np.testing.assert_allclose(out, ref, atol=1e-9, equal_nan=True)


def test_silhouette_edges():
    m, (hx, hy, sx, sy) = trunk_mask(0)
    arms = np.full((6, 2), np.nan)
    out = np.empty(2)
    for args in [(np.zeros_like(m), hx, hy, sx, sy),         # no body in the mask
                 (np.full_like(m, 255), hx, hy, sx, sy),     # body everywhere: no edge
                 (m, hx, hy, hx, hy),                        # zero trunk length
                 (m, np.nan, hy, sx, sy),                    # no hips
                 (m, 5.0, 5.0, 5.0, -300.0)]:                # trunk off the image
        sil.silhouette_proxies(args[0], 128, *args[1:], 1.0, arms, 12, 0.12, 0.06, out)
        ref = sil_ref.silhouette_proxies_ref(args[0], 128, *args[1:], 1.0, arms, 12, 0.12, 0.06)
        np.testing.assert_allclose(out, ref, equal_nan=True)
        assert np.isnan(out).all()


def test_deeper_lumbar_hollow_reads_as_more_pelvic_tilt():
    arms = np.full((6, 2), np.nan)
    tilts = []
    for arch in (0, 4, 8, 12):
        m, geom = trunk_mask(arch)
        out = np.empty(2)
        sil.silhouette_proxies(m, 128, *geom, 1.0, arms, 12, 0.12, 0.06, out)
        tilts.append(out[0])
    assert np.all(np.diff(tilts) > 0), tilts


@pytest.mark.parametrize("seed", range(6))
def test_stride_metrics(seed):
    from kernels import stride_metrics as sm
    rng = np.random.default_rng(seed)
    pooled_tilts = 0
    for trial in range(60):
        m = int(rng.integers(2, 40))
        t = np.arange(m) / 30.0 if trial % 3 == 0 else np.sort(rng.uniform(0, 1, m))
        levels = int(rng.choice([1, 2, 4, 8, 12]))       # the ring row's width gives it
        V = rng.normal(0, 10, (m, sm.n_columns(levels)))
        # Band contours (offsets in T) smooth enough that the pooled band lines pass.
        h = np.linspace(0, 1, levels)
        for p in range(5):
            cols = slice(sm.COL_CONTOURS + p * levels, sm.COL_CONTOURS + (p + 1) * levels)
            V[:, cols] = rng.normal(0, 0.2) + rng.normal(0, 0.3) * h \
                + rng.normal(0, 0.005, (m, levels))
        V[:, ff.F_TRUNK_LEN_PX] = rng.choice([np.nan, 0.5, 40.0, 200.0])   # the px floors
        V[rng.random(V.shape) < (0.0 if trial % 4 == 0 else 0.2)] = np.nan
        c0, to, c1, oto, c2 = np.sort(rng.uniform(-0.1, 1.1, 5))
        if trial % 7 == 0:
            c1 = np.nan
        if trial % 5 == 0:
            c0 = t[min(3, m - 1)]           # an event exactly on a frame
        out = np.empty(sm.N_STRIDE)
        # A session contour with some levels known (fills) and some not (learns).
        tpl = sm.new_contour_template(levels)
        tpl[0] = rng.normal(0, 0.2, tpl.shape[1])
        tpl[1] = rng.choice([0.0, 1.0, 2.0, 7.0], tpl.shape[1])
        tpl_ref = tpl.copy()
        sm.stride_metrics(t, V, trial % 2, c0, to, c1, c2, oto, 150.0, 2.0, 5.0, 0.0, tpl, out)
        ref = sm.stride_metrics_ref(t, V, trial % 2, c0, to, c1, c2, oto, 150.0, 2.0, 5.0, 0.0,
                                    tpl_ref)
        np.testing.assert_allclose(out, ref, rtol=1e-9, atol=1e-9, equal_nan=True)
        # The template learns from the de-jittered contours: the stride fit is solved two
        # ways (normal equations in the kernel, np.linalg.solve in the reference).
        np.testing.assert_allclose(tpl, tpl_ref, rtol=1e-9, atol=1e-9)
        pooled_tilts += int(np.isfinite(out[sm.S_PELVIC_TILT]))
    assert pooled_tilts >= 5, "the pooled tilt path was hardly exercised"


def test_stride_metrics_on_a_known_stride():
    """Straight-line signals: contact values, stance extremes and timings come out exactly."""
    from kernels import frame_features as ff
    from kernels import stride_metrics as sm
    t = np.arange(0, 0.8, 1 / 30)
    V = np.full((len(t), sm.N_COLUMNS), np.nan)
    V[:, ff.F_HEEL_FORWARD_PX] = 30.0 - 500.0 * t            # heel moving back with the belt
    V[:, ff.F_SHANK_DEG] = 5.0 - 20.0 * t
    V[:, ff.F_TRUNK_LEAN_DEG] = 7.0
    V[:, ff.F_HIP_Y] = 300 + 10 * np.sin(2 * np.pi * t / 0.35)
    out = np.empty(sm.N_STRIDE)
    c0, to, c1, c2 = 0.1, 0.35, 0.45, 0.8 - 1 / 30
    sm.stride_metrics(t, V, 0, c0, to, c1, c2, c1 + 0.25, 150.0, 2.0, np.nan, 0.0,
                      sm.new_contour_template(0), out)
    assert out[sm.S_OVERSTRIDE] == pytest.approx((30.0 - 50.0) / 150.0 * 100)
    assert out[sm.S_SHANK_IC] == pytest.approx(3.0)
    assert out[sm.S_CONTACT_MS] == pytest.approx(250.0)
    assert out[sm.S_DUTY] == pytest.approx(0.25 / (c2 - c0) * 100)
    assert out[sm.S_FLIGHT_MS] == pytest.approx(100.0)
    assert out[sm.S_TRUNK_LEAN] == pytest.approx(7.0)
    assert out[sm.S_VERT_OSC] == pytest.approx(20.0 / 2.0, rel=0.05)
    assert np.isnan(out[sm.S_SHRUG])                            # no baseline yet
