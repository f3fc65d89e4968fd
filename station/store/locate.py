"""Where the session commands find the database: --data-dir, else the config's data.dir,
$STATE_DIRECTORY or the XDG data directory (station/data_dir.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from station.config import load_config
from station.data_dir import resolve_data_dir


def add_data_dir_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="station data directory (default: the config's data.dir, "
                        "$STATE_DIRECTORY, or ~/.local/share/treadmill-station)")
    p.add_argument("--config", type=Path, metavar="TOML", help="station config file")


def data_dir_from_args(args: argparse.Namespace) -> Path:
    if getattr(args, "data_dir", None) is not None:
        return Path(args.data_dir)
    return resolve_data_dir(load_config(getattr(args, "config", None)).data)
