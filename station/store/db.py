"""The station's session database: opening it safely, and reading and editing what the
recorder wrote (runners, sessions, strides, events, cues, landmarks, kept video).

Durability (DESIGN.md "Storage and reports"): WAL journal, `synchronous=FULL`. In WAL mode
`NORMAL` survives a crashed or killed process but a power cut may lose every transaction
since the last checkpoint (up to ~1000 pages, many seconds); `FULL` fsyncs the WAL at each
commit, and the recorder commits about twice a second, so a power cut loses at most the
last half second and the cost is two small fsyncs a second. WAL never leaves the database
file half-written: it always opens.

Privacy: the data directory is 0700, the database (and SQLite's -wal/-shm, which copy its
mode), the lock file and videos 0600. `secure_delete` is on, so deleted landmarks are
overwritten with zeros rather than left in free pages; deleting a session then truncates
the WAL. (On flash storage an overwrite is not a guaranteed erase: wear levelling may keep
old blocks. Full-disk encryption is the real answer for a shared device.)
"""
from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import json
import logging
import math
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from station.contracts import N_LANDMARKS, Cue, GaitEvent, StrideMetrics
from station.errors import BadInput
from station.store.schema import migrate

log = logging.getLogger(__name__)

DB_NAME = "station.db"
LOCK_NAME = "station.db.recording.lock"
VIDEO_DIR = "videos"
INTERRUPTED = "interrupted"
DISK_FULL_STATUS = "recording stopped: disk full"


# ---------------------------------------------------------------- files and connections

def prepare_data_dir(data_dir: Path) -> Path:
    """Create the data directory (0700) if needed and tighten it if it is ours and looser."""
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if data_dir.stat().st_mode & 0o077:
            os.chmod(data_dir, 0o700)
    except OSError as e:
        raise BadInput(f"data directory {data_dir}: cannot create or use it "
                       f"({e.strerror})") from None
    return data_dir


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing; tighten it if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)


def utc_iso(t: float | None = None) -> str:
    return _dt.datetime.fromtimestamp(time.time() if t is None else t, _dt.timezone.utc) \
        .isoformat(timespec="seconds")


def iso_plus(iso: str, seconds: float) -> str:
    return (_dt.datetime.fromisoformat(iso) + _dt.timedelta(seconds=seconds)) \
        .isoformat(timespec="seconds")


