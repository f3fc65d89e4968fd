"""GaitAnalyzer: poses in, per-frame metrics, gait events and per-stride metrics out.

The same object serves the live loop and `analyze` (a file is a stream played fast).
Per pose: facing decided once (FacingTracker), leg-swap repair and One Euro smoothing
(kernels), per-frame features and silhouette proxies (kernels), a ring of recent frames,
streaming gait events (kernel); at each initial contact the stride that it closes is
measured (kernel) and emitted as StrideMetrics.
"""
from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from kernels import frame_features as ff
from kernels import frame_step as fs
from kernels import leg_swap, one_euro
from kernels.gait_events import event_params, new_event_state
from kernels.stride_metrics import (COL_PELVIC_TILT, COL_RIB_FLARE, N_STRIDE,
                                    STRIDE_METRIC_NAMES, n_columns, new_contour_template,
                                    stride_metrics)
from station.contracts import FrameMetrics, GaitEvent, Pose, StrideMetrics
from station.gait.asymmetry import MIN_PAIRS as ASYM_MIN_PAIRS
from station.gait.asymmetry import MIN_STEPS as ASYM_MIN_STEPS
from station.gait.asymmetry import AsymmetryWindow
from station.gait.facing import FacingTracker
from station.gait.ring import FrameRing
from station.gait.scale import SessionScale
from station.view import ViewDecision

log = logging.getLogger(__name__)

FOOT_NAMES = ("left", "right")
EVENT_KINDS = ("contact", "toe_off")     # kernels.gait_events CONTACT, TOE_OFF
_NO_MASK = np.zeros((0, 0), np.uint8)   # frame_step's mask argument when there is none


@dataclass(frozen=True)
class GaitSettings:
    fps: float
    facing: str = "auto"                 # auto | left | right
    height_cm: float | None = None
    belt_kmh: float | None = None
    # One Euro smoothing (live-safe, causal).
    min_cutoff_hz: float = 3.0
    beta: float = 0.02
    d_cutoff_hz: float = 1.0
    max_gap_s: float = 0.1
    # Leg identity by continuity (kernels.leg_swap): the label relation changes when the other
    # assignment costs < ratio x the current one.
    swap_ratio: float = 0.5
    swap_min_gain_trunk: float = 0.08    # ...and saves at least this x trunk length
    # The model's labels come back after this long with the legs unseen; after 4x this long
    # crossed to them on balance the tracks trade names (kernels/leg_swap.py).
    max_swapped_s: float = 0.5
    same_contact_s: float = 0.1         # other foot's contact this close = the same contact
    # A leg the pose model blended into the other one sits the frame out of the gait events
    # (kernels.foot_glitch).
    drop_blended_feet: bool = True
    # Silhouette proxies.
    mask_threshold: int = 128
    levels_per_band: int = 8
    core_half_depth_trunk: float = 0.15
    arm_half_width_trunk: float = 0.11
    shrug_baseline_s: float = 3.0
    max_stride_s: float = 2.5
    ring_s: float = 6.0


def frame_step_config(settings: GaitSettings) -> np.ndarray:
    """The per-frame kernel's parameters (kernels.frame_step) for these settings."""
    return fs.frame_step_config(
        settings.swap_ratio, settings.swap_min_gain_trunk,
        max(1, int(settings.max_swapped_s * settings.fps)), settings.fps,
        settings.mask_threshold, settings.levels_per_band, settings.core_half_depth_trunk,
        settings.arm_half_width_trunk, settings.min_cutoff_hz, settings.beta,
        settings.d_cutoff_hz, settings.max_gap_s, glitch_on=settings.drop_blended_feet)


@dataclass
class GaitUpdate:
    frame: FrameMetrics | None = None
    events: list[GaitEvent] = field(default_factory=list)
    strides: list[StrideMetrics] = field(default_factory=list)

    def extend(self, other: "GaitUpdate") -> None:
        if other.frame is not None:
            self.frame = other.frame
        self.events += other.events
        self.strides += other.strides


