"""WebcamSource against a fake cv2.VideoCapture: colour order, size, a webcam unplugged and
plugged back in (reopen with back-off, status), clean close."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.webcam_source import CameraUnavailable, WebcamSource
from station.config import default_config
from station.errors import SourceError


class FakeWebcams:
    """/dev/videoN: `plugged` decides whether a VideoCapture opens; `unplug_at` are grab
    numbers at which the device disappears (until `plugged` is set again)."""

    def __init__(self, size_px=(640, 480), scene_rgb=(10, 150, 250)) -> None:
        self.size_px, self.scene_rgb = size_px, scene_rgb
        self.plugged = True
        self.unplug_at: set[int] = set()
        self.grabs = 0
        self.opened = 0
        self.open_captures: list["FakeCapture"] = []

    def __call__(self, index: int) -> "FakeCapture":
        return FakeCapture(self, index)


class FakeCapture:
    def __init__(self, cams: FakeWebcams, index: int) -> None:
        self._cams, self.index = cams, index
        self._open = cams.plugged and index == 0
        self.props: dict[int, float] = {}
        if self._open:
            cams.opened += 1
            cams.open_captures.append(self)

    def isOpened(self) -> bool:
        return self._open

    def set(self, prop: int, value: float) -> bool:
        self.props[prop] = value
        return True

    def get(self, prop: int) -> float:
        w, h = self._cams.size_px
        return {cv2.CAP_PROP_FRAME_WIDTH: w, cv2.CAP_PROP_FRAME_HEIGHT: h,
                cv2.CAP_PROP_FPS: 30.0}.get(prop, 0.0)

    def grab(self) -> bool:
        k = self._cams.grabs
        self._cams.grabs += 1
        if k in self._cams.unplug_at:
            self._cams.plugged = False
        return self._open and self._cams.plugged

    def retrieve(self):
        w, h = self._cams.size_px
        rgb = np.empty((h, w, 3), np.uint8)
        rgb[...] = self._cams.scene_rgb
        return True, np.ascontiguousarray(rgb[..., ::-1])  # OpenCV hands out BGR

    def release(self) -> None:
        if self._open:
            self._cams.open_captures.remove(self)
        self._open = False


class FakeClock:
    def __init__(self) -> None:
        self.now_s = 0.0

    def __call__(self) -> float:
        return self.now_s

    def sleep(self, s: float) -> None:
        self.now_s += s


def open_webcam(cams: FakeWebcams, clock: FakeClock) -> WebcamSource:
    return WebcamSource(0, default_config().camera, capture_factory=cams, clock_s=clock,
                        sleep_s=clock.sleep, clock_ns=lambda: int(clock() * 1e9))


def test_frames_are_rgb_at_the_configured_size_with_increasing_times():
    cams, clock = FakeWebcams(), FakeClock()
    with open_webcam(cams, clock) as src:
        frames = [src.read() for _ in range(3)]
        prop = cams.open_captures[0].props
        assert prop[cv2.CAP_PROP_FRAME_WIDTH] == 640 and prop[cv2.CAP_PROP_FPS] == 30.0
    assert all(tuple(f.image[5, 5]) == (10, 150, 250) for f in frames)
    assert [f.seq for f in frames] == [0, 1, 2]
    assert frames[0].t_ns < frames[1].t_ns < frames[2].t_ns
    assert cams.open_captures == []  # released on close


def test_the_size_the_webcam_gives_is_the_size_delivered(caplog):
    cams, clock = FakeWebcams(size_px=(1280, 720)), FakeClock()
    with open_webcam(cams, clock) as src:
        assert src.size_px == (1280, 720)
        assert src.read().image.shape == (720, 1280, 3)
    assert "gives 1280x720 instead of 640x480" in caplog.text


def test_an_unplugged_webcam_is_reopened_with_back_off_when_plugged_back():
    cams, clock = FakeWebcams(), FakeClock()
    src = open_webcam(cams, clock)
    src.read()
    cams.unplug_at = {1}
    with pytest.raises(CameraUnavailable, match="webcam lost, retrying in 1 s"):
        src.read()
    statuses = []
    for _ in range(8):  # still unplugged: attempts at +1, +3, +7 s
        try:
            src.read()
        except CameraUnavailable as e:
            statuses.append(e.status)
    assert "webcam lost, retrying in 4 s" in statuses and src.lost
    cams.plugged = True
    for _ in range(20):
        try:
            frame = src.read()
            break
        except CameraUnavailable:
            pass
    assert frame.seq == 1 and src.status == "webcam ok" and src.reopen_count == 1
    src.close()
    assert src.read() is None and cams.open_captures == []


def test_a_webcam_absent_at_start_is_a_source_error():
    cams = FakeWebcams()
    cams.plugged = False
    with pytest.raises(SourceError, match="webcam 0 could not be opened"):
        open_webcam(cams, FakeClock())
