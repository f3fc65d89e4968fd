"""`station analyze FILE`: the pose model (or a landmarks file) over a whole clip."""
from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import warnings
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from station import summary as sm
from station.clip_reader import ClipReader
from station.config import load_config
from station.contracts import LM, Cue, Pose, StrideMetrics
from station.cues.engine import CueEngine
from station.errors import BadInput
from station.gait.analyzer import GaitAnalyzer, GaitSettings
from station.landmark_file import LandmarkTrack, write_landmarks_csv
from station.pose.gait_evidence import FirstPersonCheck
from station.progress import ProgressBar
from station.view import ViewDecision

NAME = "analyze"
HELP = "analyze a video or a landmarks file: pose, facing, form metrics"
log = logging.getLogger(__name__)


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}")
    return v


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return v


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="video file, or a landmarks CSV from synth/--csv")
    p.add_argument("--json", metavar="PATH|-", help="write the summary as JSON ('-' = stdout)")
    p.add_argument("--csv", metavar="DIR", type=Path, help="write per-frame landmarks.csv to DIR")
    p.add_argument("--overlay", metavar="OUT.mp4", type=Path,
                   help="write the clip with the skeleton drawn on it")
    p.add_argument("--facing", choices=("auto", "left", "right"), default="auto",
                   help="which way the runner faces in the image (default: decided from the "
                        "first seconds)")
    p.add_argument("--time-scale", type=positive_float, default=1.0, metavar="X",
                   help="slow-motion factor: the clip plays X times slower than real life "
                        "(e.g. 4 for 120 fps shown at 30 fps); times are divided by X")
    p.add_argument("--height-cm", type=positive_float, metavar="H", help="runner's height")
    p.add_argument("--belt-kmh", type=positive_float, metavar="V", help="treadmill belt speed")
    p.add_argument("--pose-task", metavar="FILE",
                   help="use the Tasks-API PoseLandmarker from this .task file instead of "
                        "the model bundled in mediapipe")
    p.add_argument("--model-complexity", type=int, default=1, metavar="{0,1,2}",
                   help="BlazePose model: only 1 (full) is bundled; 0/2 would need a download")
    p.add_argument("--no-mask", action="store_true",
                   help="skip the segmentation mask (the silhouette proxies need it)")
    p.add_argument("--person", choices=("auto", "first", "gait"), default="auto",
                   help="whom to analyse when several people are in view: 'first' the "
                        "person the model finds first (fastest), 'gait' the one walking or "
                        "running side-on among up to two, 'auto' (default) first, and gait "
                        "when the first person is not a side-on walker or runner")
    p.add_argument("--max-frames", type=positive_int, metavar="N", help="stop after N frames")
    p.add_argument("--config", type=Path, metavar="TOML",
                   help="station config (cue thresholds); default: the built-in one")


def build_summary(info: Any, track: LandmarkTrack, view: ViewDecision, facing: str,
                  facing_source: str, analyzer: GaitAnalyzer, strides: list[StrideMetrics],
                  cues: list[Cue], person: str = "first") -> dict[str, Any]:
    n = len(track)
    with_pose = int(sum(1 for i in range(n) if (track.xy[i, :, 0] == track.xy[i, :, 0]).any()))
    cadence = sm.session_cadence_spm(analyzer.events)
    hip_y = np.nanmean(track.xy[:, [LM["left_hip"], LM["right_hip"]], 1], axis=1) \
        if n else np.array([])
    hip_cadence = sm.hip_cadence_spm(track.t_ns / 1e9, hip_y) if n else math.nan
    duration_s = 0.0
    if n:
        duration_s = (int(track.t_ns[-1]) - int(track.t_ns[0])) / 1e9 + 1.0 / info.fps
    return {
        "file": str(info.path),
        "source": info.kind,
        "frames": n,
        "frames_with_pose": with_pose,
        "fps": round(info.fps, 3),
        "container_fps": round(info.container_fps, 3),
        "time_scale": info.time_scale,
        "duration_s": round(duration_s, 3),
        "width": info.size_px[0],
        "height": info.size_px[1],
        "person": person,
        "view": view.view,
        "facing": facing,
        "facing_source": facing_source,
        "camera_side": view.camera_side,
        "activity": sm.activity(strides, analyzer.events),
        # A stride record is one foot's contact to its next contact; the feet's records
        # overlap by a step, so a clip of N steps gives about N - 2 of them.
        "strides": len(strides),
        "strides_by_foot": {f: sum(1 for st in strides if st.foot == f)
                            for f in ("left", "right")},
        "steps": sum(1 for ev in analyzer.events if ev.kind == "contact"),
        "cadence_spm": sm.finite_or_none(cadence),
        "cadence_hip_spm": sm.finite_or_none(hip_cadence),
        "scale": analyzer.scale.describe(),
        "metrics": sm.metric_table(strides, cadence),
        "events": sm.events_json(analyzer.events),
        "cues": sm.cues_json(cues),
    }


