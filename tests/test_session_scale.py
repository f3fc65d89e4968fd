"""SessionScale: evidence order and the leg-length percentile kept in a ring."""
import math

import numpy as np
import pytest

from station.gait.scale import DEFAULT_HEIGHT_CM, LEG_TO_HEIGHT, SessionScale, _percentile_95


@pytest.mark.parametrize("n", [1, 2, 3, 20, 2999, 3000])
def test_percentile_equals_numpy(n):
    a = np.random.default_rng(n).normal(100, 5, n)
    assert _percentile_95(a) == pytest.approx(np.percentile(a, 95), abs=1e-9)


def test_leg_scale_uses_the_last_3000_legs_only():
    s = SessionScale(None, None)
    assert math.isnan(s.px_per_cm) and s.source == "default_height"
    for _ in range(3000):
        s.observe_leg_length(500.0)  # an early, wrong reading...
    legs = np.random.default_rng(0).normal(80, 2, 3000)
    for v in legs:                   # ...pushed out of the ring by 3000 new ones
        s.observe_leg_length(float(v))
    want = np.percentile(legs, 95) / (LEG_TO_HEIGHT * DEFAULT_HEIGHT_CM)
    assert s.px_per_cm == pytest.approx(want, rel=1e-12)


def test_height_changes_the_scale_and_belt_speed_wins():
    s = SessionScale(180.0, 10.0)
    for v in (90.0, 92.0, 95.0):
        s.observe_leg_length(v)
    assert s.source == "runner_height"
    assert s.px_per_cm == pytest.approx(np.percentile([90, 92, 95], 95) / (LEG_TO_HEIGHT * 180))
    t = np.linspace(0.0, 0.3, 10)
    V = np.full((10, 40), np.nan)
    from kernels.frame_features import F_FOOT_FORWARD_PX
    V[:, F_FOOT_FORWARD_PX] = 300.0 - 250.0 * t      # 250 px/s backward
    s.observe_stance(t, V, 0, 0.0, 0.3)
    assert s.source == "belt_speed"
    assert s.px_per_cm == pytest.approx(250.0 / (10.0 / 3.6 * 100.0), rel=1e-6)
