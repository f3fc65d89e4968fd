"""A fake picamera2.Picamera2 with the methods and attributes PiCameraSource uses.

The camera "hardware" is a `FakeCameraRig`: its sensor modes and properties are real ones
(the Camera Module 3 / IMX708 by default), it can fail on demand, and it counts every request
handed out and released. `rig.picamera2_class()` gives a Picamera2-like class bound to the rig,
so the source can construct, close and reconstruct cameras as it would on a Pi.

Failures:
- `fail_capture_at`: capture numbers (0-based, counted over the rig's life) whose
  `capture_request()` raises, as libcamera does when the frontend times out;
- `bad_frame_at`: capture numbers whose request yields a malformed image (conversion fails);
- `absent_for_opens`: the next N `Picamera2(...)` constructions fail, as when the camera is
  gone; construction works again afterwards.

Images: the scene is a constant colour `scene_rgb` with the capture number written into
pixel (0, 0)'s red channel, stored the way picamera2's RGB888 stores it: B, G, R in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Real sensor_modes of three Pi cameras (picamera2 on a Pi; format names kept as strings).
IMX708_MODES = [
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (1536, 864),
     "fps": 120.13, "crop_limits": (768, 432, 3072, 1728), "exposure_limits": (9, None)},
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (2304, 1296),
     "fps": 56.03, "crop_limits": (0, 0, 4608, 2592), "exposure_limits": (13, 77208384, None)},
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (4608, 2592),
     "fps": 14.35, "crop_limits": (0, 0, 4608, 2592), "exposure_limits": (26, 112015443, None)},
]
IMX708_PROPERTIES = {"Model": "imx708", "PixelArraySize": (4608, 2592), "Location": 2,
                     "Rotation": 180, "ColorFilterArrangement": 0}
IMX219_MODES = [
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (640, 480),
     "fps": 206.65, "crop_limits": (1000, 752, 1280, 960), "exposure_limits": (37, None)},
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (1640, 1232),
     "fps": 41.85, "crop_limits": (0, 0, 3280, 2464), "exposure_limits": (75, 5883419, None)},
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (1920, 1080),
     "fps": 47.57, "crop_limits": (680, 692, 1920, 1080), "exposure_limits": (75, 11766829, None)},
    {"format": "SRGGB10_CSI2P", "unpacked": "SRGGB10", "bit_depth": 10, "size": (3280, 2464),
     "fps": 21.19, "crop_limits": (0, 0, 3280, 2464), "exposure_limits": (75, 11766829, None)},
]
IMX219_PROPERTIES = {"Model": "imx219", "PixelArraySize": (3280, 2464), "Location": 2,
                     "Rotation": 0, "ColorFilterArrangement": 0}

_CAMERA_CONTROLS = {
    "AeEnable": (False, True, True),
    "ExposureTime": (13, 77208384, 20000),
    "AnalogueGain": (1.12, 16.0, 1.0),
    "FrameDurationLimits": (8333, 77216706, 33333),
}


class FakeRequest:
    """A completed request: an image, its metadata, and a release the rig counts."""

    def __init__(self, rig: "FakeCameraRig", number: int, bgr: np.ndarray,
                 metadata: dict[str, Any]) -> None:
        self._rig, self.number, self._bgr, self._metadata = rig, number, bgr, metadata
        self.released = False

    def make_array(self, name: str) -> np.ndarray:
        if self.released:
            raise RuntimeError("request used after release")
        if name != "main":
            raise KeyError(name)
        return self._bgr.copy()

    def get_metadata(self) -> dict[str, Any]:
        if self.released:
            raise RuntimeError("request used after release")
        return dict(self._metadata)

    def release(self) -> None:
        if self.released:
            raise RuntimeError("request released twice")
        self.released = True
        self._rig.released += 1


@dataclass
class FakeCameraRig:
    """The camera hardware behind every FakePicamera2 made from `picamera2_class()`."""

    sensor_modes: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(m) for m in IMX708_MODES])
    properties: dict[str, Any] = field(default_factory=lambda: dict(IMX708_PROPERTIES))
    scene_rgb: tuple[int, int, int] = (200, 120, 40)
    first_timestamp_ns: int = 5_000_000_000
    fail_capture_at: set[int] = field(default_factory=set)
    bad_frame_at: set[int] = field(default_factory=set)
    absent_for_opens: int = 0
    present: bool = True  # False: global_camera_info lists nothing (no camera at boot)
    timestamps: bool = True  # False: metadata without SensorTimestamp
    # What happened:
    opens: int = 0
    failed_opens: int = 0
    captures: int = 0
    issued: int = 0
    released: int = 0
    sensor_mode_reads: int = 0
    instances: list["FakePicamera2"] = field(default_factory=list)

    def picamera2_class(self) -> type:
        rig = self

        class Picamera2(FakePicamera2):
            _rig = rig

            @staticmethod
            def global_camera_info() -> list[dict[str, Any]]:
                if not rig.present:
                    return []
                return [{"Model": rig.properties["Model"], "Location": 2, "Rotation": 180,
                         "Id": "/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a", "Num": 0}]

        return Picamera2

    @property
    def current(self) -> "FakePicamera2":
        return self.instances[-1]

    def next_request(self, cam: "FakePicamera2") -> FakeRequest:
        k = self.captures
        self.captures += 1
        if k in self.fail_capture_at:
            raise RuntimeError("Camera frontend has timed out!")
        w, h = cam.camera_config["main"]["size"]
        period_ns = cam.controls["FrameDurationLimits"][0] * 1000
        rgb = np.empty((h, w, 3), np.uint8)
        rgb[...] = self.scene_rgb
        rgb[0, 0, 0] = k % 256
        bgr = np.ascontiguousarray(rgb[..., ::-1])  # how RGB888 sits in memory
        if k in self.bad_frame_at:
            bgr = bgr[:, : w // 2]  # a wrong shape, as a stride/format mix-up would give
        metadata: dict[str, Any] = {"ExposureTime": cam.controls.get("ExposureTime", 20000),
                                    "AnalogueGain": cam.controls.get("AnalogueGain", 4.0),
                                    "FrameDuration": period_ns // 1000}
        if self.timestamps:
            metadata["SensorTimestamp"] = self.first_timestamp_ns + k * period_ns
        self.issued += 1
        return FakeRequest(self, k, bgr, metadata)


class FakePicamera2:
    """Picamera2's surface as PiCameraSource uses it; misuse raises like the real one."""

    _rig: FakeCameraRig

    def __init__(self, camera_num: int = 0) -> None:
        rig = self._rig
        if not rig.present or camera_num != 0:
            raise IndexError("list index out of range")
        if rig.absent_for_opens > 0:
            rig.absent_for_opens -= 1
            rig.failed_opens += 1
            raise RuntimeError("Camera __init__ sequence did not complete.")
        rig.opens += 1
        rig.instances.append(self)
        self.camera_num = camera_num
        self.camera_properties = dict(rig.properties)
        self.camera_controls = dict(_CAMERA_CONTROLS)
        self.camera_config: dict[str, Any] | None = None
        self.controls: dict[str, Any] = {}
        self.started = False
        self.closed = False
        self.stops = 0

    @property
    def sensor_modes(self) -> list[dict[str, Any]]:
        self._rig.sensor_mode_reads += 1
        return [dict(m) for m in self._rig.sensor_modes]

    def create_video_configuration(self, main: dict | None = None, lores: dict | None = None,
                                   raw: dict | None = None, transform: Any = None,
                                   colour_space: Any = None, buffer_count: int = 6,
                                   controls: dict | None = None, display: str | None = "main",
                                   encode: str | None = "main", queue: bool = True,
                                   sensor: dict | None = None, use_case: str = "video") -> dict:
        self._check_open()
        m = {"format": "XBGR8888", "size": (1280, 720)} | dict(main or {})
        if m["size"][0] % 2 or m["size"][1] % 2:
            raise RuntimeError("width and height should be even")
        c = {"NoiseReductionMode": 1, "FrameDurationLimits": (33333, 33333)} | dict(controls or {})
        return {"use_case": use_case, "main": m, "lores": lores, "raw": raw,
                "sensor": dict(sensor or {}), "controls": c, "buffer_count": buffer_count,
                "queue": queue}

    def configure(self, config: dict) -> None:
        self._check_open()
        if self.started:
            raise RuntimeError("Camera must be stopped before configuring")
        if config["main"]["format"] not in ("RGB888", "BGR888", "XBGR8888", "XRGB8888"):
            raise RuntimeError(f"Bad format {config['main']['format']} in stream main")
        sensor = config.get("sensor") or {}
        if sensor and not any(tuple(m["size"]) == tuple(sensor["output_size"])
                              and m["bit_depth"] == sensor["bit_depth"]
                              for m in self._rig.sensor_modes):
            raise RuntimeError(f"no sensor mode {sensor}")
        self.camera_config = config
        self.controls = dict(config["controls"])

    def camera_configuration(self) -> dict:
        return self.camera_config or {}

    def set_controls(self, controls: dict) -> None:
        self._check_open()
        self.controls.update(controls)

    def start(self) -> None:
        self._check_open()
        if self.camera_config is None:
            raise RuntimeError("Camera has not been configured")
        self.started = True

    def stop(self) -> None:
        self.stops += 1
        self.started = False

    def close(self) -> None:
        self.stop()
        self.closed = True

    def capture_request(self, wait: Any = None, signal_function: Any = None,
                        flush: Any = None) -> FakeRequest:
        self._check_open()
        if not self.started:
            raise RuntimeError("Camera is not running")
        return self._rig.next_request(self)

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("Camera not opened")
