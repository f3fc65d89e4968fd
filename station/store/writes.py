"""The SQL the recorder thread runs for each batch (station.store.recorder)."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from station.store import db


def write_ops(conn: sqlite3.Connection, kind: str, ops: list[tuple], fields: dict[str, Any]
              ) -> None:
    """Write consecutive ops of one kind; a 'start' op sets its slot's session id."""
    f = fields
    if kind == "start":
        for _, slot, _ in ops:
            cur = conn.execute(
                "INSERT INTO sessions (runner_id, started_ns, started_at, station, "
                "software_version, config_json, source, fps, width_px, height_px, notes, "
                "video_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (f["runner_id"], slot.started_ns, slot.started_at, f["station"],
                 f["software_version"], f["config_json"], f["source"], f["fps"],
                 f["width_px"], f["height_px"], f["notes"], slot.video_rel))
            slot.id = int(cur.lastrowid)
    elif kind == "end":
        for _, slot, (t_ns, reason) in ops:
            conn.execute("UPDATE sessions SET ended_ns = ?, ended_at = ?, end_reason = ? "
                         "WHERE id = ?",
                         (t_ns, db.iso_plus(slot.started_at, (t_ns - slot.started_ns) / 1e9),
                          reason, slot.id))
    elif kind == "frame":
        conn.executemany("INSERT INTO frames (session_id, seq, t_ns, xy, vis, video_index) "
                         "VALUES (?, ?, ?, ?, ?, ?)", [(s.id, *row) for _, s, row in ops])
    elif kind == "stride":
        conn.executemany(
            "INSERT INTO strides (session_id, idx, foot, t_ns, values_json, reasons_json) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(s.id, st.index, st.foot, st.t_ns, db.values_to_json(st.values),
              json.dumps(st.reasons, sort_keys=True)) for _, s, st in ops])
    elif kind == "event":
        conn.executemany("INSERT INTO events (session_id, t_ns, kind, foot) "
                         "VALUES (?, ?, ?, ?)",
                         [(s.id, e.t_ns, e.kind, e.foot) for _, s, e in ops])
    elif kind == "cue":
        conn.executemany("INSERT INTO cues (session_id, t_ns, cue_id, message, severity) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(s.id, c.t_ns, c.id, c.message, c.severity) for _, s, c in ops])
