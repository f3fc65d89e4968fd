"""PiCameraSource against a fake Picamera2 (tests/fakes/fake_picamera2.py): mode choice,
controls, request release, timestamps, colour order, a camera that fails and comes back."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from hardware.picamera_source import (PICAMERA2_MISSING_FIX, CameraUnavailable, PiCameraSource,
                                      choose_sensor_mode)
from station.config import config_from_dict, default_config
from station.errors import BadInput, SourceError
from tests.fakes.fake_picamera2 import (IMX219_MODES, IMX219_PROPERTIES, IMX708_MODES,
                                        FakeCameraRig)


class FakeClock:
    """Monotonic seconds that move only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now_s = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now_s

    def sleep(self, s: float) -> None:
        assert s >= 0
        self.sleeps.append(s)
        self.now_s += s


def open_source(rig: FakeCameraRig, clock: FakeClock | None = None, **camera) -> PiCameraSource:
    clock = clock or FakeClock()
    cfg = config_from_dict({"camera": camera}) if camera else default_config()
    return PiCameraSource(cfg.camera, picamera2_class=rig.picamera2_class(), clock_s=clock,
                          sleep_s=clock.sleep, clock_ns=lambda: int(clock() * 1e9))


def read_until_frame(src: PiCameraSource, max_reads: int = 100) -> tuple[object, list[str]]:
    """read() until a frame comes, collecting the statuses of CameraUnavailable on the way."""
    statuses = []
    for _ in range(max_reads):
        try:
            return src.read(), statuses
        except CameraUnavailable as e:
            statuses.append(e.status)
    raise AssertionError(f"no frame after {max_reads} reads: {statuses[-3:]}")


# ------------------------------------------------------------------ sensor mode

def test_a_full_field_mode_is_chosen_over_the_faster_centre_crop():
    mode = choose_sensor_mode(IMX708_MODES, (4608, 2592), 30.0, (640, 480))
    assert mode["size"] == (2304, 1296)  # not 1536x864, which sees only the middle quarter


def test_the_smallest_full_field_mode_fast_enough_wins():
    # IMX219 at 30 fps: 1640x1232 (binned, full) beats 3280x2464 (too slow) and the crops.
    assert choose_sensor_mode(IMX219_MODES, (3280, 2464), 30.0, (640, 480))["size"] == (1640, 1232)
    # At 20 fps the full-resolution mode is fast enough too, but the binned one is smaller.
    assert choose_sensor_mode(IMX219_MODES, (3280, 2464), 20.0, (640, 480))["size"] == (1640, 1232)


def test_without_a_fast_enough_full_field_mode_the_widest_fast_one_is_used(caplog):
    mode = choose_sensor_mode(IMX219_MODES, (3280, 2464), 60.0, (640, 480))
    assert mode["size"] == (640, 480)  # the only mode >= 60 fps, a crop: said in the log
    assert "full field-of-view" in caplog.text


def test_without_any_fast_enough_mode_the_fastest_is_used(caplog):
    mode = choose_sensor_mode(IMX708_MODES, (4608, 2592), 200.0, (640, 480))
    assert mode["fps"] == 120.13 and "no sensor mode reaches 200" in caplog.text


def test_modes_without_size_give_no_choice():
    assert choose_sensor_mode([{"format": "MJPEG"}], None, 30.0, (640, 480)) is None


def test_the_source_configures_the_chosen_mode_once_across_reopens():
    rig = FakeCameraRig(sensor_modes=[dict(m) for m in IMX219_MODES],
                        properties=dict(IMX219_PROPERTIES), fail_capture_at={1})
    src = open_source(rig)
    cam = rig.current
    assert cam.camera_config["sensor"] == {"output_size": (1640, 1232), "bit_depth": 10}
    assert cam.camera_config["main"] == {"size": (640, 480), "format": "RGB888"}
    assert src.sensor_mode["size"] == (1640, 1232) and src.fps == 30.0
    src.read()
    read_until_frame(src)  # capture 1 fails, the camera is reopened
    assert rig.opens == 2 and rig.current is not cam
    assert rig.current.camera_config["sensor"] == cam.camera_config["sensor"]
    assert rig.sensor_mode_reads == 1  # enumerating modes reconfigures the camera: once
    src.close()


