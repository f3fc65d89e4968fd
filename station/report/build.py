"""Assemble a report: load the sessions, compare, draw, write one self-contained HTML."""
from __future__ import annotations

import math
import os
from pathlib import Path

from station.errors import BadInput
from station.report.compare import Change, compare_metric, min_change
from station.report.data import SessionData, load_session
from station.report.frames import matched_frames
from station.report.html import render_html
from station.report.plots import distributions_png, over_time_png
from station.store.store import Store


def build_report(store: Store, ids: list[int], out: Path) -> str:
    sessions = [load_session(store, i) for i in ids]
    for s in sessions:
        if not s.strides:
            raise BadInput(f"session {s.info.id} has no strides to report "
                           f"({s.info.n_frames} frames recorded)")
    changes: list[Change] = []
    if len(sessions) == 2:
        changes = compare_sessions(sessions[0], sessions[1])
    first = matched_frames(store, sessions[0])
    frames = [first]
    if len(sessions) == 2:
        frames.append(matched_frames(store, sessions[1],
                                     foot=first.foot if first is not None else None))
    html = render_html(sessions, changes, over_time_png(sessions), distributions_png(sessions),
                       frames)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Health data: the report is as private as the database.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(html)
    if changes:
        real = [c.before.label for c in changes if c.real]
        return f"{len(real)} real change(s): {', '.join(real) or 'none'}"
    return f"session {ids[0]}: {len(sessions[0].strides)} strides"


def compare_sessions(before: SessionData, after: SessionData) -> list[Change]:
    fps = before.info.fps or after.info.fps or 30.0
    cad = [s.metrics["cadence_spm"].median for s in (before, after)]
    cad = [c for c in cad if math.isfinite(c)]
    cadence = sum(cad) / len(cad) if cad else math.nan
    return [compare_metric(before.metrics[n], after.metrics[n], min_change(n, fps, cadence),
                           seed=k) for k, n in enumerate(before.metrics)]
