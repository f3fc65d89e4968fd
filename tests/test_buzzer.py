"""Buzzer, LED and button through gpiozero's MockFactory with MockPWMPin.

Most tests drive time explicitly: gpiozero's mock pins stamp their state history with
`gpiozero.pins.mock.monotonic`, which we point at a fake clock, and the buzzer is stepped
with `service(now_ns)`; pin histories are then exact. The tests of the real worker thread
and of the LED's blink thread use real time and assert only what a slow machine cannot
break (order of states, lower bounds, or the buzzer's own skip-when-late rule).
"""
from __future__ import annotations

import logging
import time

import gpiozero.pins.mock
import pytest
from gpiozero.exc import BadPinFactory
from gpiozero.pins.mock import MockFactory, MockPWMPin

from hardware.buzzer import CueBuzzer, NullBuzzer
from hardware.gpio import (NullButton, NullLed, StartStopButton, StatusLed,
                           open_station_io)
from station.config import config_from_dict, default_config

S = 1_000_000_000
MS = 1_000_000
T0 = 10 * S  # fake time at which the pins are created


class FakeClock:
    def __init__(self, t_ns: int) -> None:
        self.t_ns = t_ns

    def now_ns(self) -> int:
        return self.t_ns

    def monotonic(self) -> float:
        return self.t_ns / S


class ToneRecordingPin(MockPWMPin):
    """MockPWMPin that also remembers the PWM frequency (the tone of a passive buzzer) each
    time it starts sounding."""

    def __init__(self, factory, info):
        super().__init__(factory, info)
        self.tones_hz: list[float] = []

    def _change_state(self, value):
        if value and not self._state:
            self.tones_hz.append(self._frequency)
        return super()._change_state(value)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    c = FakeClock(T0)
    monkeypatch.setattr(gpiozero.pins.mock, "monotonic", c.monotonic)
    return c


@pytest.fixture
def factory():
    f = MockFactory(pin_class=MockPWMPin)
    yield f
    f.reset()


def make_buzzer(factory, clock: FakeClock | None = None, **user) -> CueBuzzer:
    cfg = config_from_dict(user)
    if clock is None:
        return CueBuzzer.from_config(cfg, pin_factory=factory)
    return CueBuzzer.from_config(cfg, pin_factory=factory, clock_ns=clock.now_ns,
                                 threaded=False)


def drive(buzzer: CueBuzzer, clock: FakeClock, until_ns: int, latency_ns: int = 0) -> None:
    """Play the worker thread: wake at each deadline (plus a scheduling latency)."""
    while True:
        deadline = buzzer.service(clock.t_ns)
        if deadline is None or deadline + latency_ns > until_ns:
            clock.t_ns = until_ns
            buzzer.service(clock.t_ns)
            return
        clock.t_ns = deadline + latency_ns


def assert_history(pin, expected: list[tuple[float, float]]) -> None:
    # assert_states_and_times zips, so a short history would pass: check the length first.
    assert len(pin.states) == len(expected), pin.states
    pin.assert_states_and_times(expected)


def on_durations_s(pin) -> list[float]:
    """Lengths of the on-periods in the history (state > 0)."""
    out = []
    for prev, cur in zip(pin.states, pin.states[1:]):
        if prev.state and not cur.state:
            out.append(round(cur.timestamp, 6))
    return out


def on_edges_ns(pin, created_ns: int) -> list[int]:
    """Absolute times at which the pin turned on."""
    t = created_ns
    out = []
    for prev, cur in zip(pin.states, pin.states[1:]):
        t += round(cur.timestamp * S)
        if cur.state and not prev.state:
            out.append(t)
    return out


def test_back_fault_plays_long_long_at_once(factory, clock):
    bz = make_buzzer(factory, clock)
    bz.play_cue("tuck_tailbone")
    drive(bz, clock, T0 + 2 * S)
    assert_history(factory.pin(18), [(0.0, 0), (0.0, 1), (0.4, 0), (0.15, 1), (0.4, 0)])
    bz.close()


@pytest.mark.parametrize("cue_id, on_s", [
    ("ribs_down", [0.4, 0.4]),             # back: long-long
    ("shorten_stride", [0.1, 0.1, 0.1]),   # stride: short-short-short
    ("quicker_steps", [0.1, 0.1, 0.1]),
    ("head_up", [0.4, 0.12]),              # posture: long-short
    ("good_form", [0.08]),                 # good: one short
])
def test_each_cue_group_has_its_own_pattern(factory, clock, cue_id, on_s):
    bz = make_buzzer(factory, clock)
    bz.play_cue(cue_id)
    drive(bz, clock, T0 + 3 * S)
    assert on_durations_s(factory.pin(18)) == on_s
    bz.close()


