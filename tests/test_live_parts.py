"""Mailbox and session tracker: the live loop's small parts."""
from __future__ import annotations

import threading
import time

from station.live.mailbox import LatestMailbox
from station.live.session_tracker import SessionTracker

S = 1_000_000_000


def test_mailbox_replaces_stale_items_and_counts_them():
    box: LatestMailbox[int] = LatestMailbox()
    for i in range(5):
        box.put(i)
    assert box.get(timeout_s=0) == 4
    assert box.replaced == 4
    assert box.get(timeout_s=0) is None


def test_mailbox_put_wait_blocks_until_taken():
    box: LatestMailbox[int] = LatestMailbox()
    box.put(1)
    done = []
    t = threading.Thread(target=lambda: done.append(box.put_wait(2, timeout_s=5)))
    t.start()
    time.sleep(0.05)
    assert not done                      # the slot is full: the writer waits
    assert box.get(timeout_s=1) == 1
    t.join(timeout=5)
    assert done == [True] and box.get(timeout_s=1) == 2 and box.replaced == 0


def test_mailbox_close_wakes_readers_and_writers():
    box: LatestMailbox[int] = LatestMailbox()
    box.put(1)
    box.close()
    assert box.put_wait(2, timeout_s=1) is False
    assert box.get(timeout_s=1) == 1     # what was there is still delivered
    assert box.get(timeout_s=1) is None


def test_session_starts_after_strides_and_stops_when_running_stops():
    tr = SessionTracker(start_strides=3, start_window_s=6, stop_after_s=5)
    assert tr.on_stride(10 * S) is None
    assert tr.on_stride(11 * S) is None
    change = tr.on_stride(12 * S)
    assert change.kind == "started" and change.t_ns == 10 * S and tr.active
    assert tr.on_frame(16 * S) is None   # 4 s since the last stride: still running
    change = tr.on_frame(17 * S + 1)
    assert change.kind == "stopped" and not tr.active


def test_scattered_strides_do_not_start_a_session():
    tr = SessionTracker(start_strides=3, start_window_s=6, stop_after_s=5)
    for t in (0, 4, 8, 12):              # one stride every 4 s: shuffling, not running
        assert tr.on_stride(t * S) is None
        tr.on_frame(t * S)
    assert not tr.active


def test_button_overrides_and_blocks_auto_start_until_running_stops():
    tr = SessionTracker(start_strides=3, start_window_s=6, stop_after_s=5)
    assert tr.on_button(1 * S).kind == "started"
    for t in (2, 3, 4):
        tr.on_stride(t * S)
    assert tr.on_button(5 * S).kind == "stopped"
    for t in (6, 7, 8):                  # still running after pressing stop: no restart
        assert tr.on_stride(t * S) is None
    assert not tr.active
    tr.on_frame(14 * S)                  # stopped running for > 5 s
    for t in (20, 21, 22):
        change = tr.on_stride(t * S)
    assert change is not None and change.kind == "started"
