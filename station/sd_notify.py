"""A tiny systemd notifier (sd_notify protocol), no dependencies; does nothing outside systemd.

The unit (systemd/treadmill-station.service) is Type=notify with WatchdogSec: systemd waits
for READY=1 before it calls the service started, and restarts it when WATCHDOG=1 stops coming.

How the station uses it (one notifier for the process, made in `main` before any thread):

    notifier = SystemdNotifier()                 # reads NOTIFY_SOCKET, WATCHDOG_USEC/PID
    ... open camera, load the pose model, warm up the JIT ...
    notifier.ready("running")                     # READY=1 (+ STATUS=running)
    pinger = WatchdogPinger(notifier)             # time.monotonic by default
    while running:                                # the main loop, *not* a helper thread:
        ... one iteration (frame, pose, cues, draw) ...
        pinger.tick()                             # sends WATCHDOG=1 when half a period is up
    notifier.stopping()                           # STOPPING=1, then close camera etc.

WATCHDOG=1 must come from the loop that does the work: a side thread pinging on a timer
would keep a hung loop alive forever. `tick()` is cheap (a clock read) so call it every
iteration; it pings at most every period/2, so systemd never sees a gap near WatchdogSec.
`status(text)` sets the line `systemctl status` shows ("camera lost, retrying in 4 s").

Protocol: datagrams "KEY=VALUE\\n..." to the AF_UNIX socket named by $NOTIFY_SOCKET, a path
or an abstract name written with a leading '@'. WATCHDOG_USEC is the watchdog period in µs,
meant for the process whose pid is WATCHDOG_PID (when set). Like piwheels/systemd.py, the
variables are removed from the environment so child processes do not inherit them.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from typing import Callable, MutableMapping

log = logging.getLogger(__name__)

__all__ = ["SystemdNotifier", "WatchdogPinger"]


class SystemdNotifier:
    """Sends READY=1, WATCHDOG=1, STOPPING=1 and STATUS=... to systemd; a no-op without it.

    `env` defaults to os.environ; NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read once
    and removed from it. A send that fails is logged once and never raised: losing contact
    with systemd must not stop a running session (a missed watchdog restarts us anyway).
    """

    def __init__(self, env: MutableMapping[str, str] | None = None,
                 pid: int | None = None) -> None:
        env = os.environ if env is None else env
        pid = os.getpid() if pid is None else pid
        self.address = self._parse_address(env.pop("NOTIFY_SOCKET", None))
        self._watchdog_period_s = self._parse_watchdog(env.pop("WATCHDOG_USEC", None),
                                                       env.pop("WATCHDOG_PID", None), pid)
        self._socket: socket.socket | None = None
        self._warned = False
        if self.address is not None:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)

    @staticmethod
    def _parse_address(value: str | None) -> str | None:
        if not value or value[0] not in "@/" or len(value) < 2:
            if value:
                log.warning("NOTIFY_SOCKET=%r is neither a path nor an @abstract name; "
                            "not notifying systemd", value)
            return None
        return "\0" + value[1:] if value[0] == "@" else value

    @staticmethod
    def _parse_watchdog(usec: str | None, for_pid: str | None, pid: int) -> float | None:
        if not usec:
            return None
        try:
            period_us = int(usec)
            if for_pid is not None and int(for_pid) != pid:
                return None  # the watchdog is meant for another process (e.g. our parent)
        except ValueError:
            log.warning("WATCHDOG_USEC=%r / WATCHDOG_PID=%r are not numbers; no watchdog",
                        usec, for_pid)
            return None
        return period_us / 1e6 if period_us > 0 else None

    @property
    def enabled(self) -> bool:
        """True when running under systemd with a notify socket."""
        return self._socket is not None

    def watchdog_period_s(self) -> float | None:
        """systemd's watchdog period in seconds, or None when no watchdog is asked for."""
        return self._watchdog_period_s

    def notify(self, *assignments: str) -> bool:
        """Send "KEY=VALUE" lines in one datagram; True if it was sent."""
        if self._socket is None:
            return False
        message = "\n".join(assignments).encode("utf-8")
        try:
            self._socket.sendto(message, self.address)
        except OSError as e:
            if not self._warned:
                log.warning("cannot notify systemd at %r: %s", self.address, e)
                self._warned = True
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """Start-up is done (camera open, model loaded, JIT warm): systemd marks us started."""
        return self.notify("READY=1", *([f"STATUS={_one_line(status)}"] if status else []))

    def watchdog_ping(self) -> bool:
        """WATCHDOG=1. Call from the main loop only, through WatchdogPinger.tick()."""
        return self.notify("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """Shutting down on purpose: systemd will not count the exit as a crash to watch."""
        return self.notify("STOPPING=1", *([f"STATUS={_one_line(status)}"] if status else []))

    def status(self, text: str) -> bool:
        """The free-text line `systemctl status` shows."""
        return self.notify(f"STATUS={_one_line(text)}")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> "SystemdNotifier":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())  # a newline would start a new KEY=VALUE assignment


class WatchdogPinger:
    """Pings the watchdog from the main loop at most every period/2.

    Call `tick()` (or `tick(now_s)` with a time from the loop's own monotonic clock) once per
    loop iteration. When the loop stalls, ticks stop, pings stop, and systemd restarts the
    service after WatchdogSec: which is the point. Does nothing when systemd asked for no
    watchdog. `interval_s` overrides the period/2 choice (tests).
    """

    def __init__(self, notifier: SystemdNotifier, clock_s: Callable[[], float] = time.monotonic,
                 interval_s: float | None = None) -> None:
        self._notifier = notifier
        self._clock_s = clock_s
        period = notifier.watchdog_period_s()
        self.interval_s = interval_s if interval_s is not None else \
            (period / 2 if period is not None else None)
        self._last_ping_s: float | None = None
        self.pings = 0

    @property
    def active(self) -> bool:
        return self.interval_s is not None and self._notifier.enabled

    def tick(self, now_s: float | None = None) -> bool:
        """Ping if due; True when a ping was sent."""
        if not self.active:
            return False
        now = self._clock_s() if now_s is None else now_s
        if self._last_ping_s is not None and now - self._last_ping_s < self.interval_s:
            return False
        self._last_ping_s = now
        sent = self._notifier.watchdog_ping()
        self.pings += int(sent)
        return sent

