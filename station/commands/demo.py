"""`station demo`: the whole live loop on the synthetic runner, whose form starts poor and
improves, so cues appear and then clear."""
from __future__ import annotations

import argparse

from station.commands.run import add_display_arguments
from station.live.app import LiveOptions, run_live
from station.store.live_recording import record_options

NAME = "demo"
HELP = "live station on a synthetic runner whose form starts poor and improves"

DEFAULT_SECONDS = 60.0
#: The runner fixes their form a little after half-way, so both halves show.
CHANGE_AT_FRACTION = 0.55


def demo_scenario(seconds: float):
    from station.synth.knobs import resolve_knobs
    return resolve_knobs({"change_at_s": max(8.0, CHANGE_AT_FRACTION * seconds),
                          "change_ramp_s": 2.0, "absent_s": 1.0, "jitter_px": 1.0,
                          "far_leg_vis": 0.8,
                          # After the change a clearly good runner: the default synthetic
                          # runner lands on the heel with a 15% overstride, right on the
                          # land_midfoot threshold, and the demo's end would flicker.
                          "overstride_pct": 8.0, "foot_strike_angle_deg": 4.0},
                         preset="good", start_preset="poor")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_display_arguments(p)
    p.add_argument("--real-pose", action="store_true",
                   help="run MediaPipe on the rendered frames instead of the runner's own "
                        "landmarks")
    p.add_argument("--seed", type=int, default=0, help="tracking-noise seed")


def run(args: argparse.Namespace) -> int:
    seconds = args.seconds if args.seconds is not None else DEFAULT_SECONDS
    return run_live(LiveOptions(
        source="synthetic", realtime=True, headless=args.headless, seconds=seconds,
        screenshot=args.screenshot, stats_json=args.stats_json, config=args.config,
        real_pose=args.real_pose, no_gpio=args.no_gpio, synthetic_knobs=demo_scenario(seconds),
        synthetic_seconds=seconds + 5.0, seed=args.seed, record=record_options(args)))
