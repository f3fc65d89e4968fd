"""Which of several people to analyse: the one walking or running side-on, kept once chosen.

The pose model finds up to N people per frame, in no fixed order. Each is linked to a
track by the nearest mid-hip (gated in trunk lengths, so the man on a box and the walker
passing below him stay apart). A track becomes the runner once its last `window_s` show a
side view with the feet swapping (station.pose.gait_evidence); among several, the one with
more swaps and more horizontal travel wins. The choice is kept while the track lives —
a person who stops walking is still followed — and released when it has been lost for
`lost_s`. Until someone is chosen, the selector reports nobody: a person jumping on a box
is not the subject, and reporting him first would fix the session's facing on him.
Causal, so the same code can run live.
"""
from __future__ import annotations

import math
import warnings
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from station.contracts import Pose
from station.pose.gait_evidence import hip_centre_px, leg_swaps, trunk_length_px
from station.view import FRONTAL_WIDTH_RATIO, trunk_and_widths

#: Seconds of a track that are judged for gait.
WINDOW_S = 2.0
#: Feet swaps within the window that make a gait (a slow walk, 70 steps/min, gives 2.3).
MIN_SWAPS = 2
#: A track unseen for this long is dropped (and a chosen person released).
LOST_S = 0.7
#: Largest mid-hip jump between frames, in trunk lengths, that is still the same person.
MAX_STEP_TRUNKS = 1.0
#: Extra allowance per second unseen (a walker covers ~2 trunk lengths a second).
MAX_SPEED_TRUNKS_PER_S = 4.0
#: Two detections whose landmarks lie this close (trunk lengths) are one person.
SAME_PERSON_TRUNKS = 0.4


@dataclass
class _Track:
    id: int
    poses: deque = field(default_factory=deque)   # of Pose, newest last
    last_t_ns: int = 0
    trunk_px: float = math.nan

    def hip(self) -> np.ndarray:
        return hip_centre_px(self.poses[-1].xy[None])[0]

    def add(self, pose: Pose, window_ns: int) -> None:
        # Landmarks only: masks are large and the gait evidence does not read them.
        self.poses.append(Pose(pose.xy, pose.vis, None, pose.t_ns, pose.seq))
        self.last_t_ns = pose.t_ns
        while self.poses and pose.t_ns - self.poses[0].t_ns > window_ns:
            self.poses.popleft()
        t = trunk_length_px(pose.xy[None])[0]
        if math.isfinite(t) and t > 1.0:
            # A slow average: one bad frame must not change the gate.
            self.trunk_px = t if math.isnan(self.trunk_px) else 0.8 * self.trunk_px + 0.2 * t


@dataclass(frozen=True, slots=True)
class GaitScore:
    span_s: float
    swaps: int
    side_view: bool
    travel_trunks_per_s: float

    @property
    def is_gait(self) -> bool:
        return self.side_view and self.swaps >= MIN_SWAPS

    @property
    def rank(self) -> float:
        return self.swaps / max(self.span_s, 1e-3) + self.travel_trunks_per_s


def score_track(poses: list[Pose]) -> GaitScore:
    """Gait evidence of one person's recent poses (time order)."""
    xy = np.stack([p.xy for p in poses]).astype(np.float64)
    t = np.array([p.t_ns for p in poses], np.int64)
    span_s = (int(t[-1]) - int(t[0])) / 1e9 if len(t) > 1 else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unseen pairs are NaN
        trunk, widths = trunk_and_widths(xy)
        width_ratio = float(np.nanmedian(widths)) if np.isfinite(widths).any() else math.nan
        hips = hip_centre_px(xy)
        seen = np.isfinite(hips[:, 0])
        travel = math.nan
        if seen.sum() >= 2 and span_s > 0:
            dx = abs(float(hips[seen][-1, 0] - hips[seen][0, 0]))
            travel = dx / float(np.nanmedian(trunk)) / span_s
    return GaitScore(span_s, leg_swaps(xy, t), width_ratio < FRONTAL_WIDTH_RATIO,
                     0.0 if math.isnan(travel) else travel)


