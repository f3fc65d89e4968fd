"""Band-line fit of the silhouette kernel against its NumPy reference, and the outward-step
rule (arms, hands and thighs only add to a silhouette) on profiles built by hand."""
from __future__ import annotations

import numpy as np
import pytest

from kernels import silhouette as sil
from kernels import silhouette_ref as sil_ref

LEVELS = np.linspace(0.25, 0.45, 8)


def kernel_angle(offsets: np.ndarray, outward: float = -1.0, max_step: float = 0.05,
                 ridge_frac: float = 0.0) -> float:
    use = np.empty(len(offsets), np.bool_)
    return sil.line_angle_deg(LEVELS, offsets, 4, 0.02, 0.6, use, outward, max_step,
                              ridge_frac)


@pytest.mark.parametrize("seed", range(8))
def test_line_angle_equals_reference_on_random_profiles(seed):
    rng = np.random.default_rng(seed)
    for trial in range(200):
        f = -0.12 + 0.3 * (LEVELS - 0.35) ** 2 * rng.normal(1, 2) + rng.normal(0, 0.01, 8)
        bumps = rng.random(8) < 0.2                      # arm-like steps, either way
        f[bumps] += rng.choice([-1.0, 1.0]) * rng.uniform(0.03, 0.2)
        f[rng.random(8) < (0.0 if trial % 5 == 0 else 0.2)] = np.nan
        outward = float(rng.choice([-1.0, 1.0]))
        step = float(rng.choice([0.03, 0.05, np.inf]))
        ridge = float(rng.choice([0.0, 1.0]))
        got = kernel_angle(f, outward, step, ridge)
        ref = sil_ref.line_angle_deg_ref(LEVELS, f, 4, 0.02, 0.6, outward, step, ridge)
        np.testing.assert_allclose(got, ref, atol=1e-9, equal_nan=True)


def test_an_arm_stepping_out_of_the_back_is_dropped_whole():
    hollow = -0.09 - 2.5 * (LEVELS - 0.36) ** 2            # the lumbar hollow, back contour
    truth = kernel_angle(hollow)
    covered = hollow.copy()
    covered[:2] -= 0.12                                   # an elbow behind the lowest two levels
    assert abs(kernel_angle(covered) - truth) < 1.0, (kernel_angle(covered), truth)
    assert abs(kernel_angle(covered, max_step=np.inf) - truth) > 3.0   # the rule matters


def test_the_inner_side_of_a_step_is_kept():
    """At a step the outer side is the occluder, however many levels each side has."""
    f = np.full(8, -0.1)
    f[5:] += 0.08                                          # inward, for a back contour
    use = np.empty(8, np.bool_)
    use[:] = np.isfinite(f)
    sil._drop_outward_steps(f, use, -1.0, 0.05)
    assert use[5:].all() and not use[:5].any()


def belly_mask(belly_deg: float) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """An upright trunk 200 px long facing right (hips (320, 400), shoulders (320, 200)),
    its front below the ribs cut along a line `belly_deg` off the trunk axis."""
    m = np.zeros((480, 640), np.uint8)
    m[190:410, 270:360] = 255                                     # back at 270, chest at 360
    t = np.tan(np.radians(belly_deg))
    for y in range(330, 410):                                     # h 0..0.35: the belly
        h = (400 - y) / 200.0
        m[y, int(round(345 + (h - 0.2) * 200 * t)):] = 0
    return m, (320.0, 400.0, 320.0, 200.0)


@pytest.mark.parametrize("belly_deg,finite", [(0.0, True), (12.0, True), (-28.0, False)])
def test_a_belly_line_across_the_body_is_no_belly(belly_deg, finite):
    m, geom = belly_mask(belly_deg)
    arms = np.full((6, 2), np.nan)
    out = np.empty(2)
    sil.silhouette_proxies(m, 128, *geom, 1.0, arms, 8, 0.15, 0.11, out)
    ref = sil_ref.silhouette_proxies_ref(m, 128, *geom, 1.0, arms, 8, 0.15, 0.11)
    np.testing.assert_allclose(out, ref, atol=1e-9, equal_nan=True)
    assert np.isfinite(out[1]) == finite, out