def test_patterns_come_from_the_config(factory, clock):
    bz = make_buzzer(factory, clock, cues={"head_up": {"buzzer_group": "back"}},
                     buzzer={"patterns": {"back": [50, 50, 50, 50, 250]}})
    bz.play_cue("head_up")
    drive(bz, clock, T0 + 2 * S)
    assert_history(factory.pin(18), [(0, 0), (0, 1), (0.05, 0), (0.05, 1), (0.05, 0),
                                     (0.05, 1), (0.25, 0)])
    bz.close()


def test_passive_buzzer_plays_tones(clock):
    factory = MockFactory(pin_class=ToneRecordingPin)
    bz = make_buzzer(factory, clock, gpio={"buzzer_kind": "passive"})
    pin = factory.pin(18)
    bz.play_cue("head_up")
    drive(bz, clock, T0 + S)
    bz.play_cue("good_form")
    bz.schedule_tick(clock.t_ns + 500 * MS)
    drive(bz, clock, T0 + 3 * S)
    # a TonalBuzzer drives PWM at 50 % duty while sounding and stops the PWM between beeps
    assert_history(pin, [(0, 0), (0, 0.5), (0.4, 0), (0.15, 0.5), (0.12, 0),
                         (1 - 0.67, 0.5), (0.08, 0), (0.42, 0.5), (0.025, 0)])
    assert pin.tones_hz == pytest.approx([2000.0, 2000.0, 1400.0, 2600.0])
    bz.close()
    factory.reset()


def test_metronome_ticks_land_on_the_beat(factory, clock):
    bz = make_buzzer(factory, clock)
    period_ns = round(60 * S / 172)
    beats = [T0 + 100 * MS + k * period_ns for k in range(170)]  # a minute at 172 spm
    for i in range(0, len(beats), 3):  # handed over a few at a time, ahead of the beat
        bz.schedule_ticks(beats[i:i + 3])
        drive(bz, clock, beats[i] - 1 * MS, latency_ns=2 * MS)
    drive(bz, clock, beats[-1] + S, latency_ns=2 * MS)
    pin = factory.pin(18)
    edges = on_edges_ns(pin, T0)
    assert len(edges) == len(beats)
    assert all(abs(e - b) <= 10 * MS for e, b in zip(edges, beats))
    # each tick lasts tick_ms, plus the late wake-up of the "thread" that ends it
    assert all(0.025 <= d <= 0.025 + 0.002 for d in on_durations_s(pin))
    bz.close()


def test_a_cue_wins_over_ticks_inside_it(factory, clock):
    bz = make_buzzer(factory, clock)
    beats = [T0 + k * 350 * MS for k in range(1, 8)]  # 0.35 .. 2.45 s
    bz.schedule_ticks(beats)
    drive(bz, clock, T0 + 1000 * MS)
    bz.play_cue("ribs_down")  # 1.0 .. 1.95 s: the ticks at 1.05, 1.4, 1.75 are dropped
    bz.schedule_tick(T0 + 1500 * MS)  # and a tick planned later inside it is refused
    drive(bz, clock, T0 + 3 * S)
    edges = on_edges_ns(factory.pin(18), T0)
    assert edges == [T0 + 350 * MS, T0 + 700 * MS, T0 + 1000 * MS, T0 + 1550 * MS,
                     T0 + 2100 * MS, T0 + 2450 * MS]
    assert on_durations_s(factory.pin(18)) == [0.025, 0.025, 0.4, 0.4, 0.025, 0.025]
    bz.close()


def test_a_late_tick_is_skipped_but_a_late_cue_still_plays(factory, clock):
    bz = make_buzzer(factory, clock)
    bz.schedule_ticks([T0 + 100 * MS, T0 + 500 * MS])
    clock.t_ns = T0 + 130 * MS  # the thread woke 30 ms late (> late_tick_ms 15)
    drive(bz, clock, T0 + 400 * MS)
    bz.play_cue("good_form", at_ns=T0 + 300 * MS)
    clock.t_ns = T0 + 350 * MS  # late again
    drive(bz, clock, T0 + S)
    assert bz.ticks_skipped == 1
    assert on_edges_ns(factory.pin(18), T0) == [T0 + 350 * MS, T0 + 500 * MS]
    assert on_durations_s(factory.pin(18)) == [0.08, 0.025]  # full length though late
    bz.close()


def test_cues_queue_one_after_the_other_with_a_pause(factory, clock):
    bz = make_buzzer(factory, clock)
    bz.play_cue("good_form")
    bz.play_cue("head_up")  # while the first is still to play: after it, and a pause
    drive(bz, clock, T0 + 2 * S)
    assert_history(factory.pin(18), [(0, 0), (0, 1), (0.08, 0), (0.25, 1), (0.4, 0),
                                     (0.15, 1), (0.12, 0)])
    bz.close()


def test_close_silences_a_pattern_midway(factory, clock):
    bz = make_buzzer(factory, clock)
    bz.play_cue("ribs_down")
    drive(bz, clock, T0 + 100 * MS)
    assert factory.pin(18).state == 1
    bz.close()
    assert factory.pin(18).state == 0


