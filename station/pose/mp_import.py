"""Import mediapipe without matplotlib.

`import mediapipe` imports every legacy solution, and mediapipe.python.solutions
.drawing_utils imports matplotlib.pyplot at the top for one function (plot_landmarks)
the station never calls: +31 MB of resident memory in the live station (measured with
/proc/self/status VmRSS around the import), ~7 % of DESIGN.md's 400 MB. While mediapipe
imports, matplotlib and matplotlib.pyplot are empty placeholder modules, taken out of
sys.modules again afterwards, so a later `import matplotlib.pyplot` (station report) gets
the real one. Where matplotlib is already imported, mediapipe gets it as usual.
"""
from __future__ import annotations

import sys
import types

_PLACEHOLDERS = ("matplotlib", "matplotlib.pyplot")


def import_mediapipe() -> types.ModuleType:
    """The mediapipe package (module doc)."""
    if "mediapipe" in sys.modules:
        return sys.modules["mediapipe"]
    placed = []
    if not any(name in sys.modules for name in _PLACEHOLDERS):
        package = types.ModuleType("matplotlib")
        pyplot = types.ModuleType("matplotlib.pyplot")
        package.pyplot = pyplot  # type: ignore[attr-defined]
        sys.modules["matplotlib"] = package
        sys.modules["matplotlib.pyplot"] = pyplot
        placed = list(_PLACEHOLDERS)
    try:
        import mediapipe
    finally:
        for name in placed:
            sys.modules.pop(name, None)
    return mediapipe
