"""The station's GPIO parts: start/stop button, status LED, and the buzzer, opened together.

Every device takes `pin_factory` (None = gpiozero's own choice, which honours
GPIOZERO_PIN_FACTORY). On a machine without GPIO the station still runs: `open_station_io`
falls back to the Null parts and says so once in the log.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Callable, Protocol

from hardware.buzzer import CueBuzzer, NullBuzzer
from station.config import StationConfig

log = logging.getLogger(__name__)


class StatusLight(Protocol):
    def session(self) -> None: ...
    def idle(self) -> None: ...
    def off(self) -> None: ...
    def close(self) -> None: ...


class StatusLed:
    """On = a session is running; blinking = idle, waiting for a runner."""

    def __init__(self, pin: int, blink_s: float, pin_factory: object | None = None) -> None:
        from gpiozero import LED
        self._led = LED(pin, pin_factory=pin_factory)
        self._blink_s = blink_s

    def session(self) -> None:
        self._led.on()  # also stops a blink thread

    def idle(self) -> None:
        self._led.blink(on_time=self._blink_s, off_time=self._blink_s, background=True)

    def off(self) -> None:
        self._led.off()

    def close(self) -> None:
        self._led.close()


class StartStopButton:
    """A push button to ground (internal pull-up). `on_press` runs on gpiozero's event
    thread: it should only hand the press over (set a flag, put on a queue)."""

    def __init__(self, pin: int, on_press: Callable[[], None], bounce_ms: int = 50,
                 pin_factory: object | None = None) -> None:
        from gpiozero import Button
        self._button = Button(pin, pull_up=True, bounce_time=bounce_ms / 1000 or None,
                              pin_factory=pin_factory)
        self._button.when_pressed = lambda: on_press()  # gpiozero would pass the device

    @property
    def is_pressed(self) -> bool:
        return bool(self._button.is_pressed)

    def close(self) -> None:
        self._button.close()


class NullLed:
    def session(self) -> None:
        pass

    def idle(self) -> None:
        pass

    def off(self) -> None:
        pass

    def close(self) -> None:
        pass


class NullButton:
    is_pressed = False

    def close(self) -> None:
        pass


@dataclass
class StationIO:
    buzzer: CueBuzzer | NullBuzzer
    led: StatusLight
    button: StartStopButton | NullButton

    def close(self) -> None:
        for part in (self.buzzer, self.led, self.button):
            try:
                part.close()
            except Exception:  # closing one part must not keep the others open
                log.exception("closing %s", type(part).__name__)

    def __enter__(self) -> StationIO:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_station_io(cfg: StationConfig, on_button: Callable[[], None],
                    pin_factory: object | None = None) -> StationIO:
    """Buzzer, LED and button from the config's pins; Null parts where a pin is -1, or for
    all of them when this machine has no usable GPIO."""
    from gpiozero.exc import GPIOZeroError, PinFactoryFallback

    g = cfg.gpio
    parts: list[object] = []
    try:
        with warnings.catch_warnings():
            # Off a Pi gpiozero warns about each pin library it tries; one log line is enough.
            warnings.simplefilter("ignore", PinFactoryFallback)
            buzzer = (CueBuzzer.from_config(cfg, pin_factory=pin_factory)
                      if g.buzzer_pin >= 0 else NullBuzzer())
            parts.append(buzzer)
            led = StatusLed(g.led_pin, g.led_blink_s, pin_factory) if g.led_pin >= 0 else NullLed()
            parts.append(led)
            button = (StartStopButton(g.button_pin, on_button, g.button_bounce_ms, pin_factory)
                      if g.button_pin >= 0 else NullButton())
    except (GPIOZeroError, OSError, RuntimeError) as e:
        for part in parts:
            part.close()  # type: ignore[attr-defined]
        log.warning("no GPIO on this machine (%s): buzzer, LED and button disabled", e)
        return StationIO(NullBuzzer(), NullLed(), NullButton())
    return StationIO(buzzer, led, button)