def _describe(summary: dict[str, Any]) -> str:
    pct = 100.0 * summary["frames_with_pose"] / max(summary["frames"], 1)
    view = summary["view"]
    facing = summary["facing"]
    if view == "side":
        where = f"side view, runner faces image-{facing}" if facing != "unknown" \
            else "side view, facing unclear"
    elif view in ("front", "back"):
        where = f"{view} view: the form metrics need a side-on camera"
    else:
        where = "view unclear"
    line = (f"{summary['file']}: {summary['frames']} frames, {summary['fps']:g} fps, "
            f"{summary['duration_s']:.2f} s; a person in {summary['frames_with_pose']} "
            f"frames ({pct:.0f}%); {where}")
    if view != "side":
        return line
    by_foot = summary["strides_by_foot"]
    gait = (f"gait: {summary['activity']}, {plural(summary['strides'], 'stride')} "
            f"({by_foot['left']} left, {by_foot['right']} right) from "
            f"{plural(summary['steps'], 'step')}")
    if summary["cadence_spm"] is not None:
        gait += f", cadence {summary['cadence_spm']:.1f} spm"
        if summary["cadence_hip_spm"] is not None:
            gait += f" (from the hips' bounce: {summary['cadence_hip_spm']:.0f})"
    return f"{line}\n{gait}"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


MAX_KERNEL_FPS = 60.0


def kernel_decimation(fps: float) -> int:
    """Every how many poses the gait kernels see one: 1 up to ~90 frames/s."""
    return max(1, round(fps / MAX_KERNEL_FPS)) if fps > 0 else 1


@dataclass
class _Pass:
    poses: list[Pose]
    analyzer: GaitAnalyzer
    strides: list[StrideMetrics]
    cues: list[Cue]
    first_is_gait: bool
    person: str


def _analyze_pass(args: argparse.Namespace, info: Any, pairs: Iterable[tuple[Any, Pose]],
                  person: str, overlay_path: Path | None) -> _Pass:
    """One run of the analysis over (frame, pose) pairs, writing the overlay if asked."""
    overlay = None
    if overlay_path is not None:
        if info.kind != "video":
            raise BadInput(f"--overlay needs a video; {args.file} is a landmarks file")
        from station.overlay import OverlayWriter
        overlay = OverlayWriter(overlay_path, info.container_fps, info.size_px)
    total = info.frame_count if args.max_frames is None else \
        min(args.max_frames, info.frame_count or args.max_frames)
    bar = ProgressBar("analyze" if person == "first" else "analyze (walker)", total)
    # A slow-motion clip at its real time runs at 120-300 frames/s. The kernels' windows are
    # sized for camera rates (30-60 frames/s, what the station films): feed them every k-th
    # pose, ~60 frames/s of real time; the pose model still sees every frame (tracking).
    every = kernel_decimation(info.fps)
    analyzer = GaitAnalyzer(GaitSettings(fps=info.fps / every, facing=args.facing,
                                         height_cm=args.height_cm, belt_kmh=args.belt_kmh))
    cue_engine = CueEngine.from_config(load_config(args.config))
    result = _Pass([], analyzer, [], [], True, person)
    check = FirstPersonCheck()

    def take(update) -> None:
        for stride in update.strides:
            result.strides.append(stride)
            cue = cue_engine.update(stride)
            if cue is not None:
                result.cues.append(cue)
    try:
        for i, (frame, pose) in enumerate(pairs):
            if i % every == 0:
                take(analyzer.update(pose))
            check.push(pose.xy, pose.t_ns)
            # Masks are per-pixel and large; the per-frame kernels read them as they
            # stream past, the stored track keeps landmarks only.
            result.poses.append(Pose(pose.xy, pose.vis, None, pose.t_ns, pose.seq))
            if overlay is not None and frame is not None:
                overlay.write(frame, pose, f"t={pose.t_ns / 1e9:6.2f}s")
            bar.update()
        take(analyzer.finish())
    finally:
        bar.close()
        if overlay is not None:
            overlay.close()
    result.first_is_gait = check.finish()
    return result


