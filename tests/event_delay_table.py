"""Gait events: accuracy and measured emit delay per scenario, for trying event_params settings.

    .venv/bin/python tests/event_delay_table.py [SCENARIO,...|all] [SEED,...] [[FPS:]NAME=VALUE ...]

Scenarios are tests/test_gait_events.py's (its noise and leg-swap repair) plus the poor
runner (overstrider) at 30 and 60 fps; seeds 0,1,2 by default. NAME=VALUE is passed to
event_params (e.g. fit_s=0.05), 60:NAME=VALUE only at 60 fps. Per event kind: share within
+-1 frame, mean bias (frames, event - truth), missed/extra (test_gait_events.score, steady
run), and the emit delay measured from the stream: the timestamp of the frame whose
gait_event_step returned the event minus the event's own time (median / p95 / max, frames
and median ms). Not a test: it prints what the tests only bound."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernels import gait_events as ge  # noqa: E402
from test_gait_events import SCENARIOS, score, synth_inputs  # noqa: E402

SCEN = {n: (k, "good") for n, (k, _) in SCENARIOS.items()}
SCEN["poor_30"] = ({}, "poor")
SCEN["poor_60"] = ({"fps": 60}, "poor")


def events_with_frames(t, hf, hy, tf, ty, leg, params):
    """The kernel over a series: events (m, 3) and the frame index each came out at."""
    state, out, ev, at = ge.new_event_state(), np.empty((4, 3)), [], []
    for i in range(len(t)):
        n = ge.gait_event_step(float(t[i]), hf[i], hy[i], tf[i], ty[i], float(leg), params,
                               state, out)
        for j in range(n):
            ev.append(out[j].copy())
            at.append(i)
    return np.array(ev).reshape(-1, 3), np.array(at, int)


def row(name, seeds, kw):
    knobs, preset = SCEN[name]
    acc = {k: dict(n=0, ok=0.0, miss=0, extra=0, bias=[], delay=[])
           for k in (ge.CONTACT, ge.TOE_OFF)}
    fps = 30.0
    for seed in seeds:
        r, t, hf, hy, tf, ty, leg = synth_inputs(knobs, 25.0, seed, preset=preset)
        fps = r.fps
        ev, at = events_with_frames(t, hf, hy, tf, ty, leg,
                                    ge.event_params(fps, **kw.get(int(round(fps)), {})))
        res = score(r, ev)
        t0, t1 = r.steady_from_s + 1.0, min(r.steady_until_s, r.seconds) - 0.3
        for k, a in acc.items():
            a["n"] += res[k]["n"]
            a["ok"] += res[k]["ok"] * res[k]["n"]
            a["miss"] += res[k]["miss"]
            a["extra"] += res[k]["extra"]
            truth = r.steps.t_contact if k == ge.CONTACT else r.steps.t_toe_off
            for j in np.flatnonzero(ev[:, 1] == k):
                te, f = ev[j, 0], int(ev[j, 2])
                if not t0 < te < t1:
                    continue
                a["delay"].append((t[at[j]] - te) * fps)
                tr = truth[r.steps.foot == f]
                if len(tr) and np.min(np.abs(tr - te)) < 0.1:
                    a["bias"].append((te - tr[np.argmin(np.abs(tr - te))]) * fps)
    cols = []
    for k, lab in ((ge.CONTACT, "contact"), (ge.TOE_OFF, "toe-off")):
        a = acc[k]
        d = np.array(a["delay"])
        cols.append(f"{lab} {100 * a['ok'] / max(a['n'], 1):5.1f}% bias {np.mean(a['bias']):+5.2f} "
                    f"miss/extra {a['miss']}/{a['extra']} of {a['n']:3d} delay fr "
                    f"{np.median(d):4.2f}/{np.percentile(d, 95):4.2f}/{d.max():4.2f} "
                    f"({1000 * np.median(d) / fps:3.0f} ms)")
    return f"{name:28s} " + " | ".join(cols)


def main(argv):
    names = list(SCEN) if not argv or argv[0] == "all" else argv[0].split(",")
    seeds = [int(s) for s in argv[1].split(",")] if len(argv) > 1 else [0, 1, 2]
    kw = {30: {}, 60: {}}
    for a in argv[2:]:
        where, _, kv = a.rpartition(":")
        key, _, val = kv.partition("=")
        for fps in ([int(where)] if where else list(kw)):
            kw[fps][key] = float(val)
    for name in names:
        print(row(name, seeds, kw), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
