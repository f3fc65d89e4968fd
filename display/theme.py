"""Colours and the screen layout, every size derived from the screen height.

One unit `u` is 1% of the screen height, so a 1280x720 and a 1920x1080 screen look the
same, only sharper. Rects are plain pygame Rects computed once per screen size.
"""
from __future__ import annotations

from dataclasses import dataclass

import pygame

RGB = tuple[int, int, int]

BACKGROUND: RGB = (18, 20, 24)
PANEL: RGB = (30, 33, 40)
TEXT: RGB = (235, 237, 240)
TEXT_DIM: RGB = (150, 156, 166)
# Cue banner: a fault cue is amber with dark text (high contrast from across a room, not
# alarming red); the positive message is green. Without a cue the banner is quiet.
CUE_FAULT_BG: RGB = (255, 184, 28)
CUE_GOOD_BG: RGB = (70, 190, 95)
CUE_TEXT: RGB = (16, 16, 16)
BANNER_QUIET_BG: RGB = (30, 33, 40)
# Gauges: the normal band green, beyond the cue thresholds red, the rest of the scale grey.
GAUGE_TRACK: RGB = (62, 67, 78)
GAUGE_BAND: RGB = (46, 160, 80)
GAUGE_BAD: RGB = (170, 52, 52)
GAUGE_MARKER: RGB = (255, 255, 255)
ESTIMATE_MARK: RGB = (120, 190, 255)
VALUE_BAD: RGB = (255, 120, 110)
VALUE_OK: RGB = (140, 230, 150)
# Skeleton, as station/overlay.py: the runner's left side orange, right cyan, midline white.
BONE_LEFT: RGB = (255, 140, 0)
BONE_RIGHT: RGB = (0, 200, 255)
BONE_MID: RGB = (255, 255, 255)
TRUNK_LINE: RGB = (60, 230, 60)
VERTICAL_REF: RGB = (200, 200, 200)
CUT_OFF_EDGE: RGB = (235, 60, 60)
STATUS_WARN: RGB = (255, 184, 28)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each part of the running screen goes, for one screen size."""

    width_px: int
    height_px: int
    unit_px: float  # 1% of the screen height
    banner: pygame.Rect
    camera: pygame.Rect
    readout: pygame.Rect  # session time and cadence
    gauges: pygame.Rect
    status: pygame.Rect

    @staticmethod
    def for_size(width_px: int, height_px: int) -> "Layout":
        u = height_px / 100.0
        pad = round(1.2 * u)
        banner_h = round(20 * u)
        status_h = round(5 * u)
        body_top = banner_h + pad
        body_h = height_px - status_h - body_top - pad
        # The camera panel takes a bit under half the width: room for a landscape
        # camera image beside the gauges; a portrait image is centred in it.
        camera_w = round(0.46 * width_px)
        camera = pygame.Rect(pad, body_top, camera_w - pad, body_h)
        right_x = camera.right + pad
        right_w = width_px - right_x - pad
        readout_h = round(17 * u)
        readout = pygame.Rect(right_x, body_top, right_w, readout_h)
        gauges = pygame.Rect(right_x, readout.bottom + pad, right_w,
                             body_top + body_h - readout.bottom - pad)
        return Layout(width_px, height_px, u, pygame.Rect(0, 0, width_px, banner_h), camera,
                      readout, gauges, pygame.Rect(0, height_px - status_h, width_px, status_h))
