"""Foot and two-link leg geometry in the sagittal plane (x forward, y up, cm).

The foot is a rigid triangle: heel (0, 0), toe (foot, 0), ankle (ankle_fwd, ankle_up) in
its own frame, turned by the foot angle phi (+ = toes up). On the belt it turns about
the point touching the belt (the pivot: heel or toe), which moves backward at belt speed.
"""
from __future__ import annotations

import numpy as np

from station.synth.body import Body


def rotate(v: np.ndarray, ang_rad: np.ndarray) -> np.ndarray:
    """Rotate 2D vectors (..., 2) counter-clockwise by `ang_rad` (...)."""
    c, s = np.cos(ang_rad), np.sin(ang_rad)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)


def foot_from_pivot(body: Body, pivot_xy: np.ndarray, pivot_is_toe: np.ndarray,
                    phi_rad: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(heel, ankle, toe) of a foot at angle phi whose heel or toe sits at `pivot_xy`."""
    off = np.where(pivot_is_toe[..., None], np.array([body.foot_cm, 0.0]), 0.0)
    heel = pivot_xy + rotate(np.zeros_like(off) - off, phi_rad)
    ankle = pivot_xy + rotate(np.array([body.ankle_fwd_cm, body.ankle_up_cm]) - off, phi_rad)
    toe = pivot_xy + rotate(np.array([body.foot_cm, 0.0]) - off, phi_rad)
    return heel, ankle, toe


def foot_from_ankle(body: Body, ankle_xy: np.ndarray, phi_rad: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(heel, toe) of a foot at angle phi hanging from `ankle_xy` (swing)."""
    a = np.array([body.ankle_fwd_cm, body.ankle_up_cm])
    heel = ankle_xy + rotate(np.broadcast_to(-a, ankle_xy.shape), phi_rad)
    toe = ankle_xy + rotate(np.broadcast_to(np.array([body.foot_cm, 0.0]) - a,
                                            ankle_xy.shape), phi_rad)
    return heel, toe


def hip_ankle_distance(body: Body, knee_flexion_deg: np.ndarray | float) -> np.ndarray:
    """Hip-to-ankle distance for a knee flexion (180 - hip-knee-ankle angle)."""
    a, b = body.thigh_cm, body.shank_cm
    return np.sqrt(a * a + b * b + 2 * a * b * np.cos(np.radians(knee_flexion_deg)))


def max_reach(body: Body) -> float:
    """Longest hip-ankle distance the IK allows: a hair short of a locked knee, so the
    knee direction stays defined."""
    return (body.thigh_cm + body.shank_cm) * np.cos(np.radians(1.0))


def knee_ik(body: Body, hip: np.ndarray, ankle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knee position for hip and ankle points (n, 2), knee bending forward (+x).

    Returns (knee, ankle): an ankle beyond reach is pulled in along the hip-ankle line
    (the only case where the returned ankle differs from the one given)."""
    a, b = body.thigh_cm, body.shank_cm
    d_vec = ankle - hip
    d = np.linalg.norm(d_vec, axis=-1)
    d_ok = np.clip(d, abs(a - b) + 1e-3, max_reach(body))
    unit = d_vec / np.maximum(d, 1e-9)[..., None]
    ankle = hip + unit * d_ok[..., None]
    cos_beta = np.clip((a * a + d_ok * d_ok - b * b) / (2 * a * d_ok), -1.0, 1.0)
    knee = hip + a * rotate(unit, np.arccos(cos_beta))
    return knee, ankle


def angle_from_vertical_deg(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Angle of top->bottom from straight down, + when bottom is ahead (+x) of top."""
    d = bottom - top
    return np.degrees(np.arctan2(d[..., 0], -d[..., 1]))


def circle_intersection_upper(c1: np.ndarray, r1: float, c2: np.ndarray, r2: float
                              ) -> np.ndarray:
    """The higher of the two intersections of circles (c1, r1) and (c2, r2), vectorized;
    where they do not meet, the point on the centre line closest to both."""
    p1, p2 = _circle_intersections(c1, r1, c2, r2)
    return np.where((p1[..., 1] >= p2[..., 1])[..., None], p1, p2)


def circle_intersection_nearest(c1: np.ndarray, r1: float, c2: np.ndarray, r2: float,
                                near: np.ndarray) -> np.ndarray:
    """The intersection of circles (c1, r1) and (c2, r2) nearer to `near`, vectorized.
    Where both intersections sit near the same height (an ankle close to the belt), "the
    higher" flips between them from one frame to the next; the nearer one does not."""
    p1, p2 = _circle_intersections(c1, r1, c2, r2)
    nearer_1 = np.linalg.norm(p1 - near, axis=-1) <= np.linalg.norm(p2 - near, axis=-1)
    return np.where(nearer_1[..., None], p1, p2)


def _circle_intersections(c1: np.ndarray, r1: float, c2: np.ndarray, r2: float
                          ) -> tuple[np.ndarray, np.ndarray]:
    dv = c2 - c1
    d = np.maximum(np.linalg.norm(dv, axis=-1), 1e-9)
    a = (r1 * r1 - r2 * r2 + d * d) / (2 * d)
    h = np.sqrt(np.clip(r1 * r1 - a * a, 0.0, None))
    u = dv / d[..., None]
    base = c1 + a[..., None] * u
    perp = np.stack([-u[..., 1], u[..., 0]], axis=-1)
    p1 = base + h[..., None] * perp
    p2 = base - h[..., None] * perp
    return p1, p2
