"""Pygame-side helpers and fixtures shared by the screen rendering tests (no tests here):
headless screens at 720p and 1080p, pixel access, a running state with every part filled."""
from __future__ import annotations

import math
import os
from dataclasses import replace

import numpy as np
import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"  # before pygame is initialised: no display here

import pygame  # noqa: E402

from display import Screen  # noqa: E402
from station.config import default_config  # noqa: E402
from station.screen_state import ScreenState, gauges_from_values  # noqa: E402
from tests.test_screen_support import side_pose, solid_frame  # noqa: E402

SIZES = [(1280, 720), (1920, 1080)]
IMAGE_RGB = (200, 40, 40)  # reddish: a red/blue swap in the image path would show


def pixels(surface: pygame.Surface) -> np.ndarray:
    """(H, W, 3) copy of the surface."""
    return pygame.surfarray.array3d(surface).swapaxes(0, 1).copy()


def near(arr: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> np.ndarray:
    return (np.abs(arr.astype(int) - np.array(rgb)) <= tol).all(axis=-1)


def running_state(**kw) -> ScreenState:
    values = {"pelvic_tilt_deg": 24.0, "rib_flare_deg": 2.0, "trunk_lean_deg": 8.0,
              "overstride_pct": 12.0, "shank_angle_ic_deg": 4.0,
              "vertical_oscillation_cm": 8.5, "hip_extension_deg": math.nan}
    base = ScreenState(mode="running", frame=solid_frame(IMAGE_RGB), pose=side_pose(),
                       facing_sign=1, cadence_spm=166.0, cadence_target_spm=172.0,
                       gauges=gauges_from_values(values, default_config().cues),
                       session_s=125.0, fps=30.0, dropped_frames=2)
    return replace(base, **kw)


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def screen(request):
    scr = Screen().open("headless", request.param)
    yield scr
    scr.close()


@pytest.fixture(scope="module")
def screen_720():
    scr = Screen().open("headless", SIZES[0])
    yield scr
    scr.close()


def text_exactly_at(screen: Screen, rect: pygame.Rect, text: str, size: int,
                    colour, background) -> bool:
    """True when `rect` on screen holds exactly `text` rendered at `size` over `background`."""
    expected = pygame.Surface(rect.size)
    expected.fill(background)
    glyphs = screen.fonts.render(text, size, colour)
    expected.blit(glyphs, glyphs.get_rect(center=expected.get_rect().center))
    got = pixels(screen.surface.subsurface(rect))
    return np.abs(got.astype(int) - pixels(expected).astype(int)).max() <= 2

