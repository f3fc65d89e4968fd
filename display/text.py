"""Fonts and text surfaces, cached: the default font bundled with pygame, sized by the
cap height we want (the height of a capital letter is what legibility from a distance
depends on), and rendered text kept so that a static label is not re-rendered each frame."""
from __future__ import annotations

from collections import OrderedDict

import pygame

from display.theme import RGB

_REFERENCE_SIZE_PX = 100
_MIN_FONT_PX = 8


class FontBook:
    """pygame.font.Font objects by pixel size, created once each; text surfaces by
    (text, size, colour) in a bounded LRU."""

    def __init__(self, max_text_surfaces: int = 256) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: OrderedDict[tuple[str, int, RGB], pygame.Surface] = OrderedDict()
        self._max_texts = max_text_surfaces
        # Cap height per pixel of font size, measured on the actual font ("H" top above
        # the baseline), so a requested cap height is met whatever font pygame bundles.
        ref = self.font(_REFERENCE_SIZE_PX)
        self.cap_ratio = ref.metrics("H")[0][3] / _REFERENCE_SIZE_PX

    def font(self, size_px: int) -> pygame.font.Font:
        size_px = max(_MIN_FONT_PX, int(size_px))
        f = self._fonts.get(size_px)
        if f is None:
            f = pygame.font.Font(None, size_px)  # None = pygame's bundled default font
            self._fonts[size_px] = f
        return f

    def size_for_cap_px(self, cap_px: float) -> int:
        """The font size whose capital letters are at least `cap_px` tall."""
        size = max(_MIN_FONT_PX, int(cap_px / self.cap_ratio + 0.999))
        while self.cap_px(size) < cap_px:
            size += 1
        return size

    def cap_px(self, size_px: int) -> int:
        return self.font(size_px).metrics("H")[0][3]

    def render(self, text: str, size_px: int, colour: RGB) -> pygame.Surface:
        key = (text, max(_MIN_FONT_PX, int(size_px)), tuple(colour))
        surf = self._texts.get(key)
        if surf is None:
            surf = self.font(key[1]).render(text, True, colour)
            self._texts[key] = surf
            if len(self._texts) > self._max_texts:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(key)
        return surf

    def width_px(self, text: str, size_px: int) -> int:
        return self.font(size_px).size(text)[0]

    def fit_size(self, text: str, size_px: int, max_width_px: int) -> int:
        """The largest size <= `size_px` at which `text` is at most `max_width_px` wide."""
        size = max(_MIN_FONT_PX, int(size_px))
        w = self.width_px(text, size)
        if w <= max_width_px:
            return size
        # Text width is close to proportional to the size: jump, then step down to be exact.
        size = max(_MIN_FONT_PX, int(size * max_width_px / w))
        while size > _MIN_FONT_PX and self.width_px(text, size) > max_width_px:
            size -= 1
        return size


def split_in_two(text: str) -> tuple[str, str] | None:
    """Split a message into two lines as evenly as possible, preferring after a comma or
    dash (where a reader pauses anyway); None for a single word."""
    words = text.split(" ")
    if len(words) < 2:
        return None
    best: tuple[float, int] | None = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        cost = abs(len(a) - len(b)) - (6 if a.endswith((",", "\u2014", "-", ":")) else 0)
        if best is None or cost < best[0]:
            best = (cost, i)
    i = best[1]
    return " ".join(words[:i]), " ".join(words[i:])


def blit_centred(target: pygame.Surface, surf: pygame.Surface, centre: tuple[int, int]) -> pygame.Rect:
    rect = surf.get_rect(center=centre)
    target.blit(surf, rect)
    return rect


def wrap_lines(fonts: FontBook, text: str, size_px: int, max_width_px: int) -> list[str]:
    """Greedy word wrap; a single word wider than the line stays on its own line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and fonts.width_px(trial, size_px) > max_width_px:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def draw_text_block(target: pygame.Surface, fonts: FontBook, text: str, area: pygame.Rect,
                    cap_px: float, colour: RGB, align: str = "centre",
                    max_lines: int = 4) -> list[pygame.Rect]:
    """`text` word-wrapped into `area` at `cap_px` capitals (shrunk until it fits in
    `max_lines` lines and the area's height), vertically centred. Returns the line rects."""
    size = fonts.size_for_cap_px(cap_px)
    while True:
        lines = wrap_lines(fonts, text, size, area.width)
        line_h = fonts.font(size).get_linesize()
        widest = max((fonts.width_px(s, size) for s in lines), default=0)
        fits = (len(lines) <= max_lines and len(lines) * line_h <= area.height
                and widest <= area.width)
        if fits or size <= _MIN_FONT_PX:
            break
        size -= max(1, size // 12)
    y = area.y + (area.height - len(lines) * line_h) // 2
    rects = []
    for line in lines:
        surf = fonts.render(line, size, colour)
        rect = surf.get_rect(top=y)
        if align == "left":
            rect.left = area.x
        else:
            rect.centerx = area.centerx
        target.blit(surf, rect)
        rects.append(rect)
        y += line_h
    return rects
