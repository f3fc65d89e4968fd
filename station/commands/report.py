"""`station report BEFORE AFTER --out report.html` and `station report ID --out report.html`."""
from __future__ import annotations

import argparse
from pathlib import Path

from station.commands.sessions import session_id
from station.store import Store
from station.store.locate import add_data_dir_arguments, data_dir_from_args

NAME = "report"
HELP = "a physio report (one HTML file): one session, or BEFORE vs AFTER"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", type=session_id, nargs="+", metavar="ID",
                   help="one session, or BEFORE AFTER")
    p.add_argument("--out", type=Path, required=True, metavar="HTML", help="output file")
    add_data_dir_arguments(p)


def run(args: argparse.Namespace) -> int:
    from station.errors import BadInput
    from station.report.build import build_report
    if len(args.ids) > 2:
        raise BadInput(f"expected one session ID or BEFORE AFTER, found {len(args.ids)} IDs")
    if len(args.ids) == 2 and args.ids[0] == args.ids[1]:
        raise BadInput(f"BEFORE and AFTER are the same session ({args.ids[0]})")
    with Store(data_dir_from_args(args)) as store:
        result = build_report(store, args.ids, args.out)
    print(f"wrote {args.out}: {result}")
    return 0