class GaitPersonSelector:
    """Feed all people found in each frame (time order); get back the one to analyse."""

    def __init__(self, window_s: float = WINDOW_S, lost_s: float = LOST_S) -> None:
        self.window_ns = int(window_s * 1e9)
        self.lost_ns = int(lost_s * 1e9)
        self.window_s = window_s
        self._tracks: list[_Track] = []
        self._next_id = 0
        self.chosen_id: int | None = None
        self.choices = 0      # how many times someone was chosen (1 for one subject)

    def select(self, people: list[Pose], t_ns: int, seq: int) -> Pose:
        people = _distinct(people)
        self._tracks = [tr for tr in self._tracks if t_ns - tr.last_t_ns <= self.lost_ns]
        if self.chosen_id is not None and all(tr.id != self.chosen_id for tr in self._tracks):
            self.chosen_id = None
        seen = self._link(people, t_ns)
        if self.chosen_id is None:
            self._choose(t_ns)
        if self.chosen_id is not None and self.chosen_id in seen:
            return seen[self.chosen_id]
        return Pose.empty(t_ns, seq)

    def chosen_history(self) -> list[Pose]:
        """The chosen person's poses of the last window (landmarks only), oldest first."""
        for tr in self._tracks:
            if tr.id == self.chosen_id:
                return list(tr.poses)
        return []

    def _link(self, people: list[Pose], t_ns: int) -> dict[int, Pose]:
        """Greedy nearest-hip matching of this frame's people to the live tracks."""
        pairs = []
        for ti, tr in enumerate(self._tracks):
            gate = _gate_px(tr, t_ns)
            for pi, p in enumerate(people):
                d = float(np.linalg.norm(hip_centre_px(p.xy[None])[0] - tr.hip()))
                if math.isfinite(d) and d <= gate:
                    pairs.append((d, ti, pi))
        used_t: set[int] = set()
        used_p: set[int] = set()
        seen: dict[int, Pose] = {}
        for _, ti, pi in sorted(pairs):
            if ti in used_t or pi in used_p:
                continue
            used_t.add(ti)
            used_p.add(pi)
            self._tracks[ti].add(people[pi], self.window_ns)
            seen[self._tracks[ti].id] = people[pi]
        for pi, p in enumerate(people):
            if pi not in used_p and np.isfinite(hip_centre_px(p.xy[None])[0]).all():
                tr = _Track(self._next_id)
                self._next_id += 1
                tr.add(p, self.window_ns)
                self._tracks.append(tr)
                seen[tr.id] = p
        return seen

    def _choose(self, t_ns: int) -> None:
        best: tuple[float, int] | None = None
        for tr in self._tracks:
            if tr.last_t_ns != t_ns or len(tr.poses) < 2:
                continue
            span_s = (tr.poses[-1].t_ns - tr.poses[0].t_ns) / 1e9
            if span_s < 0.75 * self.window_s:
                continue
            score = score_track(list(tr.poses))
            if score.is_gait and (best is None or score.rank > best[0]):
                best = (score.rank, tr.id)
        if best is not None:
            self.chosen_id = best[1]
            self.choices += 1


def _gate_px(tr: _Track, t_ns: int) -> float:
    trunk = tr.trunk_px if math.isfinite(tr.trunk_px) else 100.0
    gap_s = max(0.0, (t_ns - tr.last_t_ns) / 1e9)
    return trunk * (MAX_STEP_TRUNKS + MAX_SPEED_TRUNKS_PER_S * gap_s)


def _distinct(people: list[Pose]) -> list[Pose]:
    """Drop a detection that lies on top of an earlier one (the model may find one
    person twice); the earlier one is kept."""
    kept: list[Pose] = []
    for p in people:
        if not p.found:
            continue
        dup = False
        for q in kept:
            trunks = trunk_length_px(np.stack([p.xy, q.xy]))
            trunks = trunks[np.isfinite(trunks)]
            d = np.linalg.norm(p.xy - q.xy, axis=1)
            d = d[np.isfinite(d)]
            if trunks.size and d.size and float(np.median(d)) < SAME_PERSON_TRUNKS * trunks.max():
                dup = True
                break
        if not dup:
            kept.append(p)
    return kept
