"""Where the station keeps its database and recordings (DESIGN.md, "Storage and reports").

`data.dir` from the config when set; under systemd the unit's StateDirectory
($STATE_DIRECTORY, /var/lib/treadmill-station, mode 0700); otherwise the XDG data directory
($XDG_DATA_HOME or ~/.local/share)/treadmill-station.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from station.config import DataConfig

APP_DIR_NAME = "treadmill-station"


def resolve_data_dir(data: DataConfig, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if data.dir:
        return Path(data.dir).expanduser()
    state = env.get("STATE_DIRECTORY", "")
    if state:
        # systemd may pass several, colon-separated, when the unit lists several.
        return Path(state.split(":")[0])
    xdg = env.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg else Path(env.get("HOME", str(Path.home()))) / ".local" / "share"
    return base / APP_DIR_NAME
