"""Everything that draws the station's screen; the only package that imports pygame.

`Screen` opens a window, a full screen or a headless (SDL dummy driver) surface and draws
a `station.screen_state.ScreenState` on it.
"""
import os

# pygame prints a greeting on import; the station logs instead of printing.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from display.screen import DisplayMode, Screen, open_screen  # noqa: E402

__all__ = ["DisplayMode", "Screen", "open_screen"]
