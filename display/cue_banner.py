"""The cue banner across the top: the one current cue, big enough to read from 2 m.

Cap height is 8% of the screen height; a message too long for one line first shrinks a
little, then goes onto two lines, and only then shrinks further, so it never leaves the
screen. Rendered once per cue and reused every frame until the cue changes.
"""
from __future__ import annotations

import pygame

from display import theme
from display.text import FontBook, split_in_two
from station.screen_state import CueOnScreen

CUE_CAP_SHARE = 0.08  # of the screen height
MIN_ONE_LINE_CAP_SHARE = 0.065
TWO_LINE_CAP_SHARE = 0.062


class CueBanner:
    def __init__(self, fonts: FontBook, rect: pygame.Rect, screen_height_px: int) -> None:
        self.fonts = fonts
        self.rect = rect
        self.screen_h = screen_height_px
        self._cached_key: tuple[str, str] | None | str = "unset"
        self._cached: pygame.Surface | None = None
        self.text_rects: list[pygame.Rect] = []  # where the cue's lines were drawn, screen coords

    def surface_for(self, cue: CueOnScreen | None) -> pygame.Surface:
        key = None if cue is None else (cue.id, cue.message)
        if key != self._cached_key or self._cached is None:
            self._cached = self._render(cue)
            self._cached_key = key
        return self._cached

    def lines_and_size(self, message: str) -> tuple[list[str], int]:
        """How `message` is laid out: one or two lines and the font size."""
        margin = round(0.03 * self.rect.width)
        max_w = self.rect.width - 2 * margin
        f = self.fonts
        size = f.size_for_cap_px(CUE_CAP_SHARE * self.screen_h)
        min_one = f.size_for_cap_px(MIN_ONE_LINE_CAP_SHARE * self.screen_h)
        fitted = f.fit_size(message, size, max_w)
        if fitted >= min_one:
            return [message], fitted
        halves = split_in_two(message)
        if halves is None:
            return [message], fitted
        two = f.size_for_cap_px(TWO_LINE_CAP_SHARE * self.screen_h)
        two = min(f.fit_size(halves[0], two, max_w), f.fit_size(halves[1], two, max_w))
        if two <= fitted:
            return [message], fitted
        return list(halves), two

    def _render(self, cue: CueOnScreen | None) -> pygame.Surface:
        surf = pygame.Surface(self.rect.size)
        self.text_rects = []
        if cue is None:
            surf.fill(theme.BANNER_QUIET_BG)
            return surf
        surf.fill(theme.CUE_GOOD_BG if cue.is_good else theme.CUE_FAULT_BG)
        lines, size = self.lines_and_size(cue.message)
        font = self.fonts.font(size)
        cap = self.fonts.cap_px(size)
        gap = round(0.45 * cap)
        block_h = len(lines) * cap + (len(lines) - 1) * gap
        if len(lines) > 1:
            # Two lines fill the banner: count the last line's descenders so they stay in.
            block_h += -font.get_descent()
        cap_top = (self.rect.height - block_h) // 2
        for line in lines:
            text = self.fonts.render(line, size, theme.CUE_TEXT)
            # Position by the capital letters, not the font's line box, so the words sit
            # visually centred in the banner.
            x = (self.rect.width - text.get_width()) // 2
            y = cap_top - (font.get_ascent() - cap)
            surf.blit(text, (x, y))
            self.text_rects.append(pygame.Rect(x + self.rect.x, cap_top + self.rect.y,
                                               text.get_width(), cap))
            cap_top += cap + gap
        return surf
