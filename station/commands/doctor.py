"""`station doctor`: is everything the station needs on this machine? One line per check.

Exit code: 0 when every check passes, 1 when any fails (each failure prints its fix), 2 for a
bad option or config file. Run it as the service's user to see what the service sees:
    sudo -u station /opt/treadmill-station/venv/bin/station doctor
"""
from __future__ import annotations

import argparse
import platform

from station.config import load_config
from station.doctor_checks import run_all_checks

NAME = "doctor"
HELP = "check camera, pose model, Numba cache, screen, buzzer, data directory and clock"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="TOML", help="station config file (pins, data dir)")
    p.add_argument("--camera", type=int, default=0, metavar="N",
                   help="which libcamera camera to look for (default 0)")


def run(args: argparse.Namespace) -> int:
    from hardware.probes import board_model
    cfg = load_config(args.config)
    model = board_model()
    on_pi = "Raspberry Pi" in (model or "")
    board = model or "not a Raspberry Pi (no device-tree model)"
    print(f"station doctor on {platform.node()}: {board}")
    results = run_all_checks(cfg.gpio, cfg.data, camera_num=args.camera, on_pi=on_pi)
    for result in results:
        print(result.line())
    failed = [r for r in results if not r.ok]
    off_pi = [r.name for r in failed if r.off_pi]
    if not failed:
        print(f"all {len(results)} checks passed")
        return 0
    summary = f"{len(failed)} of {len(results)} checks failed"
    if off_pi:
        summary += f" ({', '.join(off_pi)}: need a Raspberry Pi; see the reasons above)"
    print(summary)
    return 1
