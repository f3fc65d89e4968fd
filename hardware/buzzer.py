"""The cue buzzer: a pattern per cue group and metronome ticks, on its own thread.

`BuzzTimeline` is the plan (pure, times in ns): cue patterns as beeps, ticks at predicted
beat times. `CueBuzzer` drives a gpiozero buzzer from it on a worker thread that wakes at
each planned edge, so a cue sounds as soon as it is given (the screen is not waited for) and
a tick sounds on its beat. A cue pattern wins over ticks that would fall inside it (a tick
in the middle of long-short would garble both); a tick the thread cannot start within
`late_tick_ms` of its beat is skipped, since a late tick is worse than none.

Only hardware/ imports gpiozero. Times passed in (`at_ns`) are on the clock given as
`clock_ns` (default time.monotonic_ns, the clock picamera2 frame times are on).
"""
from __future__ import annotations

import bisect
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Protocol

from station.config import BuzzerConfig, GpioConfig, StationConfig

log = logging.getLogger(__name__)

_NS_PER_MS = 1_000_000
# Silence between two cue patterns queued back to back, so they are heard as two.
_PATTERN_GAP_NS = 250 * _NS_PER_MS


@dataclass(frozen=True, slots=True)
class Beep:
    start_ns: int
    duration_ns: int
    tone_hz: float
    kind: str  # "cue" or "tick"


class BuzzerOutput(Protocol):
    def on(self, tone_hz: float) -> None: ...
    def off(self) -> None: ...
    def close(self) -> None: ...


class BuzzTimeline:
    """Planned beeps in time order and the one playing now. Not thread-safe by itself:
    CueBuzzer calls it under its lock."""

    def __init__(self, tick_ms: int, late_tick_ms: int, tick_tone_hz: float) -> None:
        self._tick_ns = tick_ms * _NS_PER_MS
        self._late_ns = late_tick_ms * _NS_PER_MS
        self._tick_tone_hz = tick_tone_hz
        self._pending: list[tuple[int, int, Beep]] = []  # (start_ns, seq, beep), sorted
        self._seq = 0
        self._cue_spans: list[tuple[int, int]] = []  # [start, end) of planned cue patterns
        self._playing: Beep | None = None
        self._playing_until_ns = 0
        self.ticks_skipped = 0

    @property
    def idle(self) -> bool:
        return self._playing is None and not self._pending

    def _insert(self, beep: Beep) -> None:
        self._seq += 1
        bisect.insort(self._pending, (beep.start_ns, self._seq, beep))

    def add_pattern(self, now_ns: int, durations_ms: Iterable[int], tone_hz: float) -> int:
        """Plan on/off/on... durations starting as soon as the buzzer is free; returns the
        start time."""
        busy_until = max([now_ns] + [end + _PATTERN_GAP_NS for _, end in self._cue_spans]
                         + ([self._playing_until_ns] if self._playing else []))
        t = start = busy_until
        for i, d_ms in enumerate(durations_ms):
            if i % 2 == 0:
                self._insert(Beep(t, d_ms * _NS_PER_MS, tone_hz, "cue"))
            t += d_ms * _NS_PER_MS
        end = t
        # Keep one tick length of silence either side so the pattern reads as one unit.
        lo, hi = start - self._tick_ns, end + self._tick_ns
        self._pending = [p for p in self._pending
                         if not (p[2].kind == "tick" and lo < p[0] < hi)]
        self._cue_spans.append((start, end))
        return start

    def add_tick(self, at_ns: int) -> bool:
        """Plan a tick at `at_ns`; False if it would fall inside a cue pattern or is planned."""
        for start, end in self._cue_spans:
            if start - self._tick_ns < at_ns < end + self._tick_ns:
                return False
        if any(p[0] == at_ns and p[2].kind == "tick" for p in self._pending):
            return False
        self._insert(Beep(at_ns, self._tick_ns, self._tick_tone_hz, "tick"))
        return True

    def service(self, now_ns: int, out: BuzzerOutput) -> int | None:
        """Apply every edge due at `now_ns`; return when to call again (None: nothing planned)."""
        while True:
            if self._playing is not None:
                if now_ns < self._playing_until_ns:
                    return self._playing_until_ns
                out.off()
                self._playing = None
            self._cue_spans = [s for s in self._cue_spans if s[1] > now_ns]
            if not self._pending:
                return None
            start_ns, _, beep = self._pending[0]
            if start_ns > now_ns:
                return start_ns
            self._pending.pop(0)
            if beep.kind == "tick" and now_ns - start_ns > self._late_ns:
                self.ticks_skipped += 1
                log.debug("tick %.1f ms late: skipped", (now_ns - start_ns) / _NS_PER_MS)
                continue
            out.on(beep.tone_hz)
            self._playing = beep
            # A beep that starts late still lasts its full length: the pattern stays readable.
            self._playing_until_ns = now_ns + beep.duration_ns


