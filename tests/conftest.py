"""Shared fixtures. Real clips live in ../shared/media beside the checkout.

A user's fresh clone has no ../shared: tests that need it skip with the reason. CI sets
STATION_REQUIRE_MEDIA=1 so that a missing clip fails instead of skipping.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MEDIA_DIR = Path(os.environ.get("STATION_MEDIA_DIR", REPO.parent / "shared" / "media"))

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
# `station run`/`demo` record sessions into the data directory: never the user's own.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="station-test-data-")
os.environ.pop("STATE_DIRECTORY", None)
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def media_clip(name: str) -> Path:
    path = MEDIA_DIR / name
    if not path.exists():
        reason = f"real clip {path} not found (the shared media folder sits beside the checkout)"
        if os.environ.get("STATION_REQUIRE_MEDIA") == "1":
            pytest.fail(reason + "; STATION_REQUIRE_MEDIA=1 forbids skipping")
        pytest.skip(reason)
    return path


@pytest.fixture
def media():
    """media("clip.mp4") -> Path, skipping (or failing in CI) when the clip is absent."""
    return media_clip
