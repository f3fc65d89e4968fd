"""`station synth --out DIR`: a synthetic runner with exact ground truth.

Writes DIR/landmarks.csv (+ masks.npz), DIR/clean/landmarks.csv (noise-free),
DIR/truth.json and DIR/runner.mp4. Every knob of station/synth/knobs.py is an option
(`--cadence-spm 165`); out-of-range values are refused with one line (exit 2).
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from station.errors import BadInput
from station.synth.knobs import KNOB_SPECS, PRESETS, resolve_knobs
from station.synth.writer import write_clip

NAME = "synth"
HELP = "generate a synthetic runner: landmarks, masks, video and exact truth"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument("--seconds", default="20", metavar="N", help="clip length (default 20)")
    p.add_argument("--seed", default="0", metavar="N", help="noise seed (default 0)")
    p.add_argument("--preset", default="good", metavar="|".join(PRESETS),
                   help="form preset for the run (after --change-at-s when --start-preset)")
    p.add_argument("--start-preset", default=None, metavar="NAME",
                   help="form before --change-at-s (e.g. poor, to show cues clearing)")
    p.add_argument("--no-video", action="store_true",
                   help="skip runner.mp4 and masks.npz (landmarks and truth only)")
    g = p.add_argument_group("knobs (form, scene, noise)")
    for spec in KNOB_SPECS:
        if spec.is_choice:
            rng = "|".join(spec.choices)
        else:
            rng = f"{spec.lo:g}..{spec.hi:g} {spec.unit}".rstrip()
        default = "derived" if spec.default is None else spec.default
        g.add_argument(f"--{spec.name.replace('_', '-')}", dest=f"knob_{spec.name}",
                       default=None, metavar="V",
                       help=f"{spec.help} [{rng}; default {default}]".replace("%", "%%"))


def _number(text: str, name: str, lo: float, hi: float) -> float:
    try:
        v = float(text)
    except ValueError:
        raise BadInput(f"--{name}: expected a number, found {text!r}") from None
    if not (lo <= v <= hi) or math.isnan(v):
        raise BadInput(f"--{name}: expected {lo:g}..{hi:g}, found {text}")
    return v


def run(args: argparse.Namespace) -> int:
    seconds = _number(args.seconds, "seconds", 1.0, 7200.0)
    seed = int(_number(args.seed, "seed", 0, 2 ** 32 - 1))
    values = {spec.name: getattr(args, f"knob_{spec.name}") for spec in KNOB_SPECS}
    knobs = resolve_knobs(values, preset=args.preset, start_preset=args.start_preset)
    scene = knobs.scene
    if scene["absent_s"] + scene["step_off_s"] + 4.0 > seconds:
        raise BadInput(f"--absent-s + --step-off-s leave under 4 s of running in a "
                       f"{seconds:g} s clip")
    summary = write_clip(args.out, knobs, seconds, seed, video=not args.no_video)
    print(json.dumps(summary))
    return 0
