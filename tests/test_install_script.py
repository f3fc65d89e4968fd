"""systemd/install.sh (--help, --dry-run on a fresh and on an installed system) and the unit
(systemd-analyze verify and security, when systemd-analyze exists here).

The script runs with a PATH whose first directory holds stand-ins for every command that
changes or queries the system (apt-get, dpkg-query, useradd, usermod, id, getent, install,
systemctl): they log their arguments and answer as the scenario says, so the tests see exactly
what the script would do and can prove that a dry run does nothing.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "systemd" / "install.sh"
UNIT = REPO / "systemd" / "treadmill-station.service"
MUTATING = ("apt-get", "useradd", "usermod", "install")


def _shim(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f'#!/usr/bin/env bash\necho "{name} $*" >> "$SHIM_LOG"\n{body}\n')
    path.chmod(0o755)


def make_system(tmp_path: Path, installed: bool) -> dict[str, str]:
    """Stand-ins for a Raspberry Pi OS box, fresh (`installed` False) or already set up."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    yes = "exit 0" if installed else "exit 1"
    _shim(bin_dir, "dpkg-query", 'echo -n "install ok installed"' if installed else "exit 1")
    _shim(bin_dir, "apt-cache", "exit 0")
    _shim(bin_dir, "getent", "exit 0")  # every group exists, as on Raspberry Pi OS
    _shim(bin_dir, "id", 'if [[ "$1" == -nG ]]; then echo "station video gpio render input"; fi\n'
          + yes)
    _shim(bin_dir, "systemctl", f'if [[ "$1" == is-enabled ]]; then {yes}; fi')
    for name in ("apt-get", "useradd", "usermod", "install"):
        _shim(bin_dir, name, "exit 0")
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SHIM_LOG": str(tmp_path / "calls.log")}


