"""Trunk, head and arms of the synthetic runner (x forward, y up, z to the runner's
right, cm).

The trunk is two segments: the lower trunk (pelvis, lumbar spine) from the hip midpoint H
to the rib joint J, and the thorax from J to the shoulder midpoint S. Rib flare turns the
thorax back relative to the lower trunk; both turn together so that S - H keeps exactly
the trunk lean asked for. Arms swing opposite the legs: each arm follows the stride
phase of the other side's leg.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.synth.body import Body


def direction(theta_rad: np.ndarray) -> np.ndarray:
    """Unit vector leaning `theta` forward of straight up, (n, 2)."""
    return np.stack([np.sin(theta_rad), np.cos(theta_rad)], -1)


@dataclass
class Trunk:
    hip: np.ndarray           # (n, 2) H
    rib_joint: np.ndarray     # (n, 2) J
    shoulder: np.ndarray      # (n, 2) S, neutral (before any shrug)
    lower_rad: np.ndarray     # lower-trunk lean
    thorax_rad: np.ndarray    # thorax lean
    trunk_cm: float


def trunk_pose(body: Body, hip_y: np.ndarray, lean_deg: np.ndarray,
               flare_rot_deg: np.ndarray) -> Trunk:
    a = body.rib_joint_frac * body.trunk_cm
    b = body.trunk_cm - a
    f = np.radians(flare_rot_deg)
    delta = np.arctan2(b * np.sin(f), a + b * np.cos(f))
    lower = np.radians(lean_deg) + delta
    thorax = lower - f
    hip = np.stack([np.zeros_like(hip_y), hip_y], -1)
    j = hip + a * direction(lower)
    s = j + b * direction(thorax)
    return Trunk(hip, j, s, lower, thorax, body.trunk_cm)


# Head points relative to the ear midpoint E, for a 175 cm adult: (forward, up, right).
HEAD_POINTS_175: dict[str, tuple[float, float, float]] = {
    "nose": (10.5, -2.0, 0.0),
    "left_eye_inner": (9.0, 2.0, -1.6), "left_eye": (8.4, 2.2, -3.2),
    "left_eye_outer": (7.4, 2.0, -4.4),
    "right_eye_inner": (9.0, 2.0, 1.6), "right_eye": (8.4, 2.2, 3.2),
    "right_eye_outer": (7.4, 2.0, 4.4),
    "left_ear": (0.0, 0.0, -7.5), "right_ear": (0.0, 0.0, 7.5),
    "mouth_left": (8.8, -5.8, -2.4), "mouth_right": (8.8, -5.8, 2.4),
}


def head_and_shoulders(body: Body, trunk: Trunk, head_forward_pct: np.ndarray,
                       shrug_pct: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """3D points of the head and shoulders, and the ear midpoint E (n, 2).

    Shrug lifts the shoulders along the trunk axis (trunk lean unchanged) toward ears
    that stay put. Head forward puts the ear ahead of the shoulder by that share of the
    trunk length, horizontally, whatever the lean."""
    axis = trunk.shoulder - trunk.hip
    t_len = np.linalg.norm(axis, axis=-1)
    s_lm = trunk.shoulder + (shrug_pct / 100.0 * trunk.trunk_cm)[:, None] * axis / t_len[:, None]
    t_lm = np.linalg.norm(s_lm - trunk.hip, axis=-1)
    ear = np.stack([s_lm[:, 0] + head_forward_pct / 100.0 * t_lm,
                    trunk.shoulder[:, 1] + body.neck_cm], -1)
    pts: dict[str, np.ndarray] = {}
    k = body.height_cm / 175.0
    for name, (fx, fy, fz) in HEAD_POINTS_175.items():
        pts[name] = np.stack([ear[:, 0] + k * fx, ear[:, 1] + k * fy,
                              np.full(len(ear), k * fz)], -1)
    w = body.shoulder_half_width_cm
    pts["left_shoulder"] = np.concatenate([s_lm, np.full((len(ear), 1), -w)], -1)
    pts["right_shoulder"] = np.concatenate([s_lm, np.full((len(ear), 1), w)], -1)
    return pts, ear


def arms(body: Body, shoulders: dict[str, np.ndarray], phase_left: np.ndarray,
         phase_right: np.ndarray, swing_deg: np.ndarray, elbow_deg: np.ndarray
         ) -> dict[str, np.ndarray]:
    """Elbow, wrist and hand points. The right arm swings forward as the left thigh
    comes forward (late in the left stride), and vice versa."""
    out: dict[str, np.ndarray] = {}
    w = body.shoulder_half_width_cm
    for side, phase, sign in (("left", phase_right, -1.0), ("right", phase_left, 1.0)):
        wave = np.cos(2 * np.pi * (phase + 0.04))
        upper = np.radians(-8.0 + swing_deg * wave)
        fore = upper + np.radians(elbow_deg + 0.35 * swing_deg * wave)
        sh = shoulders[f"{side}_shoulder"]
        elbow = sh[:, :2] + body.upper_arm_cm * np.stack([np.sin(upper), -np.cos(upper)], -1)
        fdir = np.stack([np.sin(fore), -np.cos(fore)], -1)
        wrist = elbow + body.forearm_cm * fdir

        def at(xy: np.ndarray, z: float) -> np.ndarray:
            return np.concatenate([xy, np.full((len(xy), 1), sign * z)], -1)

        def hand(frac: float, turn_deg: float) -> np.ndarray:
            ang = fore + np.radians(turn_deg)
            return wrist + frac * body.hand_cm * np.stack([np.sin(ang), -np.cos(ang)], -1)

        out[f"{side}_elbow"] = at(elbow, w)
        out[f"{side}_wrist"] = at(wrist, 0.8 * w)
        out[f"{side}_index"] = at(hand(0.62, 25.0), 0.74 * w)
        out[f"{side}_pinky"] = at(hand(0.5, 5.0), 0.78 * w)
        out[f"{side}_thumb"] = at(hand(0.42, 45.0), 0.7 * w)
    return out
