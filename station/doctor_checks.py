"""The checks behind `station doctor`: one result per part the station needs on a Pi.

Each check returns a `CheckResult` and never raises. A failed check carries the fix, and,
when the machine is not a Raspberry Pi and the part only exists on one, why it cannot pass
here (`off_pi`), so a developer's laptop says "needs a Pi" instead of looking broken.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from station.config import DataConfig, GpioConfig
from station.data_dir import resolve_data_dir

MIN_FREE_BYTES = 1_000_000_000  # about an hour of session video plus years of metrics
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
DRI_DIR = Path("/dev/dri")


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    off_pi: str = ""  # set when this failure is expected on a machine that is not a Pi

    def line(self) -> str:
        text = f"{'ok  ' if self.ok else 'FAIL'}  {self.name:<13} {self.detail}"
        if not self.ok and self.fix:
            text += f" -> fix: {self.fix}"
        if not self.ok and self.off_pi:
            text += f" [cannot pass off a Raspberry Pi: {self.off_pi}]"
        return text


def check_camera(camera_num: int, on_pi: bool) -> CheckResult:
    from hardware.probes import probe_camera
    ok, detail, fix = probe_camera(camera_num)
    return CheckResult("camera", ok, detail, fix, off_pi="" if on_pi or ok else
                       "picamera2 and libcamera come with Raspberry Pi OS, and the camera "
                       "module plugs into the Pi's CSI connector")


def check_pose_model() -> CheckResult:
    fix = ("install mediapipe into the venv: pip install --no-deps mediapipe==0.10.18 "
           "(systemd/install.sh does it)")
    try:
        import numpy as np

        from station.contracts import Frame
        from station.pose import make_pose_estimator
        from station.pose.solutions_backend import bundled_model_path
    except ImportError as e:
        return CheckResult("pose model", False, f"mediapipe is not importable ({e})", fix)
    path = bundled_model_path(1)
    if not path.exists():
        return CheckResult("pose model", False, f"{path.name} is not inside the mediapipe wheel "
                           f"({path.parent})", fix)
    try:
        start = time.perf_counter()
        with make_pose_estimator() as estimator:
            estimator.estimate(Frame(np.zeros((256, 256, 3), np.uint8), 0, 0))
        took_s = time.perf_counter() - start
    except Exception as e:
        return CheckResult("pose model", False, f"the estimator did not load "
                           f"({type(e).__name__}: {e})", fix)
    return CheckResult("pose model", True, f"{path.name} loads and runs ({took_s:.1f} s)")


def check_numba_cache(env: Mapping[str, str]) -> CheckResult:
    """A cache=True kernel loads from the cache, or compiles and is saved for next time."""
    fix = ("set NUMBA_CACHE_DIR to a directory the station's user can write (the service "
           "uses %C/treadmill-station/numba = /var/cache/treadmill-station/numba)")
    try:
        import numpy as np

        from kernels.frame_features import N_FEATURES, frame_features_batch as kernel
    except Exception as e:  # a broken numba/llvmlite install shows here
        return CheckResult("numba cache", False, f"kernels do not import ({e})",
                           "reinstall the station into the venv (pip install --upgrade .)")
    configured = env.get("NUMBA_CACHE_DIR", "")
    where = kernel.stats.cache_path
    setting = f"NUMBA_CACHE_DIR={configured}" if configured else "NUMBA_CACHE_DIR not set"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumbaWarning "cannot cache": judged below
            start = time.perf_counter()
            kernel(np.zeros((1, 33, 2)), 1.0, True, np.empty((1, N_FEATURES)))
            took_s = time.perf_counter() - start
    except Exception as e:
        return CheckResult("numba cache", False, f"{setting}; the kernel failed "
                           f"({type(e).__name__}: {e})", fix)
    if kernel.stats.cache_hits:
        return CheckResult("numba cache", True, f"{setting}; kernel loaded from {where}")
    if not _writable_dir(Path(where)):
        return CheckResult("numba cache", False, f"{setting}; {where} is not writable, so "
                           f"every start compiles again ({took_s:.1f} s)", fix)
    return CheckResult("numba cache", True, f"{setting}; cache was cold: kernel compiled "
                       f"({took_s:.1f} s) and saved to {where} for the next start")


def check_screen(env: Mapping[str, str], on_pi: bool) -> CheckResult:
    from display.probe import probe_display
    driver = env.get("SDL_VIDEODRIVER", "")
    setting = f"SDL_VIDEODRIVER={driver}" if driver else \
        "SDL_VIDEODRIVER not set, probing kmsdrm (what the service uses)"
    ok, detail = probe_display(driver or "kmsdrm")
    if ok:
        return CheckResult("screen", True, f"{setting}; {detail}")
    cards = sorted(p.name for p in DRI_DIR.glob("card*")) if DRI_DIR.exists() else []
    fix = ("kmsdrm needs /dev/dri/card* (dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt), "
           "the user in the video and render groups, and nothing else holding the screen "
           "(no desktop session; stop the station service before this check)")
    return CheckResult("screen", False, f"{setting}; {detail}; /dev/dri cards: "
                       f"{', '.join(cards) or 'none'}", fix,
                       off_pi="" if on_pi else "no DRM display device on this machine")


def check_buzzer(gpio: GpioConfig, on_pi: bool, pin_factory: object | None = None) -> CheckResult:
    if gpio.buzzer_pin < 0:
        return CheckResult("buzzer pin", True, "no buzzer fitted (gpio.buzzer_pin = -1)")
    from hardware.probes import probe_gpio
    ok, detail = probe_gpio(gpio.buzzer_pin, pin_factory)
    fix = ("on a Pi 5: apt install python3-lgpio (the venv sees it through "
           "--system-site-packages), GPIOZERO_PIN_FACTORY=lgpio, the user in the gpio group; "
           "'busy' means the running station holds the pin: stop it first")
    return CheckResult("buzzer pin", ok, detail, "" if ok else fix,
                       off_pi="" if on_pi or ok else "no GPIO header on this machine")


def check_data_dir(data: DataConfig, env: Mapping[str, str],
                   min_free_bytes: int = MIN_FREE_BYTES) -> CheckResult:
    path = resolve_data_dir(data, env)
    if not path.exists():
        parent = next((p for p in path.parents if p.exists()), Path("/"))
        if _writable_dir(parent):
            return CheckResult("data dir", True, f"{path} not created yet; the station "
                               f"creates it (mode 0700) at first run")
        return CheckResult("data dir", False, f"{path} does not exist and {parent} is not "
                           f"writable", f"create it: install -d -m 0700 -o station {path} "
                           f"(the service's StateDirectory= does this)")
    if not path.is_dir():
        return CheckResult("data dir", False, f"{path} is not a directory",
                           "point data.dir in the config at a directory")
    if not _writable_dir(path):
        return CheckResult("data dir", False, f"{path} is not writable by this user",
                           f"chown station {path}, or run the doctor as the station user")
    mode = path.stat().st_mode & 0o777
    free = shutil.disk_usage(path).free
    detail = f"{path} writable, mode {mode:04o}, {free / 1e9:.1f} GB free"
    if mode & 0o077:
        return CheckResult("data dir", False, detail + " (runners' data readable by others)",
                           f"chmod 700 {path}")
    if free < min_free_bytes:
        return CheckResult("data dir", False, detail + f" (at least "
                           f"{min_free_bytes / 1e9:.0f} GB wanted)",
                           "free space, or export and delete old sessions")
    return CheckResult("data dir", True, detail)


Runner = Callable[[Sequence[str]], subprocess.CompletedProcess]


def _run(cmd: Sequence[str]) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=10)


def check_clock(timesync_flag: Path = TIMESYNC_FLAG, run: Runner = _run) -> CheckResult:
    """Session dates come from the wall clock, and a Pi without an RTC battery boots with a
    stale one until NTP syncs."""
    fix = ("give the Pi network access and enable NTP: sudo timedatectl set-ntp true "
           "(or fit an RTC battery on a Pi 5)")
    if timesync_flag.exists():
        return CheckResult("clock", True, "synchronised (systemd-timesyncd)")
    try:
        proc = run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"])
    except (OSError, subprocess.TimeoutExpired) as e:
        return CheckResult("clock", False, f"cannot tell: timedatectl failed ({e})", fix)
    answer = proc.stdout.strip()
    if proc.returncode == 0 and answer == "yes":
        return CheckResult("clock", True, "synchronised (timedatectl NTPSynchronized=yes)")
    if proc.returncode == 0:
        return CheckResult("clock", False, f"not synchronised (NTPSynchronized={answer}); "
                           f"session dates may be wrong", fix)
    reason = " ".join((proc.stderr or proc.stdout).split())[:160]
    return CheckResult("clock", False, f"cannot tell: timedatectl says: {reason}",
                       "run on a system booted with systemd, then: " + fix)


def _writable_dir(path: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            return True
    except OSError:
        return False


def run_all_checks(gpio: GpioConfig, data: DataConfig, camera_num: int = 0,
                   env: Mapping[str, str] | None = None,
                   on_pi: bool | None = None) -> list[CheckResult]:
    from hardware.probes import is_raspberry_pi
    env = os.environ if env is None else env
    on_pi = is_raspberry_pi() if on_pi is None else on_pi
    return [check_camera(camera_num, on_pi), check_pose_model(), check_numba_cache(env),
            check_screen(env, on_pi), check_buzzer(gpio, on_pi), check_data_dir(data, env),
            check_clock()]
