"""The station's session database: where it lives, opening it safely, the recording lock,
and ending sessions whose recorder died. Reading and editing: station.store.store.

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
from pathlib import Path

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


def values_to_json(values: dict[str, float]) -> str:
    return json.dumps({k: (float(v) if v is not None and math.isfinite(v) else None)
                       for k, v in values.items()}, separators=(",", ":"))
