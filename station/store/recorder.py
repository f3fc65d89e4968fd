"""SessionRecorder: the live loop's sessions written to SQLite on the recorder's own thread.

The loop calls start_session / add_frame / add_stride / add_event / add_cue / end_session;
each only puts an item on a queue and returns (no I/O on the loop's threads). The recorder
thread applies the items and commits a batch every `commit_every_s` (0.5 s): a kill -9 or
a power cut loses at most that much (synchronous=FULL, see station.store.db).

Before a session starts the recorder keeps the last few seconds of frames, events and
strides in memory (station.store.preroll).

A full disk (SQLITE_FULL, ENOSPC) stops the recording: the error is logged once, `status`
reads "recording stopped: disk full" for the screen, and every add_* keeps returning at
once while the loop and its cues go on.
"""
from __future__ import annotations

import errno
import itertools
import json
import logging
import os
import queue
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from station import __version__
from station.contracts import Cue, Frame, GaitEvent, Pose, StrideMetrics
from station.errors import BadInput
from station.store import db
from station.store.preroll import PreRoll
from station.store.video import DEFAULT_MAX_WIDTH_PX, VideoKeeper
from station.store.writes import write_ops

log = logging.getLogger(__name__)

COMMIT_EVERY_S = 0.5
PREROLL_S = 8.0
#: Images waiting for the video encoder; beyond this a frame's image is skipped (counted).
MAX_PENDING_IMAGES = 30
#: Recording stops when the data directory's file system has less free space than this.
MIN_FREE_MB = 50.0
FREE_SPACE_EVERY_S = 5.0
_CLOSE = object()


@dataclass
class _Slot:
    """A session as the recorder thread sees it; `id` is set when its row is inserted."""
    started_ns: int
    started_at: str
    video_rel: str | None
    id: int | None = None
    video: VideoKeeper | None = None


@dataclass
class RecorderCounts:
    sessions: list[int] = field(default_factory=list)
    frames: int = 0
    strides: int = 0
    events: int = 0
    cues: int = 0
    commits: int = 0
    images_skipped: int = 0


