"""`station bench`: timings measured in one run, so ratios are fair on a noisy machine."""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from station.commands.analyze import positive_int
from station.errors import BadInput

NAME = "bench"
HELP = "measure pose, kernel and pipeline speed on this machine"

#: Clip used when --clip is not given (found beside a source checkout).
DEFAULT_CLIP = "treadmill_side_gym_60fps_portrait.mp4"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", metavar="PATH|-", help="write the figures as JSON ('-' = stdout)")
    p.add_argument("--clip", type=Path, help=f"real clip for the pose section "
                   f"(default: {DEFAULT_CLIP} from the shared media folder, when present)")
    p.add_argument("--frames", type=positive_int, default=120,
                   help="frames per pose measurement (default 120)")


def default_clip() -> Path | None:
    candidates = []
    if os.environ.get("STATION_MEDIA_DIR"):
        candidates.append(Path(os.environ["STATION_MEDIA_DIR"]) / DEFAULT_CLIP)
    repo = Path(__file__).resolve().parents[2]
    candidates.append(repo.parent / "shared" / "media" / DEFAULT_CLIP)
    return next((c for c in candidates if c.exists()), None)


def _decode(clip: Path, n: int) -> tuple[list, float]:
    from hardware.video_file import VideoFileSource
    with VideoFileSource(clip) as src:
        frames = [f for _, f in zip(range(n), src)]
        return frames, src.fps


def bench_pose(clip: Path, n_frames: int) -> dict[str, Any]:
    """Pose model time per frame on decoded frames (decode not counted), mask on and off."""
    from station.pose import make_pose_estimator
    frames, fps = _decode(clip, n_frames)
    if len(frames) < 10:
        raise BadInput(f"--clip {clip}: expected at least 10 frames, found {len(frames)}")
    out: dict[str, Any] = {"pose_clip": clip.name, "pose_frames": len(frames),
                           "pose_resolution": f"{frames[0].width_px}x{frames[0].height_px}"}
    for label, mask in (("", True), ("_no_mask", False)):
        with make_pose_estimator(segmentation=mask) as est:
            per_frame = []
            for f in frames:
                t0 = time.perf_counter()
                est.estimate(f)
                per_frame.append(time.perf_counter() - t0)
        steady = np.array(per_frame[5:]) * 1e3  # the first frames include graph start-up
        out[f"pose_ms_per_frame{label}"] = round(float(np.mean(steady)), 2)
        out[f"pose_ms_p50{label}"] = round(float(np.median(steady)), 2)
        out[f"pose_ms_p95{label}"] = round(float(np.percentile(steady, 95)), 2)
    out["pose_fps"] = round(1000.0 / out["pose_ms_per_frame"], 1)
    return out


def rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


#: Sections run in order; each returns a dict of figures merged into the output.
SECTIONS: list[tuple[str, Callable[[argparse.Namespace], dict[str, Any]]]] = []


def _pose_section(args: argparse.Namespace) -> dict[str, Any]:
    clip = args.clip or default_clip()
    if clip is None:
        return {"pose_skipped": f"no clip: pass --clip FILE ({DEFAULT_CLIP} not found)"}
    if not clip.exists():
        raise BadInput(f"--clip {clip}: no such file")
    return bench_pose(clip, args.frames)


SECTIONS.append(("pose", _pose_section))


def run(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {"cpu_count": os.cpu_count()}
    for name, section in SECTIONS:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results.update(section(args))
    results["rss_mb"] = rss_mb()
    text = json.dumps(results, indent=2)
    if args.json == "-":
        print(text)
    else:
        if args.json:
            Path(args.json).write_text(text + "\n")
        for k, v in results.items():
            print(f"{k:32s} {v}")
    return 0
