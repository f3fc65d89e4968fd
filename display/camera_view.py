"""The camera image scaled into its panel (aspect kept, centred) with the skeleton,
the trunk line and a vertical reference through the hips drawn over it, after the
cv2 overlay of station/overlay.py but in screen pixels."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from display import theme
from station.contracts import LEFT_SIDE, LM, RIGHT_SIDE, SKELETON_EDGES, Pose

_SHOULDERS = [LM["left_shoulder"], LM["right_shoulder"]]
_HIPS = [LM["left_hip"], LM["right_hip"]]


@dataclass(frozen=True, slots=True)
class ImageFit:
    """How image pixels map into the panel: screen = offset + image * scale."""

    rect: pygame.Rect  # where the scaled image sits on the screen
    scale: float

    @staticmethod
    def into(image_w: int, image_h: int, panel: pygame.Rect) -> "ImageFit":
        scale = min(panel.width / image_w, panel.height / image_h)
        w, h = max(1, round(image_w * scale)), max(1, round(image_h * scale))
        rect = pygame.Rect(0, 0, w, h)
        rect.center = panel.center
        return ImageFit(rect, scale)

    def to_screen(self, xy: np.ndarray) -> np.ndarray:
        """(N, 2) image pixels -> (N, 2) screen pixels (NaN stays NaN)."""
        return xy * self.scale + np.array([self.rect.x, self.rect.y], dtype=np.float64)


def _edge_colour(a: int, b: int) -> theme.RGB:
    if a in LEFT_SIDE and b in LEFT_SIDE:
        return theme.BONE_LEFT
    if a in RIGHT_SIDE and b in RIGHT_SIDE:
        return theme.BONE_RIGHT
    return theme.BONE_MID


def _mid(pts: np.ndarray, idx: list[int]) -> np.ndarray | None:
    sel = pts[idx]
    sel = sel[np.isfinite(sel).all(axis=1)]
    return sel.mean(axis=0) if len(sel) else None


def _point(p: np.ndarray) -> tuple[int, int]:
    return int(round(p[0])), int(round(p[1]))


def _dashed_vertical(surface: pygame.Surface, colour: theme.RGB, x: int, y0: int, y1: int,
                     width: int, dash_px: int) -> None:
    top, bottom = min(y0, y1), max(y0, y1)
    y = bottom
    while y > top:
        pygame.draw.line(surface, colour, (x, y), (x, max(top, y - dash_px)), width)
        y -= 2 * dash_px


def draw_skeleton(surface: pygame.Surface, pose: Pose, fit: ImageFit, unit_px: float) -> None:
    """Bones, joints, trunk line (hips to shoulders) and the vertical through the hips it is
    measured against. NaN landmarks are skipped, with every bone that touches them."""
    pts = fit.to_screen(pose.xy.astype(np.float64))
    ok = np.isfinite(pts).all(axis=1)
    thick = max(2, round(0.45 * unit_px))
    clip = surface.get_clip()
    surface.set_clip(fit.rect)  # landmarks may lie beyond the image: keep them in the panel
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            pygame.draw.line(surface, _edge_colour(a, b), _point(pts[a]), _point(pts[b]), thick)
    for i in np.flatnonzero(ok):
        pygame.draw.circle(surface, _edge_colour(i, i), _point(pts[i]), thick + 1)
    s, h = _mid(pts, _SHOULDERS), _mid(pts, _HIPS)
    if s is not None and h is not None:
        trunk_px = float(np.hypot(*(s - h)))
        hx, hy = _point(h)
        _dashed_vertical(surface, theme.VERTICAL_REF, hx, hy, hy - round(1.25 * trunk_px),
                         max(2, thick // 2 + 1), max(4, round(0.8 * unit_px)))
        pygame.draw.line(surface, theme.TRUNK_LINE, (hx, hy), _point(s), thick + 2)
    surface.set_clip(clip)


class CameraView:
    """Draws frames into one panel; keeps the scaled-image surface between frames."""

    def __init__(self, panel: pygame.Rect, unit_px: float) -> None:
        self.panel = panel
        self.unit_px = unit_px
        self._scaled: pygame.Surface | None = None
        self._shade: pygame.Surface | None = None
        self.last_fit: ImageFit | None = None

    def draw(self, surface: pygame.Surface, image: np.ndarray | None, pose: Pose | None,
             dim: bool = False) -> ImageFit | None:
        pygame.draw.rect(surface, theme.PANEL, self.panel)
        if image is None:
            self.last_fit = None
            return None
        h, w = image.shape[:2]
        fit = ImageFit.into(w, h, self.panel)
        src = pygame.image.frombuffer(np.ascontiguousarray(image[:, :, :3]), (w, h), "RGB")
        if self._scaled is None or self._scaled.get_size() != fit.rect.size:
            # Same pixel format as the source: smoothscale copies channels in memory order,
            # so a surface with other masks would swap red and blue.
            self._scaled = pygame.Surface(fit.rect.size, 0, src)
        if fit.rect.size == (w, h):
            self._scaled.blit(src, (0, 0))
        else:
            pygame.transform.smoothscale(src, fit.rect.size, self._scaled)
        surface.blit(self._scaled, fit.rect)
        if dim:
            if self._shade is None or self._shade.get_size() != fit.rect.size:
                self._shade = pygame.Surface(fit.rect.size, pygame.SRCALPHA)
                self._shade.fill((0, 0, 0, 150))
            surface.blit(self._shade, fit.rect)
        if pose is not None and pose.found:
            draw_skeleton(surface, pose, fit, self.unit_px)
        self.last_fit = fit
        return fit


def draw_cut_off_edges(surface: pygame.Surface, fit: ImageFit, edges: frozenset[str],
                       unit_px: float) -> None:
    """Thick red bars on the image edges the runner is cut off at (placement screen)."""
    t = max(4, round(1.0 * unit_px))
    r = fit.rect
    bars = {"top": pygame.Rect(r.x, r.y, r.width, t),
            "bottom": pygame.Rect(r.x, r.bottom - t, r.width, t),
            "left": pygame.Rect(r.x, r.y, t, r.height),
            "right": pygame.Rect(r.right - t, r.y, t, r.height)}
    for edge in sorted(edges):
        pygame.draw.rect(surface, theme.CUT_OFF_EDGE, bars[edge])
