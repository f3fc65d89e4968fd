"""`station run` / `station demo` options for recording, and the recorder they open.

Recording is on by default: one session row per SessionTracker start..stop in the data
directory's database. `--runner NAME` must name a runner added with `station runners add`
(a typo must not silently create a second runner); without it the session is anonymous.
"""
from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path

from station.config import StationConfig, config_to_dict
from station.data_dir import resolve_data_dir
from station.errors import BadInput
from station.store.recorder import RecorderCounts, SessionRecorder
from station.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordOptions:
    record: bool = True
    runner: str | None = None
    keep_video: bool = False
    notes: str = ""


def add_record_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("recording (sessions go to the station database)")
    g.add_argument("--runner", metavar="NAME",
                   help="record the sessions for this runner (see station runners add); "
                        "default: anonymous")
    g.add_argument("--no-record", action="store_true", help="do not record sessions")
    g.add_argument("--keep-video", action="store_true",
                   help="also keep each session's video (MP4, downscaled) beside the database")
    g.add_argument("--notes", default="", metavar="TEXT", help="notes stored with the sessions")


def record_options(args: argparse.Namespace) -> RecordOptions:
    return RecordOptions(record=not args.no_record, runner=args.runner,
                         keep_video=args.keep_video, notes=args.notes)


class UnavailableRecorder:
    """Recording was asked for but the database cannot be opened (read-only or full disk,
    another station recording): the station still runs and its screen says why."""

    def __init__(self, reason: str) -> None:
        self.status = f"not recording: {reason}"
        self.counts = RecorderCounts()

    def start_session(self, t_ns: int, reason: str = "") -> None:
        pass

    def end_session(self, t_ns: int, reason: str) -> None:
        pass

    def add_frame(self, pose: object, frame: object = None) -> None:
        pass

    def add_stride(self, stride: object) -> None:
        pass

    def add_event(self, event: object) -> None:
        pass

    def add_cue(self, cue: object) -> None:
        pass

    def summary_line(self) -> str:
        return self.status

    def close(self) -> None:
        pass


def open_live_recorder(opts: RecordOptions | None, cfg: StationConfig, source: str,
                       fps: float, data_dir: Path | None = None
                       ) -> tuple[SessionRecorder | UnavailableRecorder | None, float | None]:
    """The recorder for a live run (None when not recording) and the runner's height.
    An unknown --runner is an error (exit 2); a database that cannot be opened is not: the
    cues matter more than the recording, so the station runs and shows "not recording"."""
    if opts is None or not opts.record:
        return None, None
    data_dir = data_dir or resolve_data_dir(cfg.data)
    runner_id, height_cm = None, None
    if opts.runner is not None:
        with Store(data_dir) as store:
            runner = store.require_runner(opts.runner)
        runner_id, height_cm = runner.id, runner.height_cm
    try:
        recorder = SessionRecorder(data_dir, config=config_to_dict(cfg), runner_id=runner_id,
                                   source=source, fps=fps, notes=opts.notes,
                                   keep_video=opts.keep_video).start()
    except BadInput as e:
        log.error("cannot record sessions: %s; running without recording", e)
        return UnavailableRecorder(str(e)), height_cm
    log.info("recording sessions into %s (%s)", data_dir,
             f"runner {opts.runner}" if opts.runner else "anonymous")
    return recorder, height_cm
