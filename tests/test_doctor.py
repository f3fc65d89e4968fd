"""`station doctor`: each check on its own (through fakes where the part needs a Pi), the
report format, and the exit code."""
from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from gpiozero import OutputDevice
from gpiozero.pins.mock import MockFactory

import station.commands.doctor as doctor_command
from hardware.probes import is_raspberry_pi
from station.cli import main
from station.config import DataConfig, default_config
from station.doctor_checks import (CheckResult, check_buzzer, check_camera, check_clock,
                                   check_data_dir, check_numba_cache, check_pose_model,
                                   check_screen)
from tests.fakes.fake_picamera2 import FakeCameraRig

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ camera

def test_camera_listed_by_libcamera_passes(monkeypatch):
    rig = FakeCameraRig()
    monkeypatch.setitem(sys.modules, "picamera2",
                        types.SimpleNamespace(Picamera2=rig.picamera2_class()))
    result = check_camera(0, on_pi=True)
    assert result.ok and "imx708" in result.detail
    assert rig.opens == 0  # listed, not opened: the running service may hold the camera


def test_no_camera_listed_fails_with_the_cable_fix(monkeypatch):
    rig = FakeCameraRig(present=False)
    monkeypatch.setitem(sys.modules, "picamera2",
                        types.SimpleNamespace(Picamera2=rig.picamera2_class()))
    result = check_camera(0, on_pi=True)
    assert not result.ok and "lists 0 camera" in result.detail
    assert "ribbon cable" in result.fix and result.off_pi == ""


def test_missing_picamera2_fails_and_off_a_pi_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)
    off = check_camera(0, on_pi=False)
    assert not off.ok and "python3-picamera2" in off.fix
    assert "Raspberry Pi OS" in off.off_pi
    assert "cannot pass off a Raspberry Pi" in off.line()
    on = check_camera(0, on_pi=True)
    assert not on.ok and on.off_pi == ""  # on a Pi this is a real fault, not an excuse


# ------------------------------------------------------------------ buzzer

def test_buzzer_pin_opens_with_the_pin_factory_and_is_released():
    factory = MockFactory()
    result = check_buzzer(default_config().gpio, on_pi=True, pin_factory=factory)
    assert result.ok and "GPIO18" in result.detail and "MockFactory" in result.detail
    OutputDevice(18, pin_factory=factory).close()  # the probe let go of the pin


def test_a_pin_held_by_the_running_station_is_reported_busy():
    factory = MockFactory()
    held = OutputDevice(18, pin_factory=factory)
    try:
        result = check_buzzer(default_config().gpio, on_pi=True, pin_factory=factory)
    finally:
        held.close()
    assert not result.ok and "GPIOPinInUse" in result.detail and "stop it first" in result.fix


def test_no_buzzer_fitted_passes():
    gpio = default_config().gpio
    no_buzzer = type(gpio)(**{**{f: getattr(gpio, f) for f in gpio.__slots__}, "buzzer_pin": -1})
    assert check_buzzer(no_buzzer, on_pi=False).ok


# ------------------------------------------------------------------ screen

def test_a_test_only_video_driver_does_not_count_as_a_screen():
    result = check_screen({"SDL_VIDEODRIVER": "dummy"}, on_pi=True)
    assert not result.ok and "draws nowhere" in result.detail


def test_an_unavailable_driver_fails_with_the_kmsdrm_fix():
    result = check_screen({"SDL_VIDEODRIVER": "no_such_driver"}, on_pi=False)
    assert not result.ok and "no_such_driver" in result.detail
    assert "vc4-kms-v3d" in result.fix and result.off_pi


# ------------------------------------------------------------------ model, cache

def test_the_bundled_pose_model_loads_and_runs():
    result = check_pose_model()
    assert result.ok, result.detail
    assert "pose_landmark_full.tflite" in result.detail


def test_the_numba_kernel_loads_or_is_compiled_and_saved():
    result = check_numba_cache({"NUMBA_CACHE_DIR": "/somewhere"})
    assert result.ok, result.detail
    assert "NUMBA_CACHE_DIR=/somewhere" in result.detail
    assert "loaded from" in result.detail or "saved to" in result.detail


# ------------------------------------------------------------------ data directory

