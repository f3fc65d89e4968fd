"""Live gauges: one bad stride does not reach the screen."""
import math

from station.live.recent_strides import RecentStrides


def test_one_wild_stride_does_not_move_the_gauge():
    r = RecentStrides(4)
    for v in (3.0, 4.0, 116.0):
        r.add({"shank_angle_ic_deg": v, "pelvic_tilt_deg": math.nan})
    m = r.medians()
    assert m["shank_angle_ic_deg"] == 4.0
    assert math.isnan(m["pelvic_tilt_deg"])         # never measured: still NaN with its reason


def test_the_window_moves_and_nan_strides_are_skipped():
    r = RecentStrides(4)
    for v in (10.0, 11.0, 12.0, 13.0, 20.0, math.nan):
        r.add({"x": v})
    assert r.medians()["x"] == 13.0                 # 12, 13, 20 seen in the last 4
    r.clear()
    assert r.medians() == {}