def connect(data_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database in `data_dir` with the station's pragmas and
    the current schema. Autocommit mode: callers write inside explicit BEGIN/COMMIT."""
    data_dir = prepare_data_dir(data_dir)
    path = data_dir / DB_NAME
    try:
        private_file(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0,
                               check_same_thread=False)
    except OSError as e:
        raise BadInput(f"{path}: cannot open ({e.strerror})") from None
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: journal mode %s, not WAL", path, mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        migrate(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise BadInput(f"{path}: not a usable station database ({e})") from None
    except ValueError as e:
        conn.close()
        raise BadInput(f"{path}: {e}") from None
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists() and side.stat().st_mode & 0o077:
            os.chmod(side, 0o600)
    return conn


class RecordingLock:
    """An flock held by the process that is recording. The kernel drops it when the
    process dies, however it dies, so "lock free + a session without an end" means that
    session was cut off."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        private_file(self.path)
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        self._fd = fd
        return True

    def acquire(self, timeout_s: float = 3.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def mark_interrupted(conn: sqlite3.Connection) -> list[int]:
    """Sessions without an end (their recorder died): end them at their last stored
    frame/stride with end_reason 'interrupted'. Call only while holding the RecordingLock."""
    rows = conn.execute("SELECT id, started_ns, started_at FROM sessions "
                        "WHERE end_reason IS NULL").fetchall()
    if not rows:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sid, started_ns, started_at in rows:
            last = conn.execute(
                "SELECT MAX(t) FROM (SELECT MAX(t_ns) AS t FROM frames WHERE session_id = ?1 "
                "UNION ALL SELECT MAX(t_ns) FROM strides WHERE session_id = ?1)",
                (sid,)).fetchone()[0]
            ended_ns = max(int(last if last is not None else started_ns), started_ns)
            conn.execute("UPDATE sessions SET end_reason = ?, ended_ns = ?, ended_at = ? "
                         "WHERE id = ?", (INTERRUPTED, ended_ns,
                                          iso_plus(started_at, (ended_ns - started_ns) / 1e9),
                                          sid))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    ids = [r[0] for r in rows]
    log.warning("session(s) %s had no end (power cut or killed): marked interrupted",
                ", ".join(map(str, ids)))
    return ids


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class Runner:
    id: int
    name: str
    height_cm: float | None
    notes: str
    created_at: str


@dataclass(frozen=True)
class SessionInfo:
    id: int
    runner_id: int | None
    runner_name: str | None
    started_ns: int
    ended_ns: int | None
    started_at: str
    ended_at: str | None
    end_reason: str | None
    station: str
    software_version: str
    config: dict[str, Any]
    source: str
    fps: float | None
    width_px: int | None
    height_px: int | None
    notes: str
    video_path: str | None
    n_strides: int
    n_frames: int

    @property
    def duration_s(self) -> float:
        end = self.ended_ns if self.ended_ns is not None else self.started_ns
        return (end - self.started_ns) / 1e9

    @property
    def runner_label(self) -> str:
        return self.runner_name or "anonymous"

    @property
    def status(self) -> str:
        return self.end_reason if self.end_reason is not None else "recording"


@dataclass
class SessionFrames:
    """A session's stored landmarks."""

    t_ns: np.ndarray          # int64 (N,)
    seq: np.ndarray           # int64 (N,)
    xy: np.ndarray            # float32 (N, 33, 2)
    vis: np.ndarray           # float32 (N, 33)
    video_index: np.ndarray   # int64 (N,), -1 = no video frame

    def __len__(self) -> int:
        return int(self.t_ns.shape[0])


def values_to_json(values: dict[str, float]) -> str:
    return json.dumps({k: (float(v) if v is not None and math.isfinite(v) else None)
                       for k, v in values.items()}, separators=(",", ":"))


def values_from_json(text: str) -> dict[str, float]:
    return {k: (math.nan if v is None else float(v)) for k, v in json.loads(text).items()}


_SESSION_SELECT = """
SELECT s.id, s.runner_id, r.name, s.started_ns, s.ended_ns, s.started_at, s.ended_at,
       s.end_reason, s.station, s.software_version, s.config_json, s.source, s.fps,
       s.width_px, s.height_px, s.notes, s.video_path,
       (SELECT COUNT(*) FROM strides WHERE session_id = s.id),
       (SELECT COUNT(*) FROM frames WHERE session_id = s.id)
FROM sessions s LEFT JOIN runners r ON r.id = s.runner_id
"""


def _session_from_row(row: tuple) -> SessionInfo:
    return SessionInfo(row[0], row[1], row[2], int(row[3]), row[4], row[5], row[6], row[7],
                       row[8], row[9], json.loads(row[10] or "{}"), row[11], row[12],
                       row[13], row[14], row[15] or "", row[16], int(row[17]), int(row[18]))


# ---------------------------------------------------------------- the store

class Store:
    """The database for the CLI and reports. Opening it ends, as 'interrupted', any
    session whose recorder is gone (nobody holds the recording lock)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.conn = connect(self.data_dir)
        lock = RecordingLock(self.data_dir)
        if lock.try_acquire():
            try:
                mark_interrupted(self.conn)
            finally:
                lock.release()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recording_now(self) -> bool:
        lock = RecordingLock(self.data_dir)
        if lock.try_acquire():
            lock.release()
            return False
        return True

    # ---- runners -----------------------------------------------------------------------
    def add_runner(self, name: str, height_cm: float | None = None, notes: str = "") -> Runner:
        name = name.strip()
        if not name:
            raise BadInput("runner name: expected a non-empty name")
        if self.runner(name) is not None:
            raise BadInput(f"runner {name!r} already exists")
        created = utc_iso()
        cur = self.conn.execute("INSERT INTO runners (name, height_cm, notes, created_at) "
                                "VALUES (?, ?, ?, ?)", (name, height_cm, notes, created))
        return Runner(int(cur.lastrowid), name, height_cm, notes, created)

    def runner(self, name: str) -> Runner | None:
        row = self.conn.execute("SELECT id, name, height_cm, notes, created_at FROM runners "
                                "WHERE name = ?", (name.strip(),)).fetchone()
        return Runner(*row) if row else None

    def require_runner(self, name: str) -> Runner:
        r = self.runner(name)
        if r is None:
            known = [x.name for x in self.runners()]
            listing = f" (known: {', '.join(known)})" if known else " (no runners yet)"
            raise BadInput(f"runner {name!r} not found{listing}; add them with: "
                           f"station runners add {name!r}")
        return r

    def runners(self) -> list[Runner]:
        return [Runner(*row) for row in self.conn.execute(
            "SELECT id, name, height_cm, notes, created_at FROM runners ORDER BY name")]

    # ---- sessions ----------------------------------------------------------------------
    def sessions(self, runner_name: str | None = None) -> list[SessionInfo]:
        if runner_name is None:
            rows = self.conn.execute(_SESSION_SELECT + " ORDER BY s.id").fetchall()
        else:
            rows = self.conn.execute(_SESSION_SELECT + " WHERE r.name = ? ORDER BY s.id",
                                     (runner_name,)).fetchall()
        return [_session_from_row(r) for r in rows]

    def session(self, session_id: int) -> SessionInfo:
        row = self.conn.execute(_SESSION_SELECT + " WHERE s.id = ?", (session_id,)).fetchone()
        if row is None:
            last = self.conn.execute("SELECT MAX(id) FROM sessions").fetchone()[0]
            hint = "no sessions recorded yet" if last is None else \
                "see: station sessions list"
            raise BadInput(f"session {session_id} not found ({hint})")
        return _session_from_row(row)

    def strides(self, session_id: int) -> list[StrideMetrics]:
        return [StrideMetrics(int(t), foot, int(idx), values_from_json(vj), json.loads(rj))
                for idx, foot, t, vj, rj in self.conn.execute(
                    "SELECT idx, foot, t_ns, values_json, reasons_json FROM strides "
                    "WHERE session_id = ? ORDER BY t_ns, rowid", (session_id,))]

    def events(self, session_id: int) -> list[GaitEvent]:
        return [GaitEvent(kind, foot, int(t)) for t, kind, foot in self.conn.execute(
            "SELECT t_ns, kind, foot FROM events WHERE session_id = ? ORDER BY t_ns, rowid",
            (session_id,))]

    def cues(self, session_id: int) -> list[Cue]:
        return [Cue(cid, msg, int(t), float(sev)) for t, cid, msg, sev in self.conn.execute(
            "SELECT t_ns, cue_id, message, severity FROM cues WHERE session_id = ? "
            "ORDER BY t_ns, rowid", (session_id,))]

    def frames(self, session_id: int) -> SessionFrames:
        rows = self.conn.execute("SELECT seq, t_ns, xy, vis, video_index FROM frames "
                                 "WHERE session_id = ? ORDER BY t_ns, rowid",
                                 (session_id,)).fetchall()
        n = len(rows)
        xy = np.full((n, N_LANDMARKS, 2), np.nan, np.float32)
        vis = np.zeros((n, N_LANDMARKS), np.float32)
        for i, r in enumerate(rows):
            xy[i] = np.frombuffer(r[2], "<f4").reshape(N_LANDMARKS, 2)
            vis[i] = np.frombuffer(r[3], "<f4")
        return SessionFrames(np.array([r[1] for r in rows], np.int64),
                             np.array([r[0] for r in rows], np.int64), xy, vis,
                             np.array([-1 if r[4] is None else r[4] for r in rows], np.int64))

    def video_file(self, info: SessionInfo) -> Path | None:
        if not info.video_path:
            return None
        path = self.data_dir / info.video_path
        return path if path.exists() else None

    def set_notes(self, session_id: int, notes: str) -> None:
        self.session(session_id)
        self.conn.execute("UPDATE sessions SET notes = ? WHERE id = ?", (notes, session_id))

    def delete_session(self, session_id: int) -> list[Path]:
        """Delete a session with its strides, events, cues, landmarks and video. Returns
        the files removed. The freed pages are zeroed (secure_delete) and the WAL, which
        held copies of them, is checkpointed and truncated."""
        info = self.session(session_id)
        if info.end_reason is None and self.recording_now():
            raise BadInput(f"session {session_id} is being recorded right now; stop it first")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for table in ("frames", "strides", "events", "cues"):
                self.conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
            self.conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        removed = []
        if info.video_path:
            path = self.data_dir / info.video_path
            if path.exists():
                path.unlink()
                removed.append(path)
        return removed
