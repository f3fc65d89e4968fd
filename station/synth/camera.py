"""A pinhole camera beside the treadmill, looking at the runner's side.

Runner coordinates: x forward, y up (belt surface y = 0), z to the runner's right, cm;
the hip midpoint sits at x = 0. The camera stands `distance_cm` from the runner's
mid-plane on the side facing it: the runner's right side when the runner faces
image-right, the left side when facing image-left (then the image is mirrored). It is
level (no keystone: verticals stay vertical, which the outline proxies need) and its
image is shifted so that mid-body sits mid-image whatever the camera height, like a
level camera whose frame is cropped off-centre.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Camera:
    width_px: int
    height_px: int
    fov_deg: float
    distance_cm: float
    height_cm: float
    aim_y_cm: float
    aim_x_cm: float
    facing_sign: int          # +1 runner faces image-right, -1 image-left

    @property
    def focal_px(self) -> float:
        return (self.width_px / 2.0) / np.tan(np.radians(self.fov_deg) / 2.0)

    def project(self, p: np.ndarray) -> np.ndarray:
        """Pixels (..., 2) of runner-frame points (..., 3)."""
        s = self.facing_sign
        depth = self.distance_cm - s * p[..., 2]
        f = self.focal_px
        # The principal point is shifted so the aim point (in the mid-plane) is centred.
        v_shift = f * (self.aim_y_cm - self.height_cm) / self.distance_cm
        return np.stack([self.width_px / 2.0 + f * s * (p[..., 0] - self.aim_x_cm) / depth,
                         self.height_px / 2.0 + v_shift - f * (p[..., 1] - self.height_cm) / depth],
                        -1)

    def project_plane(self, p2: np.ndarray, z_cm: float = 0.0) -> np.ndarray:
        """Pixels of sagittal points (..., 2) at depth offset `z_cm`."""
        z = np.full(p2.shape[:-1] + (1,), z_cm)
        return self.project(np.concatenate([p2, z], -1))

    def px_per_cm_at(self, p: np.ndarray) -> float:
        """Image scale at a runner-frame point (the hip midpoint gives the session scale)."""
        return float(self.focal_px / (self.distance_cm - self.facing_sign * float(p[2])))

    def visible_half_width_cm(self) -> float:
        return float(self.distance_cm * np.tan(np.radians(self.fov_deg) / 2.0))


def camera_for(scene: dict, runner_height_cm: float) -> Camera:
    return Camera(
        width_px=int(scene["width"]), height_px=int(scene["height"]),
        fov_deg=float(scene["fov_deg"]), distance_cm=float(scene["camera_distance_cm"]),
        height_cm=float(scene["camera_height_cm"]),
        # Aim a little below mid-height so the treadmill deck shows under the feet, and
        # a little ahead of the hips so the console fits in front of the runner.
        aim_y_cm=0.47 * runner_height_cm, aim_x_cm=0.1 * runner_height_cm,
        facing_sign=1 if scene["facing"] == "right" else -1,
    )
