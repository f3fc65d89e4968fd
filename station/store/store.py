"""Reading and editing what the recorder wrote: runners, sessions, strides, events, cues,
landmarks and kept video (the CLI and the reports use this; the recorder writes)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from station.contracts import N_LANDMARKS, Cue, GaitEvent, StrideMetrics
from station.errors import BadInput
from station.store.db import (DB_NAME, DISK_FULL_STATUS, INTERRUPTED, RecordingLock,
                              connect, mark_interrupted, utc_iso, values_to_json)

__all__ = ["Store", "Runner", "SessionInfo", "SessionFrames", "values_to_json",
           "values_from_json", "DB_NAME", "DISK_FULL_STATUS", "INTERRUPTED"]


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
