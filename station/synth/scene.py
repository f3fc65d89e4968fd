"""The static gym scene and the treadmill, drawn once per clip; the belt's moving
stripes are drawn per frame so the belt visibly runs at its speed."""
from __future__ import annotations

import cv2
import numpy as np

from station.synth.camera import Camera

# Treadmill in the runner frame (cm): belt top at y = 0, hips above x = 0.
BELT_X_CM = (-95.0, 75.0)
BELT_HALF_WIDTH_CM = 26.0
DECK_DEPTH_CM = 18.0
FLOOR_Y_CM = -22.0
WALL_Z_CM = -380.0
STRIPE_SPACING_CM = 22.0


def _poly(cam: Camera, pts3: list[tuple[float, float, float]]) -> np.ndarray:
    return np.round(cam.project(np.array(pts3, float)) * 4).astype(np.int32)


def draw_background(cam: Camera) -> np.ndarray:
    """RGB uint8 image of wall, floor and the treadmill (without the belt's stripes)."""
    w, h = cam.width_px, cam.height_px
    img = np.zeros((h, w, 3), np.uint8)
    floor_v = int(np.clip(cam.project(np.array([0.0, FLOOR_Y_CM, WALL_Z_CM * cam.facing_sign]))[1],
                          0, h))
    # Wall: a soft vertical gradient; floor: darker, lighter toward the camera.
    ramp = np.linspace(0, 1, max(floor_v, 1))[:, None]
    img[:floor_v] = (np.array([196, 200, 204]) * (1 - 0.12 * ramp)).astype(np.uint8)[:, None, :]
    ramp = np.linspace(0, 1, max(h - floor_v, 1))[:, None]
    img[floor_v:] = (np.array([112, 104, 96]) + 40 * ramp).astype(np.uint8)[:, None, :]
    cv2.line(img, (0, floor_v), (w, floor_v), (150, 150, 150), 2)
    s = cam.facing_sign
    far, near = -s * BELT_HALF_WIDTH_CM, s * BELT_HALF_WIDTH_CM
    x0, x1 = BELT_X_CM
    # Far side rail of the deck, the belt top, the deck's near side panel.
    cv2.fillPoly(img, [_poly(cam, [(x0 - 8, 0, far - s * 6), (x1 + 30, 0, far - s * 6),
                                   (x1 + 30, FLOOR_Y_CM, far - s * 6),
                                   (x0 - 8, FLOOR_Y_CM, far - s * 6)])], (70, 72, 76),
                 cv2.LINE_AA, 2)
    cv2.fillPoly(img, [belt_polygon(cam)], (44, 46, 50), cv2.LINE_AA, 2)
    cv2.fillPoly(img, [_poly(cam, [(x0 - 10, 1.5, near + s * 4), (x1 + 8, 1.5, near + s * 4),
                                   (x1 + 8, FLOOR_Y_CM + 4, near + s * 4),
                                   (x0 - 10, FLOOR_Y_CM + 4, near + s * 4)])],
                 (150, 154, 160), cv2.LINE_AA, 2)
    cv2.fillPoly(img, [_poly(cam, [(x0 - 10, 1.5, near + s * 4), (x1 + 8, 1.5, near + s * 4),
                                   (x1 + 8, -3.0, near + s * 4), (x0 - 10, -3.0, near + s * 4)])],
                 (190, 194, 200), cv2.LINE_AA, 2)
    # Motor hood at the front, upright posts and the console.
    cv2.fillPoly(img, [_poly(cam, [(x1 - 5, 6, near + s * 6), (x1 + 38, 8, near + s * 6),
                                   (x1 + 42, FLOOR_Y_CM, near + s * 6),
                                   (x1 - 5, FLOOR_Y_CM, near + s * 6)])], (58, 60, 66),
                 cv2.LINE_AA, 2)
    for z in (far - s * 6, near + s * 6):
        cv2.fillPoly(img, [_poly(cam, [(x1 + 18, 6, z), (x1 + 28, 6, z), (x1 + 2, 128, z),
                                       (x1 - 8, 128, z)])], (92, 96, 102), cv2.LINE_AA, 2)
    cv2.fillPoly(img, [_poly(cam, [(x1 - 18, 122, 0), (x1 + 10, 122, 0), (x1 + 16, 142, 0),
                                   (x1 - 8, 146, 0)])], (40, 42, 48), cv2.LINE_AA, 2)
    cv2.fillPoly(img, [_poly(cam, [(x1 - 40, 100, near + s * 6), (x1 + 2, 100, near + s * 6),
                                   (x1 + 2, 104, near + s * 6), (x1 - 40, 104, near + s * 6)])],
                 (120, 124, 130), cv2.LINE_AA, 2)
    return img


def belt_polygon(cam: Camera) -> np.ndarray:
    s = cam.facing_sign
    x0, x1 = BELT_X_CM
    return _poly(cam, [(x0, 0, -s * BELT_HALF_WIDTH_CM), (x1, 0, -s * BELT_HALF_WIDTH_CM),
                       (x1, 0, s * BELT_HALF_WIDTH_CM), (x0, 0, s * BELT_HALF_WIDTH_CM)])


def draw_belt_stripes(img: np.ndarray, cam: Camera, belt_travel_cm: float) -> None:
    """Stripes across the belt, moved back by the belt's travel so far."""
    s = cam.facing_sign
    x0, x1 = BELT_X_CM
    phase = (-belt_travel_cm) % STRIPE_SPACING_CM
    xs = np.arange(x0 + phase, x1, STRIPE_SPACING_CM)
    for x in xs:
        q = _poly(cam, [(x, 0, -s * BELT_HALF_WIDTH_CM), (x + 2.5, 0, -s * BELT_HALF_WIDTH_CM),
                        (x + 2.5, 0, s * BELT_HALF_WIDTH_CM), (x, 0, s * BELT_HALF_WIDTH_CM)])
        cv2.fillPoly(img, [q], (60, 62, 68), cv2.LINE_AA, 2)
