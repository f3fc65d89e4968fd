"""The bottom line: problems (camera lost, retrying) on the left in amber, the plumbing
numbers (fps, dropped frames, facing) on the right in grey."""
from __future__ import annotations

import math

import pygame

from display import theme
from display.text import FontBook


def facing_text(facing_sign: int) -> str:
    # Words, not arrows: the bundled default font has no arrow glyphs.
    return {1: "facing right", -1: "facing left"}.get(facing_sign, "facing unknown")


def draw_status_bar(surface: pygame.Surface, rect: pygame.Rect, status: str, fps: float,
                    dropped_frames: int, facing_sign: int, fonts: FontBook,
                    unit_px: float) -> None:
    pygame.draw.rect(surface, theme.PANEL, rect)
    size = fonts.size_for_cap_px(1.9 * unit_px)
    pad = round(1.2 * unit_px)
    parts = [f"{fps:.0f} fps" if math.isfinite(fps) else "\u2014 fps",
             f"{dropped_frames} dropped", facing_text(facing_sign)]
    right = fonts.render("   \u00b7   ".join(parts), size, theme.TEXT_DIM)
    surface.blit(right, right.get_rect(midright=(rect.right - pad, rect.centery)))
    if status:
        max_w = rect.width - right.get_width() - 3 * pad
        left = fonts.render(status, fonts.fit_size(status, size, max_w), theme.STATUS_WARN)
        surface.blit(left, left.get_rect(midleft=(rect.x + pad, rect.centery)))
