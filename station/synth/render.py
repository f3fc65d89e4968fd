"""Draws frames of the synthetic runner: a shaded figure on a running treadmill, and the
body's segmentation mask.

Shading is cheap and convincing enough for a pose model: each shape is filled in a
shadow tone, then twice more, shrunk toward its centre and shifted toward the light
(upper front), in mid and highlight tones; far-side limbs are darker. A light blur over
the figure softens the bands and the edges like a real lens.
"""
from __future__ import annotations

import cv2
import numpy as np

from station.synth.figure import FigureBuilder, Shape
from station.synth.outline import torso_outline
from station.synth.runner import SynthRunner, WorldPose
from station.synth.scene import draw_background, draw_belt_stripes

# RGB (shadow, mid, highlight) per material.
MATERIALS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "skin": ((150, 96, 70), (205, 145, 112), (232, 182, 150)),
    "shirt": ((20, 70, 130), (38, 110, 190), (90, 155, 225)),
    "shorts": ((24, 24, 30), (48, 48, 58), (78, 78, 92)),
    "shoe": ((120, 30, 30), (205, 60, 50), (240, 235, 230)),
    "hair": ((30, 20, 14), (62, 42, 28), (92, 66, 44)),
    "ear": ((160, 100, 76), (190, 128, 98), (215, 160, 130)),
}
FAR_DIM = 0.72
#: The mask is rasterised at this many samples per pixel each way (16 per pixel)...
MASK_SUPERSAMPLE = 4


def mask_coverage(shapes: list[Shape], height: int, width: int) -> np.ndarray:
    """Share of each pixel the body covers, uint8 0..255 (like a soft segmentation mask).

    The shapes (4x subpixel units, cv2 shift=2) are filled on a 4x grid whose samples
    sit at the centres of the 16 sub-pixels of each pixel, then each 4x4 block is
    averaged: an area coverage accurate to ~1/16 px at the edges, with no staircase
    bias (filling the pixel grid directly, with LINE_8, takes every pixel the outline
    touches: edges ~0.5 px outward and a staircase frozen in place)."""
    k = MASK_SUPERSAMPLE
    big = np.zeros((height * k, width * k), np.uint8)
    for shape in shapes:
        # Sub-pixel j of the big grid has its centre at original x = (j - 1.5) / 4, so a
        # point at original p goes to 4p + 1.5 on the big grid: 16p + 6 in its shift=2 units.
        cv2.fillPoly(big, [shape.points * k + 6], 255, cv2.LINE_8, 2)
    return cv2.resize(big, (width, height), interpolation=cv2.INTER_AREA)


def body_mask(shapes: list[Shape], height: int, width: int) -> np.ndarray:
    """The body's mask as the masks file stores it (bool): pixels at least half covered."""
    return mask_coverage(shapes, height, width) >= 128


def _shrunk(points: np.ndarray, scale: float, shift: np.ndarray) -> np.ndarray:
    c = points.mean(0)
    return np.round(c + (points - c) * scale + shift).astype(np.int32)


class FrameRenderer:
    def __init__(self, runner: SynthRunner) -> None:
        self.r = runner
        self.cam = runner.camera
        self.background = draw_background(self.cam)
        self.figure = FigureBuilder(runner)
        # Light from above and in front of the runner (4x subpixel units per px).
        self.light = np.array([runner.facing_sign * 0.5, -1.0]) * 4.0

    def _fill(self, img: np.ndarray, shape: Shape, size_px: float) -> None:
        tones = MATERIALS[shape.material]
        dim = 1.0 if shape.near else FAR_DIM
        pts = shape.points
        cv2.fillPoly(img, [pts], tuple(int(c * dim) for c in tones[0]), cv2.LINE_AA, 2)
        shift = self.light * max(size_px * 0.12, 1.0)
        cv2.fillPoly(img, [_shrunk(pts, 0.8, shift)], tuple(int(c * dim) for c in tones[1]),
                     cv2.LINE_AA, 2)
        cv2.fillPoly(img, [_shrunk(pts, 0.42, 2.2 * shift)],
                     tuple(int(c * dim) for c in tones[2]), cv2.LINE_AA, 2)

    def render(self, pose: WorldPose, i: int, belt_travel_cm: float, torso_px: np.ndarray,
               torso_world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(RGB image uint8 HxWx3, mask bool HxW) of sample i of `pose`."""
        img = self.background.copy()
        draw_belt_stripes(img, self.cam, belt_travel_cm)
        if not pose.present[i]:
            return img, np.zeros(img.shape[:2], bool)
        # Contact shadow on the belt under the runner.
        c = self.cam.project(np.array([pose.x_offset_cm[i], 0.0, 0.0]))
        scale = self.cam.focal_px / self.cam.distance_cm
        cv2.ellipse(img, (int(c[0]), int(c[1])), (int(34 * scale), int(4 * scale)), 0, 0, 360,
                    (30, 31, 34), -1, cv2.LINE_AA)
        shapes = self.figure.shapes(pose, torso_px, torso_world, i)
        for shape in shapes:
            size = float(np.ptp(shape.points, axis=0).min()) / 4.0
            self._fill(img, shape, size)
        mask = body_mask(shapes, img.shape[0], img.shape[1])
        ys, xs = np.nonzero(mask)
        if len(xs):
            y0, y1 = max(ys.min() - 3, 0), min(ys.max() + 4, img.shape[0])
            x0, x1 = max(xs.min() - 3, 0), min(xs.max() + 4, img.shape[1])
            img[y0:y1, x0:x1] = cv2.GaussianBlur(img[y0:y1, x0:x1], (3, 3), 0.8)
        return img, mask


def render_frames(runner: SynthRunner, pose: WorldPose, belt_travel_cm: np.ndarray,
                  renderer: FrameRenderer) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Images and masks for every sample of `pose` (a chunk of frames)."""
    torso_world = torso_outline(runner.body, pose.trunk, pose.arch_cm)
    torso_px = runner.camera.project_plane(torso_world)
    images, masks = [], []
    for i in range(len(pose.t_s)):
        img, m = renderer.render(pose, i, float(belt_travel_cm[i]), torso_px[i], torso_world[i])
        images.append(img)
        masks.append(m)
    return images, masks
