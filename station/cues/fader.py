"""The faded feedback schedule: fewer cues as the runner improves.

Motor learning favours feedback that thins out as performance gets better. We track the share
of good strides (no fault on any cue) as an exponential average over ~`window_strides` and
stretch every cooldown by up to `max_cooldown_factor` as that share approaches 1; when form
slips again the share falls and cues come back at their normal rate.
"""
from __future__ import annotations

from station.cues.table import FadedSchedule


class CueFader:
    def __init__(self, schedule: FadedSchedule) -> None:
        self._schedule = schedule
        self._alpha = 2.0 / (schedule.window_strides + 1.0)
        self.good_share = 0.0

    def observe(self, good_stride: bool) -> None:
        self.good_share += self._alpha * ((1.0 if good_stride else 0.0) - self.good_share)

    @property
    def cooldown_factor(self) -> float:
        if not self._schedule.enabled:
            return 1.0
        return 1.0 + (self._schedule.max_cooldown_factor - 1.0) * self.good_share

    def reset(self) -> None:
        self.good_share = 0.0
