"""The landmarks file: per-frame BlazePose landmarks as CSV, read back by `analyze`.

Written by `station analyze --csv DIR` and by `station synth`; `station analyze FILE.csv`
reads it instead of a video. Layout:

    # station-landmarks v1 {"width": 640, "height": 480, "fps": 30.0, ...}
    seq,t_ns,nose_x,nose_y,nose_vis,left_eye_inner_x,...
    0,0,312.5,101.25,0.998,...

The first line is a comment holding the metadata as JSON (CSV tools skip it with
`comment="#"`). Missing landmarks are empty cells (NaN). An optional `masks.npz` beside
the CSV (same folder) holds bit-packed segmentation masks keyed by frame.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from station.contracts import LANDMARK_NAMES, N_LANDMARKS, Pose
from station.errors import BadInput

MAGIC = "# station-landmarks v1"
MASKS_NAME = "masks.npz"
COLUMNS = ["seq", "t_ns"] + [f"{n}_{c}" for n in LANDMARK_NAMES for c in ("x", "y", "vis")]


@dataclass
class LandmarkTrack:
    """A whole clip's landmarks in arrays: the form kernels and `analyze` consume."""

    t_ns: np.ndarray            # int64 (N,)
    seq: np.ndarray             # int64 (N,)
    xy: np.ndarray              # float32 (N, 33, 2), NaN = missing
    vis: np.ndarray             # float32 (N, 33)
    width: int
    height: int
    meta: dict[str, Any] = field(default_factory=dict)
    masks: np.ndarray | None = None   # bool (N, H, W) when a masks file was present

    def __len__(self) -> int:
        return int(self.t_ns.shape[0])

    def poses(self) -> Iterator[Pose]:
        for i in range(len(self)):
            mask = None
            if self.masks is not None:
                mask = self.masks[i].astype(np.uint8) * 255
            yield Pose(self.xy[i], self.vis[i], mask, int(self.t_ns[i]), int(self.seq[i]))

    @staticmethod
    def from_poses(poses: Iterable[Pose], width: int, height: int,
                   meta: dict[str, Any] | None = None) -> "LandmarkTrack":
        plist = list(poses)
        n = len(plist)
        xy = np.full((n, N_LANDMARKS, 2), np.nan, np.float32)
        vis = np.zeros((n, N_LANDMARKS), np.float32)
        for i, p in enumerate(plist):
            xy[i] = p.xy
            vis[i] = p.vis
        return LandmarkTrack(
            t_ns=np.array([p.t_ns for p in plist], np.int64),
            seq=np.array([p.seq for p in plist], np.int64),
            xy=xy, vis=vis, width=width, height=height, meta=dict(meta or {}),
        )


def _fmt(v: float) -> str:
    return "" if math.isnan(v) else f"{v:.3f}"


def write_landmarks_csv(path: Path, track: LandmarkTrack) -> None:
    """Write `track` to `path`; masks, when present, go to masks.npz beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(track.meta, width=track.width, height=track.height)
    with path.open("w", newline="") as fh:
        fh.write(f"{MAGIC} {json.dumps(meta, sort_keys=True)}\n")
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(len(track)):
            row = [str(int(track.seq[i])), str(int(track.t_ns[i]))]
            for j in range(N_LANDMARKS):
                row += [_fmt(float(track.xy[i, j, 0])), _fmt(float(track.xy[i, j, 1])),
                        f"{float(track.vis[i, j]):.4f}"]
            w.writerow(row)
    if track.masks is not None:
        np.savez_compressed(
            path.parent / MASKS_NAME,
            packed=np.packbits(track.masks.astype(bool), axis=-1),
            width=np.int64(track.width),
            height=np.int64(track.height),
        )


def is_landmarks_file(path: Path) -> bool:
    try:
        with Path(path).open("r", errors="replace") as fh:
            return fh.readline().startswith(MAGIC)
    except OSError:
        return False


def read_landmarks_csv(path: Path) -> LandmarkTrack:
    """Read a landmarks CSV. Raises BadInput with one line when the file is not one."""
    path = Path(path)
    try:
        fh = path.open("r", newline="")
    except OSError as e:
        raise BadInput(f"cannot read landmarks file {path}: {e.strerror}") from None
    with fh:
        first = fh.readline()
        if not first.startswith(MAGIC):
            raise BadInput(f"{path}: expected a station landmarks CSV starting with "
                           f"'{MAGIC}', found {first[:40]!r}")
        try:
            meta = json.loads(first[len(MAGIC):].strip() or "{}")
        except json.JSONDecodeError as e:
            raise BadInput(f"{path}: metadata line is not JSON ({e.msg})") from None
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != COLUMNS:
            raise BadInput(f"{path}: expected {len(COLUMNS)} columns seq,t_ns,nose_x,..., "
                           f"found {0 if header is None else len(header)} columns")
        rows = []
        for lineno, row in enumerate(reader, start=3):
            if len(row) != len(COLUMNS):
                raise BadInput(f"{path}:{lineno}: expected {len(COLUMNS)} values, found {len(row)}")
            rows.append(row)
    n = len(rows)
    try:
        seq = np.array([int(r[0]) for r in rows], np.int64)
        t_ns = np.array([int(r[1]) for r in rows], np.int64)
        vals = np.array([[float(c) if c else np.nan for c in r[2:]] for r in rows],
                        np.float64).reshape(n, N_LANDMARKS, 3)
    except ValueError as e:
        raise BadInput(f"{path}: a value is not a number ({e})") from None
    if n and np.any(np.diff(t_ns) <= 0):
        raise BadInput(f"{path}: t_ns must increase from row to row")
    try:
        width, height = int(meta["width"]), int(meta["height"])
    except (KeyError, TypeError, ValueError):
        raise BadInput(f"{path}: metadata must give integer width and height") from None
    masks = None
    mpath = path.parent / MASKS_NAME
    if mpath.exists():
        with np.load(mpath) as z:
            masks = np.unpackbits(z["packed"], axis=-1, count=width).astype(bool)
        if masks.shape[0] != n:
            raise BadInput(f"{mpath}: expected {n} masks to match the CSV, found {masks.shape[0]}")
    return LandmarkTrack(
        t_ns=t_ns, seq=seq,
        xy=vals[:, :, :2].astype(np.float32), vis=np.nan_to_num(vals[:, :, 2]).astype(np.float32),
        width=width, height=height, meta=meta, masks=masks,
    )
