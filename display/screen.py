"""The station's screen: opens the display, draws a ScreenState, saves screenshots and
turns key presses into actions.

Drawing is calm: fonts and rendered labels are cached (display/text.py), the cue banner,
the readout and the gauge panel are re-rendered only when what they show changes, and
only the camera panel is redrawn from scratch every frame.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal

import pygame

from display import theme
from display.camera_view import CameraView
from display.cue_banner import CueBanner
from display.gauge import draw_gauges
from display.idle_screen import draw_idle, draw_message, idle_preview_rect
from display.placement_screen import draw_placement, placement_layout
from display.readout import draw_readout
from display.status_bar import draw_status_bar
from display.text import FontBook
from display.theme import Layout
from station.config import DisplayConfig
from station.screen_state import ScreenState

log = logging.getLogger(__name__)

DisplayMode = Literal["window", "fullscreen", "headless"]
DISPLAY_MODES: tuple[str, ...] = ("window", "fullscreen", "headless")
WINDOW_TITLE = "Treadmill station"

_QUIT_KEYS = (pygame.K_q, pygame.K_ESCAPE)
_TOGGLE_KEYS = (pygame.K_SPACE,)


class Screen:
    """One display. `open()` it, `draw(state)` once per displayed frame, `poll_keys()` in
    the same loop (SDL wants both on the main thread), `close()` at the end."""

    def __init__(self) -> None:
        self._surface: pygame.Surface | None = None
        self.mode: DisplayMode | None = None
        self.layout: Layout | None = None
        self.fonts: FontBook | None = None
        # Where the last draw put things, screen pixels: what tests and callers can check.
        self.regions: dict[str, list[pygame.Rect]] = {}
        self._banner: CueBanner | None = None
        self._camera: CameraView | None = None
        self._placement_camera: CameraView | None = None
        self._idle_camera: CameraView | None = None
        self._readout_key: tuple | None = None
        self._readout: pygame.Surface | None = None
        self._gauges_key: str | None = None
        self._gauges: pygame.Surface | None = None
        self._gauge_cells: list[pygame.Rect] = []

    # ------------------------------------------------------------ life cycle

    def open(self, mode: DisplayMode = "window", size_px: tuple[int, int] | None = (1280, 720),
             title: str = WINDOW_TITLE) -> "Screen":
        """`size_px` None in full screen means the monitor's own resolution."""
        if mode not in DISPLAY_MODES:
            raise ValueError(f"Screen.open: mode expected one of {DISPLAY_MODES}, got {mode!r}")
        if mode == "headless" and not pygame.display.get_init():
            # The dummy driver renders to memory: no X, Wayland or KMS needed.
            os.environ["SDL_VIDEODRIVER"] = "dummy"
        pygame.display.init()
        pygame.font.init()
        flags = 0
        if mode == "fullscreen":
            flags |= pygame.FULLSCREEN
            size = size_px or (0, 0)
        else:
            size = size_px or (1280, 720)
            if mode == "headless":
                flags |= pygame.HIDDEN
        self._surface = pygame.display.set_mode(size, flags)
        pygame.display.set_caption(title)
        if mode == "fullscreen":
            pygame.mouse.set_visible(False)
        self.mode = mode
        self._build(*self._surface.get_size())
        log.info("screen open: %s %dx%d (SDL driver %s)", mode, *self._surface.get_size(),
                 pygame.display.get_driver())
        return self

    def _build(self, width_px: int, height_px: int) -> None:
        self.layout = Layout.for_size(width_px, height_px)
        self.fonts = FontBook()
        self._banner = CueBanner(self.fonts, self.layout.banner, height_px)
        self._camera = CameraView(self.layout.camera, self.layout.unit_px)
        self._placement_camera = CameraView(placement_layout(width_px, height_px)[0],
                                            self.layout.unit_px)
        self._idle_camera = CameraView(idle_preview_rect(width_px, height_px), self.layout.unit_px)
        self._readout_key = self._gauges_key = None

    def close(self) -> None:
        if self._surface is not None:
            pygame.display.quit()
            self._surface = None
            log.info("screen closed")

    def __enter__(self) -> "Screen":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def surface(self) -> pygame.Surface:
        if self._surface is None:
            raise RuntimeError("Screen is not open: call open() first")
        return self._surface

    @property
    def size_px(self) -> tuple[int, int]:
        return self.surface.get_size()

    # ------------------------------------------------------------ drawing

    def draw(self, state: ScreenState) -> None:
        """Render `state` and show it."""
        self.render(state)
        pygame.display.flip()

    def render(self, state: ScreenState) -> pygame.Surface:
        """Render `state` onto the screen surface without showing it; returns the surface."""
        surface = self.surface
        assert self.fonts is not None and self.layout is not None
        u = self.layout.unit_px
        self.regions = {}
        if state.mode == "idle":
            self.regions["text"] = draw_idle(surface, state, self.fonts, self._idle_camera, u)
        elif state.mode == "placement":
            self.regions["text"] = draw_placement(surface, state, self.fonts,
                                                  self._placement_camera, u)
        elif state.mode == "message":
            self.regions["text"] = draw_message(surface, state, self.fonts, u)
        else:
            self._render_running(surface, state)
        if state.mode != "running" and state.status and state.mode != "message":
            # Problems must be visible on every screen, not only while running.
            draw_status_bar(surface, self.layout.status, state.status, state.fps,
                            state.dropped_frames, state.facing_sign, self.fonts, u)
        return surface

    def _render_running(self, surface: pygame.Surface, state: ScreenState) -> None:
        lay = self.layout
        u = lay.unit_px
        surface.fill(theme.BACKGROUND)
        fit = self._camera.draw(surface, state.image, state.pose)
        if fit is not None:
            self.regions["camera_image"] = [fit.rect]
        surface.blit(self._banner.surface_for(state.cue), lay.banner)
        self.regions["cue_text"] = list(self._banner.text_rects)

        readout_key = (int(state.session_s), repr(state.cadence_spm)[:7],
                       repr(state.cadence_target_spm))
        if readout_key != self._readout_key or self._readout is None:
            self._readout = pygame.Surface(lay.readout.size)
            local = pygame.Rect((0, 0), lay.readout.size)
            draw_readout(self._readout, local, state.session_s, state.cadence_spm,
                         state.cadence_target_spm, self.fonts, u)
            self._readout_key = readout_key
        surface.blit(self._readout, lay.readout)

        gauges_key = repr(state.gauges)
        if gauges_key != self._gauges_key or self._gauges is None:
            self._gauges = pygame.Surface(lay.gauges.size)
            self._gauges.fill(theme.BACKGROUND)
            cells = draw_gauges(self._gauges, pygame.Rect((0, 0), lay.gauges.size),
                                state.gauges, self.fonts, u)
            self._gauge_cells = [c.move(lay.gauges.topleft) for c in cells]
            self._gauges_key = gauges_key
        surface.blit(self._gauges, lay.gauges)
        self.regions["gauges"] = list(self._gauge_cells)
        draw_status_bar(surface, lay.status, state.status, state.fps, state.dropped_frames,
                        state.facing_sign, self.fonts, u)

    def screenshot(self, path: str | Path) -> Path:
        """Save what is on the screen now as PNG (the format follows the suffix)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(p))
        log.info("screenshot saved: %s", p)
        return p

    # ------------------------------------------------------------ input

    def poll_keys(self) -> list[str]:
        """Drain SDL's event queue: 'quit' for q, Esc or the window's close button,
        'toggle' for space (start/stop a session). Other events are dropped."""
        actions: list[str] = []
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                actions.append("quit")
            elif event.type == pygame.KEYDOWN:
                if event.key in _QUIT_KEYS:
                    actions.append("quit")
                elif event.key in _TOGGLE_KEYS:
                    actions.append("toggle")
        return actions


def open_screen(cfg: DisplayConfig, headless: bool = False) -> Screen:
    """A Screen opened as the config says (`headless` wins, e.g. `station demo --headless`)."""
    if headless:
        return Screen().open("headless", (cfg.width_px, cfg.height_px))
    if cfg.fullscreen:
        return Screen().open("fullscreen", None)
    return Screen().open("window", (cfg.width_px, cfg.height_px))