# ------------------------------------------------------------------ controls

def test_default_controls_fix_a_short_shutter_and_leave_the_gain_to_the_agc():
    rig = FakeCameraRig()
    with open_source(rig):
        controls = rig.current.controls
    assert controls["FrameDurationLimits"] == (33333, 33333)
    assert 0 < controls["ExposureTime"] <= 2000
    assert "AnalogueGain" not in controls  # gain 0: the AGC compensates for the short shutter
    assert "AeEnable" not in controls  # fixed values turn AEC/AGC off by themselves


def test_controls_follow_the_config():
    rig = FakeCameraRig()
    with open_source(rig, fps=50.0, exposure_us=1000, gain=6.0) as src:
        controls = rig.current.controls
        assert src.fps == 50.0
    assert controls["FrameDurationLimits"] == (20000, 20000)
    assert controls["ExposureTime"] == 1000 and controls["AnalogueGain"] == 6.0


def test_automatic_exposure_sends_no_exposure_time():
    rig = FakeCameraRig()
    with open_source(rig, exposure_us=0):
        assert "ExposureTime" not in rig.current.controls


def test_an_exposure_longer_than_a_frame_is_refused_by_the_config():
    with pytest.raises(BadInput, match=r"camera.exposure_us: expected at most the frame period "
                                       r"\(16667 us at 60 fps\)"):
        config_from_dict({"camera": {"fps": 60.0, "exposure_us": 20000}})


# ------------------------------------------------------------------ frames

def test_frames_are_rgb_in_the_configured_size_timed_by_sensor_timestamp():
    rig = FakeCameraRig(scene_rgb=(200, 120, 40))
    with open_source(rig) as src:
        frames = [src.read() for _ in range(3)]
    for k, f in enumerate(frames):
        assert f.image.shape == (480, 640, 3) and f.image.dtype == np.uint8
        assert tuple(f.image[10, 10]) == (200, 120, 40)  # R first, not picamera2's B first
        assert f.image.flags["C_CONTIGUOUS"]
        assert f.image[0, 0, 0] == k  # the frame the request carried
        assert f.t_ns == 5_000_000_000 + k * 33_333_000
        assert f.seq == k
    assert rig.issued == rig.released == 3


def test_without_sensor_timestamp_frames_are_timed_on_arrival_and_stay_increasing(caplog):
    rig = FakeCameraRig(timestamps=False)
    clock = FakeClock()
    with open_source(rig, clock) as src:
        a, b = src.read(), src.read()  # the fake clock does not move: same arrival time
    assert a.t_ns == int(clock() * 1e9) and b.t_ns == a.t_ns + 1
    assert caplog.text.count("no SensorTimestamp") == 1


# ------------------------------------------------------------------ failures

def test_every_request_is_released_even_when_conversion_fails():
    rig = FakeCameraRig(bad_frame_at={1})
    src = open_source(rig)
    src.read()
    with pytest.raises(CameraUnavailable, match="camera lost, retrying in 1 s"):
        src.read()
    assert rig.issued == rig.released == 2
    frame, _ = read_until_frame(src)
    assert frame.image.shape == (480, 640, 3)
    src.close()
    assert rig.issued == rig.released


def test_a_camera_that_fails_mid_run_is_reopened_with_back_off_and_frames_resume():
    clock = FakeClock()
    rig = FakeCameraRig(fail_capture_at={2})
    src = open_source(rig, clock)
    first = [src.read(), src.read()]
    t_lost = clock()

    rig.absent_for_opens = 3  # the camera stays away for three reopen attempts
    with pytest.raises(CameraUnavailable) as lost:
        src.read()
    assert lost.value.status == "camera lost, retrying in 1 s" and lost.value.retry_in_s == 1.0
    assert src.lost and src.status == "camera lost, retrying in 1 s"
    assert rig.instances[0].closed  # the failed camera was let go before reopening

    frame, statuses = read_until_frame(src)
    # Attempts at +1 s, then +2, +4, +8 s after each failed one: 1 + 2 + 4 + 8 = 15 s.
    assert clock() - t_lost == pytest.approx(15.0)
    assert rig.failed_opens == 3 and rig.opens == 2
    assert "camera lost, retrying in 2 s" in statuses
    assert "camera lost, retrying in 4 s" in statuses
    assert "camera lost, retrying in 8 s" in statuses
    # read() never sleeps more than max_block_s at a time, so the loop stays responsive.
    assert max(clock.sleeps) <= src.max_block_s
    assert frame.seq == 2 and frame.t_ns > first[1].t_ns
    assert src.status == "camera ok" and not src.lost
    assert src.reopen_count == 1 and src.failures_total == 4

    # Back-off starts again from 1 s after frames came through.
    rig.fail_capture_at = {rig.captures}
    with pytest.raises(CameraUnavailable, match="retrying in 1 s"):
        src.read()
    src.close()
    assert rig.issued == rig.released


