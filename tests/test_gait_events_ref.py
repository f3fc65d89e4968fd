"""Gait-event kernel == its plain Python/NumPy reference (kernels/gait_events_ref.py,
written separately), on synthetic runs, random NaN-laden and edge input; and the compiled
kernel == the same kernel interpreted (NUMBA_DISABLE_JIT)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kernels import gait_events as ge
from kernels.gait_events_ref import gait_events_ref
from test_gait_events import synth_inputs

ROOT = Path(__file__).resolve().parents[1]
WALK = dict(gait="walk", cadence_spm=110, duty_factor_pct=60, belt_kmh=5)


def _belt_like_feet(rng, n, fps):
    """Random feet that do touch down: each foot alternates a stance (moving back at a
    random belt speed on the belt level) and a swing arc forward, with noise and NaNs."""
    t = np.arange(n) / fps + rng.uniform(0, 0.002, n)
    out = np.empty((4, n, 2))
    for f in range(2):
        period = rng.uniform(0.5, 0.9)
        duty = rng.uniform(0.25, 0.65)
        v = rng.uniform(150, 600)
        phase = (t / period + f * 0.5) % 1.0
        travel = v * duty * period                      # belt travel in one stance
        sw = np.clip((phase - duty) / (1 - duty), 0, 1)
        heel_x = np.where(phase < duty, 80 + travel / 2 - v * phase * period,
                          80 - travel / 2 + travel * np.sin(np.pi * sw / 2) ** 2)
        lift = np.where(phase < duty, 0.0, 60 * np.sin(np.pi * sw))
        out[0, :, f] = heel_x + rng.normal(0, 2, n)
        out[1, :, f] = 400 - lift + rng.normal(0, 2, n)
        out[2, :, f] = heel_x + 40 + rng.normal(0, 2, n)
        out[3, :, f] = 400 - 0.6 * lift + rng.normal(0, 2, n)
    out[rng.random(out.shape) < 0.05] = np.nan
    return t, out


def cases():
    rng = np.random.default_rng(11)
    for name, knobs, seed in (("run30", {}, 1), ("run60_left", dict(fps=60, facing="left"), 2),
                              ("walk30", WALK, 4), ("run_fs-10", dict(
                                  foot_strike_angle_deg=-10, cadence_spm=190, belt_kmh=16,
                                  duty_factor_pct=25), 5),
                              ("absent", dict(absent_s=2.0, step_off_s=2.0), 6),
                              ("run30_label_swaps", {}, 7),
                              # a heel hanging over the belt, then dropping: the contact
                              # hinge weighs its pre-stance heights by how high they are
                              ("poor60", dict(preset="poor", fps=60), 8)):
        knobs = dict(knobs)
        preset = knobs.pop("preset", "good")
        r, t, hf, hy, tf, ty, leg = synth_inputs(knobs, 10.0, seed, preset=preset)
        if name == "run30_label_swaps":          # unrepaired label trades: the tracks remap
            for a in (hf, hy, tf, ty):
                a[100:200] = a[100:200, ::-1].copy()
                a[230:233] = a[230:233, ::-1].copy()
        yield name, t, hf, hy, tf, ty, leg, ge.event_params(r.fps,
                                                           remap=name == "run30_label_swaps")
        if name == "run30":
            yield "run30_quad", t, hf, hy, tf, ty, leg, ge.event_params(r.fps, quad=True)
        if name in ("run30", "run60_left"):     # frames dropped: timestamps jump
            keep = rng.random(len(t)) >= 0.15
            for lo in range(7, len(t), 16):
                keep[lo:lo + 3] = False
            yield name + "_dropped", t[keep], hf[keep], hy[keep], tf[keep], ty[keep], leg, \
                ge.event_params(r.fps)
    for k in range(3):
        n = 600
        t = np.cumsum(rng.uniform(0.02, 0.045, n))
        walk = np.cumsum(rng.normal(0, 6, (4, n, 2)), axis=1) + 300.0
        walk[rng.random((4, n, 2)) < 0.1] = np.nan
        yield f"random_walk_nan{k}", t, walk[0], walk[1], walk[2], walk[3], 140.0, \
            ge.event_params(30.0)
    for k, fps in enumerate((30.0, 60.0, 30.0)):
        t, feet = _belt_like_feet(rng, 900, fps)
        yield f"belt_like{k}", t, feet[0], feet[1], feet[2], feet[3], 140.0, \
            ge.event_params(fps, quad=k == 2)
    t = np.arange(40) / 30.0
    nan = np.full((40, 2), np.nan)
    yield "all_nan", t, nan, nan, nan, nan, 140.0, ge.event_params(30.0)
    c = np.full((40, 2), 200.0)
    yield "constant", t, c, c, c, c, 140.0, ge.event_params(30.0)
    one = np.ones((1, 2))
    yield "one_frame", t[:1], one, one, one, one, 140.0, ge.event_params(30.0)
    yield "zero_leg", t, c, c, c, c, 0.0, ge.event_params(30.0)
    yield "nan_leg", t, c, c, c, c, np.nan, ge.event_params(30.0)
    yield "empty", t[:0], c[:0], c[:0], c[:0], c[:0], 140.0, ge.event_params(30.0)


CASES = {c[0]: c for c in cases()}
EMPTY = ("all_nan", "constant", "one_frame", "zero_leg", "nan_leg", "empty")


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_equals_reference(name):
    _, t, hf, hy, tf, ty, leg, p = CASES[name]
    kernel = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, p)
    ref = gait_events_ref(t, hf, hy, tf, ty, leg, p)
    assert kernel.shape == ref.shape, (kernel.shape, ref.shape)
    np.testing.assert_allclose(kernel, ref, rtol=0, atol=1e-9)
    if name in EMPTY:
        assert len(kernel) == 0
    elif not name.startswith("random"):
        assert len(kernel) > 10, "the case should exercise events"


_INTERPRETED = """
import sys, numpy as np
from kernels import gait_events as ge
d = np.load(sys.argv[1])
ev = ge.gait_events_kernel_series(d["t"], d["hf"], d["hy"], d["tf"], d["ty"],
                                  float(d["leg"]), d["p"])
np.save(sys.argv[2], ev)
"""


def test_compiled_equals_interpreted(tmp_path):
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    for name in ("run60_left", "walk30", "random_walk_nan0", "belt_like2", "all_nan",
                 "run30_dropped"):
        _, t, hf, hy, tf, ty, leg, p = CASES[name]
        src, dst = tmp_path / f"{name}.npz", tmp_path / f"{name}_ev.npy"
        np.savez(src, t=t, hf=hf, hy=hy, tf=tf, ty=ty, leg=leg, p=p)
        subprocess.run([sys.executable, "-c", _INTERPRETED, str(src), str(dst)], cwd=ROOT,
                       env=env, check=True)
        compiled = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, p)
        np.testing.assert_allclose(compiled, np.load(dst), rtol=0, atol=1e-9, err_msg=name)
