"""The synthetic runner: a parametric runner on a treadmill with exact ground truth.

knobs (what can be asked for) -> timeline (gait events) -> legs/upper_body (3D joints)
-> camera (pixels) -> truth (METRICS.md metrics measured on the clean geometry);
figure/scene/render draw it; noise adds what a real pose model does; writer writes a clip.
"""
from station.synth.knobs import KNOB_SPECS, PRESETS, KnobSet, resolve_knobs
from station.synth.runner import SynthRunner

__all__ = ["KNOB_SPECS", "PRESETS", "KnobSet", "SynthRunner", "resolve_knobs"]
