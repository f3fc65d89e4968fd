"""The placement screen: the camera image with the skeleton, red bars on the edges where
the runner is cut off, and in large letters what to change."""
from __future__ import annotations

import pygame

from display import theme
from display.camera_view import CameraView, draw_cut_off_edges
from display.text import FontBook, draw_text_block
from station.screen_state import ScreenState, cut_off_edges, placement_advice

PLACEMENT_TITLE = "Camera set-up"
PLACEMENT_GOAL = "Whole body in view, seen from the side"
WAITING_TEXT = "Waiting for the camera..."
PLACEMENT_OK_TEXT = "Placement looks good: start running"


def placement_layout(width_px: int, height_px: int) -> tuple[pygame.Rect, pygame.Rect]:
    """(camera panel, text area): the image on the left half, instructions on the right."""
    u = height_px / 100
    pad = round(2 * u)
    camera = pygame.Rect(pad, pad, width_px // 2 - 2 * pad, height_px - 2 * pad)
    text = pygame.Rect(width_px // 2 + pad, pad, width_px // 2 - 2 * pad, height_px - 2 * pad)
    return camera, text


def instruction_for(state: ScreenState) -> str:
    """The text to show: the loop's own, else computed from the pose."""
    if state.placement_text:
        return state.placement_text
    if state.frame is None:
        return WAITING_TEXT
    advice = placement_advice(state.pose, state.frame.width_px, state.frame.height_px,
                              state.view)
    return advice or PLACEMENT_OK_TEXT


def draw_placement(surface: pygame.Surface, state: ScreenState, fonts: FontBook,
                   camera: CameraView, unit_px: float) -> list[pygame.Rect]:
    """Returns the rects of the instruction lines."""
    u = unit_px
    surface.fill(theme.BACKGROUND)
    fit = camera.draw(surface, state.image, state.pose)
    if fit is not None and state.pose is not None and state.frame is not None:
        edges = cut_off_edges(state.pose, state.frame.width_px, state.frame.height_px)
        draw_cut_off_edges(surface, fit, edges, u)
    _, text = placement_layout(*surface.get_size())
    title = fonts.render(PLACEMENT_TITLE, fonts.size_for_cap_px(3.0 * u), theme.TEXT_DIM)
    surface.blit(title, (text.x, text.y + round(4 * u)))
    # "Action: reason" reads best as the action in big letters and the reason under it.
    action, _, reason = instruction_for(state).partition(": ")
    body = pygame.Rect(text.x, text.y + round(12 * u), text.width, round(34 * u))
    rects = draw_text_block(surface, fonts, action, body, 6.0 * u, theme.STATUS_WARN,
                            align="left", max_lines=3)
    if reason:
        why = pygame.Rect(text.x, body.bottom + round(2 * u), text.width, round(14 * u))
        rects += draw_text_block(surface, fonts, reason[:1].upper() + reason[1:], why, 3.4 * u,
                                 theme.TEXT, align="left", max_lines=2)
    goal = pygame.Rect(text.x, text.bottom - round(18 * u), text.width, round(14 * u))
    draw_text_block(surface, fonts, PLACEMENT_GOAL, goal, 2.6 * u, theme.TEXT_DIM, align="left")
    return rects
