"""Accuracy table over seeds, for the figures quoted in tests/test_gait_accuracy.py.

    .venv/bin/python tests/accuracy_table.py [SCENARIO,...|all] [SEED,...]

Per scenario and seed (its test seed by default): foot-strike class right (% of strides),
the per-stride strike error's median and sd, and the summary's errors against truth for
shank at contact, overstride, contact time, cadence and the stride count. Not a test:
it prints what the tests only bound."""
import csv, json, math, sys, tempfile
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_gait_accuracy import SCENARIOS, NOISE, SECONDS
from station.cli import main
from station.synth.knobs import resolve_knobs
from station.synth.writer import write_clip
import logging; logging.disable(logging.CRITICAL)

def cls(a): return "rear" if a > 8 else ("fore" if a < -3 else "mid")
def run(name, knobs, seed):
    out = Path(tempfile.mkdtemp())
    knobs = dict(knobs); preset = knobs.pop("preset", "good")
    k = resolve_knobs({**NOISE, **knobs}, preset=preset)
    write_clip(out, k, SECONDS, seed, video=False)
    t = json.loads((out / "truth.json").read_text())
    import io, contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        main(["analyze", str(out/"landmarks.csv"), "--json", str(out/"s.json"), "--belt-kmh", str(k.main["belt_kmh"]), "--csv", str(out/"csv")])
    s = json.loads((out/"s.json").read_text())
    truth = {round(r["t_s"], 2): r["metrics"] for r in t["strides"]}
    rows = list(csv.DictReader(open(out/"csv"/"strides.csv")))
    right = tot = 0; errs = []
    for r in rows:
        key = min(truth, key=lambda q: abs(q - float(r["t_s"])))
        if abs(key - float(r["t_s"])) > 0.05 or not r["foot_strike_angle_deg"]: continue
        tot += 1; a = float(r["foot_strike_angle_deg"]); ta = truth[key]["foot_strike_angle_deg"]
        right += cls(a) == cls(ta); errs.append(a - ta)
    def med(d, n):
        v = d["metrics"][n]["median"]; return math.nan if v is None else v
    return dict(cls=100*right/max(tot,1), n=tot, strike_err=float(np.median(errs)) if errs else math.nan,
                strike_sd=float(np.std(errs)) if errs else math.nan,
                shank=med(s,"shank_angle_ic_deg")-med(t,"shank_angle_ic_deg"),
                over=med(s,"overstride_pct")-med(t,"overstride_pct"),
                gct=med(s,"ground_contact_ms")-med(t,"ground_contact_ms"),
                cad=s["cadence_spm"]-t["cadence_spm"], strides=s["strides"]-len(t["strides"]))
names = sys.argv[1].split(",") if len(sys.argv) > 1 and sys.argv[1] != "all" else list(SCENARIOS)
seeds = [int(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else None
for name in names:
    knobs, seed0 = SCENARIOS[name]
    for seed in (seeds or [seed0]):
        r = run(name, knobs, seed)
        print(f"{name:22s} s{seed:<3d} class {r['cls']:5.1f}% n{r['n']:3d} strike_err {r['strike_err']:+5.2f} sd {r['strike_sd']:4.2f} shank {r['shank']:+5.2f} over {r['over']:+5.2f} gct {r['gct']:+5.1f} cad {r['cad']:+5.2f} strides {r['strides']:+d}", flush=True)
