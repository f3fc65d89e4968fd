"""station/pose/mp_import.py: mediapipe imported without matplotlib, which stays importable."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mediapipe")

_ROOT = Path(__file__).resolve().parents[1]

_CHECK = """
import sys
from station.pose import solutions_backend  # noqa: F401  (imports mediapipe)
assert "mediapipe" in sys.modules
assert "matplotlib" not in sys.modules and "matplotlib.pyplot" not in sys.modules, \\
    sorted(m for m in sys.modules if m.startswith("matplotlib"))
import matplotlib.pyplot as plt
assert hasattr(plt, "figure"), "the placeholder stayed behind"
print("ok")
"""


def test_mediapipe_without_matplotlib_and_matplotlib_still_real() -> None:
    out = subprocess.run([sys.executable, "-c", _CHECK], capture_output=True, text=True,
                         timeout=120, cwd=_ROOT)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


_ALREADY = """
import matplotlib.pyplot as plt
from station.pose.mp_import import import_mediapipe
mp = import_mediapipe()
import mediapipe.python.solutions.drawing_utils as du
assert du.plt is plt
print("ok")
"""


def test_matplotlib_already_imported_is_the_one_mediapipe_gets() -> None:
    out = subprocess.run([sys.executable, "-c", _ALREADY], capture_output=True, text=True,
                         timeout=120, cwd=_ROOT)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]
