"""What one frame of the station's screen shows, as plain data (no pygame here).

The live loop builds a `ScreenState` per displayed frame and hands it to
`display.Screen.draw`; everything the screen knows comes in through it, so a screen can be
re-rendered from a recorded state and tested without a camera. `gauges_from_values` turns
per-stride metric values into gauges with the bands of METRICS.md and the cue thresholds
of the config, and `placement_advice` says what to change when the runner is badly framed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

import numpy as np

from station.contracts import LM, Cue, Frame, Pose
from station.cues.table import GOOD_FORM_ID, CueSpec
from station.view import looks_frontal

ScreenMode = Literal["idle", "placement", "running", "message"]
SCREEN_MODES: tuple[str, ...] = ("idle", "placement", "running", "message")

IDLE_TEXT = "Start running to begin"


@dataclass(frozen=True, slots=True)
class CueOnScreen:
    """The cue being shown and since when (capture time of the stride that raised it)."""

    id: str
    message: str
    since_t_ns: int

    @property
    def is_good(self) -> bool:
        """The positive message is drawn differently from a fault cue."""
        return self.id == GOOD_FORM_ID

    @staticmethod
    def from_cue(cue: Cue) -> "CueOnScreen":
        return CueOnScreen(cue.id, cue.message, cue.t_ns)


@dataclass(frozen=True, slots=True)
class Gauge:
    """One metric on a horizontal scale: its normal band, and (optionally) where it turns
    bad (the cue thresholds). `value` is NaN when the metric could not be measured.
    `estimate` marks the 2D proxies that METRICS.md says must read "est."."""

    metric: str
    label: str
    value: float
    unit: str
    band_lo: float
    band_hi: float
    estimate: bool = False
    scale_lo: float | None = None  # None: derived from the band
    scale_hi: float | None = None
    bad_below: float | None = None
    bad_above: float | None = None

    def scale_range(self) -> tuple[float, float]:
        """The (lo, hi) the gauge's bar spans: the band with room either side."""
        span = max(self.band_hi - self.band_lo, 1e-6)
        lo = self.band_lo - span if self.scale_lo is None else self.scale_lo
        hi = self.band_hi + span if self.scale_hi is None else self.scale_hi
        return (lo, hi) if hi > lo else (lo, lo + 1.0)

    @property
    def in_band(self) -> bool | None:
        if math.isnan(self.value):
            return None
        return self.band_lo <= self.value <= self.band_hi

    @property
    def is_bad(self) -> bool:
        v = self.value
        if math.isnan(v):
            return False
        return ((self.bad_above is not None and v > self.bad_above)
                or (self.bad_below is not None and v < self.bad_below))


@dataclass(frozen=True, slots=True)
class GaugeSpec:
    """The fixed part of a gauge (everything but the value)."""

    metric: str
    label: str
    unit: str
    band_lo: float
    band_hi: float
    scale_lo: float
    scale_hi: float
    estimate: bool = False


#: The main metrics on the running screen, in the order drawn (the faults that load the
#: lower back first, as the cue priorities do). Bands: METRICS.md's typical/target column
#: ("small" and "near 0" read as the ranges below); scales leave room past the cue thresholds.
MAIN_GAUGE_SPECS: tuple[GaugeSpec, ...] = (
    GaugeSpec("pelvic_tilt_deg", "Pelvic tilt", "\u00b0", 0.0, 15.0, -10.0, 40.0, estimate=True),
    GaugeSpec("rib_flare_deg", "Rib flare", "\u00b0", -5.0, 5.0, -15.0, 25.0, estimate=True),
    GaugeSpec("trunk_lean_deg", "Trunk lean", "\u00b0", 5.0, 12.0, -5.0, 25.0),
    GaugeSpec("overstride_pct", "Overstride", "%", 0.0, 10.0, -10.0, 35.0),
    GaugeSpec("shank_angle_ic_deg", "Shank at contact", "\u00b0", 0.0, 6.0, -10.0, 20.0),
    GaugeSpec("vertical_oscillation_cm", "Bounce", "cm", 6.0, 10.0, 0.0, 16.0),
    GaugeSpec("hip_extension_deg", "Hip extension", "\u00b0", 10.0, 25.0, 0.0, 35.0),
)


