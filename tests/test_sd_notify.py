"""The systemd notifier against a real Unix datagram socket standing in for systemd."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from station.sd_notify import SystemdNotifier, WatchdogPinger

REPO = Path(__file__).resolve().parent.parent


class FakeSystemd:
    """The receiving end of NOTIFY_SOCKET: collects datagrams without blocking."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.setblocking(False)

    def received(self) -> list[str]:
        out = []
        while True:
            try:
                out.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return out

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(autouse=True)
def close_notifiers(monkeypatch):
    """Every notifier a test makes is closed after it (filterwarnings=error turns an
    unclosed socket into a failure)."""
    made = []
    original = SystemdNotifier.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(SystemdNotifier, "__init__", init)
    yield
    for n in made:
        n.close()


@pytest.fixture
def systemd(tmp_path):
    path = tmp_path / "notify.sock"
    fake = FakeSystemd(str(path))
    yield str(path), fake
    fake.close()


class LoopClock:
    def __init__(self) -> None:
        self.now_s = 0.0

    def __call__(self) -> float:
        return self.now_s


def test_ready_watchdog_from_the_loop_and_stopping(systemd):
    path, fake = systemd
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "4242",
           "HOME": "/x"}
    notifier = SystemdNotifier(env, pid=4242)
    assert env == {"HOME": "/x"}  # children must not inherit the socket or the watchdog
    assert notifier.enabled and notifier.watchdog_period_s() == 2.0

    assert notifier.ready("running")
    clock = LoopClock()
    pinger = WatchdogPinger(notifier, clock)
    assert pinger.interval_s == 1.0  # half the period
    for _ in range(50):  # 5 s of a loop at 10 Hz
        pinger.tick()
        clock.now_s += 0.1
    notifier.status("camera lost,\nretrying in 4 s")
    notifier.stopping()

    got = fake.received()
    assert got[0] == "READY=1\nSTATUS=running"
    pings = [m for m in got if m == "WATCHDOG=1"]
    assert len(pings) == 5 == pinger.pings  # at 0, 1, 2, 3, 4 s: never more than every period/2
    assert got[-2] == "STATUS=camera lost, retrying in 4 s"  # one line: no stray assignment
    assert got[-1] == "STOPPING=1"


def test_a_stalled_loop_stops_the_pings(systemd):
    path, fake = systemd
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"})
    clock = LoopClock()
    pinger = WatchdogPinger(notifier, clock)
    for _ in range(20):  # healthy: 2 s at 10 Hz
        pinger.tick()
        clock.now_s += 0.1
    healthy = fake.received()
    assert healthy.count("WATCHDOG=1") == 4  # every 0.5 s

    clock.now_s += 10.0  # the loop hangs for 10 s: no ticks, so nothing reaches systemd
    assert fake.received() == []

    assert pinger.tick() is True  # the loop is back: the first tick pings at once
    assert fake.received() == ["WATCHDOG=1"]


def test_abstract_socket_names_are_supported():
    name = f"station-test-{uuid.uuid4().hex}"
    fake = FakeSystemd("\0" + name)
    try:
        notifier = SystemdNotifier({"NOTIFY_SOCKET": "@" + name})
        assert notifier.ready()
        assert fake.received() == ["READY=1"]
    finally:
        fake.close()


def test_outside_systemd_everything_is_a_no_op():
    notifier = SystemdNotifier({})
    assert not notifier.enabled and notifier.watchdog_period_s() is None
    assert notifier.ready() is False and notifier.stopping() is False
    pinger = WatchdogPinger(notifier, LoopClock())
    assert not pinger.active and pinger.tick() is False


def test_a_watchdog_meant_for_another_process_is_ignored(systemd):
    path, _ = systemd
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "15000000",
                                "WATCHDOG_PID": "1"}, pid=999)
    assert notifier.enabled and notifier.watchdog_period_s() is None


@pytest.mark.parametrize("value", ["relative/path", "@", "x"])
def test_a_malformed_notify_socket_disables_notifying(value, caplog):
    assert not SystemdNotifier({"NOTIFY_SOCKET": value}).enabled


def test_systemd_gone_away_is_logged_once_not_raised(tmp_path, caplog):
    path = tmp_path / "gone.sock"
    FakeSystemd(str(path)).close()
    path.unlink()
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(path)})
    assert notifier.ready() is False and notifier.watchdog_ping() is False
    assert caplog.text.count("cannot notify systemd") == 1


def test_a_real_process_notifies_from_its_environment(systemd):
    """os.environ as systemd sets it, in a child process: READY, pings from the loop, STOPPING."""
    path, fake = systemd
    code = (
        "import os\n"
        "from station.sd_notify import SystemdNotifier, WatchdogPinger\n"
        "n = SystemdNotifier()\n"
        "assert 'NOTIFY_SOCKET' not in os.environ and 'WATCHDOG_USEC' not in os.environ\n"
        "n.ready()\n"
        "t = [0.0]\n"
        "p = WatchdogPinger(n, lambda: t[0])\n"
        "for i in range(30):\n"
        "    p.tick(); t[0] += 0.5\n"
        "n.stopping()\n"
        "n.close()\n"
    )
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="6000000")
    env.pop("WATCHDOG_PID", None)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True, timeout=60)
    got = fake.received()
    assert got[0] == "READY=1" and got[-1] == "STOPPING=1"
    assert got[1:-1] == ["WATCHDOG=1"] * 5  # 15 s of loop, a ping every 3 s