class SessionRecorder:
    def __init__(self, data_dir: Path, *, config: dict[str, Any], runner_id: int | None = None,
                 source: str = "", fps: float | None = None, notes: str = "",
                 keep_video: bool = False, video_max_width_px: int = DEFAULT_MAX_WIDTH_PX,
                 commit_every_s: float = COMMIT_EVERY_S, preroll_s: float = PREROLL_S,
                 max_page_count: int | None = None, wait_for_video: bool = False,
                 min_free_mb: float = MIN_FREE_MB) -> None:
        self.data_dir = Path(data_dir)
        self.config_json = json.dumps(config, sort_keys=True)
        self.runner_id = runner_id
        self.source = source
        self.fps = fps
        self.notes = notes
        self.keep_video = keep_video
        self.video_max_width_px = video_max_width_px
        self.commit_every_s = commit_every_s
        self.max_page_count = max_page_count  # tests: simulate a full disk
        # Stop before the file system is full: the OS, logs and SQLite's own checkpoints
        # need room (and OpenCV's video writer fails silently on ENOSPC).
        self.min_free_bytes = int(min_free_mb * 1e6)
        # Live: a frame's image is skipped when the encoder is behind (the loop never
        # waits). Importing a file: wait, every frame goes into the video.
        self.wait_for_video = wait_for_video
        self.station = socket.gethostname()
        self.counts = RecorderCounts()
        self.status = ""            # "" or what the screen should show
        self.interrupted_found: list[int] = []
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._stopped = False
        self._image_slots = threading.Semaphore(MAX_PENDING_IMAGES)
        self._thread: threading.Thread | None = None
        self._lock = db.RecordingLock(self.data_dir)
        self._conn: sqlite3.Connection | None = None
        # recorder-thread state
        self._slot: _Slot | None = None
        self._ops: list[tuple] = []
        self._preroll = PreRoll(preroll_s)
        self._size: tuple[int, int] | None = None
        self._last_t_ns = 0

    # ---- life cycle (caller's thread) ----------------------------------------------------
    def start(self) -> "SessionRecorder":
        """Open the database (errors are BadInput here, before the loop starts), end
        sessions cut off earlier as 'interrupted', and start the recorder thread."""
        db.prepare_data_dir(self.data_dir)
        try:
            if not self._lock.acquire(timeout_s=3.0):
                raise BadInput(f"another station process is recording into {self.data_dir}")
            self._conn = db.connect(self.data_dir)
            if self.max_page_count is not None:
                self._conn.execute(f"PRAGMA max_page_count = {int(self.max_page_count)}")
            self.interrupted_found = db.mark_interrupted(self._conn)
        except (OSError, sqlite3.Error) as e:
            self._lock.release()
            raise BadInput(f"{self.data_dir}: cannot record ({e})") from None
        except BaseException:
            self._lock.release()
            raise
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout_s: float = 10.0) -> None:
        """Write what is queued, end an open session ('recorder closed'), stop the thread."""
        if self._thread is not None:
            self._q.put((_CLOSE,))
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.error("recorder thread did not finish within %.0f s", timeout_s)
            self._thread = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._lock.release()

    def __enter__(self) -> "SessionRecorder":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def recording(self) -> bool:
        return not self._stopped

    def summary_line(self) -> str:
        ids = self.counts.sessions
        where = f"into {self.data_dir / db.DB_NAME}"
        if self.status:
            return f"{self.status}; recorded session(s) {ids or 'none'} {where}"
        if not ids:
            return f"no session recorded (nobody ran) {where}"
        return (f"recorded session(s) {', '.join(map(str, ids))} {where} "
                f"(station sessions show {ids[-1]})")

    # ---- the live loop's calls: enqueue and return ---------------------------------------
    def start_session(self, t_ns: int, reason: str = "") -> None:
        if not self._stopped:
            self._q.put(("start", t_ns, time.time()))

    def end_session(self, t_ns: int, reason: str) -> None:
        if not self._stopped:
            self._q.put(("end", t_ns, reason))

    def add_frame(self, pose: Pose, frame: Frame | None = None) -> None:
        if self._stopped:
            return
        image = None
        if self.keep_video and frame is not None:
            if self._image_slots.acquire(blocking=self.wait_for_video, timeout=(
                    5.0 if self.wait_for_video else None)):
                image = frame.image
            else:
                self.counts.images_skipped += 1
        size = (frame.width_px, frame.height_px) if frame is not None else None
        self._q.put(("frame", pose.t_ns, pose.seq, pose.xy, pose.vis, image, size))

    def add_stride(self, stride: StrideMetrics) -> None:
        if not self._stopped:
            self._q.put(("stride", stride.t_ns, stride))

    def add_event(self, event: GaitEvent) -> None:
        if not self._stopped:
            self._q.put(("event", event.t_ns, event))

    def add_cue(self, cue: Cue) -> None:
        if not self._stopped:
            self._q.put(("cue", cue.t_ns, cue))

    # ---- recorder thread ----------------------------------------------------------------
    def _run(self) -> None:
        next_commit = time.monotonic() + self.commit_every_s
        next_space_check = 0.0
        closing = False
        while not closing:
            timeout = max(0.0, next_commit - time.monotonic())
            try:
                item = self._q.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is not None:
                if item[0] is _CLOSE:
                    closing = True
                    if self._slot is not None:
                        self._end(self._last_t_ns, "recorder closed")
                else:
                    self._guarded(self._handle, item)
            if time.monotonic() >= next_space_check:
                self._guarded(self._check_free_space)
                next_space_check = time.monotonic() + FREE_SPACE_EVERY_S
            if closing or time.monotonic() >= next_commit or len(self._ops) >= 5000:
                self._guarded(self._flush)
                next_commit = time.monotonic() + self.commit_every_s
        if self._slot is not None and self._slot.video is not None:
            self._slot.video.close()

    def _guarded(self, fn, *args) -> None:
        if self._stopped:
            if args and args[0][0] == "frame" and args[0][5] is not None:
                self._image_done()
            return
        try:
            fn(*args)
        except sqlite3.Error as e:
            full = getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or \
                "full" in str(e).lower()
            self._stop("disk full" if full else f"database error ({e})", e)
        except OSError as e:
            self._stop("disk full" if e.errno == errno.ENOSPC else f"error ({e.strerror})", e)
        except Exception as e:  # a bug here must not take the live loop down
            log.exception("recorder failed")
            self._stop(f"error ({e})", e)

    def _stop(self, what: str, exc: BaseException) -> None:
        self._stopped = True
        self.status = f"recording stopped: {what}"
        log.error("%s (%s); the station goes on without recording", self.status, exc)
        self._ops.clear()
        conn = self._conn
        if conn is not None and conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        slot = self._slot
        if slot is not None:
            if slot.video is not None:
                slot.video.close()
            if slot.id is not None and conn is not None:
                try:  # may itself fail on a full disk: then the next start marks it
                    conn.execute("UPDATE sessions SET end_reason = ?, ended_ns = ?, "
                                 "ended_at = ? WHERE id = ?",
                                 (self.status, self._last_t_ns,
                                  db.iso_plus(slot.started_at,
                                              (self._last_t_ns - slot.started_ns) / 1e9),
                                  slot.id))
                except sqlite3.Error:
                    pass
        self._slot = None

    def _check_free_space(self) -> None:
        st = os.statvfs(self.data_dir)
        free = st.f_bavail * st.f_frsize
        if free < self.min_free_bytes:
            raise OSError(errno.ENOSPC, f"{free / 1e6:.0f} MB free in {self.data_dir}, "
                                        f"recording needs {self.min_free_bytes / 1e6:.0f} MB")

    def _image_done(self) -> None:
        self._image_slots.release()

    def _handle(self, item: tuple) -> None:
        kind, t_ns = item[0], item[1]
        if kind == "start":
            self._start(t_ns, item[2])
            return
        if kind == "end":
            if self._slot is not None:
                self._end(t_ns, item[2])
            return
        self._last_t_ns = max(self._last_t_ns, t_ns)
        if kind == "frame":
            if item[6] is not None:
                self._size = item[6]
            if self._slot is None:
                if item[5] is not None:
                    self._image_done()
                self._preroll.add_frame(item[:5] + (None, None))
                return
            self._frame_op(item)
        elif self._slot is None:
            self._preroll.add(item)
        else:
            self._ops.append((kind, self._slot, item[2]))

    def _frame_op(self, item: tuple) -> None:
        _, t_ns, seq, xy, vis, image, _size = item
        video_index = None
        slot = self._slot
        if image is not None:
            try:
                if slot.video is None and slot.video_rel is not None:
                    slot.video = VideoKeeper(self.data_dir / slot.video_rel, self.fps or 30.0,
                                             self.video_max_width_px)
                if slot.video is not None:
                    video_index = slot.video.write(image)
            finally:
                self._image_done()
        self._ops.append(("frame", slot, (seq, t_ns, np.asarray(xy, "<f4").tobytes(),
                                          np.asarray(vis, "<f4").tobytes(), video_index)))

    def _start(self, t_ns: int, wall_s: float) -> None:
        if self._slot is not None:
            self._end(t_ns, "new session")
        # The tracker starts a session a few strides after its start time: date it back.
        started_at = db.utc_iso(wall_s - max(0, self._last_t_ns - t_ns) / 1e9)
        video_rel = None
        if self.keep_video:
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(wall_s))
            video_rel = f"{db.VIDEO_DIR}/session-{stamp}-{t_ns % 1_000_000:06d}.mp4"
        self._slot = _Slot(t_ns, started_at, video_rel)
        self._ops.append(("start", self._slot, None))
        # The pre-roll: the frames of the strides that started the session, and those strides.
        frames, others = self._preroll.take(t_ns)
        for item in frames:
            self._frame_op(item)
        for item in others:
            self._ops.append((item[0], self._slot, item[2]))

    def _end(self, t_ns: int, reason: str) -> None:
        slot = self._slot
        self._ops.append(("end", slot, (t_ns, reason)))
        if slot.video is not None:
            slot.video.close()
        self._slot = None

    def _flush(self) -> None:
        if not self._ops:
            return
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            w, h = self._size or (None, None)
            fields = dict(runner_id=self.runner_id, station=self.station,
                          software_version=__version__, config_json=self.config_json,
                          source=self.source, fps=self.fps, width_px=w, height_px=h,
                          notes=self.notes)
            for kind, group in itertools.groupby(self._ops, key=lambda op: op[0]):
                write_ops(conn, kind, list(group), fields)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._count(self._ops)
        self._ops = []
        self.counts.commits += 1

    def _count(self, ops: list[tuple]) -> None:
        c = self.counts
        for kind, slot, _ in ops:
            if kind == "start":
                c.sessions.append(slot.id)
            elif kind == "frame":
                c.frames += 1
            elif kind == "stride":
                c.strides += 1
            elif kind == "event":
                c.events += 1
            elif kind == "cue":
                c.cues += 1


def open_recorder(data_dir: Path, **kwargs: Any) -> SessionRecorder:
    return SessionRecorder(data_dir, **kwargs).start()


__all__ = ["SessionRecorder", "RecorderCounts", "open_recorder"]
