"""The runner's body as filled shapes in pixels, back to front: far limbs, torso and
head, near limbs. Each shape has a material (skin, shirt, shorts, shoe, hair) the
renderer shades; the segmentation mask is the union of all shapes.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from station.contracts import LM
from station.synth.camera import Camera
from station.synth.runner import SynthRunner, WorldPose

_CIRCLE = np.stack([np.cos(np.linspace(0, 2 * np.pi, 16, endpoint=False)),
                    np.sin(np.linspace(0, 2 * np.pi, 16, endpoint=False))], -1)
# Limb radii in cm for a 175 cm adult, at each end (and the calf bulge).
THIGH_R = (8.2, 5.6)
SHANK_R = (5.2, 3.3)
CALF_R = 5.7
UPPER_ARM_R = (4.6, 3.6)
FOREARM_R = (3.4, 2.6)
FIST_R = 4.4
WAIST_H_CM = 7.0          # waistband height above the hip joints, along the lower trunk
SHORTS_THIGH_FRAC = 0.42  # shorts leg length, share of the thigh
# The thigh's drawn capsule starts this share of the thigh below the hip joint: above
# it the pelvis outline is the body (buttock behind, groin in front). A capsule round
# the joint itself stuck out behind the buttock line wherever the lower trunk leaned
# forward of the thighs (rib flare 20 turns it 10-15 deg), and the silhouette's sacral
# contour read the shorts (tilt 25 at flare 20 read 51 for 28).
THIGH_TOP_FRAC = 0.2


@dataclass
class Shape:
    points: np.ndarray     # (m, 2) int32 pixels, a closed polygon
    material: str
    near: bool             # on the camera side (lit brighter)


def hull_of_circles(centres_px: np.ndarray, radii_px: np.ndarray) -> np.ndarray:
    pts = (centres_px[:, None, :] + radii_px[:, None, None] * _CIRCLE[None]).reshape(-1, 2)
    return cv2.convexHull(np.round(pts * 4).astype(np.int32)).reshape(-1, 2)


class FigureBuilder:
    """Builds the shapes of frame i of a WorldPose (all shapes in 4x subpixel units, as
    cv2's shift=2 drawing expects)."""

    def __init__(self, runner: SynthRunner) -> None:
        self.r = runner
        self.cam: Camera = runner.camera
        self.k = runner.body.height_cm / 175.0
        self.near = "right" if runner.facing_sign > 0 else "left"
        self.far = "left" if self.near == "right" else "right"

    def _px(self, p3: np.ndarray) -> np.ndarray:
        return self.cam.project(p3)

    def _r_px(self, r_cm: float, z_cm: float) -> float:
        return r_cm * self.k * self.cam.focal_px / (self.cam.distance_cm
                                                    - self.cam.facing_sign * z_cm)

    def _limb(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float) -> np.ndarray:
        return hull_of_circles(self._px(np.stack([a, b])),
                               np.array([self._r_px(ra, a[2]), self._r_px(rb, b[2])]))

    def _leg(self, pts: np.ndarray, side: str) -> list[Shape]:
        near = side == self.near
        hip, knee, ankle = (pts[LM[f"{side}_{n}"]] for n in ("hip", "knee", "ankle"))
        heel, toe = pts[LM[f"{side}_heel"]], pts[LM[f"{side}_foot_index"]]
        top = hip + THIGH_TOP_FRAC * (knee - hip)
        shapes = [Shape(self._limb(top, knee, *THIGH_R), "skin", near)]
        calf = knee + 0.3 * (ankle - knee)
        axis = (ankle - knee)[:2] / max(np.linalg.norm((ankle - knee)[:2]), 1e-6)
        calf[:2] += self.k * 1.3 * np.array([axis[1], -axis[0]]) * -1.0   # bulge behind
        c = self._px(np.stack([knee, calf, ankle]))
        r = np.array([self._r_px(SHANK_R[0], knee[2]), self._r_px(CALF_R, calf[2]),
                      self._r_px(SHANK_R[1], ankle[2])])
        shapes.append(Shape(hull_of_circles(c, r), "skin", near))
        mid = hip + SHORTS_THIGH_FRAC * (knee - hip)
        shapes.append(Shape(self._limb(top, mid, THIGH_R[0] + 0.8, 7.4), "shorts", near))
        shapes.append(Shape(self._shoe(heel, ankle, toe), "shoe", near))
        return shapes

    def _shoe(self, heel: np.ndarray, ankle: np.ndarray, toe: np.ndarray) -> np.ndarray:
        u = (toe - heel)[:2]
        length = np.linalg.norm(u)
        u = u / max(length, 1e-6)
        n = np.array([-u[1], u[0]])                  # up from the sole
        k = self.k
        local = [(-1.5, 1.0), (-0.5, -0.8), (0.5 * length, -1.0), (length + 1.0, 0.0),
                 (length + 1.2, 2.2), (0.8 * length, 4.2), (0.45 * length, 6.8),
                 (0.25 * length, 9.5), (-0.5, 8.5), (-2.0, 4.0)]
        pts2 = np.array([heel[:2] + a * u + b * k * n for a, b in local])
        p3 = np.concatenate([pts2, np.full((len(pts2), 1), heel[2])], -1)
        return np.round(self._px(p3) * 4).astype(np.int32)

    def _arm(self, pts: np.ndarray, side: str) -> list[Shape]:
        near = side == self.near
        sh, el, wr = (pts[LM[f"{side}_{n}"]] for n in ("shoulder", "elbow", "wrist"))
        fist = 0.5 * (wr + pts[LM[f"{side}_index"]])
        sleeve = sh + 0.45 * (el - sh)
        return [Shape(self._limb(sh, el, *UPPER_ARM_R), "skin", near),
                Shape(self._limb(el, wr, *FOREARM_R), "skin", near),
                Shape(self._limb(fist, fist, FIST_R, FIST_R), "skin", near),
                Shape(self._limb(sh, sleeve, UPPER_ARM_R[0] + 0.9, 4.6), "shirt", near)]

    def _torso(self, torso_px: np.ndarray, pose: WorldPose, i: int) -> list[Shape]:
        poly = np.round(torso_px * 4).astype(np.int32)
        # Shorts: the run of outline points below the waistband.
        hip = pose.trunk.hip[i]
        up = np.array([np.sin(pose.trunk.lower_rad[i]), np.cos(pose.trunk.lower_rad[i])])
        world = self._world_outline
        h = (world - hip) @ up
        low = h < WAIST_H_CM * self.k
        shorts = poly[low] if low.sum() >= 3 else poly[:0]
        if len(shorts) >= 3:
            start = int(np.argmax(~low & np.roll(low, -1))) + 1   # first low point
            order = np.roll(np.arange(len(poly)), -start)
            shorts = poly[order][low[order]]
        out = [Shape(poly, "shirt", True)]
        if len(shorts) >= 3:
            out.append(Shape(shorts, "shorts", True))
        return out

    def _head(self, pose: WorldPose, i: int) -> list[Shape]:
        e = pose.ear_mid[i]
        k = self.k
        z = 0.0

        def ell(cx: float, cy: float, ax: float, ay: float, ang: float, material: str
                ) -> Shape:
            c = self._px(np.array([e[0] + cx * k, e[1] + cy * k, z]))
            s = self._r_px(1.0, z)
            pts = cv2.ellipse2Poly((int(c[0] * 4), int(c[1] * 4)),
                                   (int(ax * k * s * 4), int(ay * k * s * 4)),
                                   int(ang * self.cam.facing_sign), 0, 360, 15)
            return Shape(pts, material, True)

        nose = np.array([[9.5, 1.5], [12.3, -2.2], [9.8, -3.6]]) * k + e
        nose3 = np.concatenate([nose, np.zeros((3, 1))], -1)
        return [ell(2.6, 2.8, 10.2, 12.2, 10.0, "skin"),
                ell(0.2, 6.8, 10.4, 9.0, -5.0, "hair"),
                Shape(np.round(self._px(nose3) * 4).astype(np.int32), "skin", True),
                ell(-0.4, 0.6, 2.2, 3.4, 0.0, "ear")]

    def shapes(self, pose: WorldPose, torso_px: np.ndarray, torso_world: np.ndarray,
               i: int) -> list[Shape]:
        """All shapes of sample i, in drawing order (back to front)."""
        pts = pose.points[i]
        self._world_outline = torso_world
        out = self._arm(pts, self.far) + self._leg(pts, self.far)
        out += self._torso(torso_px, pose, i) + self._head(pose, i)
        out += self._leg(pts, self.near) + self._arm(pts, self.near)
        return out
