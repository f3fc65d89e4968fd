"""Assemble and run the live station: config, source, pose, processor, screen, GPIO,
systemd notifier, signals; print cues as they come; write stats and a screenshot."""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.config import load_config
from station.contracts import Cue
from station.errors import BadInput
from station.live.loop import LiveLoop, LoopHooks
from station.live.malloc_arenas import limit_malloc_arenas
from station.live.processor import Processor, ProcessorSettings
from station.live.session_tracker import SessionChange
from station.live.sources import make_estimator, open_source
from station.sd_notify import SystemdNotifier, WatchdogPinger

log = logging.getLogger(__name__)


@dataclass
class LiveOptions:
    source: str
    realtime: bool
    headless: bool = False
    seconds: float | None = None
    screenshot: Path | None = None
    stats_json: Path | None = None
    config: Path | None = None
    real_pose: bool = False
    pose_task: str | None = None
    time_scale: float = 1.0
    facing: str = "auto"
    height_cm: float | None = None
    belt_kmh: float | None = None
    no_screen: bool = False
    no_gpio: bool = False
    synthetic_knobs: Any = None
    synthetic_seconds: float = 3600.0
    seed: int = 0
    record: Any = None  # station.store.live_recording.RecordOptions; None = no recording


def warm_up_kernels() -> float:
    """Compile (or load from the cache) every kernel before READY=1; returns seconds."""
    import numpy as np

    from station.contracts import Pose
    from station.gait.analyzer import GaitAnalyzer, GaitSettings
    t0 = time.perf_counter()
    analyzer = GaitAnalyzer(GaitSettings(fps=30.0, facing="right"))
    rng = np.random.default_rng(0)
    for i in range(4):
        xy = rng.uniform(100, 300, (33, 2)).astype(np.float32)
        mask = np.zeros((64, 64), np.uint8)
        analyzer.update(Pose(xy, np.ones(33, np.float32), mask, i * 33_000_000, i))
    analyzer.finish()
    analyzer.compile_stride_kernels()
    return time.perf_counter() - t0


def run_live(opts: LiveOptions) -> int:
    limit_malloc_arenas()       # before any thread starts (station/live/malloc_arenas.py)
    cfg = load_config(opts.config)
    notifier = SystemdNotifier()
    source = open_source(opts.source, cfg, opts.realtime, opts.time_scale,
                         opts.synthetic_knobs, opts.synthetic_seconds, opts.seed)
    screen = io = recorder = None
    try:
        from station.store.live_recording import open_live_recorder
        recorder, runner_height_cm = open_live_recorder(opts.record, cfg, opts.source,
                                                        source.fps)
        estimator = make_estimator(opts.source, source, opts.real_pose, opts.pose_task)
        jit_s = warm_up_kernels()
        log.info("kernels ready in %.2f s", jit_s)
        if not opts.no_screen:
            from display.screen import open_screen
            headless = opts.headless or not _display_available()
            if headless and not opts.headless:
                log.warning("no display found (DISPLAY, WAYLAND_DISPLAY and SDL_VIDEODRIVER "
                            "unset): drawing the screen in memory; --screenshot saves it")
            screen = open_screen(cfg.display, headless=headless)
        holder: dict[str, LiveLoop] = {}
        if not opts.no_gpio:
            from hardware.gpio import open_station_io
            io = open_station_io(cfg, on_button=lambda: holder["loop"].press_button())
        buzzer = io.buzzer if io is not None else _SilentBuzzer()
        processor = Processor(estimator, cfg, ProcessorSettings(
            fps=source.fps, facing=opts.facing, height_cm=opts.height_cm or runner_height_cm,
            belt_kmh=opts.belt_kmh), buzzer, recorder=recorder)
        loop = LiveLoop(source, processor, screen, _printing_hooks(io),
                        lossless=not getattr(source, "live", False),
                        max_seconds=opts.seconds, watchdog=WatchdogPinger(notifier))
        holder["loop"] = loop
        previous = _install_signal_handlers(loop)
        notifier.ready(f"running: source {opts.source}")
        try:
            result = loop.run()
        finally:
            notifier.stopping()
            _restore_signal_handlers(previous)
        if opts.screenshot is not None and screen is not None:
            if result.last_state is not None:
                screen.draw(result.last_state)
            screen.screenshot(opts.screenshot)
        stats = result.stats.as_dict() | {"end": result.end_reason, "errors": result.errors,
                                          "jit_warmup_s": round(jit_s, 3),
                                          "rss_mb": _peak_rss_mb()}
        if recorder is not None:
            recorder.close()
            stats["recorded_sessions"] = recorder.counts.sessions
            stats["recording_status"] = recorder.status or "ok"
            print(recorder.summary_line(), flush=True)
        if opts.stats_json is not None:
            opts.stats_json.parent.mkdir(parents=True, exist_ok=True)
            opts.stats_json.write_text(json.dumps(stats, indent=2) + "\n")
        print(f"ended ({result.end_reason}): {stats['frames_processed']} frames processed, "
              f"{stats['frames_dropped']} dropped, {stats['fps']} fps, {stats['strides']} "
              f"strides, {stats['cues']} cues")
        for err in result.errors:
            print(f"station: {err}", file=sys.stderr)
        return 0 if not result.errors else 1
    finally:
        if recorder is not None:
            recorder.close()
        if io is not None:
            io.close()
        if screen is not None:
            screen.close()
        source.close()
        notifier.close()


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image; getrusage's
    maxrss would carry a parent's peak over fork+exec (a benchmark's, for instance)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _display_available() -> bool:
    """A window needs X, Wayland or an SDL driver chosen for us (kmsdrm on the Pi)."""
    if sys.platform != "linux":
        return True
    return any(os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"))


class _SilentBuzzer:
    """--no-gpio: cues and ticks go nowhere (the screen still shows them)."""

    def play_cue(self, cue_id: str, at_ns: int | None = None) -> None:
        pass

    def schedule_ticks(self, times_ns: object) -> None:
        pass

    def close(self) -> None:
        pass


def _printing_hooks(io: object | None) -> LoopHooks:
    def on_cue(cue: Cue, t_s: float) -> None:
        print(f"{t_s:8.2f} s  cue      {cue.id:18s} {cue.message}", flush=True)

    def on_session(change: SessionChange, t_s: float) -> None:
        print(f"{t_s:8.2f} s  session  {change.kind} ({change.reason})", flush=True)
        if io is not None:
            (io.led.session if change.kind == "started" else io.led.idle)()

    return LoopHooks(on_cue=on_cue, on_session=on_session)


def _install_signal_handlers(loop: LiveLoop) -> dict:
    """Ctrl-C and SIGTERM end the loop cleanly: threads joined, stats and files flushed."""
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, lambda num, frame: loop.stop(
                f"signal {signal.Signals(num).name}"))
        except ValueError:  # not the main thread (tests): leave the defaults
            pass
    return previous


def _restore_signal_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def check_seconds(value: float | None) -> None:
    if value is not None and not value > 0:
        raise BadInput(f"--seconds: expected a positive number, found {value}")
