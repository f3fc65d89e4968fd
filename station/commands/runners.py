"""`station runners add NAME [--height-cm H] [--notes T]` and `station runners list`."""
from __future__ import annotations

import argparse

from station.commands.analyze import positive_float
from station.store import Store
from station.store.locate import add_data_dir_arguments, data_dir_from_args

NAME = "runners"
HELP = "add or list the runners sessions are recorded for"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    sub.required = True
    add = sub.add_parser("add", help="add a runner", description="add a runner")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--height-cm", type=positive_float, metavar="H",
                     help="standing height (gives the px->cm scale)")
    add.add_argument("--notes", default="", metavar="TEXT")
    add_data_dir_arguments(add)
    lst = sub.add_parser("list", help="list runners", description="list runners")
    add_data_dir_arguments(lst)


def run(args: argparse.Namespace) -> int:
    with Store(data_dir_from_args(args)) as store:
        if args.action == "add":
            r = store.add_runner(args.name, args.height_cm, args.notes)
            print(f"added runner {r.id}: {r.name}")
            return 0
        runners = store.runners()
        if not runners:
            print("no runners yet (station runners add NAME)")
            return 0
        counts: dict[str, int] = {}
        for s in store.sessions():
            if s.runner_name:
                counts[s.runner_name] = counts.get(s.runner_name, 0) + 1
        print(f"{'id':>4}  {'name':24s} {'height':>7}  {'sessions':>8}  notes")
        for r in runners:
            h = f"{r.height_cm:.0f} cm" if r.height_cm else "-"
            print(f"{r.id:>4}  {r.name:24s} {h:>7}  {counts.get(r.name, 0):>8}  {r.notes}")
    return 0