def test_the_back_off_is_capped():
    clock = FakeClock()
    rig = FakeCameraRig(fail_capture_at={0})
    src = open_source(rig, clock)
    rig.absent_for_opens = 8
    _, statuses = read_until_frame(src, max_reads=1000)
    waits = sorted({int(s.split()[-2]) for s in statuses if "retrying in" in s})
    assert max(waits) == 30  # 1, 2, 4, 8, 16, then 30 s
    src.close()


def test_status_counts_down_while_waiting():
    clock = FakeClock()
    rig = FakeCameraRig(fail_capture_at={0})
    src = open_source(rig, clock)
    rig.absent_for_opens = 3
    while rig.failed_opens < 3:  # failures: capture, then three reopens -> waiting 8 s
        with pytest.raises(CameraUnavailable):
            src.read()
    assert src.status == "camera lost, retrying in 8 s"
    clock.now_s += 5.5
    assert src.status == "camera lost, retrying in 3 s"
    clock.now_s += 2.5
    assert src.status == "camera lost, reopening"
    src.close()


# ------------------------------------------------------------------ opening and closing

def test_close_stops_and_closes_the_camera_and_later_reads_return_none():
    rig = FakeCameraRig()
    src = open_source(rig)
    src.read()
    src.close()
    src.close()  # twice is fine
    cam = rig.current
    assert cam.closed and not cam.started
    assert src.read() is None and src.status == "camera closed"
    assert rig.issued == rig.released


def test_close_during_back_off_ends_reading():
    rig = FakeCameraRig(fail_capture_at={0})
    src = open_source(rig)
    with pytest.raises(CameraUnavailable):
        src.read()
    src.close()
    assert src.read() is None and rig.opens == 1


def test_no_camera_listed_at_start_is_a_source_error_naming_the_check():
    rig = FakeCameraRig(present=False)
    with pytest.raises(SourceError, match="libcamera lists 0 camera"):
        open_source(rig)


def test_a_camera_that_cannot_open_at_start_is_a_source_error():
    rig = FakeCameraRig(absent_for_opens=1)
    with pytest.raises(SourceError, match="could not be opened .*rpicam-hello --list-cameras"):
        open_source(rig)


def test_missing_picamera2_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)  # import picamera2 -> ImportError
    with pytest.raises(SourceError) as e:
        PiCameraSource(default_config().camera)
    assert PICAMERA2_MISSING_FIX in str(e.value)
    assert "apt" in str(e.value) and "--system-site-packages" in str(e.value)


def test_close_from_another_thread_wakes_a_read_waiting_in_back_off():
    import threading
    rig = FakeCameraRig(fail_capture_at={0})
    # Real clock and the default sleep (an Event wait): a 30 s back-off, 10 s blocks.
    src = PiCameraSource(default_config().camera, picamera2_class=rig.picamera2_class(),
                         backoff_first_s=30.0, backoff_max_s=30.0, max_block_s=10.0)
    with pytest.raises(CameraUnavailable):
        src.read()
    results = []
    reader = threading.Thread(target=lambda: results.append(src.read()))
    reader.start()
    reader.join(timeout=0.2)  # let it reach the back-off wait (it would sleep up to 10 s)
    assert reader.is_alive()
    src.close()
    reader.join(timeout=5.0)
    assert not reader.is_alive() and results == [None]
