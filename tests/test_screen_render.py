"""The running screen rendered headless (SDL dummy driver) and checked pixel by pixel: the
cue where it should be and big enough, gauges with their bands, "est." on proxies, cadence
against its target, the skeleton on the scaled camera image, calm drawing."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from display import Screen, theme
from display.camera_view import ImageFit
from display.gauge import ESTIMATE_TEXT, GaugeGeometry, gauge_bar_rect
from display.readout import cadence_bar_rect, cadence_x
from station.contracts import LM
from station.screen_state import CueOnScreen, Gauge, ScreenState
from tests.test_screen_render_support import (IMAGE_RGB, near, pixels, running_state,  # noqa: F401
                                              screen, screen_720, text_exactly_at)
from tests.test_screen_support import IMAGE_H, IMAGE_W, side_pose, solid_frame, with_nan


# ---------------------------------------------------------------- cue banner

def test_the_cue_is_in_the_banner_and_tall_enough(screen):
    w, h = screen.size_px
    # Cadence on target: its number is not amber, so amber below the banner would be a leak.
    screen.render(running_state(cue=CueOnScreen("head_up", "HEAD UP", 0), cadence_spm=172.0))
    img = pixels(screen.surface)
    banner = screen.layout.banner
    assert banner.top == 0 and banner.width == w
    ink = near(img, theme.CUE_TEXT, 40)
    in_banner = ink[banner.top:banner.bottom]
    rows = np.flatnonzero(in_banner.any(axis=1))
    cols = np.flatnonzero(in_banner.any(axis=0))
    # All capitals, no descenders: the ink's height is the cap height. >= 6% of the
    # screen height reads from 2 m on a 720p/1080p screen.
    assert rows.size and (rows[-1] - rows[0] + 1) >= 0.06 * h
    assert abs((cols[0] + cols[-1]) / 2 - w / 2) < 0.02 * w  # centred
    # Nothing of the cue outside the banner (the camera image has no such dark pixels).
    assert near(img[banner.bottom:], theme.CUE_FAULT_BG, 10).sum() == 0


def test_the_banner_shows_the_message_text(screen_720):
    scr = screen_720
    scr.render(running_state(cue=CueOnScreen("tuck_tailbone", "Tuck your tailbone", 0)))
    (rect,) = scr.regions["cue_text"]
    lines, size = scr._banner.lines_and_size("Tuck your tailbone")
    assert lines == ["Tuck your tailbone"]
    glyphs = scr.fonts.render("Tuck your tailbone", size, theme.CUE_TEXT)
    box = glyphs.get_rect(centerx=rect.centerx)
    box.y = rect.y - (scr.fonts.font(size).get_ascent() - scr.fonts.cap_px(size))
    assert text_exactly_at(scr, box, "Tuck your tailbone", size, theme.CUE_TEXT,
                           theme.CUE_FAULT_BG)


def test_no_cue_leaves_the_banner_quiet(screen):
    screen.render(running_state(cue=None))
    banner = pixels(screen.surface)[: screen.layout.banner.bottom]
    assert near(banner, theme.BANNER_QUIET_BG, 2).mean() > 0.99
    assert screen.regions["cue_text"] == []


def test_good_form_is_green_and_a_fault_amber(screen_720):
    scr = screen_720
    scr.render(running_state(cue=CueOnScreen("good_form", "Good \u2014 hold that", 0)))
    banner = pixels(scr.surface)[: scr.layout.banner.bottom]
    assert near(banner, theme.CUE_GOOD_BG, 4).mean() > 0.5
    scr.render(running_state(cue=CueOnScreen("shorten_stride", "Shorten your stride", 0)))
    banner = pixels(scr.surface)[: scr.layout.banner.bottom]
    assert near(banner, theme.CUE_FAULT_BG, 4).mean() > 0.5


@pytest.mark.parametrize("message", [
    "Lean from ankles, not waist",
    "Keep your ribs down and stack them over the pelvis while you run tall",
    "Supercalifragilisticexpialidociouslylongsingleword",
])
def test_a_long_message_shrinks_or_wraps_to_fit(screen, message):
    w, h = screen.size_px
    screen.render(running_state(cue=CueOnScreen("x", message, 0)))
    banner = screen.layout.banner
    ink = near(pixels(screen.surface)[banner.top:banner.bottom], theme.CUE_TEXT, 40)
    cols = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    assert cols[0] > 0.01 * w and cols[-1] < 0.99 * w  # inside the screen, with a margin
    assert rows[0] > 0 and rows[-1] < banner.height - 1  # inside the banner
    lines, size = screen._banner.lines_and_size(message)
    assert 1 <= len(lines) <= 2
    if " " in message:
        # Words to wrap: the cue stays big (capitals at least 6% of the screen height).
        assert screen.fonts.cap_px(size) >= 0.06 * h
    if message == "Lean from ankles, not waist":
        assert len(lines) == 1  # a default cue message fits on one line


# ---------------------------------------------------------------- gauges

def one_gauge_state(gauge: Gauge) -> ScreenState:
    return running_state(gauges=(gauge,))


def test_gauge_draws_its_band_and_bad_zone_where_the_scale_says(screen):
    g = Gauge("vertical_oscillation_cm", "Bounce", 8.0, "cm", 6.0, 10.0,
              scale_lo=0.0, scale_hi=16.0, bad_above=11.0)
    screen.render(one_gauge_state(g))
    (cell,) = screen.regions["gauges"]
    bar = gauge_bar_rect(cell, screen.layout.unit_px)
    row = pixels(screen.surface)[bar.centery + bar.height // 4, bar.left:bar.right]
    x_of = lambda v: (v - 0.0) / 16.0 * (bar.width - 1)  # noqa: E731
    green = np.flatnonzero(near(row, theme.GAUGE_BAND, 3))
    red = np.flatnonzero(near(row, theme.GAUGE_BAD, 3))
    assert abs(green[0] - x_of(6.0)) <= 2 and abs(green[-1] - x_of(10.0)) <= 2
    assert abs(red[0] - x_of(11.0)) <= 2 and red[-1] >= bar.width - 2
    # Between the band and the bad zone, and below the band: the plain track.
    assert near(row[round(x_of(10.5))], theme.GAUGE_TRACK, 3)
    assert near(row[round(x_of(3.0))], theme.GAUGE_TRACK, 3)


def test_moving_the_band_moves_the_green(screen_720):
    scr = screen_720
    spans = []
    for lo, hi in ((5.0, 12.0), (0.0, 6.0)):
        scr.render(one_gauge_state(Gauge("trunk_lean_deg", "Trunk lean", math.nan, "\u00b0",
                                         lo, hi, scale_lo=-5.0, scale_hi=25.0)))
        (cell,) = scr.regions["gauges"]
        bar = gauge_bar_rect(cell, scr.layout.unit_px)
        row = pixels(scr.surface)[bar.centery, bar.left:bar.right]
        green = np.flatnonzero(near(row, theme.GAUGE_BAND, 3))
        spans.append((green[0], green[-1]))
        expected = [(v + 5.0) / 30.0 * (bar.width - 1) for v in (lo, hi)]
        assert abs(green[0] - expected[0]) <= 2 and abs(green[-1] - expected[1]) <= 2
    assert spans[0] != spans[1]


def test_the_value_marker_sits_at_the_value_and_nan_has_none(screen_720):
    scr = screen_720
    g = Gauge("shank_angle_ic_deg", "Shank at contact", 14.0, "\u00b0", 0.0, 6.0,
              scale_lo=-10.0, scale_hi=20.0, bad_above=10.0)
    scr.render(one_gauge_state(g))
    (cell,) = scr.regions["gauges"]
    bar = gauge_bar_rect(cell, scr.layout.unit_px)
    x = GaugeGeometry(g, bar).x_of(14.0)
    assert x == bar.x + round(24 / 30 * (bar.width - 1))
    above_bar = pixels(scr.surface)[bar.y - 2, bar.left:bar.right]
    white = np.flatnonzero(near(above_bar, theme.GAUGE_MARKER, 3))
    assert white.size and abs(white.mean() + bar.left - x) <= 2
    scr.render(one_gauge_state(replace(g, value=math.nan)))
    above_bar = pixels(scr.surface)[bar.y - 2, bar.left:bar.right]
    assert not near(above_bar, theme.GAUGE_MARKER, 3).any()


def test_proxies_carry_the_est_mark(screen):
    g = Gauge("pelvic_tilt_deg", "Pelvic tilt", 12.0, "\u00b0", 0.0, 15.0,
              scale_lo=-10.0, scale_hi=40.0)
    renders = {}
    for estimate in (False, True):
        screen.render(one_gauge_state(replace(g, estimate=estimate)))
        (cell,) = screen.regions["gauges"]
        renders[estimate] = pixels(screen.surface.subsurface(cell))
    label_rows = slice(0, gauge_bar_rect(cell, screen.layout.unit_px).y - cell.y)
    assert not near(renders[False][label_rows], theme.ESTIMATE_MARK, 20).any()
    est = near(renders[True][label_rows], theme.ESTIMATE_MARK, 20)
    assert est.sum() > 20
    # The mark sits right of the label, left of the value.
    label_w = screen.fonts.width_px("Pelvic tilt", screen.fonts.size_for_cap_px(
        2.3 * screen.layout.unit_px))
    cols = np.flatnonzero(est.any(axis=0))
    assert cols[0] > label_w and cols[-1] < cell.width / 2
    assert ESTIMATE_TEXT == "est."


def test_main_gauges_all_show_up(screen):
    state = running_state()
    screen.render(state)
    cells = screen.regions["gauges"]
    assert len(cells) == len(state.gauges) == 7
    w, h = screen.size_px
    for cell in cells:
        assert screen.surface.get_rect().contains(cell)
        assert not cell.colliderect(screen.layout.banner)
        assert not cell.colliderect(screen.layout.camera)
    for a in range(len(cells)):
        for b in range(a + 1, len(cells)):
            assert not cells[a].colliderect(cells[b])


# ---------------------------------------------------------------- cadence and status

def test_cadence_against_its_target(screen_720):
    scr = screen_720
    for cadence, colour in ((160.0, theme.STATUS_WARN), (171.0, theme.VALUE_OK)):
        scr.render(running_state(cadence_spm=cadence, cadence_target_spm=172.0))
        area = scr.layout.readout
        bar = cadence_bar_rect(area.move(-area.x, -area.y), scr.layout.unit_px).move(area.topleft)
        readout = pixels(scr.surface.subsurface(area))
        assert near(readout[: bar.y - area.y - 8], colour, 8).sum() > 200  # the big number
        # The cadence marker on the bar, at its place relative to the target.
        x = cadence_x(bar, cadence, 172.0)
        above = pixels(scr.surface)[bar.y - 2, x - 6:x + 7]
        assert near(above, colour, 8).any()
    tx = cadence_x(bar, 172.0, 172.0)
    assert tx == bar.x + round(0.5 * (bar.width - 1))


def test_status_line_shows_problems(screen_720):
    scr = screen_720
    rect = scr.layout.status
    scr.render(running_state(status=""))
    assert not near(pixels(scr.surface.subsurface(rect)), theme.STATUS_WARN, 20).any()
    scr.render(running_state(status="camera lost, retrying in 4 s"))
    assert near(pixels(scr.surface.subsurface(rect)), theme.STATUS_WARN, 20).sum() > 50


# ---------------------------------------------------------------- camera and skeleton

def expected_fit(screen: Screen, w: int = IMAGE_W, h: int = IMAGE_H) -> tuple[float, int, int]:
    panel = screen.layout.camera
    scale = min(panel.width / w, panel.height / h)
    return (scale, panel.centerx - round(w * scale) // 2,
            panel.centery - round(h * scale) // 2)


def test_the_skeleton_lands_on_the_scaled_landmarks(screen):
    pose = with_nan(side_pose(), "left_ankle")
    screen.render(running_state(pose=pose))
    img = pixels(screen.surface)
    scale, ox, oy = expected_fit(screen)

    def at(name_a: str, name_b: str, t: float = 0.5) -> tuple[int, int]:
        p = (1 - t) * pose.xy[LM[name_a]] + t * pose.xy[LM[name_b]]
        return round(ox + p[0] * scale), round(oy + p[1] * scale)

    def colour_near(xy: tuple[int, int], rgb, r: int = 2) -> bool:
        x, y = xy
        return bool(near(img[y - r:y + r + 1, x - r:x + r + 1], rgb, 10).any())

    assert colour_near(at("left_hip", "left_knee"), theme.BONE_LEFT)
    assert colour_near(at("right_hip", "right_knee"), theme.BONE_RIGHT)
    assert colour_near(at("right_knee", "right_ankle"), theme.BONE_RIGHT)
    # The left ankle is NaN: no bone from the left knee to where it would have been...
    gone = at("left_knee", "left_heel", 0.5)
    assert not colour_near(gone, theme.BONE_LEFT) and colour_near(gone, IMAGE_RGB)
    # ... and the camera image itself is there, colours intact, around the runner.
    assert near(img[oy + 5, ox + 5], IMAGE_RGB, 3)


def test_trunk_line_and_vertical_reference(screen_720):
    scr = screen_720
    pose = side_pose()
    scr.render(running_state(pose=pose))
    img = pixels(scr.surface)
    scale, ox, oy = expected_fit(scr)
    s = pose.xy[[LM["left_shoulder"], LM["right_shoulder"]]].mean(axis=0)
    h = pose.xy[[LM["left_hip"], LM["right_hip"]]].mean(axis=0)
    mid = (s + h) / 2 * scale + (ox, oy)
    x, y = round(mid[0]), round(mid[1])
    assert near(img[y - 2:y + 3, x - 2:x + 3], theme.TRUNK_LINE, 10).any()
    # The vertical through the hips, dashed, above the shoulders' height.
    hx, hy = round(h[0] * scale + ox), round(h[1] * scale + oy)
    trunk_px = float(np.hypot(*(s - h))) * scale
    column = img[round(hy - 1.2 * trunk_px):round(hy - 1.02 * trunk_px), hx - 1:hx + 2]
    assert near(column, theme.VERTICAL_REF, 10).any()


def test_a_portrait_image_keeps_its_aspect(screen):
    frame = solid_frame(IMAGE_RGB, w=270, h=480)
    screen.render(running_state(frame=frame, pose=None))
    mask = near(pixels(screen.surface), IMAGE_RGB, 3)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    w, h = cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
    assert h == screen.layout.camera.height  # fills the panel's height...
    assert abs(w / h - 270 / 480) < 0.01  # ... with the image's own aspect
    fit = ImageFit.into(270, 480, screen.layout.camera)
    assert screen.regions["camera_image"] == [fit.rect]


def test_running_without_a_camera_image(screen_720):
    scr = screen_720
    scr.render(running_state(frame=None, pose=None))
    panel = pixels(scr.surface.subsurface(scr.layout.camera))
    assert near(panel, theme.PANEL, 2).mean() > 0.99



# ---------------------------------------------------------------- calm drawing

def test_fonts_are_not_created_per_frame(screen_720):
    scr = screen_720
    scr.render(running_state(cue=CueOnScreen("run_tall", "Run tall, less bounce", 0)))
    fonts_before = dict(scr.fonts._fonts)
    banner_surface = scr._banner.surface_for(CueOnScreen("run_tall", "Run tall, less bounce", 0))
    for i in range(60):
        scr.render(running_state(cue=CueOnScreen("run_tall", "Run tall, less bounce", 0),
                                 session_s=125.0 + i / 30, fps=29.0 + (i % 3)))
    assert scr.fonts._fonts == fonts_before  # same Font objects, none added
    assert scr._banner.surface_for(CueOnScreen("run_tall", "Run tall, less bounce", 0)) \
        is banner_surface