def cue_thresholds(cues: Sequence[CueSpec]) -> dict[str, tuple[float | None, float | None]]:
    """metric -> (bad_below, bad_above) from the enabled cues' plain above/below terms.
    When several cues test one metric the one nearest the band wins (the first to fire)."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for spec in cues:
        if not spec.enabled or (spec.match == "all" and len(spec.when) > 1):
            continue  # a term of an "all" cue is not a fault on its own
        for term in spec.when:
            below, above = out.get(term.metric, (None, None))
            if term.op == "above":
                above = term.threshold if above is None else min(above, term.threshold)
            elif term.op == "below":
                below = term.threshold if below is None else max(below, term.threshold)
            else:
                continue  # below_target_pct is relative to the cadence target, not a fixed value
            out[term.metric] = (below, above)
    return out


def gauges_from_values(values: Mapping[str, float], cues: Sequence[CueSpec] = (),
                       specs: Sequence[GaugeSpec] = MAIN_GAUGE_SPECS) -> tuple[Gauge, ...]:
    """Gauges for `specs` with values from `values` (e.g. StrideMetrics.values; a missing
    metric is NaN) and bad thresholds from `cues` (e.g. StationConfig.cues)."""
    bad = cue_thresholds(cues)
    gauges = []
    for s in specs:
        below, above = bad.get(s.metric, (None, None))
        gauges.append(Gauge(s.metric, s.label, float(values.get(s.metric, math.nan)), s.unit,
                            s.band_lo, s.band_hi, s.estimate, s.scale_lo, s.scale_hi,
                            below, above))
    return tuple(gauges)


@dataclass(frozen=True, slots=True)
class ScreenState:
    """Everything one drawn frame shows. Times are seconds or capture-clock ns, never
    the wall clock. NaN means "not known yet" for the numbers."""

    mode: ScreenMode = "idle"
    frame: Frame | None = None
    pose: Pose | None = None
    facing_sign: int = 0  # +1 runner faces image-right, -1 left, 0 unknown
    cue: CueOnScreen | None = None
    cadence_spm: float = math.nan
    cadence_target_spm: float = math.nan
    gauges: tuple[Gauge, ...] = ()
    session_s: float = 0.0
    fps: float = math.nan
    dropped_frames: int = 0
    status: str = ""  # e.g. "camera lost, retrying in 4 s"; empty when all is well
    placement_text: str | None = None  # what to change (placement mode)
    message: str = ""  # the big text of message mode, e.g. "Video ended"
    view: str = "unknown"  # the session's ViewDecision.view, for the placement screen

    def __post_init__(self) -> None:
        if self.mode not in SCREEN_MODES:
            raise ValueError(f"ScreenState.mode: expected one of {SCREEN_MODES}, got {self.mode!r}")
        if self.facing_sign not in (-1, 0, 1):
            raise ValueError(f"ScreenState.facing_sign: expected -1, 0 or 1, got {self.facing_sign!r}")

    @property
    def image(self) -> np.ndarray | None:
        """The camera image (uint8 HxWx3 RGB) or None."""
        return None if self.frame is None else self.frame.image


# ---------------------------------------------------------------- placement

#: A landmark closer than this share of the image to an edge counts as cut off there.
EDGE_MARGIN = 0.02
#: Runner's head-to-foot extent below this share of the image height: too far away.
MIN_BODY_SHARE = 0.35

_HEAD = (LM["nose"], LM["left_ear"], LM["right_ear"])
_FEET = tuple(LM[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel",
                              "left_foot_index", "right_foot_index"))
_BODY = (LM["left_shoulder"], LM["right_shoulder"], LM["left_hip"], LM["right_hip"])


def _finite_rows(xy: np.ndarray, idx: Sequence[int]) -> np.ndarray:
    pts = xy[list(idx)]
    return pts[np.isfinite(pts).all(axis=1)]


def cut_off_edges(pose: Pose, width_px: int, height_px: int) -> frozenset[str]:
    """Edges of the image ("top", "bottom", "left", "right") the runner is cut off at:
    a landmark at/beyond the edge, or a whole body end (head or feet) not seen while the
    trunk is. The placement screen marks these edges."""
    xy = pose.xy
    edges: set[str] = set()
    pts = xy[np.isfinite(xy).all(axis=1)]
    if pts.size == 0:
        return frozenset()
    mx, my = EDGE_MARGIN * width_px, EDGE_MARGIN * height_px
    if (pts[:, 0] < mx).any():
        edges.add("left")
    if (pts[:, 0] > width_px - mx).any():
        edges.add("right")
    if (pts[:, 1] < my).any():
        edges.add("top")
    if (pts[:, 1] > height_px - my).any():
        edges.add("bottom")
    trunk_seen = len(_finite_rows(xy, _BODY)) > 0
    if trunk_seen and len(_finite_rows(xy, _HEAD)) == 0:
        edges.add("top")  # an upright runner's head can only be missing above
    if trunk_seen and len(_finite_rows(xy, _FEET)) == 0:
        edges.add("bottom")
    return frozenset(edges)


def placement_advice(pose: Pose | None, width: int, height: int,
                     view: str = "unknown") -> str | None:
    """What to change so the runner is fully in frame and side-on, or None when the
    placement is good. `width`/`height` are the camera image's pixels; `view` is the
    session's ViewDecision.view ("side", "front", "back", "unknown": then this pose decides).
    The most basic problem is named first: nobody seen, not side-on, cut off, too small."""
    if pose is None or not pose.found:
        return "Step onto the treadmill, in view of the camera"
    if view in ("front", "back") or (view == "unknown" and looks_frontal(pose.xy)):
        return "Turn side-on to the camera"
    edges = cut_off_edges(pose, width, height)
    if {"top", "bottom"} <= edges:
        return "Move the camera back: runner does not fit top to bottom"
    if "bottom" in edges:
        return "Tilt the camera down: feet are out of view"
    if "top" in edges:
        return "Move the camera: runner cut off at the top"
    if "left" in edges or "right" in edges:
        side = "left" if "left" in edges else "right"
        return f"Move the camera: runner cut off on the {side}"
    pts = pose.xy[np.isfinite(pose.xy).all(axis=1)]
    if float(pts[:, 1].max() - pts[:, 1].min()) < MIN_BODY_SHARE * height:
        return "Move the camera closer: runner is small in the picture"
    return None
