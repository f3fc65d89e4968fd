"""The session database's schema, versioned with PRAGMA user_version.

MIGRATIONS[i] takes a database at version i to version i + 1; a new database runs them
all in order, an old one runs the ones it lacks, each in its own transaction, so an
interrupted upgrade leaves the database at the last version it completed. Never edit a
migration that has shipped: append a new one.

Times: `*_ns` columns are capture times on the station's monotonic clock (what the data
carries); `*_at` columns are wall-clock ISO 8601 (UTC) for people. Strides keep their
metric values as JSON ({name: number|null}, METRICS.md names) with the reasons for the
nulls, so a new metric needs no migration; SQLite's json_extract() queries them.
"""
from __future__ import annotations

import sqlite3

_V1 = """
CREATE TABLE runners (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    height_cm   REAL,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    runner_id        INTEGER REFERENCES runners(id) ON DELETE SET NULL,  -- NULL = anonymous
    started_ns       INTEGER NOT NULL,
    ended_ns         INTEGER,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    end_reason       TEXT,            -- NULL while recording; 'interrupted' when cut off
    station          TEXT NOT NULL,   -- host name
    software_version TEXT NOT NULL,
    config_json      TEXT NOT NULL,
    source           TEXT NOT NULL DEFAULT '',
    fps              REAL,
    width_px         INTEGER,
    height_px        INTEGER,
    notes            TEXT NOT NULL DEFAULT ''
);
CREATE TABLE strides (
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    foot         TEXT NOT NULL,
    t_ns         INTEGER NOT NULL,
    values_json  TEXT NOT NULL,
    reasons_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX strides_by_session ON strides(session_id, t_ns);
CREATE TABLE events (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    t_ns       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    foot       TEXT NOT NULL
);
CREATE INDEX events_by_session ON events(session_id, t_ns);
CREATE TABLE cues (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    t_ns       INTEGER NOT NULL,
    cue_id     TEXT NOT NULL,
    message    TEXT NOT NULL,
    severity   REAL NOT NULL DEFAULT 1.0
);
CREATE INDEX cues_by_session ON cues(session_id, t_ns);
CREATE TABLE frames (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    t_ns       INTEGER NOT NULL,
    xy         BLOB NOT NULL,   -- float32 (33, 2) little-endian pixels, NaN = not seen
    vis        BLOB NOT NULL    -- float32 (33,) visibility
);
CREATE INDEX frames_by_session ON frames(session_id, t_ns);
"""

# v2: the session's video may be kept beside the database; frames say which video frame
# they are.
_V2 = """
ALTER TABLE sessions ADD COLUMN video_path TEXT;   -- relative to the data directory
ALTER TABLE frames ADD COLUMN video_index INTEGER; -- frame number in that video, or NULL
"""

# v3: session ids are never reused. With a plain INTEGER PRIMARY KEY, deleting the newest
# session let the next one take its number, so "session 12" in a physio's notes could later
# mean someone else's run. AUTOINCREMENT needs the table rebuilt (foreign keys are off
# while migrating, so the children's rows stay).
_V3 = """
CREATE TABLE sessions_v3 (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    runner_id        INTEGER REFERENCES runners(id) ON DELETE SET NULL,
    started_ns       INTEGER NOT NULL,
    ended_ns         INTEGER,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    end_reason       TEXT,
    station          TEXT NOT NULL,
    software_version TEXT NOT NULL,
    config_json      TEXT NOT NULL,
    source           TEXT NOT NULL DEFAULT '',
    fps              REAL,
    width_px         INTEGER,
    height_px        INTEGER,
    notes            TEXT NOT NULL DEFAULT '',
    video_path       TEXT
);
INSERT INTO sessions_v3 (id, runner_id, started_ns, ended_ns, started_at, ended_at, end_reason,
                         station, software_version, config_json, source, fps, width_px,
                         height_px, notes, video_path)
    SELECT id, runner_id, started_ns, ended_ns, started_at, ended_at, end_reason, station,
           software_version, config_json, source, fps, width_px, height_px, notes, video_path
    FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v3 RENAME TO sessions;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring the database up to `target`; returns the versions applied. A database newer
    than this software is refused (ValueError): we cannot know what it holds. Foreign keys
    are off while migrating (a table rebuild must not cascade) and checked afterwards."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise ValueError(f"database schema version {current} is newer than this station "
                         f"software understands ({SCHEMA_VERSION}); update the software")
    applied: list[int] = []
    if current >= target:
        return applied
    fk = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        _apply(conn, current, target, applied)
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise ValueError(f"foreign keys broken after migrating: {bad[:3]}")
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if fk else 'OFF'}")
    return applied


def _apply(conn: sqlite3.Connection, current: int, target: int, applied: list[int]) -> None:
    for version in range(current, target):
        # executescript() commits first and runs its own statements; wrap each migration
        # in one explicit transaction so it applies entirely or not at all.
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\n"
                               f"PRAGMA user_version = {version + 1};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version + 1)
