"""Quick hardware checks for `station doctor`: is there a camera, does a GPIO pin open.

Each probe returns (ok, detail) and never raises: the doctor prints one line per check.
Only hardware/ imports picamera2 and gpiozero, so the probes live here.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

from hardware.picamera_source import PICAMERA2_MISSING_FIX

DEVICE_TREE_MODEL = Path("/proc/device-tree/model")


def board_model(model_file: Path = DEVICE_TREE_MODEL) -> str | None:
    """"Raspberry Pi 5 Model B Rev 1.0", or None when the machine has no device tree model."""
    try:
        return model_file.read_bytes().rstrip(b"\0").decode("ascii", "replace").strip() or None
    except OSError:
        return None


def is_raspberry_pi(model_file: Path = DEVICE_TREE_MODEL) -> bool:
    return "Raspberry Pi" in (board_model(model_file) or "")


def probe_camera(camera_num: int = 0) -> tuple[bool, str, str]:
    """(ok, detail, fix): picamera2 importable and libcamera lists camera `camera_num`.
    Does not open the camera (the running service may hold it)."""
    try:
        from picamera2 import Picamera2  # type: ignore[import-not-found]
    except ImportError as e:
        return False, f"picamera2 is not importable ({e})", PICAMERA2_MISSING_FIX
    try:
        cameras = Picamera2.global_camera_info()
    except Exception as e:  # libcamera itself failing to start is worth a line, not a crash
        return False, f"libcamera could not list cameras ({type(e).__name__}: {e})", \
            "reinstall python3-picamera2 and python3-libcamera with apt, then reboot"
    if len(cameras) <= camera_num:
        return False, f"libcamera lists {len(cameras)} camera(s), camera {camera_num} wanted", \
            ("power off, reseat the ribbon cable (contacts toward the board), check "
             "camera_auto_detect=1 in /boot/firmware/config.txt, then `rpicam-hello "
             "--list-cameras`")
    info = cameras[camera_num]
    return True, f"camera {camera_num}: {info.get('Model', '?')} ({info.get('Id', '?')})", ""


def probe_gpio(pin: int, pin_factory: object | None = None) -> tuple[bool, str]:
    """gpiozero's pin factory (as GPIOZERO_PIN_FACTORY picks it) loads and `pin` opens as an
    output. Briefly claims the pin: a running station holding it is reported as busy."""
    from gpiozero import OutputDevice
    from gpiozero.exc import GPIOZeroError, PinFactoryFallback

    wanted = os.environ.get("GPIOZERO_PIN_FACTORY", "") or "gpiozero's default"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PinFactoryFallback)  # one line says it all
            device = OutputDevice(pin, initial_value=False, pin_factory=pin_factory)
    except (GPIOZeroError, OSError, RuntimeError, ImportError) as e:
        return False, f"GPIO{pin} with {wanted} pin factory: {type(e).__name__}: {e}"
    try:
        factory = type(device.pin_factory).__name__
    finally:
        device.close()
    return True, f"GPIO{pin} opens with {factory} (GPIOZERO_PIN_FACTORY={wanted})"
