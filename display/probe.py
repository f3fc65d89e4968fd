"""Can SDL open the screen with a given video driver? For `station doctor`.

Runs in a child process: SDL's video subsystem, once initialised with one driver, is not
cleanly re-initialised with another in the same process, and a kmsdrm failure can leave the
console in a strange state; the child keeps the doctor's own process clean.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

_CHILD = r"""
import json, os, sys
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
out = {"ok": False, "driver": None, "detail": ""}
try:
    import pygame
    pygame.display.init()
    out["driver"] = pygame.display.get_driver()
    info = pygame.display.Info()
    out["detail"] = f"{info.current_w}x{info.current_h}"
    out["ok"] = True
except Exception as e:
    out["detail"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""

#: Drivers that draw nowhere: fine for tests, useless on the treadmill.
HEADLESS_DRIVERS = ("dummy", "offscreen")


def probe_display(driver: str, timeout_s: float = 20.0) -> tuple[bool, str]:
    """Initialise pygame's display with SDL_VIDEODRIVER=`driver` in a child process."""
    env = dict(os.environ, SDL_VIDEODRIVER=driver)
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True,
                              text=True, timeout=timeout_s)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return False, f"{driver}: display init did not finish in {timeout_s:.0f} s"
    except (IndexError, ValueError):
        return False, f"{driver}: the probe crashed ({proc.stderr.strip()[-200:]})"
    if not result["ok"]:
        return False, f"{driver}: {result['detail']}"
    if result["driver"] in HEADLESS_DRIVERS:
        return False, f"{result['driver']}: works, but draws nowhere (a test driver)"
    return True, f"{result['driver']}: display {result['detail']}"
