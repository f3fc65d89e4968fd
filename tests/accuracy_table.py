"""Accuracy table over seeds, for the figures quoted in tests/test_gait_accuracy.py.

    .venv/bin/python tests/accuracy_table.py [SCENARIO,...|all] [SEED,...] [--other]

Per scenario and seed (its test seed by default): foot-strike class right (% of strides),
the per-stride strike error's median and sd, and the summary's errors against truth for
shank at contact, overstride, contact time, cadence and the stride count. Not a test:
it prints what the tests only bound, with the tests' own analysis and matching. --other:
the median errors of the metrics test_other_metric_medians bounds (OTHER_TOLERANCES), and
flight time, instead."""
import contextlib
import io
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_gait_accuracy import (OTHER_TOLERANCES, SCENARIOS, analyse_into,  # noqa: E402
                                med, strike_class, strikes_against_truth)


def table_row(knobs: dict, seed: int) -> str:
    with contextlib.redirect_stdout(io.StringIO()):
        s, t = analyse_into(Path(tempfile.mkdtemp()), knobs, seed)
    pairs = strikes_against_truth(s, t)
    err = np.array([m - tr for m, tr in pairs])
    right = sum(strike_class(m) == strike_class(tr) for m, tr in pairs)

    def d(name: str) -> float:
        return med(s, name) - med(t, name)
    strike = f"{np.median(err):+5.2f} sd {np.std(err):4.2f}" if len(err) else "nan"
    return (f"class {100 * right / max(len(pairs), 1):5.1f}% n{len(pairs):3d} strike_err "
            f"{strike} shank {d('shank_angle_ic_deg'):+5.2f} over {d('overstride_pct'):+5.2f} "
            f"gct {d('ground_contact_ms'):+5.1f} cad {s['cadence_spm'] - t['cadence_spm']:+5.2f} "
            f"strides {s['strides'] - len(t['strides']):+d}")


def other_row(knobs: dict, seed: int) -> str:
    with contextlib.redirect_stdout(io.StringIO()):
        s, t = analyse_into(Path(tempfile.mkdtemp()), knobs, seed)
    return " ".join(f"{name.rsplit('_', 1)[0][:14]} {med(s, name) - med(t, name):+6.2f}"
                    for name in (*OTHER_TOLERANCES, "flight_ms"))


def main(argv: list[str]) -> None:
    logging.disable(logging.CRITICAL)
    row = table_row
    if "--other" in argv:
        argv = [a for a in argv if a != "--other"]
        row = other_row
    names = argv[0].split(",") if argv and argv[0] != "all" else list(SCENARIOS)
    seeds = [int(x) for x in argv[1].split(",")] if len(argv) > 1 else None
    for name in names:
        knobs, seed0 = SCENARIOS[name]
        for seed in seeds or [seed0]:
            print(f"{name:22s} s{seed:<3d} {row(knobs, seed)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
