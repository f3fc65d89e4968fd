"""`station sessions import FILE`: a session from a file, for a physio without a Pi.

The file is a video (run through the pose model) or a landmarks CSV (`station synth`,
`station analyze --csv`, `station sessions export`). It goes through the same GaitAnalyzer
and cue engine as the live loop and is written by the same SessionRecorder, so an imported
session looks like a recorded one. `video` attaches the clip a landmarks file came from
(same frames in the same order) so the report can show matched frames.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from hardware.video_file import VideoFileSource
from station.clip_reader import ClipReader
from station.config import StationConfig, config_to_dict
from station.contracts import Frame
from station.cues.engine import CueEngine
from station.errors import BadInput
from station.gait.analyzer import GaitAnalyzer, GaitSettings
from station.progress import ProgressBar
from station.store.recorder import SessionRecorder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOptions:
    facing: str = "auto"
    time_scale: float = 1.0
    height_cm: float | None = None
    belt_kmh: float | None = None
    keep_video: bool = False
    video: Path | None = None      # the clip beside a landmarks file
    notes: str = ""


@dataclass(frozen=True)
class ImportResult:
    session_id: int
    frames: int
    strides: int
    cues: int
    video_kept: bool


def import_session(data_dir: Path, path: Path, cfg: StationConfig, runner_id: int | None,
                   opts: ImportOptions) -> ImportResult:
    path = Path(path)
    with ClipReader(path, time_scale=opts.time_scale) as reader:
        info = reader.info
        if opts.video is not None and info.kind == "video":
            raise BadInput(f"--video attaches a clip to a landmarks file; {path} is a video "
                           f"(use --keep-video)")
        attached = _AttachedVideo(opts.video, opts.time_scale) if opts.video else None
        keep = opts.keep_video or attached is not None
        analyzer = GaitAnalyzer(GaitSettings(fps=info.fps, facing=opts.facing,
                                             height_cm=opts.height_cm, belt_kmh=opts.belt_kmh))
        cue_engine = CueEngine.from_config(cfg)
        recorder = SessionRecorder(data_dir, config=config_to_dict(cfg), runner_id=runner_id,
                                   source=f"import {path.name}", fps=info.fps,
                                   notes=opts.notes, keep_video=keep,
                                   wait_for_video=True).start()
        bar = ProgressBar("import", info.frame_count)
        frames = strides = cues = 0
        last_t = None
        try:
            def take(update) -> None:
                nonlocal strides, cues
                for event in update.events:
                    recorder.add_event(event)
                for stride in update.strides:
                    strides += 1
                    recorder.add_stride(stride)
                    cue = cue_engine.update(stride)
                    if cue is not None:
                        cues += 1
                        recorder.add_cue(cue)
            for frame, pose in reader:
                if last_t is None:
                    recorder.start_session(pose.t_ns, "import")
                if attached is not None:
                    frame = attached.frame(pose.t_ns, pose.seq)
                recorder.add_frame(pose, frame)
                take(analyzer.update(pose))
                last_t = pose.t_ns
                frames += 1
                bar.update()
            take(analyzer.finish())
            if last_t is None:
                raise BadInput(f"{path}: no frames to import")
            recorder.end_session(last_t, "imported")
        finally:
            bar.close()
            if attached is not None:
                attached.close()
            recorder.close()
    if recorder.status:
        raise BadInput(f"{path}: {recorder.status}")
    if strides == 0:
        log.warning("%s: no strides measured (nobody running side-on?)", path)
    return ImportResult(recorder.counts.sessions[0], frames, strides, cues, keep)


class _AttachedVideo:
    """The frames of the video a landmarks file was made from, read in step with it."""

    def __init__(self, path: Path, time_scale: float) -> None:
        self.source = VideoFileSource(path, time_scale=time_scale)
        self.missing = 0

    def frame(self, t_ns: int, seq: int) -> Frame | None:
        f = self.source.read()
        if f is None:
            self.missing += 1
            return None
        return Frame(f.image, t_ns, seq)

    def close(self) -> None:
        if self.missing:
            log.warning("the attached video ended %d frames before the landmarks",
                        self.missing)
        self.source.close()
