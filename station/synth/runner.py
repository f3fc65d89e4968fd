"""The synthetic runner: knobs -> gait timeline -> 3D joints -> pixels, at any times.

`SynthRunner` is the one object the writer, the truth, the renderer and the live source
share. Its geometry is a pure function of time (no state advanced frame by frame), so a
frame, an event instant or a dense truth grid all come from the same formulas.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.contracts import LM, N_LANDMARKS
from station.synth.body import Body, body_for_height
from station.synth.camera import Camera, camera_for
from station.synth.curves import smoothstep
from station.synth.foot import hip_ankle_distance, max_reach
from station.synth.knobs import KnobSet
from station.synth.legs import LegKinematics
from station.synth.outline import outline_shape_for, torso_outline
from station.synth.timeline import (LEFT, RIGHT, FormSchedule, StepTable, build_step_table,
                                    run_window, stride_phase)
from station.synth.upper_body import (HEAD_POINTS_175, Trunk, arms, head_and_shoulders,
                                      trunk_pose)

ENTRY_S, EXIT_S = 1.0, 1.5
LEG_POINTS = ("hip", "knee", "ankle", "heel", "toe")
LEG_LANDMARK = {"hip": "hip", "knee": "knee", "ankle": "ankle", "heel": "heel",
                "toe": "foot_index"}
# Depth of each leg point from the mid-plane, fraction of hip half-width: feet track a
# little narrower than the hips.
LEG_Z_FRAC = {"hip": 1.0, "knee": 0.9, "ankle": 0.8, "heel": 0.8, "toe": 0.8}


@dataclass
class WorldPose:
    """Everything about the runner at n sample times (runner frame, cm)."""

    t_s: np.ndarray
    points: np.ndarray            # (n, 33, 3) BlazePose landmarks
    present: np.ndarray           # (n,) runner on screen
    trunk: Trunk
    ear_mid: np.ndarray           # (n, 2)
    arch_cm: np.ndarray           # (n,) lumbar arch shape parameter
    stance: np.ndarray            # (n, 2) bool, per foot (left, right)
    x_offset_cm: np.ndarray       # (n,) walk-in / step-off shift


class SynthRunner:
    def __init__(self, knobs: KnobSet, seconds: float) -> None:
        self.knobs = knobs
        self.seconds = float(seconds)
        scene = knobs.scene
        self.body: Body = body_for_height(scene["runner_height_cm"])
        self.camera: Camera = camera_for(scene, self.body.height_cm)
        self.fps = float(scene["fps"])
        self.gait = knobs.main["gait"]
        self.appear_s, self.steady_from_s, self.steady_until_s = run_window(
            self.seconds, scene["absent_s"], scene["step_off_s"])
        self.gone_s = self.steady_until_s + EXIT_S
        t_first = self.appear_s - 1.5
        t_last = min(self.seconds, self.gone_s)
        # Overstride is a share of the leg length measured over the run (METRICS.md), which
        # depends on the gait itself: lay the gait once with a guess, measure, lay it again.
        self.leg_length_cm = 0.9 * self.body.leg_cm
        for _ in range(2):
            self.schedule = FormSchedule(knobs, self.steady_from_s, self._placement)
            self.steps: StepTable = build_step_table(self.schedule, t_first, t_last)
            self.legs = LegKinematics(self.steps, self.body, self.gait, self.leg_length_cm)
            self.leg_length_cm = self._measured_leg_length(t_first + 1.5, t_last)

    # ---- set-up helpers ---------------------------------------------------------------
    def _placement(self, form: dict[str, Any]) -> float:
        """overstride_pct that gives the form's waist bend: body lean at mid-stance is the
        trunk lean minus the waist bend, which fixes how far behind the hips the stance
        ankle is then, hence where the heel landed."""
        b = self.body
        lean = math.radians(form["trunk_lean_deg"])
        body_lean = lean - math.radians(form["waist_bend_deg"])
        if form["gait"] == "run":
            d_mid = float(hip_ankle_distance(b, form["knee_flexion_peak_deg"]))
        else:
            d_mid = max_reach(b) - 1.0
        ankle_mid_x = b.trunk_cm * math.sin(lean) - math.tan(body_lean) * (
            d_mid + b.trunk_cm * math.cos(lean))
        tc = form["duty_factor_pct"] / 100.0 * 2 * 60.0 / form["cadence_spm"]
        v = form["belt_kmh"] / 3.6 * 100.0
        heel_flat = ankle_mid_x - b.ankle_fwd_cm + v * tc / 2
        alpha = math.radians(form["foot_strike_angle_deg"])
        heel_ic = heel_flat - b.foot_cm * (math.cos(alpha) - 1) if alpha < 0 else heel_flat
        return 100.0 * heel_ic / self.leg_length_cm

    def _measured_leg_length(self, t0: float, t1: float) -> float:
        lo, hi = max(t0, self.steady_from_s), min(t1, self.steady_until_s)
        if hi <= lo:
            lo, hi = t0, t1
        t = np.linspace(lo, hi, 1500)
        hip_y = self.legs.hip_y_spline(t)
        d = [np.linalg.norm(self.legs.leg(f, t, hip_y)["ankle"] - np.stack(
            [np.zeros_like(hip_y), hip_y], -1), axis=-1) for f in (LEFT, RIGHT)]
        return float(np.mean(d))

    # ---- geometry at any times ----------------------------------------------------------
    def x_offset_cm(self, t: np.ndarray) -> np.ndarray:
        far = self.camera.visible_half_width_cm() + 0.8 * self.body.height_cm
        off = np.zeros_like(t)
        if self.steady_from_s > self.appear_s:
            entry_s = self.steady_from_s - self.appear_s
            off -= far * (1 - smoothstep((t - self.appear_s) / entry_s))
        if math.isfinite(self.steady_until_s):
            off -= far * smoothstep((t - self.steady_until_s) / EXIT_S)
        return off

    def present(self, t: np.ndarray) -> np.ndarray:
        return (t >= self.appear_s) & (t < self.gone_s)

    def world_pose(self, t_s: np.ndarray) -> WorldPose:
        t = np.asarray(t_s, dtype=float)
        b = self.body
        form = self.schedule.at(t)
        hip_y = self.legs.hip_y_spline(t)
        arch_cm, flare_rot = outline_shape_for(form["pelvic_tilt_deg"], form["rib_flare_deg"])
        trunk = trunk_pose(b, hip_y, form["trunk_lean_deg"], flare_rot)
        pts, ear = head_and_shoulders(b, trunk, form["head_forward_pct"],
                                      form["shoulder_shrug_pct"])
        pts.update(arms(b, pts, stride_phase(t, self.steps, LEFT),
                        stride_phase(t, self.steps, RIGHT), form["arm_swing_deg"],
                        form["elbow_flexion_deg"]))
        stance = np.zeros((len(t), 2), bool)
        for foot, side, sign in ((LEFT, "left", -1.0), (RIGHT, "right", 1.0)):
            leg = self.legs.leg(foot, t, hip_y)
            stance[:, foot] = leg["stance"]
            for part in LEG_POINTS:
                z = sign * LEG_Z_FRAC[part] * b.hip_half_width_cm
                pts[f"{side}_{LEG_LANDMARK[part]}"] = np.concatenate(
                    [leg[part], np.full((len(t), 1), z)], -1)
        out = np.zeros((len(t), N_LANDMARKS, 3))
        for name, p in pts.items():
            out[:, LM[name]] = p
        off = self.x_offset_cm(t)
        out[..., 0] += off[:, None]
        ear = ear + self._head_parallax_shift(out, form["head_forward_pct"])[:, None] * [1.0, 0.0]
        trunk_dx = np.c_[off, 0 * off]
        trunk = Trunk(trunk.hip + trunk_dx, trunk.rib_joint + trunk_dx,
                      trunk.shoulder + trunk_dx, trunk.lower_rad, trunk.thorax_rad,
                      trunk.trunk_cm)
        return WorldPose(t, out, self.present(t), trunk, ear + trunk_dx,
                         arch_cm, stance, off)

    def _head_parallax_shift(self, pts: np.ndarray, head_forward_pct: np.ndarray) -> np.ndarray:
        """Move the head (in place) so the camera-side ear is ahead of the camera-side
        shoulder by exactly head_forward_pct of T *in the image*. Ear and shoulder sit at
        different depths, so without this the metric would drift with trunk lean.
        Returns the x shift applied, cm."""
        cam = self.camera
        side = "right" if cam.facing_sign > 0 else "left"
        px = cam.project(pts[:, [LM[f"{side}_shoulder"], LM["left_shoulder"], LM["right_shoulder"],
                                 LM["left_hip"], LM["right_hip"], LM[f"{side}_ear"]]])
        t_px = np.linalg.norm(0.5 * (px[:, 1] + px[:, 2]) - 0.5 * (px[:, 3] + px[:, 4]), axis=-1)
        want_u = px[:, 0, 0] + cam.facing_sign * head_forward_pct / 100.0 * t_px
        ear = pts[:, LM[f"{side}_ear"]]
        depth = cam.distance_cm - cam.facing_sign * ear[:, 2]
        want_x = cam.aim_x_cm + cam.facing_sign * (want_u - cam.width_px / 2.0) * depth \
            / cam.focal_px
        dx = want_x - ear[:, 0]
        for name in HEAD_POINTS_175:
            pts[:, LM[name], 0] += dx
        return dx

    def landmarks_px(self, pose: WorldPose) -> np.ndarray:
        """(n, 33, 2) float64 pixels; NaN where the runner is absent."""
        xy = self.camera.project(pose.points)
        xy[~pose.present] = np.nan
        return xy

    def torso_px(self, pose: WorldPose) -> np.ndarray:
        """(n, m, 2) torso outline in pixels (mid-plane)."""
        return self.camera.project_plane(torso_outline(self.body, pose.trunk, pose.arch_cm))

    def frame_times_s(self) -> np.ndarray:
        return self.frame_t_ns() / 1e9

    def frame_t_ns(self) -> np.ndarray:
        n = int(round(self.seconds * self.fps))
        return np.round(np.arange(n) * (1e9 / self.fps)).astype(np.int64)

    def belt_travel_cm(self, t_s: np.ndarray) -> np.ndarray:
        """How far the belt has moved since t = 0 (it may change speed with the form)."""
        t = np.asarray(t_s, float)
        grid = np.arange(0.0, float(t.max()) + 0.2, 0.1)
        v = self.schedule.at(grid)["belt_kmh"] / 3.6 * 100.0
        travel = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * 0.1)])
        return np.interp(t, grid, travel)

    @property
    def px_per_cm(self) -> float:
        """Image scale at the hip midpoint, standing (the session scale truth uses)."""
        return self.camera.px_per_cm_at(np.array([0.0, 0.53 * self.body.height_cm, 0.0]))

    @property
    def facing_sign(self) -> int:
        return self.camera.facing_sign
