"""The station compiles every kernel before it says READY: a kernel first compiled at the
first stride stalls the live loop for seconds on a cold cache (the demo's session then
read as stopped and restarted)."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO

PROBE = """
from station.live.app import warm_up_kernels
from kernels import frame_step, stride_metrics
warm_up_kernels()
print(len(frame_step.frame_step.signatures), len(stride_metrics.stride_metrics.signatures))
"""


def test_warm_up_compiles_the_per_frame_and_the_per_stride_kernels():
    # A fresh interpreter: other tests in this process may have compiled them already.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr
    n_frame, n_stride = (int(v) for v in out.stdout.split()[-2:])
    assert n_frame >= 1 and n_stride >= 1
