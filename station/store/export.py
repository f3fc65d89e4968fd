"""`station sessions export ID --csv DIR`: a session as CSV files.

strides.csv and events.csv in the layout of `station analyze --csv`, cues.csv, and
landmarks.csv in the station landmarks format (station/landmark_file.py), so
`station analyze DIR/landmarks.csv` reads a recorded session back. Segmentation masks are
not recorded, so the silhouette proxies (pelvic tilt, rib flare) cannot be recomputed
from an export.
"""
from __future__ import annotations

import csv
from pathlib import Path

from station import summary as sm
from station.landmark_file import LandmarkTrack, write_landmarks_csv
from station.store.store import Store


def export_session(store: Store, session_id: int, out_dir: Path) -> list[Path]:
    info = store.session(session_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = store.frames(session_id)
    track = LandmarkTrack(t_ns=frames.t_ns, seq=frames.seq, xy=frames.xy, vis=frames.vis,
                          width=int(info.width_px or 0), height=int(info.height_px or 0),
                          meta={"fps": info.fps, "source": f"station session {session_id}",
                                "session": session_id, "runner": info.runner_label,
                                "started_at": info.started_at})
    paths = [out_dir / n for n in ("landmarks.csv", "strides.csv", "events.csv", "cues.csv")]
    write_landmarks_csv(paths[0], track)
    sm.write_strides_csv(paths[1], store.strides(session_id))
    sm.write_events_csv(paths[2], store.events(session_id))
    with paths[3].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["t_s", "id", "message"])
        for c in store.cues(session_id):
            w.writerow([f"{c.t_ns / 1e9:.3f}", c.id, c.message])
    return paths
