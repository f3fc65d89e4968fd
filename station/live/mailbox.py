"""A one-slot mailbox between threads that REPLACES a stale item, never queues.

A camera must never wait for a slow consumer, and a consumer wants the newest frame, not
the oldest: `put` overwrites and counts what it overwrote. `put_wait` is for sources that
must not lose frames (a file analysed frame by frame): it blocks until the slot is free.
"""
from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestMailbox(Generic[T]):
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._full = False
        self._closed = False
        self.replaced = 0

    def put(self, item: T) -> None:
        with self._cond:
            if self._full:
                self.replaced += 1
            self._item, self._full = item, True
            self._cond.notify_all()

    def put_wait(self, item: T, timeout_s: float | None = None) -> bool:
        """Wait for the slot to be empty, then put. False if closed or timed out."""
        with self._cond:
            if not self._cond.wait_for(lambda: not self._full or self._closed, timeout_s):
                return False
            if self._closed:
                return False
            self._item, self._full = item, True
            self._cond.notify_all()
            return True

    def get(self, timeout_s: float | None = None) -> T | None:
        """The newest item, or None when nothing came within the timeout or it is closed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._full or self._closed, timeout_s):
                return None
            if not self._full:
                return None
            item, self._item, self._full = self._item, None, False
            self._cond.notify_all()
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