def _gait_person_pairs(args: argparse.Namespace) -> Iterator[tuple[Any, Pose]]:
    """The clip again, through the estimator that follows the side-on walker/runner."""
    from hardware.video_file import VideoFileSource
    from station.pose import make_pose_estimator
    with VideoFileSource(args.file, time_scale=args.time_scale) as source, \
            make_pose_estimator(task_path=args.pose_task, complexity=args.model_complexity,
                                segmentation=not args.no_mask, person="gait") as estimator:
        frames = source if args.max_frames is None else islice(source, args.max_frames)
        yield from estimator.follow(frames, keep_frames=args.overlay is not None)


def run(args: argparse.Namespace) -> int:
    if args.json is None and args.csv is None and args.overlay is None:
        log.debug("no --json/--csv/--overlay: printing the summary only")
    person = getattr(args, "person", "auto")
    with ClipReader(args.file, time_scale=args.time_scale, pose_task=args.pose_task,
                    complexity=args.model_complexity, segmentation=not args.no_mask,
                    max_frames=args.max_frames) as reader:
        info = reader.info
        if person == "gait" and info.kind == "video":
            reader.close()  # the first-person model is not needed
            result = _analyze_pass(args, info, _gait_person_pairs(args), "gait", args.overlay)
        else:
            result = _analyze_pass(args, info, reader,
                                   "first" if info.kind == "video" else "file", args.overlay)
    if person == "auto" and info.kind == "video" and not result.first_is_gait:
        # Someone else may be the subject (the first person found stands, jumps or faces
        # the camera): look again at up to two people; keep the first answer if nobody
        # walks or runs side-on.
        log.info("the first person found is not a side-on walker or runner; "
                 "looking for one among several people")
        second_overlay = None if args.overlay is None else \
            args.overlay.with_name(".walker-" + args.overlay.name)
        again = _analyze_pass(args, info, _gait_person_pairs(args), "gait", second_overlay)
        if any(p.found for p in again.poses):
            result = again
            if second_overlay is not None:
                second_overlay.replace(args.overlay)
        elif second_overlay is not None:
            second_overlay.unlink(missing_ok=True)
    poses, analyzer, strides, cues = result.poses, result.analyzer, result.strides, result.cues
    if not poses:
        raise BadInput(f"{args.file}: no frames to analyze")
    track = LandmarkTrack.from_poses(poses, *info.size_px,
                                     meta={"fps": info.fps, "source": str(info.path),
                                           "time_scale": info.time_scale})
    view = analyzer.decision
    if view is None:
        raise BadInput(f"{args.file}: no person found in any of {len(track)} frames")
    facing_source = "auto" if args.facing == "auto" else "given"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN hip rows: nobody there
        summary = build_summary(info, track, view, view.facing, facing_source, analyzer,
                                strides, cues, result.person)
    if args.csv is not None:
        out_dir = Path(args.csv)
        write_landmarks_csv(out_dir / "landmarks.csv", track)
        sm.write_strides_csv(out_dir / "strides.csv", strides)
        sm.write_events_csv(out_dir / "events.csv", analyzer.events)
    if summary["frames_with_pose"] == 0:
        raise BadInput(f"{args.file}: no person found in any of {summary['frames']} frames")
    _emit(summary, args.json)
    return 0


def _emit(summary: dict[str, Any], json_dest: str | None) -> None:
    text = json.dumps(summary, indent=2, allow_nan=False, default=_json_default)
    if json_dest == "-":
        sys.stdout.write(text + "\n")
        print(_describe(summary), file=sys.stderr)
        return
    if json_dest is not None:
        Path(json_dest).parent.mkdir(parents=True, exist_ok=True)
        Path(json_dest).write_text(text + "\n")
    print(_describe(summary))


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