def test_worker_thread_plays_a_cue_without_blocking_the_caller(factory):
    with make_buzzer(factory) as bz:  # real clock, real thread
        pin = factory.pin(18)
        bz.play_cue("ribs_down")  # 950 ms of pattern
        assert bz.wait_idle(timeout_s=0) is False  # play_cue returned before it finished
        assert bz.wait_idle(timeout_s=10) is True
        assert [st.state for st in pin.states] == [0, 1, 0, 1, 0]
        # an on-period never ends early, whatever the machine's load
        assert all(d >= 0.4 - 0.002 for d in on_durations_s(pin))


def test_worker_thread_sounds_ticks_on_time_or_not_at_all(factory):
    with make_buzzer(factory) as bz:
        pin = factory.pin(18)
        now = time.monotonic_ns()
        bz.schedule_ticks([now + 150 * MS, now + 350 * MS])
        assert bz.wait_idle(timeout_s=10) is True
        edges = on_edges_ns(pin, 0)
        assert len(edges) + bz.ticks_skipped == 2
        if len(edges) == 2:  # each started within late_tick_ms (15) of its beat
            assert abs((edges[1] - edges[0]) - 200 * MS) <= 15 * MS


def test_null_buzzer_takes_the_same_calls():
    with NullBuzzer() as bz:
        bz.play_cue("head_up")
        bz.play_group("back")
        bz.schedule_tick(5)
        bz.schedule_ticks([1, 2])
        assert bz.wait_idle(0) is True


def test_status_led_on_for_a_session(factory):
    led = StatusLed(27, blink_s=0.05, pin_factory=factory)
    led.session()
    factory.pin(27).assert_states([False, True])
    assert len(factory.pin(27).states) == 2
    led.off()
    assert factory.pin(27).state == 0
    led.close()


def test_status_led_blinks_while_idle_then_holds_for_a_session(factory):
    led = StatusLed(27, blink_s=0.05, pin_factory=factory)
    pin = factory.pin(27)
    led.idle()  # gpiozero's blink thread, real time
    deadline = time.monotonic() + 10
    while len(pin.states) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    led.session()
    states = [bool(st.state) for st in pin.states]
    assert len(states) >= 6
    assert all(a != b for a, b in zip(states, states[1:]))  # on, off, on, off ...
    assert states[-1] is True and pin.state == 1
    # each blink phase lasted at least blink_s (a wait never ends early)
    assert all(st.timestamp >= 0.05 - 0.002 for st in pin.states[2:-1])
    led.close()


def test_button_press_calls_back_once_per_press(factory):
    presses = []
    button = StartStopButton(17, lambda: presses.append("press"), bounce_ms=0,
                             pin_factory=factory)
    pin = factory.pin(17)
    assert not button.is_pressed  # pulled up
    pin.drive_low()
    assert button.is_pressed
    pin.drive_high()
    pin.drive_low()
    pin.drive_high()
    assert presses == ["press", "press"]
    button.close()


def test_open_station_io_uses_the_configured_pins(factory):
    cfg = config_from_dict({"gpio": {"buzzer_pin": 12, "button_pin": 5, "led_pin": 6}})
    presses = []
    with open_station_io(cfg, lambda: presses.append(1), pin_factory=factory) as io:
        assert isinstance(io.buzzer, CueBuzzer)
        assert isinstance(io.led, StatusLed)
        assert isinstance(io.button, StartStopButton)
        factory.pin(5).drive_low()
        factory.pin(5).drive_high()  # released (closing a held Button waits for its hold timer)
        assert presses == [1]
        io.led.session()
        assert factory.pin(6).state == 1
        io.buzzer.play_cue("good_form")
        assert io.buzzer.wait_idle(timeout_s=10)
        assert [st.state for st in factory.pin(12).states] == [0, 1, 0]


def test_parts_not_fitted_are_null(factory):
    cfg = config_from_dict({"gpio": {"buzzer_pin": -1, "led_pin": -1}})
    with open_station_io(cfg, lambda: None, pin_factory=factory) as io:
        assert isinstance(io.buzzer, NullBuzzer)
        assert isinstance(io.led, NullLed)
        assert isinstance(io.button, StartStopButton)


class NoGpioFactory(MockFactory):
    def pin(self, name, pin_class=None, **kwargs):
        raise BadPinFactory("Unable to load any default pin factory!")


def test_no_gpio_on_this_machine_falls_back_to_null_parts(caplog):
    with caplog.at_level(logging.WARNING, logger="hardware.gpio"):
        io = open_station_io(default_config(), lambda: None, pin_factory=NoGpioFactory())
    assert isinstance(io.buzzer, NullBuzzer)
    assert isinstance(io.led, NullLed)
    assert isinstance(io.button, NullButton)
    assert "no GPIO" in caplog.text
    io.close()
