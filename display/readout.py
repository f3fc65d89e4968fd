"""Session time and cadence against its target, top of the metrics column.

Cadence is the one number a runner acts on directly (with the metronome), so it is big,
with its target beside it and a short bar: green from 3% below the target (where the
`quicker_steps` cue starts) to 5% above, the target as a white tick, the cadence a marker.
"""
from __future__ import annotations

import math

import pygame

from display import theme
from display.text import FontBook

CADENCE_OK_BELOW_PCT = 3.0  # METRICS.md: quicker_steps fires > 3% below target
CADENCE_OK_ABOVE_PCT = 5.0
CADENCE_SCALE_PCT = 12.0  # the bar spans the target +-12%


def format_session_time(session_s: float) -> str:
    s = max(0, int(session_s)) if math.isfinite(session_s) else 0
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:d}:{sec:02d}"


def cadence_bar_rect(area: pygame.Rect, unit_px: float) -> pygame.Rect:
    """The cadence bar inside the readout area (tests find the target tick there)."""
    x = area.x + round(0.42 * area.width)
    return pygame.Rect(x, area.bottom - round(3.4 * unit_px), area.right - x, round(2.2 * unit_px))


def cadence_x(bar: pygame.Rect, cadence_spm: float, target_spm: float) -> int:
    lo = target_spm * (1 - CADENCE_SCALE_PCT / 100)
    hi = target_spm * (1 + CADENCE_SCALE_PCT / 100)
    frac = min(1.0, max(0.0, (cadence_spm - lo) / (hi - lo)))
    return bar.x + round(frac * (bar.width - 1))


def draw_readout(surface: pygame.Surface, area: pygame.Rect, session_s: float,
                 cadence_spm: float, target_spm: float, fonts: FontBook, unit_px: float) -> None:
    u = unit_px
    pygame.draw.rect(surface, theme.BACKGROUND, area)
    small = fonts.size_for_cap_px(2.0 * u)
    big = fonts.size_for_cap_px(7.0 * u)
    baseline = area.y + round(10.5 * u)

    def blit_baseline(text: str, size: int, colour: theme.RGB, x: int) -> int:
        surf = fonts.render(text, size, colour)
        surface.blit(surf, (x, baseline - fonts.font(size).get_ascent()))
        return x + surf.get_width()

    # Session time, left.
    surface.blit(fonts.render("SESSION", small, theme.TEXT_DIM), (area.x, area.y))
    blit_baseline(format_session_time(session_s), big, theme.TEXT, area.x)

    # Cadence, right part.
    x0 = area.x + round(0.42 * area.width)
    surface.blit(fonts.render("CADENCE", small, theme.TEXT_DIM), (x0, area.y))
    has_cadence = math.isfinite(cadence_spm)
    has_target = math.isfinite(target_spm) and target_spm > 0
    colour = theme.TEXT
    if has_cadence and has_target:
        low = cadence_spm < target_spm * (1 - CADENCE_OK_BELOW_PCT / 100)
        colour = theme.STATUS_WARN if low else theme.VALUE_OK
    x = blit_baseline(f"{cadence_spm:.0f}" if has_cadence else "\u2014", big, colour, x0)
    x = blit_baseline(" spm", fonts.size_for_cap_px(2.6 * u), theme.TEXT_DIM, x)
    if has_target:
        blit_baseline(f"   target {target_spm:.0f}", fonts.size_for_cap_px(2.6 * u),
                      theme.TEXT, x)
        bar = cadence_bar_rect(area, u)
        pygame.draw.rect(surface, theme.GAUGE_TRACK, bar)
        ok_lo = cadence_x(bar, target_spm * (1 - CADENCE_OK_BELOW_PCT / 100), target_spm)
        ok_hi = cadence_x(bar, target_spm * (1 + CADENCE_OK_ABOVE_PCT / 100), target_spm)
        pygame.draw.rect(surface, theme.GAUGE_BAND, pygame.Rect(ok_lo, bar.y, ok_hi - ok_lo,
                                                                 bar.height))
        tx = cadence_x(bar, target_spm, target_spm)
        pygame.draw.line(surface, theme.TEXT, (tx, bar.y - round(0.6 * u)),
                         (tx, bar.bottom + round(0.6 * u)), max(2, round(0.3 * u)))
        if has_cadence:
            cx = cadence_x(bar, cadence_spm, target_spm)
            w = max(3, round(0.6 * u))
            marker = pygame.Rect(cx - w // 2, bar.y - round(0.8 * u), w,
                                 bar.height + round(1.6 * u))
            pygame.draw.rect(surface, theme.BACKGROUND, marker.inflate(4, 4))
            pygame.draw.rect(surface, colour, marker)
