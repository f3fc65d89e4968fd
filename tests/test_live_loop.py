"""The threaded loop: every frame processed from a file-like source, drops from a live
one, stats, clean stop from another thread; and `station demo` end to end."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pygame
import pytest

from hardware.frame_source import FrameSource
from station.contracts import Frame, Pose
from station.config import default_config
from station.live.loop import LiveLoop
from station.live.processor import Processor, ProcessorSettings
from station.pose.base import PoseEstimator


class ListSource(FrameSource):
    def __init__(self, n: int, live: bool = False, period_s: float = 0.0) -> None:
        self.fps, self.size_px, self.live = 30.0, (64, 48), live
        self._n, self._i, self._period_s = n, 0, period_s

    def read(self) -> Frame | None:
        if self._i >= self._n:
            return None
        if self._period_s:
            time.sleep(self._period_s)
        self._i += 1
        return Frame(np.zeros((48, 64, 3), np.uint8), int(self._i * 33_333_333), self._i)

    def close(self) -> None:
        pass


class NobodyEstimator(PoseEstimator):
    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s, self.calls = delay_s, 0

    def estimate(self, frame: Frame) -> Pose:
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        return Pose.empty(frame.t_ns, frame.seq)


class Silent:
    def play_cue(self, cue_id, at_ns=None):
        pass

    def schedule_ticks(self, times_ns):
        pass


class DrawRecorder:
    def __init__(self) -> None:
        self.states = []

    def draw(self, state) -> None:
        self.states.append(state)

    def poll_keys(self) -> list[str]:
        return []


def make_loop(source, estimator, screen=None, **kw) -> LiveLoop:
    proc = Processor(estimator, default_config(), ProcessorSettings(fps=30.0), Silent())
    return LiveLoop(source, proc, screen, lossless=not source.live, **kw)


def test_file_source_every_frame_processed():
    est = NobodyEstimator()
    screen = DrawRecorder()
    result = make_loop(ListSource(50), est, screen).run()
    assert result.end_reason == "source ended"
    assert est.calls == 50 and result.stats.frames_processed == 50
    assert result.stats.frames_dropped == 0
    assert screen.states and all(s.mode == "idle" for s in screen.states)


def test_live_source_drops_stale_frames_when_processing_is_slow():
    est = NobodyEstimator(delay_s=0.03)
    result = make_loop(ListSource(60, live=True, period_s=0.005), est).run()
    d = result.stats.as_dict()
    assert result.stats.frames_dropped > 10
    assert d["frames_processed"] + d["frames_dropped"] == d["frames_read"]
    assert d["latency_capture_to_metrics_p95_ms"] >= 30


def test_stop_from_another_thread_ends_cleanly():
    loop = make_loop(ListSource(10_000, live=True, period_s=0.002), NobodyEstimator())
    threading.Timer(0.3, lambda: loop.stop("signal SIGTERM")).start()
    t0 = time.monotonic()
    result = loop.run()
    assert result.end_reason == "signal SIGTERM"
    assert time.monotonic() - t0 < 5
    assert result.stats.frames_processed > 0 and not result.errors


def test_demo_end_to_end(tmp_path):
    png, stats = tmp_path / "demo.png", tmp_path / "stats.json"
    proc = subprocess.run(
        [sys.executable, "-m", "station", "demo", "--headless", "--seconds", "14",
         "--screenshot", str(png), "--stats-json", str(stats), "--no-gpio"],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, STATE_DIRECTORY=str(tmp_path / "state")))
    assert proc.returncode == 0, proc.stderr
    assert "session  started (running)" in proc.stdout
    assert " cue " in proc.stdout                 # the poor form is cued within 12 s
    s = json.loads(stats.read_text())
    # Real time on a shared 2-core machine: frames drop under load, so the counts are
    # lower bounds well below the ~400 frames and ~20 strides of a quiet run.
    assert s["frames_processed"] > 100 and s["strides"] >= 4 and s["cues"] >= 1
    assert s["latency_capture_to_cue_p95_ms"] is not None
    image = pygame.image.load(str(png))
    assert image.get_size() == (1280, 720)


def test_run_rejects_an_unknown_source(capfd):
    from station.cli import main
    assert main(["run", "--source", "camera7", "--headless", "--no-gpio"]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expected picamera | webcam[:N] | synthetic | FILE" in err[0]


def test_camera_lost_then_back_shows_a_message_and_continues():
    from hardware.reconnect import CameraUnavailable

    class FlakySource(ListSource):
        def read(self):
            if self._i == 20 and not getattr(self, "_failed", 0) >= 3:
                self._failed = getattr(self, "_failed", 0) + 1
                time.sleep(0.06)
                raise CameraUnavailable("camera lost, retrying in 1 s", 1.0)
            return super().read()

    screen = DrawRecorder()
    result = make_loop(FlakySource(40, live=True, period_s=0.002), NobodyEstimator(),
                       screen).run()
    assert result.end_reason == "source ended" and not result.errors
    assert result.stats.frames_read == 40
    assert any(s.mode == "message" and "camera lost" in s.status for s in screen.states)


def test_demo_talks_to_systemd(tmp_path):
    """READY after warm-up, WATCHDOG pings from the running loop, STOPPING on the way out,
    through a real datagram socket standing in for systemd's notify socket."""
    import socket
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(0.5)
    env = dict(os.environ, NOTIFY_SOCKET=str(sock_path), WATCHDOG_USEC="1000000")
    err_path = tmp_path / "stderr.txt"
    err = err_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "demo", "--headless", "--seconds", "5", "--no-gpio"],
        env=dict(env, STATE_DIRECTORY=str(tmp_path / "state")),
        stdout=subprocess.DEVNULL, stderr=err)
    messages: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            messages.append(sock.recv(4096).decode())
        except socket.timeout:
            if proc.poll() is not None:
                break
    proc.wait(timeout=30)
    sock.close()
    err.close()
    assert proc.returncode == 0, err_path.read_text()
    kinds = [m.split("\n")[0].split("=")[0] for m in messages]
    assert kinds[0] == "READY" and "STOPPING" in kinds
    ready, stopping = kinds.index("READY"), kinds.index("STOPPING")
    # 5 s of running with a 1 s watchdog: pinged about every 0.5 s in between.
    assert kinds[ready:stopping].count("WATCHDOG") >= 5
