"""Gait events through the analyzer (leg-swap repair, foot-glitch test, event kernel, as
`station analyze` runs them) on the synthetic runner with its pose-model noise, blends
included, scored against the synth's truth. Shared by tests/test_foot_glitch.py and the
measurements quoted there."""
from __future__ import annotations

import numpy as np

from kernels import gait_events as ge
from station.contracts import Pose
from station.gait.analyzer import FOOT_NAMES, GaitAnalyzer, GaitSettings
from station.synth.knobs import resolve_knobs
from station.synth.noise import noisy_landmarks
from station.synth.runner import SynthRunner

NOISE = dict(jitter_px=2.0, drop_pct=2.0, swaps_per_min=6.0)


def analyzer_events(knobs: dict, seconds: float, seed: int, drop_blended_feet: bool = True
                    ) -> tuple[SynthRunner, np.ndarray]:
    """The runner and the analyzer's events (m, 3): t_s, kind (ge.CONTACT/TOE_OFF), foot."""
    r = SynthRunner(resolve_knobs({**NOISE, **knobs}), seconds)
    t_ns = r.frame_t_ns()
    pose = r.world_pose(t_ns / 1e9)
    xy, vis = noisy_landmarks(r.landmarks_px(pose), pose.present, np.arange(len(t_ns)),
                              r.knobs.scene, r.fps, seed, r.facing_sign)
    an = GaitAnalyzer(GaitSettings(fps=r.fps, drop_blended_feet=drop_blended_feet))
    for i in range(len(t_ns)):
        an.update(Pose(xy[i], vis[i], None, int(t_ns[i]), i))
    an.finish()
    kinds = {"contact": ge.CONTACT, "toe_off": ge.TOE_OFF}
    ev = [(e.t_ns / 1e9, kinds[e.kind], FOOT_NAMES.index(e.foot)) for e in an.events]
    return r, np.array(ev, float).reshape(-1, 3)


def contacts_within_one_frame(r: SynthRunner, ev: np.ndarray, any_foot: bool = False
                              ) -> tuple[int, int]:
    """(contacts of the steady run detected within +-1 frame, truth contacts): per foot as
    labelled, or (any_foot) by time alone, which leaves leg identity out of it."""
    t0, t1 = r.steady_from_s + 1.0, min(r.steady_until_s, r.seconds) - 0.3
    st = r.steps
    ok = n = 0
    for f in (0, 1):
        truth = st.t_contact[(st.foot == f) & (st.t_contact > t0) & (st.t_contact < t1)]
        sel = ev[:, 1] == ge.CONTACT
        if not any_foot:
            sel &= ev[:, 2] == f
        d = ev[sel, 0]
        for a in truth:
            n += 1
            ok += bool(len(d)) and float(np.min(np.abs(d - a))) * r.fps <= 1.0
    return ok, n
