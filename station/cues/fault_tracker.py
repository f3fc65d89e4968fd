"""Per-cue memory: recent verdicts, whether the fault is on (persistence with hysteresis),
how long it has stayed fixed, and when it was last cued."""
from __future__ import annotations

from collections import deque

from station.cues.conditions import Verdict


class FaultTracker:
    """The fault turns on when it shows on `min_fault_strides` of the last `window_strides`
    strides with evidence, and off only when that many of them are clean: between the two
    it keeps its state, so a runner on the edge does not make it flicker."""

    def __init__(self, window_strides: int, min_fault_strides: int, max_age_ns: int) -> None:
        self._min = min_fault_strides
        self._max_age_ns = max_age_ns
        self._evidence: deque[tuple[int, bool]] = deque(maxlen=window_strides)
        self.fault_on = False
        self.clean_streak = 0  # consecutive clean strides with evidence
        self.cued = False  # cued and not yet praised for fixing it
        self.last_cued_ns: int | None = None

    def add(self, t_ns: int, verdict: Verdict) -> None:
        # Old verdicts expire: three faulty strides a minute apart are not "most of the last 4".
        while self._evidence and t_ns - self._evidence[0][0] > self._max_age_ns:
            self._evidence.popleft()
        if self.fault_on and sum(1 for _, v in self._evidence if v) < self._min:
            # Not seen for a long while (unmeasured): stop claiming the fault, but do not
            # count it as fixed either (clean_streak is untouched, so no good_form).
            self.fault_on = False
        if verdict is None:
            return
        self._evidence.append((t_ns, verdict))
        self.clean_streak = 0 if verdict else self.clean_streak + 1
        faults = sum(1 for _, v in self._evidence if v)
        cleans = len(self._evidence) - faults
        if not self.fault_on and faults >= self._min:
            self.fault_on = True
        elif self.fault_on and cleans >= self._min:
            self.fault_on = False

    @property
    def fault_share(self) -> float:
        """Share of the remembered strides that showed the fault (0..1)."""
        if not self._evidence:
            return 0.0
        return sum(1 for _, v in self._evidence if v) / len(self._evidence)
