"""The idle screen (nobody running) and the message screen (camera lost, video ended).

Idle invites the next runner: one big line, a hint how to stand, and a small dimmed camera
preview in the corner so gym staff can see the camera works.
"""
from __future__ import annotations

import pygame

from display import theme
from display.camera_view import CameraView
from display.text import FontBook, draw_text_block
from station.screen_state import IDLE_TEXT, ScreenState

IDLE_HINT = "Side-on to the camera, whole body in view"


def idle_preview_rect(width_px: int, height_px: int) -> pygame.Rect:
    """The camera preview's panel: bottom-right, a quarter of the screen height."""
    u = height_px / 100
    h = round(26 * u)
    return pygame.Rect(width_px - round(2 * u) - round(1.5 * h), height_px - round(2 * u) - h,
                       round(1.5 * h), h)


def draw_idle(surface: pygame.Surface, state: ScreenState, fonts: FontBook, camera: CameraView,
              unit_px: float) -> list[pygame.Rect]:
    """Returns the rects of the main line(s)."""
    w, h = surface.get_size()
    u = unit_px
    surface.fill(theme.BACKGROUND)
    if state.image is not None:
        # A small preview in the corner: staff see the camera works, the text stays clear.
        camera.draw(surface, state.image, state.pose, dim=True)
    title_area = pygame.Rect(round(4 * u), round(28 * u), w - round(8 * u), round(24 * u))
    rects = draw_text_block(surface, fonts, IDLE_TEXT, title_area, 8.0 * u, theme.TEXT)
    hint_area = pygame.Rect(round(4 * u), round(56 * u), w - round(8 * u), round(10 * u))
    draw_text_block(surface, fonts, IDLE_HINT, hint_area, 3.0 * u, theme.TEXT_DIM)
    return rects


def draw_message(surface: pygame.Surface, state: ScreenState, fonts: FontBook,
                 unit_px: float) -> list[pygame.Rect]:
    """A full-screen message (state.message) with the status line under it."""
    w, h = surface.get_size()
    u = unit_px
    surface.fill(theme.BACKGROUND)
    area = pygame.Rect(round(4 * u), round(22 * u), w - round(8 * u), round(36 * u))
    rects = draw_text_block(surface, fonts, state.message or state.status, area, 7.0 * u,
                            theme.TEXT)
    if state.message and state.status:
        sub = pygame.Rect(round(4 * u), round(62 * u), w - round(8 * u), round(12 * u))
        draw_text_block(surface, fonts, state.status, sub, 3.0 * u, theme.STATUS_WARN)
    return rects
