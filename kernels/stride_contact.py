"""Initial contact as the foot itself shows it, and the foot-strike angle read there.

Why this exists (measured on the synthetic runner with 2 px jitter, see tests/
test_gait_accuracy.py): contacts come from the event detector with a scatter of about half
a frame, so the last frame before the detected contact is sometimes already in stance. A
rearfoot or forefoot landing turns the foot flat within ~40 ms, so that frame reads a foot
half put down (10-20 deg off) and the shank already swinging back. A foot that turned
toward flat by more than `turn_deg` between two seen frames was on the belt at the later
one: the contact was before it, whatever the detector said. The check walks back at most
`max_back_s`. A midfoot landing barely turns and is left alone (nor does it need it).
A landing turns the foot toward flat and stops there: a change that carries the foot
across flat is not one. It is the approach of a foot that swings up through flat to a
small strike angle, which with 2 px of jitter read as a > 6 deg "turn" on 13 of 66
strides of the good midfoot runner (tests/test_gait_accuracy.py) and replaced its last
airborne frame by one 33 ms further back (5 deg lower).
"Flat" is the foot's own median angle over mid-stance (FLAT_FROM_FRAC..FLAT_TO_FRAC of the
contact time), so a pose model that reads a flat foot a few degrees off, or a tilted camera,
does not hide the turn.

And one frame's heel->toe angle carries ~3.5 deg of noise (2 px on a ~45 px foot), a third
of the midfoot band. The angle is averaged over the seen frames within `mean_s` before the
last airborne frame: 2 frames at 30 fps, 3 at 60 fps, i.e. the last ~35-70 ms of the
approach. A foot is set for its landing before it lands (the dorsiflexors are active ahead
of contact) and keeps its angle to the belt over those last frames; averaging them brings
the noise to ~2.7 deg (synthetic runner, 2 px jitter: foot-strike class right on 90-97% of
strides whose truth sits 4 deg from a class line, 85-88% from the one frame). A longer span
reaches back into the swing, where the foot is still turning.
"""
from __future__ import annotations

import math

import numpy as np

from kernels._jit import jit

FOOT_TURN_DEG = 6.0     # > the ~5 deg noise of a two-frame angle change, < a landing's turn
FOOT_MEAN_S = 0.04      # approach frames averaged for the foot-strike angle
MAX_BACK_S = 0.1        # how far before the detected contact a landing is looked for
FLAT_FROM_FRAC = 0.25   # mid-stance, where the foot is flat on the belt: fractions of the
FLAT_TO_FRAC = 0.5      # time from contact to toe-off


@jit
def last_airborne_frame(t: np.ndarray, foot_deg: np.ndarray, t_event: float, flat_deg: float,
                        turn_deg: float, max_back_s: float) -> int:
    """Index of the last frame at or before `t_event` whose foot was still in the air, or -1
    when no frame there has a foot angle. Walks back from the last seen frame while that
    frame's angle is closer to `flat_deg` than the previous seen frame's by > `turn_deg`,
    on the same side of `flat_deg` (a landing does not turn the foot across flat)."""
    k = -1
    for i in range(t.shape[0]):
        if t[i] <= t_event and not math.isnan(foot_deg[i]):
            k = i
    if k < 0:
        return -1
    while True:
        p = k - 1
        while p >= 0 and math.isnan(foot_deg[p]):
            p -= 1
        if p < 0 or t[p] < t_event - max_back_s:
            return k
        dk, dp = foot_deg[k] - flat_deg, foot_deg[p] - flat_deg
        crossed = (dk > 0.0 and dp < 0.0) or (dk < 0.0 and dp > 0.0)
        if abs(dk) < abs(dp) - turn_deg and not crossed:
            k = p
        else:
            return k


@jit
def landed_contact_s(t: np.ndarray, foot_deg: np.ndarray, t_event: float, k: int) -> float:
    """The contact instant: `t_event`, or halfway between airborne frame k and the next seen
    frame when that frame (at or before `t_event`) had already landed."""
    if k < 0:
        return t_event
    j = k + 1
    while j < t.shape[0] and math.isnan(foot_deg[j]):
        j += 1
    if j >= t.shape[0] or t[j] > t_event:
        return t_event
    return min(t_event, 0.5 * (t[k] + t[j]))


@jit
def mean_before(t: np.ndarray, v: np.ndarray, k: int, span_s: float) -> float:
    """Mean of the seen values of the frames within `span_s` at or before frame k."""
    total = 0.0
    n = 0
    for i in range(k + 1):
        if t[i] >= t[k] - span_s and not math.isnan(v[i]):
            total += v[i]
            n += 1
    return total / n if n > 0 else math.nan


# ---------------------------------------------------------------------------------------
# NumPy references.

def last_airborne_frame_ref(t, foot_deg, t_event, flat_deg, turn_deg, max_back_s) -> int:
    seen = np.flatnonzero(~np.isnan(foot_deg))
    before = seen[t[seen] <= t_event]
    if before.size == 0:
        return -1
    pos = int(np.searchsorted(seen, before[-1]))
    while pos > 0:
        k, p = seen[pos], seen[pos - 1]
        if t[p] < t_event - max_back_s:
            break
        if not abs(foot_deg[k] - flat_deg) < abs(foot_deg[p] - flat_deg) - turn_deg:
            break
        if np.sign(foot_deg[k] - flat_deg) * np.sign(foot_deg[p] - flat_deg) < 0:
            break
        pos -= 1
    return int(seen[pos])


def landed_contact_s_ref(t, foot_deg, t_event, k) -> float:
    if k < 0:
        return t_event
    later = np.flatnonzero(~np.isnan(foot_deg[k + 1:]))
    if later.size == 0 or t[k + 1 + later[0]] > t_event:
        return t_event
    return min(t_event, 0.5 * (t[k] + t[k + 1 + later[0]]))


def mean_before_ref(t, v, k, span_s) -> float:
    x = v[:k + 1][(t[:k + 1] >= t[k] - span_s) & ~np.isnan(v[:k + 1])]
    return float(np.mean(x)) if x.size else np.nan
