"""The Raspberry Pi camera module (libcamera through picamera2) as a live FrameSource.

What the live loop gets from `read()`:
- a `Frame` (upright RGB, `t_ns` = the frame's `SensorTimestamp`: nanoseconds on the
  monotonic clock, the same clock as `time.monotonic_ns()`);
- `CameraUnavailable` (hardware.reconnect) when there is no frame right now because the camera
  failed and is being reopened: its `.status` is the line to show ("camera lost, retrying in
  4 s"). `read()` never blocks longer than `max_block_s` plus one capture timeout, so the loop
  keeps drawing and pinging the watchdog;
- None only after `close()`.

Image and time come from one `capture_request()`, so they belong to the same frame; the
request goes back to libcamera in a `finally` whatever happens (an unreleased request starves
the camera of buffers within a few frames).

Exposure: a short fixed shutter (default 2 ms) because running feet blur at the 10-30 ms an
automatic exposure picks indoors. With `gain` 0 only the shutter is fixed and the Raspberry Pi
AGC raises the analogue gain to make up for it; with `gain` > 0 both are fixed, which turns
the AEC/AGC off. `AeEnable` itself is not sent: fixing ExposureTime and AnalogueGain already
does that, sending it with them at start-up makes libcamera adopt stale values
(raspberrypi/picamera2#933), and libcamera 0.5 no longer handles it (picamera2#1269; picamera2
maps fixed values onto ExposureTimeMode/AnalogueGainMode itself, #1255).

picamera2 is imported inside this module only, lazily: it needs the OS's libcamera bindings
(apt's python3-picamera2) and does not exist on a development machine.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Sequence

import numpy as np

from hardware.reconnect import CameraUnavailable, ReconnectingSource
from station.config import CameraConfig
from station.errors import SourceError

log = logging.getLogger(__name__)

__all__ = ["PiCameraSource", "CameraUnavailable", "choose_sensor_mode", "camera_controls_for",
           "PICAMERA2_MISSING_FIX"]

PICAMERA2_MISSING_FIX = ("install python3-picamera2 with apt and create the venv with "
                         "--system-site-packages (systemd/install.sh does both)")

#: A mode whose crop covers at least this share of the pixel array's width and height sees
#: the whole field of view (OV5647's binned 640x480 mode reads 2560 of 2592 columns).
FULL_FOV_MIN_FRACTION = 0.95


def import_picamera2() -> Any:
    """The Picamera2 class, or SourceError saying how to install it."""
    try:
        from picamera2 import Picamera2  # type: ignore[import-not-found]
    except ImportError as e:
        raise SourceError(f"picamera2 is not importable ({e}): {PICAMERA2_MISSING_FIX}") from None
    return Picamera2


def _fov_fractions(mode: dict[str, Any], pixel_array_px: tuple[int, int]) -> tuple[float, float]:
    _, _, crop_w, crop_h = mode["crop_limits"]
    return min(1.0, crop_w / pixel_array_px[0]), min(1.0, crop_h / pixel_array_px[1])


def is_full_fov(mode: dict[str, Any], pixel_array_px: tuple[int, int]) -> bool:
    fx, fy = _fov_fractions(mode, pixel_array_px)
    return fx >= FULL_FOV_MIN_FRACTION and fy >= FULL_FOV_MIN_FRACTION


def choose_sensor_mode(modes: Sequence[dict[str, Any]], pixel_array_px: tuple[int, int] | None,
                       fps: float, output_px: tuple[int, int]) -> dict[str, Any] | None:
    """The sensor mode to run: the smallest one that sees the whole field of view at `fps`.

    The fastest, smallest modes of most Pi sensors are centre crops (IMX708's 1536x864 at
    120 fps reads the middle quarter; IMX219's 640x480 a 1280x960 window): the runner's feet
    would leave the frame. Among full-field modes fast enough, the smallest is read out
    quickest and costs the ISP least; one at least as large as the output is preferred so the
    ISP never upscales. Without a fast-enough full-field mode, the widest fast-enough one is
    used (logged); without any fast-enough mode, the fastest (the frame rate drops; logged).
    Returns None when the modes carry no size (a USB camera behind libcamera).
    """
    usable = [m for m in modes if "size" in m and "crop_limits" in m and "fps" in m]
    if not usable:
        return None
    if pixel_array_px is None:  # fall back to the union of the crops
        pixel_array_px = (max(m["crop_limits"][0] + m["crop_limits"][2] for m in usable),
                          max(m["crop_limits"][1] + m["crop_limits"][3] for m in usable))
    fast = [m for m in usable if m["fps"] >= fps * 0.995]  # 29.98 fps counts as 30
    if not fast:
        best = max(usable, key=lambda m: m["fps"])
        log.warning("no sensor mode reaches %.4g fps; using %s at %.4g fps", fps,
                    _mode_text(best), best["fps"])
        return best

    def area(m: dict[str, Any]) -> int:
        return int(m["size"][0]) * int(m["size"][1])

    def too_small(m: dict[str, Any]) -> bool:
        return m["size"][0] < output_px[0] or m["size"][1] < output_px[1]

    full = [m for m in fast if is_full_fov(m, pixel_array_px)]
    if full:
        return min(full, key=lambda m: (too_small(m), area(m)))

    def coverage(m: dict[str, Any]) -> float:
        fx, fy = _fov_fractions(m, pixel_array_px)
        return fx * fy

    best = max(fast, key=lambda m: (coverage(m), -area(m)))
    log.warning("no full field-of-view sensor mode reaches %.4g fps; using %s, which sees "
                "%.0f%% of the sensor", fps, _mode_text(best), 100 * coverage(best))
    return best


def _mode_text(mode: dict[str, Any]) -> str:
    w, h = mode["size"]
    return f"{w}x{h} ({mode.get('bit_depth', '?')}-bit, up to {mode['fps']:.4g} fps)"


def camera_controls_for(cfg: CameraConfig, fps: float) -> dict[str, Any]:
    """libcamera controls for the config: a fixed frame rate and the exposure settings."""
    period_us = int(round(1e6 / fps))
    controls: dict[str, Any] = {"FrameDurationLimits": (period_us, period_us)}
    if cfg.exposure_us > 0:
        controls["ExposureTime"] = min(int(cfg.exposure_us), period_us)
    if cfg.gain > 0:
        controls["AnalogueGain"] = float(cfg.gain)
    return controls


class PiCameraSource(ReconnectingSource):
    """Frames from a Raspberry Pi camera module; see the module docstring for the contract.

    `picamera2_class` is for tests (tests/fakes/fake_picamera2.py); `clock_s`/`sleep_s` drive
    the back-off (the default sleep wakes at once when `close()` is called).
    """

    device_name = "camera"

    def __init__(self, camera: CameraConfig, camera_num: int = 0, *,
                 picamera2_class: Any = None,
                 clock_s: Callable[[], float] = time.monotonic,
                 clock_ns: Callable[[], int] = time.monotonic_ns,
                 sleep_s: Callable[[float], object] | None = None,
                 capture_timeout_s: float | None = None,
                 backoff_first_s: float = 1.0, backoff_max_s: float = 30.0,
                 max_block_s: float = 1.0) -> None:
        super().__init__(clock_s=clock_s, sleep_s=sleep_s, backoff_first_s=backoff_first_s,
                         backoff_max_s=backoff_max_s, max_block_s=max_block_s)
        self.config = camera
        self.camera_num = camera_num
        self._picamera2 = picamera2_class if picamera2_class is not None else import_picamera2()
        self._clock_ns = clock_ns
        self.fps = float(camera.fps)
        self.size_px = (camera.width_px, camera.height_px)
        # A capture that takes this long means the camera has stopped delivering.
        self.capture_timeout_s = capture_timeout_s if capture_timeout_s is not None \
            else max(1.0, 5.0 / self.fps)
        self.sensor_mode: dict[str, Any] | None = None
        self.model = "camera"
        self._warned_no_timestamp = False
        self._check_camera_listed()
        try:
            self._device = self._open_device()
        except SourceError:
            raise
        except Exception as e:
            # A CSI camera missing at start-up does not appear later without a reboot: fail
            # now with the reason instead of showing "retrying" forever.
            raise SourceError(f"camera {camera_num} could not be opened ({type(e).__name__}: "
                              f"{e}); check the ribbon cable and `rpicam-hello "
                              f"--list-cameras`") from None

    # ------------------------------------------------------------------ opening and closing

    def _check_camera_listed(self) -> None:
        info = getattr(self._picamera2, "global_camera_info", None)
        if info is None:
            return
        cameras = info()
        if len(cameras) <= self.camera_num:
            raise SourceError(f"no camera {self.camera_num}: libcamera lists "
                              f"{len(cameras)} camera(s); check the ribbon cable (contacts "
                              f"facing the board's connector) and `rpicam-hello --list-cameras`")

    def _open_device(self) -> Any:
        cam = self._picamera2(self.camera_num)
        try:
            self.model = str(cam.camera_properties.get("Model", "camera"))
            if self.sensor_mode is None:  # enumerating modes reconfigures the camera: once
                pixel_array = cam.camera_properties.get("PixelArraySize")
                self.sensor_mode = choose_sensor_mode(
                    cam.sensor_modes, tuple(pixel_array) if pixel_array else None,
                    self.config.fps, (self.config.width_px, self.config.height_px)) or {}
                if self.sensor_mode:
                    self.fps = min(float(self.config.fps), float(self.sensor_mode["fps"]))
                    log.info("%s: sensor mode %s for %dx%d at %.4g fps", self.model,
                             _mode_text(self.sensor_mode), *self.size_px, self.fps)
            kwargs: dict[str, Any] = {}
            if self.sensor_mode:
                kwargs["sensor"] = {"output_size": tuple(self.sensor_mode["size"]),
                                    "bit_depth": self.sensor_mode["bit_depth"]}
            video_config = cam.create_video_configuration(
                main={"size": (self.config.width_px, self.config.height_px),
                      "format": "RGB888"},  # 3 bytes a pixel, B,G,R in memory
                controls=camera_controls_for(self.config, self.fps), **kwargs)
            cam.configure(video_config)
            actual = tuple(cam.camera_configuration()["main"]["size"])
            if actual != self.size_px:
                log.warning("camera gives %dx%d instead of the configured %dx%d", *actual,
                            *self.size_px)
                self.size_px = (int(actual[0]), int(actual[1]))
            cam.start()
        except BaseException:
            self._close_device(cam)
            raise
        return cam

    def _close_device(self, cam: Any) -> None:
        for step in ("stop", "close"):
            try:
                getattr(cam, step)()
            except Exception as e:  # a dead camera may refuse; the reopen must still go on
                log.debug("camera %s failed: %s", step, e)

    # ------------------------------------------------------------------ reading

    def _capture_frame(self, cam: Any) -> tuple[np.ndarray, int]:
        request = cam.capture_request(wait=self.capture_timeout_s)
        try:
            rgb, metadata = self._convert(request)
        finally:
            request.release()
        return rgb, self._timestamp_ns(metadata)

    def _convert(self, request: Any) -> tuple[np.ndarray, dict]:
        bgr = request.make_array("main")
        w, h = self.size_px
        if bgr.dtype != np.uint8 or bgr.shape != (h, w, 3):
            raise ValueError(f"expected a uint8 ({h}, {w}, 3) RGB888 image, got "
                             f"dtype={bgr.dtype} shape={bgr.shape}")
        # picamera2's "RGB888" is B,G,R in memory (OpenCV order); Frame wants R,G,B. The
        # copy also detaches the image from the camera buffer about to be released.
        rgb = np.ascontiguousarray(bgr[..., ::-1])
        return rgb, request.get_metadata()

    def _timestamp_ns(self, metadata: dict) -> int:
        """SensorTimestamp, or the arrival time when a camera gives none (warned once)."""
        t_ns = metadata.get("SensorTimestamp")
        if isinstance(t_ns, int) and not isinstance(t_ns, bool):
            return t_ns
        if not self._warned_no_timestamp:
            log.warning("camera metadata has no SensorTimestamp; timing frames on arrival")
            self._warned_no_timestamp = True
        return self._clock_ns()
