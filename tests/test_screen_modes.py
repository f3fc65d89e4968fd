"""The other screens rendered headless: idle, placement (with the cut-off edge marked) and
message; screenshots to PNG, keys to actions, opening from the config."""
from __future__ import annotations

import numpy as np
import pytest
import pygame

from display import Screen, theme
from display.camera_view import ImageFit
from display.placement_screen import placement_layout
from display.text import wrap_lines
from station.screen_state import IDLE_TEXT, CueOnScreen, ScreenState
from tests.test_screen_render_support import (IMAGE_RGB, near, pixels, running_state,  # noqa: F401
                                              screen, screen_720, text_exactly_at)
from tests.test_screen_support import IMAGE_H, IMAGE_W, side_pose, solid_frame, with_nan


# ---------------------------------------------------------------- idle, placement, message

def test_idle_and_placement_screens_differ_and_show_their_text(screen):
    u = screen.layout.unit_px
    screen.render(ScreenState(mode="idle", frame=solid_frame(IMAGE_RGB)))
    idle = pixels(screen.surface)
    (title,) = screen.regions["text"]
    size = screen.fonts.size_for_cap_px(8.0 * u)
    assert text_exactly_at(screen, title, IDLE_TEXT, size, theme.TEXT, theme.BACKGROUND)
    assert screen.fonts.cap_px(size) >= 0.06 * screen.size_px[1]

    cut = with_nan(side_pose(), "left_ankle", "right_ankle", "left_heel", "right_heel",
                   "left_foot_index", "right_foot_index")
    screen.render(ScreenState(mode="placement", frame=solid_frame(IMAGE_RGB), pose=cut,
                              view="side"))
    placement = pixels(screen.surface)
    assert (np.abs(idle.astype(int) - placement.astype(int)).max(axis=-1) > 30).mean() > 0.2
    # The instruction: its action in big amber letters on the right half, the reason below.
    _, text_area = placement_layout(*screen.size_px)
    size = screen.fonts.size_for_cap_px(6.0 * u)
    action = wrap_lines(screen.fonts, "Tilt the camera down", size, text_area.width)
    rects = screen.regions["text"]
    assert len(rects) == len(action) + 1
    for rect, line in zip(rects, action):
        assert text_area.contains(rect)
        assert text_exactly_at(screen, rect, line, size, theme.STATUS_WARN, theme.BACKGROUND)
    reason_size = screen.fonts.size_for_cap_px(3.4 * u)
    assert text_exactly_at(screen, rects[-1], "Feet are out of view", reason_size, theme.TEXT,
                           theme.BACKGROUND)
    # The edge the runner is cut off at is marked red on the image's bottom.
    scale, ox, oy = expected_fit_placement(screen)
    bottom = placement[oy + round(IMAGE_H * scale) - 3, ox + 10: ox + 50]
    assert near(bottom, theme.CUT_OFF_EDGE, 5).all()
    top = placement[oy + 2, ox + 10: ox + 50]
    assert not near(top, theme.CUT_OFF_EDGE, 5).any()


def expected_fit_placement(screen: Screen) -> tuple[float, int, int]:
    panel, _ = placement_layout(*screen.size_px)
    fit = ImageFit.into(IMAGE_W, IMAGE_H, panel)
    return fit.scale, fit.rect.x, fit.rect.y


def test_placement_computes_advice_when_the_loop_gives_none(screen_720):
    scr = screen_720
    scr.render(ScreenState(mode="placement", frame=solid_frame(IMAGE_RGB), pose=side_pose(),
                           view="front"))
    _, text_area = placement_layout(*scr.size_px)
    size = scr.fonts.size_for_cap_px(6.0 * scr.layout.unit_px)
    lines = wrap_lines(scr.fonts, "Turn side-on to the camera", size, text_area.width)
    assert len(scr.regions["text"]) == len(lines)
    for rect, line in zip(scr.regions["text"], lines):
        assert text_exactly_at(scr, rect, line, size, theme.STATUS_WARN, theme.BACKGROUND)
    scr.render(ScreenState(mode="placement", frame=solid_frame(IMAGE_RGB), pose=side_pose(),
                           view="side", placement_text="Raise the camera"))
    (rect,) = scr.regions["text"]
    assert text_exactly_at(scr, rect, "Raise the camera", size, theme.STATUS_WARN,
                           theme.BACKGROUND)


def test_message_screen(screen_720):
    scr = screen_720
    scr.render(ScreenState(mode="message", message="Camera lost",
                           status="retrying in 4 s"))
    (rect,) = scr.regions["text"]
    size = scr.fonts.size_for_cap_px(7.0 * scr.layout.unit_px)
    assert text_exactly_at(scr, rect, "Camera lost", size, theme.TEXT, theme.BACKGROUND)
    assert near(pixels(scr.surface), theme.STATUS_WARN, 20).sum() > 50



# ---------------------------------------------------------------- screenshots and keys

def test_screenshot_is_written_and_reloads(screen, tmp_path):
    screen.draw(running_state(cue=CueOnScreen("head_up", "Head up, eyes ahead", 0)))
    path = screen.screenshot(tmp_path / "sub" / "shot.png")
    assert path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    loaded = pygame.image.load(str(path))
    assert loaded.get_size() == screen.size_px
    assert np.array_equal(pixels(loaded), pixels(screen.surface))


def test_poll_keys_maps_quit_and_toggle(screen_720):
    scr = screen_720
    scr.poll_keys()  # drain anything pending
    for key in (pygame.K_q, pygame.K_a, pygame.K_ESCAPE, pygame.K_SPACE):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=""))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert scr.poll_keys() == ["quit", "quit", "toggle", "quit"]
    assert scr.poll_keys() == []


def test_open_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        Screen().open("kiosk", (640, 360))


def test_open_screen_follows_the_display_config():
    from display import open_screen
    from station.config import DisplayConfig
    scr = open_screen(DisplayConfig(fullscreen=True, width_px=960, height_px=540), headless=True)
    try:
        assert scr.mode == "headless" and scr.size_px == (960, 540)
        scr.draw(running_state(cue=CueOnScreen("head_up", "Head up, eyes ahead", 0)))
        assert scr.regions["cue_text"]
    finally:
        scr.close()