class ActiveBuzzerOutput:
    """An active buzzer sounds its own fixed tone when powered: on/off only."""

    def __init__(self, pin: int, pin_factory: object | None = None) -> None:
        from gpiozero import Buzzer
        self._device = Buzzer(pin, pin_factory=pin_factory)

    def on(self, tone_hz: float) -> None:
        self._device.on()

    def off(self) -> None:
        self._device.off()

    def close(self) -> None:
        self._device.close()


class PassiveBuzzerOutput:
    """A passive buzzer needs a square wave: gpiozero's TonalBuzzer (PWM at the tone)."""

    def __init__(self, pin: int, mid_tone_hz: float, pin_factory: object | None = None) -> None:
        from gpiozero import TonalBuzzer
        from gpiozero.tones import Tone
        self._tone = Tone
        # The config keeps tick and good tones within one octave of mid_tone_hz; gpiozero
        # rounds its range to whole MIDI notes, so ask for two octaves to be sure they fit.
        self._device = TonalBuzzer(pin, mid_tone=Tone.from_frequency(mid_tone_hz), octaves=2,
                                   pin_factory=pin_factory)

    def on(self, tone_hz: float) -> None:
        self._device.play(self._tone.from_frequency(tone_hz))

    def off(self) -> None:
        self._device.stop()

    def close(self) -> None:
        self._device.close()


class CueBuzzer:
    """Plays cue patterns and metronome ticks on a gpiozero buzzer.

    `threaded=False` leaves driving to the caller (`service(now_ns)`), which tests use to
    step time exactly; the station uses the default worker thread.
    """

    def __init__(self, gpio: GpioConfig, sounds: BuzzerConfig,
                 cue_groups: Mapping[str, str] | None = None, pin_factory: object | None = None,
                 clock_ns: Callable[[], int] = time.monotonic_ns, threaded: bool = True) -> None:
        if gpio.buzzer_pin < 0:
            raise ValueError("no buzzer pin configured: use NullBuzzer")
        self._sounds = sounds
        self._cue_groups = dict(cue_groups or {})
        self._clock_ns = clock_ns
        if gpio.buzzer_kind == "passive":
            self._out: BuzzerOutput = PassiveBuzzerOutput(gpio.buzzer_pin, sounds.tone_hz,
                                                          pin_factory)
        else:
            self._out = ActiveBuzzerOutput(gpio.buzzer_pin, pin_factory)
        self._timeline = BuzzTimeline(sounds.tick_ms, sounds.late_tick_ms, sounds.tick_tone_hz)
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="cue-buzzer", daemon=True)
            self._thread.start()

    @classmethod
    def from_config(cls, cfg: StationConfig, pin_factory: object | None = None,
                    clock_ns: Callable[[], int] = time.monotonic_ns,
                    threaded: bool = True) -> CueBuzzer:
        groups = {c.id: c.buzzer_group for c in cfg.cues}
        return cls(cfg.gpio, cfg.buzzer, groups, pin_factory, clock_ns, threaded)

    @property
    def ticks_skipped(self) -> int:
        return self._timeline.ticks_skipped

    def play_cue(self, cue_id: str, at_ns: int | None = None) -> None:
        """Sound the pattern of the group the config gives this cue."""
        self.play_group(self._cue_groups.get(cue_id, cue_id), at_ns)

    def play_group(self, group: str, at_ns: int | None = None) -> None:
        durations = self._sounds.pattern_ms(group)
        tone = self._sounds.good_tone_hz if group == "good" else self._sounds.tone_hz
        with self._cond:
            now = self._clock_ns() if at_ns is None else at_ns
            self._timeline.add_pattern(now, durations, tone)
            self._cond.notify_all()

    def schedule_tick(self, at_ns: int) -> None:
        self.schedule_ticks((at_ns,))

    def schedule_ticks(self, times_ns: Iterable[int]) -> None:
        with self._cond:
            for t in times_ns:
                self._timeline.add_tick(t)
            self._cond.notify_all()

    def service(self, now_ns: int) -> int | None:
        """Apply due edges (for threaded=False); returns the next time to call, or None."""
        with self._cond:
            return self._timeline.service(now_ns, self._out)

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Block until everything planned has played (worker thread only)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._timeline.idle or self._closed, timeout_s)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._out.off()
        self._out.close()

    def __enter__(self) -> CueBuzzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                now = self._clock_ns()
                deadline = self._timeline.service(now, self._out)
                self._cond.notify_all()  # wait_idle() callers
                if deadline is None:
                    self._cond.wait()
                else:
                    self._cond.wait(max(0.0, (deadline - now) / 1e9))


class NullBuzzer:
    """Same calls as CueBuzzer for machines without GPIO: logs instead of beeping."""

    ticks_skipped = 0

    def play_cue(self, cue_id: str, at_ns: int | None = None) -> None:
        log.debug("buzzer (none fitted): cue %s", cue_id)

    def play_group(self, group: str, at_ns: int | None = None) -> None:
        log.debug("buzzer (none fitted): pattern %s", group)

    def schedule_tick(self, at_ns: int) -> None:
        pass

    def schedule_ticks(self, times_ns: Iterable[int]) -> None:
        pass

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass

    def __enter__(self) -> NullBuzzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
