"""Facing fixed once per session, revised only on sustained evidence (DESIGN.md).

The first seconds with a person decide the view and facing (station.view). After that a
per-frame vote (nose ahead of the ears, toes ahead of the heels) is watched; only when it
has disagreed with the decision for `revise_after_s` in a row is facing flipped — a walker
who turns round, not a pose model that trips for a frame.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from station.contracts import LM, Pose
from station.view import DECISION_WINDOW_S, ViewDecision, camera_side, decide_view

REVISE_AFTER_S = 3.0


_NOSE, _EARS = LM["nose"], (LM["left_ear"], LM["right_ear"])
_FEET = ((LM["left_heel"], LM["left_foot_index"]), (LM["right_heel"], LM["right_foot_index"]))


def forward_vote(xy: np.ndarray) -> float:
    """Signed evidence of facing image-right (+) or left (-) in one frame; NaN if none."""
    # Runs every frame on a handful of numbers: plain floats, not np.nanmean/np.median
    # (~28 us a frame between them).
    votes = []
    nose = float(xy[_NOSE, 0])
    ears = [float(xy[e, 0]) for e in _EARS]
    ears = [e for e in ears if e == e]
    if nose == nose and ears:
        votes.append(nose - sum(ears) / len(ears))
    for heel, toe in _FEET:
        d = float(xy[toe, 0]) - float(xy[heel, 0])
        if d == d:
            votes.append(d)
    if not votes:
        return math.nan
    votes.sort()
    n = len(votes)
    return votes[n // 2] if n % 2 else 0.5 * (votes[n // 2 - 1] + votes[n // 2])


class FacingTracker:
    """Feed poses in time order; `decision` is None until the view is decided."""

    def __init__(self, fixed_facing: str = "auto", window_s: float = DECISION_WINDOW_S,
                 revise_after_s: float = REVISE_AFTER_S) -> None:
        self.fixed_facing = fixed_facing
        self.window_s = window_s
        self.revise_after_s = revise_after_s
        self.decision: ViewDecision | None = None
        self._xy: list[np.ndarray] = []
        self._vis: list[np.ndarray] = []
        self._t: list[int] = []
        self._t_first_person: int | None = None
        self._against_since_ns: int | None = None
        self.revisions = 0

    def push(self, pose: Pose) -> bool:
        """Returns True when this pose made (or revised) the decision."""
        if self.decision is None:
            return self._collect(pose)
        return self._watch(pose)

    def decide_now(self) -> bool:
        """Decide from what was seen so far (the clip ended before the window filled)."""
        if self.decision is not None or not self._t:
            return False
        self._decide()
        return True

    def _collect(self, pose: Pose) -> bool:
        if pose.found and self._t_first_person is None:
            self._t_first_person = pose.t_ns
        self._xy.append(pose.xy)
        self._vis.append(pose.vis)
        self._t.append(pose.t_ns)
        if self._t_first_person is None or \
                pose.t_ns - self._t_first_person < int(self.window_s * 1e9):
            return False
        self._decide()
        return True

    def _look_again(self, pose: Pose) -> bool:
        """No usable side view yet (someone else, or the runner facing the camera): keep
        deciding window by window until a side view turns up."""
        previous = self.decision
        self.decision = None
        self._t_first_person = None if not self._t else self._t_first_person
        decided = self._collect(pose)
        if not decided:
            self.decision = previous
            return False
        if self.decision.view == "side" and self.decision.sign != 0:
            self.revisions += 1
            return True
        return False

    def _decide(self) -> None:
        xy, vis, t = np.array(self._xy), np.array(self._vis), np.array(self._t, np.int64)
        d = decide_view(xy, t, vis, self.window_s)
        if self.fixed_facing in ("left", "right"):
            sign = 1 if self.fixed_facing == "right" else -1
            d = replace(d, view="side", facing=self.fixed_facing,
                        camera_side=camera_side(sign, vis))
        self.decision = d
        self._xy, self._vis, self._t = [], [], []

    def _watch(self, pose: Pose) -> bool:
        d = self.decision
        if d is not None and (d.view != "side" or d.sign == 0) and self.fixed_facing == "auto":
            return self._look_again(pose)
        if self.fixed_facing != "auto" or d is None:
            return False
        vote = forward_vote(pose.xy)
        if math.isnan(vote):
            return False
        if vote * d.sign >= 0:
            self._against_since_ns = None
            return False
        if self._against_since_ns is None:
            self._against_since_ns = pose.t_ns
            return False
        if pose.t_ns - self._against_since_ns < int(self.revise_after_s * 1e9):
            return False
        facing = "left" if d.facing == "right" else "right"
        self.decision = replace(d, facing=facing,
                                camera_side=camera_side(-d.sign, None)
                                if d.camera_side == "unknown" else
                                ("left" if d.camera_side == "right" else "right"))
        self._against_since_ns = None
        self.revisions += 1
        return True
