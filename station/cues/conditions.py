"""Whether one stride shows a cue's fault: the "when" column of METRICS.md, evaluated.

A verdict is True (fault), False (this stride is clean) or None (no evidence: a NaN metric,
or no cadence target). No evidence never counts as fixed and never as faulty.
"""
from __future__ import annotations

import math
from typing import Mapping, Optional

from station.cues.table import CueSpec, CueTerm

Verdict = Optional[bool]


def term_verdict(term: CueTerm, value: float, target_spm: float | None,
                 fault_on: bool) -> Verdict:
    """One comparison. While the fault is on, the threshold moves `margin` toward the good
    side (the exit threshold), so a value sitting on the edge does not flicker on and off."""
    if value is None or math.isnan(value):
        return None
    relax = term.margin if fault_on else 0.0
    if term.op == "above":
        return value > term.threshold - relax
    if term.op == "below":
        return value < term.threshold + relax
    # below_target_pct: how far below the cadence target, in % of the target
    if target_spm is None or not math.isfinite(target_spm) or target_spm <= 0:
        return None
    deficit_pct = (target_spm - value) / target_spm * 100.0
    return deficit_pct > term.threshold - relax


def stride_verdict(spec: CueSpec, values: Mapping[str, float], target_spm: float | None,
                   fault_on: bool) -> Verdict:
    """Combine the terms: `any` is a fault if one measured term is; clean if none is and at
    least one was measured. `all` is a fault only if every term was measured and faulty;
    clean as soon as one measured term is clean."""
    verdicts = [term_verdict(t, values.get(t.metric, math.nan), target_spm, fault_on)
                for t in spec.when]
    if spec.match == "all":
        if any(v is False for v in verdicts):
            return False
        return True if verdicts and all(v is True for v in verdicts) else None
    if any(v is True for v in verdicts):
        return True
    return False if any(v is False for v in verdicts) else None