def test_a_private_data_dir_with_space_passes(tmp_path):
    data = tmp_path / "state"
    data.mkdir(mode=0o700)
    result = check_data_dir(DataConfig(dir=""), {"STATE_DIRECTORY": str(data)})
    assert result.ok and str(data) in result.detail and "mode 0700" in result.detail


def test_a_data_dir_others_can_read_fails_with_chmod(tmp_path):
    data = tmp_path / "state"
    data.mkdir()
    data.chmod(0o755)
    result = check_data_dir(DataConfig(dir=str(data)), {})
    assert not result.ok and result.fix == f"chmod 700 {data}"


def test_too_little_free_space_fails(tmp_path):
    tmp_path.chmod(0o700)
    result = check_data_dir(DataConfig(dir=str(tmp_path)), {}, min_free_bytes=10**18)
    assert not result.ok and "GB wanted" in result.detail


def test_a_data_dir_not_created_yet_passes_when_it_can_be(tmp_path):
    result = check_data_dir(DataConfig(dir=""), {"XDG_DATA_HOME": str(tmp_path)})
    assert result.ok and "not created yet" in result.detail
    assert not (tmp_path / "treadmill-station").exists()  # the doctor changes nothing


def test_a_file_in_place_of_the_data_dir_fails(tmp_path):
    path = tmp_path / "data"
    path.write_text("")
    assert not check_data_dir(DataConfig(dir=str(path)), {}).ok


# ------------------------------------------------------------------ clock

def _answer(code: int, out: str = "", err: str = ""):
    return lambda cmd: subprocess.CompletedProcess(cmd, code, out, err)


def test_clock_synchronised_by_timesyncd(tmp_path):
    flag = tmp_path / "synchronized"
    flag.touch()
    assert check_clock(flag, run=_answer(1)).ok


def test_clock_from_timedatectl(tmp_path):
    missing = tmp_path / "none"
    assert check_clock(missing, run=_answer(0, "yes\n")).ok
    no = check_clock(missing, run=_answer(0, "no\n"))
    assert not no.ok and "not synchronised" in no.detail and "set-ntp true" in no.fix
    unknown = check_clock(missing, run=_answer(1, err="System has not been booted with systemd"))
    assert not unknown.ok and "cannot tell" in unknown.detail


# ------------------------------------------------------------------ the command

def test_exit_code_is_0_when_all_pass_and_1_when_any_fails(monkeypatch, capsys):
    results = [CheckResult("camera", True, "camera 0: imx708"),
               CheckResult("clock", True, "synchronised")]
    monkeypatch.setattr(doctor_command, "run_all_checks", lambda *a, **k: results)
    assert main(["doctor"]) == 0
    assert "all 2 checks passed" in capsys.readouterr().out

    results[1] = CheckResult("clock", False, "not synchronised", "sudo timedatectl set-ntp true")
    results[0] = CheckResult("camera", False, "picamera2 is not importable", "apt install",
                             off_pi="needs the Pi's camera stack")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("FAIL  camera") and "[cannot pass off a Raspberry Pi:" in out[1]
    assert out[2] == ("FAIL  clock         not synchronised -> fix: sudo timedatectl "
                      "set-ntp true")
    assert out[3] == "2 of 2 checks failed (camera: need a Raspberry Pi; see the reasons above)"


def test_doctor_on_this_machine_prints_one_line_per_check(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    env.pop("SDL_VIDEODRIVER", None)  # probe kmsdrm, as the service would
    proc = subprocess.run([sys.executable, "-m", "station", "doctor"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    lines = proc.stdout.splitlines()
    names = ["camera", "pose model", "numba cache", "screen", "buzzer pin", "data dir", "clock"]
    for name in names:
        assert sum(line[6:].startswith(name) for line in lines) == 1, proc.stdout
    failed = [line for line in lines if line.startswith("FAIL")]
    assert proc.returncode == (1 if failed else 0), proc.stdout + proc.stderr
    if not is_raspberry_pi():  # these parts only exist on a Pi: the report must say so
        for name in ("camera", "screen"):
            line = next(line for line in lines if line[6:].startswith(name))
            assert line.startswith("FAIL") and "cannot pass off a Raspberry Pi" in line