def run_script(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    prefix, unit_dir = tmp_path / "opt", tmp_path / "units"
    return subprocess.run(["bash", str(SCRIPT), "--source", str(REPO), "--prefix", str(prefix),
                           "--unit-dir", str(unit_dir), *args],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_help_describes_the_options():
    out = subprocess.run(["bash", str(SCRIPT), "--help"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0
    for option in ("--dry-run", "--start", "--source", "--prefix", "--user", "--unit-dir"):
        assert option in out.stdout


def test_an_unknown_option_is_refused():
    out = subprocess.run(["bash", str(SCRIPT), "--frobnicate"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 2 and "unknown option '--frobnicate'" in out.stderr


def test_dry_run_on_a_fresh_system_prints_every_action_and_does_none(tmp_path):
    env = make_system(tmp_path, installed=False)
    out = run_script(tmp_path, env, "--dry-run", "--start")
    assert out.returncode == 0, out.stderr
    prefix, unit_dir = tmp_path / "opt", tmp_path / "units"
    expected = [
        "would run: apt-get update",
        "would run: apt-get install -y --no-install-recommends python3-picamera2 python3-venv "
        "python3-pip python3-lgpio libsdl2-2.0-0 libdrm2 libgbm1 libegl1 libgles2 fonts-dejavu-core",
        "would run: useradd --system --user-group --home-dir /var/lib/treadmill-station",
        *[f"would run: usermod --append --groups {g} station"
          for g in ("video", "gpio", "render", "input")],
        f"would run: install -d -m 0755 {prefix}",
        f"would run: python3 -m venv --system-site-packages {prefix}/venv",
        f"would run: {prefix}/venv/bin/python -m pip install --disable-pip-version-check "
        "--no-input --no-deps mediapipe==0.10.18",
        f"would run: {prefix}/venv/bin/python -m pip install --disable-pip-version-check "
        f"--no-input --upgrade {REPO}",
        f"would run: install -m 0644 {UNIT} {unit_dir}/treadmill-station.service",
        "would run: systemctl daemon-reload",
        "would run: systemctl enable treadmill-station.service",
        "would run: systemctl restart treadmill-station.service",
        "done (dry run: nothing changed)",
    ]
    lines = out.stdout.splitlines()
    position = -1
    for want in expected:  # each action printed, in this order
        found = [i for i, line in enumerate(lines) if line.startswith(want)]
        assert found, f"missing {want!r} in:\n{out.stdout}"
        assert found[0] > position, f"{want!r} out of order"
        position = found[0]
    # Nothing happened: no command that changes the system ran, nothing was created.
    assert not [c for c in calls(tmp_path) if c.split()[0] in MUTATING]
    assert not [c for c in calls(tmp_path) if c.startswith("systemctl") and "is-enabled" not in c]
    assert not prefix.exists() and not unit_dir.exists()


def test_dry_run_on_an_installed_system_only_refreshes_the_package(tmp_path):
    env = make_system(tmp_path, installed=True)
    prefix, unit_dir = tmp_path / "opt", tmp_path / "units"
    (prefix / "venv" / "bin").mkdir(parents=True)
    (prefix / "venv" / "bin" / "python").symlink_to(shutil.which("python3"))
    (prefix / "venv" / "pyvenv.cfg").write_text("include-system-site-packages = true\n")
    unit_dir.mkdir()
    (unit_dir / "treadmill-station.service").write_text(
        UNIT.read_text().replace("/opt/treadmill-station", str(prefix)))
    out = run_script(tmp_path, env, "--dry-run")
    assert out.returncode == 0, out.stderr
    actions = [line for line in out.stdout.splitlines() if line.startswith("would run:")]
    # pip is idempotent by itself and brings the package up to date; nothing else is redone.
    assert [a.split()[2:6] for a in actions] == [
        [f"{prefix}/venv/bin/python", "-m", "pip", "install"],
        [f"{prefix}/venv/bin/python", "-m", "pip", "install"],
        ["install", "-m", "0644", f"{REPO}/README.md"]]
    for said in ("apt packages: all present", "user station: exists",
                 "user station: already in gpio", f"venv {prefix}/venv: exists",
                 "treadmill-station.service: up to date", "treadmill-station.service: enabled"):
        assert said in out.stdout


def test_a_venv_without_system_site_packages_is_refused(tmp_path):
    env = make_system(tmp_path, installed=True)
    venv = tmp_path / "opt" / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(shutil.which("python3"))
    (venv / "pyvenv.cfg").write_text("include-system-site-packages = false\n")
    out = run_script(tmp_path, env, "--dry-run")
    assert out.returncode == 1
    assert "without --system-site-packages" in out.stderr and "picamera2" in out.stderr


# ------------------------------------------------------------------ the unit

def _systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.skip("systemd-analyze not found on this machine (Debian: apt install systemd)")
    return path


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = _systemd_analyze()
    # verify insists that ExecStart exists: point it at a stand-in; nothing else changes.
    stub = tmp_path / "station"
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    text = UNIT.read_text()
    assert "ExecStart=/opt/treadmill-station/venv/bin/station run --source picamera" in text
    unit = tmp_path / "treadmill-station.service"
    unit.write_text(text.replace("/opt/treadmill-station/venv/bin/station", str(stub)))
    out = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stderr.strip() == "", out.stderr


def test_the_unit_keeps_its_hardening(tmp_path):
    """`systemd-analyze security` scores exposure 0 (locked down) .. 10; this unit scores
    about 1.2. Dropping a protection pushes it over 2 and fails here."""
    analyze = _systemd_analyze()
    out = subprocess.run([analyze, "security", "--offline=yes", str(UNIT)],
                         capture_output=True, text=True, timeout=120)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", out.stdout + out.stderr)
    if match is None:
        pytest.skip(f"this systemd-analyze cannot score a unit file offline: {out.stderr[:200]}")
    assert float(match.group(1)) <= 2.0, out.stdout


def test_the_unit_has_what_the_station_needs():
    text = UNIT.read_text()
    settings = {line.split("=", 1)[0] for line in text.splitlines()
                if "=" in line and not line.startswith("#")}
    for key in ("Type", "NotifyAccess", "WatchdogSec", "Restart", "StartLimitBurst",
                "StateDirectory", "CacheDirectory", "SupplementaryGroups", "NoNewPrivileges",
                "ProtectSystem", "ProtectHome", "PrivateTmp", "DeviceAllow"):
        assert key in settings, key
    assert "PrivateDevices" not in settings  # the camera and kmsdrm need the real /dev
    assert "MemoryDenyWriteExecute" not in settings  # Numba's JIT needs W+X pages
    assert "Environment=SDL_VIDEODRIVER=kmsdrm" in text
    assert "Environment=NUMBA_CACHE_DIR=%C/treadmill-station/numba" in text
    for device in ("char-drm", "char-video4linux", "char-media", "char-dma_heap", "char-gpiochip"):
        assert f"DeviceAllow={device} rw" in text
