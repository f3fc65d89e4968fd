"""Walking or running, from strides' duty factor or, with too few strides, from landings."""
from __future__ import annotations

from station.contracts import GaitEvent, StrideMetrics
from station.summary import activity, landing_votes


def events(*spec: tuple[float, str, str]) -> list[GaitEvent]:
    return [GaitEvent(kind, foot, int(t * 1e9)) for t, kind, foot in spec]


def stride(duty: float) -> StrideMetrics:
    return StrideMetrics(0, "left", 0, {"duty_factor_pct": duty})


WALK = events((1.0, "contact", "left"), (1.55, "contact", "right"), (1.7, "toe_off", "left"),
              (2.1, "contact", "left"), (2.25, "toe_off", "right"),
              (2.65, "contact", "right"), (2.8, "toe_off", "left"))
RUN = events((1.0, "contact", "left"), (1.2, "toe_off", "left"), (1.35, "contact", "right"),
             (1.55, "toe_off", "right"), (1.7, "contact", "left"), (1.9, "toe_off", "left"),
             (2.05, "contact", "right"))


def test_landings_in_double_support_are_walking_after_flight_running():
    assert landing_votes(WALK) == (3, 0)
    assert landing_votes(RUN) == (0, 3)


def test_a_repeated_foot_label_is_not_judged():
    repeated = events((1.0, "contact", "left"), (1.2, "toe_off", "left"),
                      (1.35, "contact", "left"), (1.55, "toe_off", "left"))
    assert landing_votes(repeated) == (0, 0)


def test_strides_decide_when_there_are_enough_else_the_landings():
    assert activity([stride(60.0), stride(62.0)], RUN) == "walking"    # strides first
    assert activity([stride(60.0)], RUN) == "running"                  # one stride: landings
    assert activity([stride(60.0)], WALK) == "walking"
    assert activity([stride(60.0)], WALK[:3]) == "unknown"            # one landing judged
    assert activity([], WALK) == "none"
