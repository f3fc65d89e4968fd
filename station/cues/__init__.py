"""Cues: the METRICS.md cue table, per-stride fault verdicts and the CueEngine that turns
stride metrics into at most one cue at a time."""
from station.cues.engine import CueEngine
from station.cues.table import CUE_TABLE, GOOD_FORM_ID, CueRules, CueSpec, CueTerm

__all__ = ["CueEngine", "CUE_TABLE", "GOOD_FORM_ID", "CueRules", "CueSpec", "CueTerm"]
