"""The data that flows between the station's stages (DESIGN.md, "Contracts").

Frozen, slotted dataclasses of plain Python and NumPy values. Nothing here imports
a heavy library, so every module (kernels aside) can depend on it.
Time is always the capture time in integer nanoseconds (`t_ns`): logic never reads a
clock, so any recorded run replays exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

# MediaPipe BlazePose's 33 landmarks, in model order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)
LM = {name: i for i, name in enumerate(LANDMARK_NAMES)}

# Bones drawn on overlays and screens (pairs of landmark indices).
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (LM["left_ear"], LM["nose"]), (LM["right_ear"], LM["nose"]),
    (LM["left_shoulder"], LM["right_shoulder"]),
    (LM["left_shoulder"], LM["left_elbow"]), (LM["left_elbow"], LM["left_wrist"]),
    (LM["right_shoulder"], LM["right_elbow"]), (LM["right_elbow"], LM["right_wrist"]),
    (LM["left_shoulder"], LM["left_hip"]), (LM["right_shoulder"], LM["right_hip"]),
    (LM["left_hip"], LM["right_hip"]),
    (LM["left_hip"], LM["left_knee"]), (LM["left_knee"], LM["left_ankle"]),
    (LM["right_hip"], LM["right_knee"]), (LM["right_knee"], LM["right_ankle"]),
    (LM["left_ankle"], LM["left_heel"]), (LM["left_heel"], LM["left_foot_index"]),
    (LM["left_ankle"], LM["left_foot_index"]),
    (LM["right_ankle"], LM["right_heel"]), (LM["right_heel"], LM["right_foot_index"]),
    (LM["right_ankle"], LM["right_foot_index"]),
)
LEFT_SIDE = frozenset(i for i, n in enumerate(LANDMARK_NAMES) if n.startswith("left_"))
RIGHT_SIDE = frozenset(i for i, n in enumerate(LANDMARK_NAMES) if n.startswith("right_"))

Facing = Literal["left", "right", "unknown"]
Foot = Literal["left", "right"]
EventKind = Literal["contact", "toe_off"]


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera image. `image` is uint8 HxWx3 RGB, upright."""

    image: np.ndarray
    t_ns: int
    seq: int

    @property
    def height_px(self) -> int:
        return int(self.image.shape[0])

    @property
    def width_px(self) -> int:
        return int(self.image.shape[1])


@dataclass(frozen=True, slots=True)
class Pose:
    """BlazePose's 33 landmarks for one frame.

    `xy` float32 (33, 2) in pixels of the upright frame; a landmark whose visibility is
    below the estimator's threshold is NaN, never a guess. `vis` float32 (33,) in 0..1.
    `mask` uint8 HxW person probability scaled to 0..255, or None when not asked for.
    """

    xy: np.ndarray
    vis: np.ndarray
    mask: np.ndarray | None
    t_ns: int
    seq: int

    @staticmethod
    def empty(t_ns: int, seq: int) -> "Pose":
        """A frame where nobody was found: every landmark NaN, visibility 0."""
        return Pose(
            xy=np.full((N_LANDMARKS, 2), np.nan, np.float32),
            vis=np.zeros(N_LANDMARKS, np.float32),
            mask=None,
            t_ns=t_ns,
            seq=seq,
        )

    @property
    def found(self) -> bool:
        """True when the estimator saw a person (some landmark is valid)."""
        return bool(np.isfinite(self.xy[:, 0]).any())


@dataclass(frozen=True, slots=True)
class GaitEvent:
    kind: EventKind
    foot: Foot
    t_ns: int


@dataclass(frozen=True, slots=True)
class FrameMetrics:
    """Per-frame values. NaN where not measurable; `reason` says why for the NaNs."""

    t_ns: int
    seq: int
    values: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def valid(self, name: str) -> bool:
        v = self.values.get(name, math.nan)
        return not math.isnan(v)


@dataclass(frozen=True, slots=True)
class StrideMetrics:
    """Per-stride values, emitted at the initial contact that closes the stride.

    `values` uses the metric names of METRICS.md. A metric that could not be measured
    on this stride is NaN and `reasons[name]` says why.
    """

    t_ns: int
    foot: Foot
    index: int
    values: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def valid(self, name: str) -> bool:
        v = self.values.get(name, math.nan)
        return not math.isnan(v)


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    message: str
    t_ns: int
    severity: float = 1.0