class GaitAnalyzer:
    def __init__(self, settings: GaitSettings) -> None:
        self.settings = settings
        self.facing = FacingTracker(settings.facing)
        self.scale = SessionScale(settings.height_cm, settings.belt_kmh)
        self._pending: list[Pose] = []
        n_cols = n_columns(settings.levels_per_band)
        self._ring = FrameRing(max(8, int(math.ceil(settings.ring_s * settings.fps * 1.5))),
                               n_cols)
        # One kernel call per frame (kernels.frame_step): its parameters, state and outputs.
        self._step_cfg = frame_step_config(settings)
        self._aux = fs.new_aux()        # also the smoothed trunk length, kept across resets
        self._xy = np.empty((33, 2))
        # Raw features, then pelvic tilt, rib flare, the silhouette band lines and band
        # contours they are formed from (kernels.stride_metrics.COL_*): the ring's row.
        self._row = np.full(n_cols, np.nan)
        self._feat_smooth = np.full(ff.N_FEATURES, np.nan)
        self._ev_out = np.empty((4, 3))
        self._stride_out = np.empty(N_STRIDE)
        self._contacts: tuple[deque, deque] = (deque(maxlen=4), deque(maxlen=4))
        self._toe_offs: tuple[deque, deque] = (deque(maxlen=4), deque(maxlen=4))
        self._contact_times: deque = deque(maxlen=9)   # either foot, for live cadence
        self._leg_len_sum = 0.0
        self._leg_len_n = 0
        self._shrug_samples: list[float] = []
        self._shrug_baseline = math.nan
        self._t_first_stride_s = math.nan
        self._stride_index = 0
        self._asymmetry = AsymmetryWindow()
        self.events: list[GaitEvent] = []
        self._event_params = event_params(settings.fps)
        self._reset_tracking()

    # ---- public ------------------------------------------------------------------------
    def compile_stride_kernels(self) -> None:
        """Compile (or load from the cache) the per-stride kernels now. Otherwise the live
        loop's first stride waits seconds for them on a cold cache, frames pile up and
        the session looks stopped."""
        n = 12
        t = np.arange(n) / self.settings.fps
        V = np.full((n, self._ring.values.shape[1]), np.nan)
        stride_metrics(t, V, 0, t[1], t[4], t[6], t[10], t[8], 100.0, 1.0, math.nan, 0.0,
                       new_contour_template(self.settings.levels_per_band), self._stride_out)

    @property
    def decision(self) -> ViewDecision | None:
        return self.facing.decision

    @property
    def leg_len_px(self) -> float:
        return self._leg_len_sum / self._leg_len_n if self._leg_len_n else math.nan

    @property
    def live_cadence_spm(self) -> float:
        """60 / median interval of the last 8 steps (METRICS.md, live)."""
        if len(self._contact_times) < 3:
            return math.nan
        # Each foot's events come a couple of frames late, not always in time order.
        return 60.0 / float(np.median(np.diff(np.sort(np.array(self._contact_times)))))

    def update(self, pose: Pose) -> GaitUpdate:
        if self.facing.decision is None:
            self._pending.append(pose)
            if not self.facing.push(pose):
                return GaitUpdate()
            return self._replay_pending()
        if self.facing.push(pose):  # facing revised: a new start for the trackers
            log.info("facing revised to %s at t=%.2f s", self.facing.decision.facing,
                     pose.t_ns / 1e9)
            self._reset_tracking()
        return self._process(pose)

    def finish(self) -> GaitUpdate:
        """End of a finite stream: decide from what was seen if the window never filled."""
        if self.facing.decision is None and self.facing.decide_now():
            return self._replay_pending()
        return GaitUpdate()

    # ---- internals ---------------------------------------------------------------------
    def _replay_pending(self) -> GaitUpdate:
        out = GaitUpdate()
        pending, self._pending = self._pending, []
        for p in pending:
            out.extend(self._process(p))
        return out

    def _reset_tracking(self) -> None:
        self._filter_state = one_euro.new_state(66)
        self._swap_state = leg_swap.new_state()
        self._event_state = new_event_state()
        fs.reset_tracking(self._aux)
        self._ring.clear()
        for q in (*self._contacts, *self._toe_offs):
            q.clear()
        self._contact_times.clear()
        self._asymmetry.clear()
        # The silhouette contour a stride's unseen levels are filled from: a new person
        # (or the same one after a break) starts it again.
        self._contour_template = new_contour_template(self.settings.levels_per_band)

    def _measurable(self) -> bool:
        d = self.facing.decision
        return d is not None and d.view == "side" and d.sign != 0

    def _process(self, pose: Pose) -> GaitUpdate:
        if not self._measurable():
            return GaitUpdate()
        d = self.facing.decision
        t_s = pose.t_ns / 1e9
        mask = pose.mask
        # One call does it all (kernels.frame_step): leg-swap repair; per-frame features and
        # silhouette proxies of the unsmoothed (swap-repaired) points, the per-stride ring's
        # row -- per-stride metrics are measured once the stride is over, from these, since
        # any causal filter lags and would bias angles at contact and shrink the hips'
        # bounce; One Euro smoothing and the features of the smoothed points, the live
        # per-frame readout, where steadiness matters more; then the gait-event step on the
        # feet relative to the (smoothed) hips: a stance foot then moves backward steadily
        # whether a belt carries it (treadmill) or the body walks over it (overground, or
        # a runner drifting on the belt). The hips move slowly, so the filter's lag on
        # them shifts every foot equally and changes no event time.
        n_events = fs.frame_step(
            pose.xy, t_s, float(d.sign), d.camera_left, _NO_MASK if mask is None else mask,
            mask is not None, self._step_cfg, leg_swap.LEFT_LEG, leg_swap.RIGHT_LEG,
            self._swap_state, self._filter_state, self._event_params, self._event_state,
            self._aux, self._xy, self._row, self._feat_smooth, self._ev_out)
        self._ring.push(t_s, self._row)
        self._update_running_stats(self._row, t_s)
        found = self._aux[fs.A_FOUND] == 1.0
        out = GaitUpdate(frame=self._frame_metrics(pose, self._feat_smooth, found))
        ev_out = self._ev_out
        events = [(float(ev_out[i, 0]), EVENT_KINDS[int(ev_out[i, 1])], int(ev_out[i, 2]))
                  for i in range(n_events)]
        for t_ev, kind, foot in events:
            ev = GaitEvent(kind=kind, foot=FOOT_NAMES[foot], t_ns=int(round(t_ev * 1e9)))
            out.events.append(ev)
            self.events.append(ev)
            if kind == "toe_off":
                self._toe_offs[foot].append(t_ev)
                continue
            if self._same_contact(foot, t_ev):
                continue
            self._contacts[foot].append(t_ev)
            self._contact_times.append(t_ev)
            stride = self._close_stride(foot, t_ev)
            if stride is not None:
                out.strides.append(stride)
        return out

    def _update_running_stats(self, feat: np.ndarray, t_s: float) -> None:
        for side in (0, 1):
            v = feat[ff.F_LEG_LEN_PX + side]
            if math.isfinite(v):
                self._leg_len_sum += v
                self._leg_len_n += 1
                self.scale.observe_leg_length(v)
        # Shrug baseline: ear height over the shoulder in the first seconds of running.
        if math.isfinite(self._t_first_stride_s) and not math.isfinite(self._shrug_baseline):
            v = feat[ff.F_EAR_ABOVE_SHOULDER_PCT]
            if math.isfinite(v):
                self._shrug_samples.append(v)
            if t_s - self._t_first_stride_s >= self.settings.shrug_baseline_s \
                    and self._shrug_samples:
                self._shrug_baseline = float(np.median(self._shrug_samples))

    def _frame_metrics(self, pose: Pose, feat: np.ndarray, found: bool) -> FrameMetrics:
        # Pelvic tilt and rib flare here are this frame's own, NaN whenever an arm covers
        # one of their band lines (most frames). The live gauges show the per-stride values
        # (station/live/processor.py), formed over the stride (band contours pooled for the
        # tilt, band lines' medians for the flare), so they are not NaN; a running median
        # here would cost every frame for nothing that is drawn.
        values = {
            "trunk_lean_deg": float(feat[ff.F_TRUNK_LEAN_DEG]),
            "head_forward_pct": float(feat[ff.F_HEAD_FORWARD_PCT]),
            "pelvic_tilt_deg": float(self._row[COL_PELVIC_TILT]),
            "rib_flare_deg": float(self._row[COL_RIB_FLARE]),
        }
        reasons = {}
        if pose.mask is None:
            reasons["pelvic_tilt_deg"] = reasons["rib_flare_deg"] = "no segmentation mask"
        if not found:
            reasons = {k: "no person in the frame" for k in values}
        return FrameMetrics(t_ns=pose.t_ns, seq=pose.seq, values=values, reasons=reasons)

    def _same_contact(self, foot: int, t_ev: float) -> bool:
        """Safety net behind the leg tracking: a contact within `same_contact_s` of the other
        foot's last contact is that same physical contact seen on both tracks (a step is
        ~0.3 s or more); it closes no stride and counts no step."""
        other = self._contacts[1 - foot]
        return bool(other) and abs(t_ev - other[-1]) < self.settings.same_contact_s

    def _close_stride(self, foot: int, c2: float) -> StrideMetrics | None:
        st = self.settings
        other = 1 - foot
        earlier = [c for c in self._contacts[foot] if c < c2]
        if not earlier:
            return None
        c0 = earlier[-1]
        if not 0 < c2 - c0 <= st.max_stride_s:
            return None
        toe = [o for o in self._toe_offs[foot] if c0 < o < c2]
        mids = [c for c in self._contacts[other] if c0 < c < c2]
        if not toe or len(mids) != 1:
            return None
        c1 = mids[0]
        other_to = [o for o in self._toe_offs[other] if o > c1]
        if not other_to:  # walking: the other foot is still down; use its last full stance
            prev = [c for c in self._contacts[other] if c < c1]
            done = [o for o in self._toe_offs[other] if prev and prev[-1] < o < c1]
            other_stance = done[-1] - prev[-1] if done else math.nan
            other_to_t = c1 + other_stance
        else:
            other_to_t = other_to[0]
        t, V = self._ring.window(c0, c2, pad_frames=2)
        if len(t) < 3:
            return None
        if not math.isfinite(self._t_first_stride_s):
            self._t_first_stride_s = c0
        self.scale.observe_stance(t, V, foot, c0, toe[0])
        stride_metrics(t, V, foot, c0, toe[0], c1, c2, other_to_t, self.leg_len_px,
                       self.scale.px_per_cm, self._shrug_baseline, 0.0,
                       self._contour_template, self._stride_out)
        values = {name: float(v) for name, v in zip(STRIDE_METRIC_NAMES, self._stride_out)}
        reasons = {}
        self._asymmetry.add(foot, c2 - c1, toe[0] - c0)
        values["step_time_asym_pct"] = self._asymmetry.step_time_pct()
        values["contact_asym_pct"] = self._asymmetry.contact_pct()
        if math.isnan(values["step_time_asym_pct"]):
            reasons["step_time_asym_pct"] = \
                f"needs {ASYM_MIN_PAIRS} pairs of steps first (~4 s of running)"
        if math.isnan(values["contact_asym_pct"]):
            reasons["contact_asym_pct"] = f"needs {ASYM_MIN_STEPS} contacts of each foot first"
        if not math.isfinite(self._shrug_baseline):
            reasons["shoulder_shrug_pct"] = "baseline not set yet (first seconds of running)"
        for name in ("pelvic_tilt_deg", "rib_flare_deg"):
            if math.isnan(values[name]):
                reasons[name] = "no segmentation mask, or a trunk contour band not " \
                                "seen clear of the arms in any frame of the stride"
        for name, v in values.items():
            if math.isnan(v) and name not in reasons:
                reasons[name] = "landmarks missing around the gait event"
        self._stride_index += 1
        return StrideMetrics(t_ns=int(round(c2 * 1e9)), foot=FOOT_NAMES[foot],
                             index=self._stride_index - 1, values=values, reasons=reasons)

