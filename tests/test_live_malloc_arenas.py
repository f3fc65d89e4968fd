"""station/live/malloc_arenas.py: the live station caps glibc's malloc arenas."""
from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from station.live.malloc_arenas import limit_malloc_arenas

_ROOT = Path(__file__).resolve().parents[1]


def test_off_linux_or_with_the_variable_set_nothing_is_changed(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert limit_malloc_arenas() is False


@pytest.mark.skipif(not (sys.platform.startswith("linux")
                         and platform.libc_ver()[0] == "glibc"), reason="glibc only")
def test_glibc_takes_the_cap_in_a_fresh_process() -> None:
    code = ("import os; os.environ.pop('MALLOC_ARENA_MAX', None)\n"
            "from station.live.malloc_arenas import limit_malloc_arenas\n"
            "print(limit_malloc_arenas())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=_ROOT)
    assert out.stdout.strip() == "True", out.stderr
