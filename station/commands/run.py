"""`station run`: the live station on a camera, a video file or the synthetic runner."""
from __future__ import annotations

import argparse
from pathlib import Path

from station.commands.analyze import positive_float
from station.live.app import LiveOptions, run_live
from station.live.sources import SOURCE_HELP
from station.store.live_recording import add_record_arguments, record_options

NAME = "run"
HELP = "run the live station (camera, video file or synthetic runner)"


def add_display_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true",
                   help="render the screen in memory (no display needed)")
    p.add_argument("--seconds", type=positive_float, metavar="N", help="stop after N seconds")
    p.add_argument("--screenshot", type=Path, metavar="PNG",
                   help="save the last screen as a PNG when the run ends")
    p.add_argument("--stats-json", type=Path, metavar="PATH",
                   help="write fps, dropped frames and latency percentiles")
    p.add_argument("--config", type=Path, metavar="TOML", help="station config file")
    p.add_argument("--no-gpio", action="store_true", help="no buzzer, LED or button")
    add_record_arguments(p)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", default="picamera", metavar="SOURCE",
                   help=f"{SOURCE_HELP} (default: picamera)")
    p.add_argument("--realtime", action="store_true",
                   help="play a file at its own pace like a camera (frames drop when "
                        "processing is slower); without it every frame is processed")
    add_display_arguments(p)
    p.add_argument("--real-pose", action="store_true",
                   help="synthetic source: run MediaPipe on the rendered frames instead of "
                        "using the runner's own landmarks")
    p.add_argument("--pose-task", metavar="FILE", help="Tasks-API .task model file")
    p.add_argument("--time-scale", type=positive_float, default=1.0, metavar="X",
                   help="slow-motion factor of a video file")
    p.add_argument("--facing", choices=("auto", "left", "right"), default="auto")
    p.add_argument("--height-cm", type=positive_float, metavar="H")
    p.add_argument("--belt-kmh", type=positive_float, metavar="V")


def run(args: argparse.Namespace) -> int:
    return run_live(LiveOptions(
        source=args.source, realtime=args.realtime or args.source in ("synthetic",),
        headless=args.headless, seconds=args.seconds, screenshot=args.screenshot,
        stats_json=args.stats_json, config=args.config, real_pose=args.real_pose,
        pose_task=args.pose_task, time_scale=args.time_scale, facing=args.facing,
        height_cm=args.height_cm, belt_kmh=args.belt_kmh, no_gpio=args.no_gpio,
        record=record_options(args)))
