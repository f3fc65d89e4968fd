"""`station bench`: timings measured in one run, so ratios are fair on a noisy machine."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import sys
from pathlib import Path
from typing import Any, Callable

from station.commands.analyze import positive_int
from station.errors import BadInput

NAME = "bench"
HELP = "measure pose, kernel and pipeline speed on this machine"

#: Clip used when --clip is not given (found beside a source checkout).
DEFAULT_CLIP = "treadmill_side_gym_60fps_portrait.mp4"
SECTIONS = ("kernels", "pipeline", "latency")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", metavar="PATH|-", help="write the figures as JSON ('-' = stdout)")
    p.add_argument("--clip", type=Path, help=f"real clip for the pose/pipeline section "
                   f"(default: {DEFAULT_CLIP} from the shared media folder, when present)")
    p.add_argument("--frames", type=positive_int, default=150,
                   help="frames of the clip to time (default 150)")
    p.add_argument("--only", choices=SECTIONS, action="append",
                   help="run only this section (repeatable)")


def default_clip() -> Path | None:
    candidates = []
    if os.environ.get("STATION_MEDIA_DIR"):
        candidates.append(Path(os.environ["STATION_MEDIA_DIR"]) / DEFAULT_CLIP)
    repo = Path(__file__).resolve().parents[2]
    candidates.append(repo.parent / "shared" / "media" / DEFAULT_CLIP)
    return next((c for c in candidates if c.exists()), None)


def rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak of this process.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _kernels(args: argparse.Namespace) -> dict[str, Any]:
    from station.bench.kernels_bench import bench_kernels
    with contextlib.redirect_stdout(io.StringIO()):  # analyze prints its summary line
        return bench_kernels()


def _pipeline(args: argparse.Namespace) -> dict[str, Any]:
    from station.bench.pipeline_bench import bench_pose_and_pipeline
    clip = args.clip or default_clip()
    if clip is None:
        return {"pipeline_skipped": f"no clip: pass --clip FILE ({DEFAULT_CLIP} not found)"}
    if not clip.exists():
        raise BadInput(f"--clip {clip}: no such file")
    return bench_pose_and_pipeline(clip, args.frames)


def _latency(args: argparse.Namespace) -> dict[str, Any]:
    from station.bench.pipeline_bench import bench_latency
    return bench_latency()


RUNNERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "kernels": _kernels, "pipeline": _pipeline, "latency": _latency}


def run(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {"cpu_count": os.cpu_count()}
    for name in args.only or SECTIONS:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results.update(RUNNERS[name](args))
    # rss_mb comes from the live run (latency section); this process holds benchmark buffers.
    results["bench_process_rss_mb"] = rss_mb()
    text = json.dumps(results, indent=2)
    if args.json == "-":
        print(text)
    else:
        if args.json:
            Path(args.json).write_text(text + "\n")
        for k, v in results.items():
            print(f"{k:32s} {v}")
    return 0
