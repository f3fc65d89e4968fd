"""`station sessions list|show ID|export ID --csv DIR|delete ID|import FILE|note ID TEXT`."""
from __future__ import annotations

import argparse
import math
from collections import Counter
from pathlib import Path

from station.commands.analyze import positive_float
from station.config import load_config
from station.store import Store
from station.store.locate import add_data_dir_arguments, data_dir_from_args

NAME = "sessions"
HELP = "list, show, export, delete or import recorded sessions"


def session_id(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a session number (station sessions "
                                         f"list), found {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a session number, found {text!r}")
    return v


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    sub.required = True

    def action(name: str, help: str) -> argparse.ArgumentParser:
        a = sub.add_parser(name, help=help, description=help)
        return a

    lst = action("list", "list sessions")
    lst.add_argument("--runner", metavar="NAME", help="only this runner's sessions")
    show = action("show", "a session's details and metric medians")
    show.add_argument("id", type=session_id, metavar="ID")
    exp = action("export", "write strides, events, cues and landmarks CSVs")
    exp.add_argument("id", type=session_id, metavar="ID")
    exp.add_argument("--csv", type=Path, required=True, metavar="DIR", help="output folder")
    dele = action("delete", "delete a session with its landmarks and video")
    dele.add_argument("id", type=session_id, metavar="ID")
    note = action("note", "set a session's notes")
    note.add_argument("id", type=session_id, metavar="ID")
    note.add_argument("text", metavar="TEXT")
    imp = action("import", "make a session from a video or a landmarks CSV")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--runner", metavar="NAME", help="a runner added with station runners add")
    imp.add_argument("--notes", default="", metavar="TEXT")
    imp.add_argument("--video", type=Path, metavar="MP4",
                     help="the clip a landmarks CSV was made from (kept for matched frames)")
    imp.add_argument("--keep-video", action="store_true",
                     help="keep a video FILE's frames (downscaled) beside the database")
    imp.add_argument("--facing", choices=("auto", "left", "right"), default="auto")
    imp.add_argument("--time-scale", type=positive_float, default=1.0, metavar="X",
                     help="slow-motion factor of the clip")
    imp.add_argument("--height-cm", type=positive_float, metavar="H",
                     help="runner's height (default: the runner's stored height)")
    imp.add_argument("--belt-kmh", type=positive_float, metavar="V")
    for a in (lst, show, exp, dele, note, imp):
        add_data_dir_arguments(a)


def run(args: argparse.Namespace) -> int:
    data_dir = data_dir_from_args(args)
    if args.action == "import":
        return _import(args, data_dir)
    with Store(data_dir) as store:
        if args.action == "list":
            _list(store, args.runner)
        elif args.action == "show":
            _show(store, args.id)
        elif args.action == "export":
            from station.store.export import export_session
            for path in export_session(store, args.id, args.csv):
                print(path)
        elif args.action == "delete":
            info = store.session(args.id)
            removed = store.delete_session(args.id)
            extra = f" and {', '.join(str(p) for p in removed)}" if removed else ""
            print(f"deleted session {args.id} ({info.runner_label}, {info.started_at}): "
                  f"{info.n_strides} strides, {info.n_frames} frames of landmarks{extra}")
        elif args.action == "note":
            store.set_notes(args.id, args.text)
            print(f"session {args.id}: notes set")
    return 0


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    from station.store.importer import ImportOptions, import_session
    runner_id, height = None, args.height_cm
    if args.runner is not None:
        with Store(data_dir) as store:
            runner = store.require_runner(args.runner)
        runner_id = runner.id
        height = height or runner.height_cm
    result = import_session(data_dir, args.file, load_config(args.config), runner_id,
                            ImportOptions(facing=args.facing, time_scale=args.time_scale,
                                          height_cm=height, belt_kmh=args.belt_kmh,
                                          keep_video=args.keep_video, video=args.video,
                                          notes=args.notes))
    print(f"imported {args.file} as session {result.session_id}: {result.frames} frames, "
          f"{result.strides} strides, {result.cues} cues"
          f"{', video kept' if result.video_kept else ''}")
    return 0


def _list(store: Store, runner: str | None) -> None:
    if runner is not None:
        store.require_runner(runner)
    sessions = store.sessions(runner)
    if not sessions:
        print("no sessions recorded yet")
        return
    print(f"{'id':>4}  {'started (UTC)':25s} {'runner':16s} {'min':>5} {'strides':>7}  "
          f"{'video':5s} end")
    for s in sessions:
        print(f"{s.id:>4}  {s.started_at:25s} {s.runner_label[:16]:16s} "
              f"{s.duration_s / 60:5.1f} {s.n_strides:>7}  {'yes' if s.video_path else '-':5s} "
              f"{s.status}")


def _show(store: Store, sid: int) -> None:
    from station.report.data import load_session
    s = store.session(sid)
    data = load_session(store, sid)
    print(f"session {s.id}: {s.runner_label}, {s.started_at} .. {s.ended_at or '-'} "
          f"({s.duration_s / 60:.1f} min), ended: {s.status}")
    print(f"  station {s.station}, software {s.software_version}, source {s.source or '-'}, "
          f"{s.n_frames} frames, {s.n_strides} strides, "
          f"video {'kept' if s.video_path else 'not kept'}")
    if s.notes:
        print(f"  notes: {s.notes}")
    print(f"  {'metric':30s} {'median':>9} {'p10':>9} {'p90':>9} {'n':>5}")
    for m in data.metrics.values():
        if m.n == 0:
            print(f"  {m.label:30s} {'-':>9} {'':>9} {'':>9} {0:>5}  {m.reason}")
            continue
        print(f"  {m.label:30s} {_f(m.median):>9} {_f(m.p10):>9} {_f(m.p90):>9} {m.n:>5}")
    cues = Counter(c.message for c in data.cues)
    print("  cues: " + (", ".join(f"{msg} x{n}" for msg, n in cues.most_common()) or "none"))


def _f(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v:.1f}"
