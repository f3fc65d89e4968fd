"""Metric gauges: a horizontal scale with the normal band in green, the region past the
cue thresholds in red, and a marker at the value; the label carries "est." for proxies."""
from __future__ import annotations

import math
from typing import Sequence

import pygame

from display import theme
from display.text import FontBook
from station.screen_state import Gauge

ESTIMATE_TEXT = "est."


def format_value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "\u2014"  # an em dash: not measured on the last strides
    digits = 0 if abs(value) >= 100 else 1
    sep = "" if unit in ("\u00b0", "%") else " "
    return f"{value:.{digits}f}{sep}{unit}"


def _format_tick(v: float) -> str:
    return f"{v:g}" if float(v).is_integer() else f"{v:.1f}"


class GaugeGeometry:
    """Where a value lands on a gauge's bar: value -> x pixel, clamped to the bar."""

    def __init__(self, gauge: Gauge, bar: pygame.Rect) -> None:
        self.lo, self.hi = gauge.scale_range()
        self.bar = bar

    def x_of(self, value: float) -> int:
        frac = (value - self.lo) / (self.hi - self.lo)
        frac = min(1.0, max(0.0, frac))
        return self.bar.x + round(frac * (self.bar.width - 1))

    def span(self, lo: float, hi: float) -> pygame.Rect:
        x0, x1 = self.x_of(lo), self.x_of(hi)
        return pygame.Rect(x0, self.bar.y, max(1, x1 - x0), self.bar.height)


def gauge_bar_rect(cell: pygame.Rect, unit_px: float) -> pygame.Rect:
    """The bar of a gauge drawn in `cell` (tests use it to find the band's pixels)."""
    label_h = round(4.6 * unit_px)
    bar_h = max(6, round(2.4 * unit_px))
    return pygame.Rect(cell.x, cell.y + label_h, cell.width, bar_h)


def draw_gauge(surface: pygame.Surface, cell: pygame.Rect, gauge: Gauge, fonts: FontBook,
               unit_px: float) -> None:
    u = unit_px
    label_size = fonts.size_for_cap_px(2.3 * u)
    value_size = fonts.size_for_cap_px(3.2 * u)
    tick_size = fonts.size_for_cap_px(1.5 * u)

    # Label line: name, "est." for proxies, the value right-aligned.
    label = fonts.render(gauge.label, label_size, theme.TEXT)
    baseline_y = cell.y + round(3.6 * u)
    label_top = baseline_y - fonts.font(label_size).get_ascent()
    surface.blit(label, (cell.x, label_top))
    if gauge.estimate:
        est = fonts.render(ESTIMATE_TEXT, label_size, theme.ESTIMATE_MARK)
        surface.blit(est, (cell.x + label.get_width() + round(0.8 * u), label_top))
    if gauge.is_bad:
        value_colour = theme.VALUE_BAD
    elif gauge.in_band:
        value_colour = theme.VALUE_OK
    else:
        value_colour = theme.TEXT
    value = fonts.render(format_value(gauge.value, gauge.unit), value_size, value_colour)
    surface.blit(value, (cell.right - value.get_width(),
                         baseline_y - fonts.font(value_size).get_ascent()))

    bar = gauge_bar_rect(cell, u)
    geo = GaugeGeometry(gauge, bar)
    pygame.draw.rect(surface, theme.GAUGE_TRACK, bar)
    lo, hi = geo.lo, geo.hi
    if gauge.bad_below is not None and gauge.bad_below > lo:
        pygame.draw.rect(surface, theme.GAUGE_BAD, geo.span(lo, gauge.bad_below))
    if gauge.bad_above is not None and gauge.bad_above < hi:
        pygame.draw.rect(surface, theme.GAUGE_BAD, geo.span(gauge.bad_above, hi))
    pygame.draw.rect(surface, theme.GAUGE_BAND, geo.span(gauge.band_lo, gauge.band_hi))

    # Band edges labelled under the bar so a physio reads the numbers, not just colours.
    tick_y = bar.bottom + round(0.5 * u)
    for v in (gauge.band_lo, gauge.band_hi):
        t = fonts.render(_format_tick(v), tick_size, theme.TEXT_DIM)
        x = geo.x_of(v) - t.get_width() // 2
        surface.blit(t, (min(max(x, cell.x), cell.right - t.get_width()), tick_y))

    if not math.isnan(gauge.value):
        # A marker taller than the bar with a dark outline: visible on green, red or grey.
        x = geo.x_of(gauge.value)
        w = max(3, round(0.6 * u))
        over = round(0.8 * u)
        marker = pygame.Rect(x - w // 2, bar.y - over, w, bar.height + 2 * over)
        pygame.draw.rect(surface, theme.BACKGROUND, marker.inflate(4, 4))
        pygame.draw.rect(surface, theme.GAUGE_MARKER, marker)


def gauge_cells(area: pygame.Rect, n: int, unit_px: float) -> list[pygame.Rect]:
    """Cells for `n` gauges: two columns when there are more than four (the gauge area
    is wide and short), filled row by row."""
    if n == 0:
        return []
    cols = 2 if n > 4 else 1
    rows = math.ceil(n / cols)
    gap_x = round(3 * unit_px)
    cell_w = (area.width - gap_x * (cols - 1)) // cols
    row_h = area.height // rows
    cell_h = min(row_h, round(10 * unit_px))
    return [pygame.Rect(area.x + (i % cols) * (cell_w + gap_x), area.y + (i // cols) * row_h,
                        cell_w, cell_h) for i in range(n)]


def draw_gauges(surface: pygame.Surface, area: pygame.Rect, gauges: Sequence[Gauge],
                fonts: FontBook, unit_px: float) -> list[pygame.Rect]:
    cells = gauge_cells(area, len(gauges), unit_px)
    for cell, g in zip(cells, gauges):
        draw_gauge(surface, cell, g, fonts, unit_px)
    return cells
