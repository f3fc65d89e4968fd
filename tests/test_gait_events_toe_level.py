"""Gait events when the toe's stance height is not the heel's (the 60 fps gym clip).

Side-on from a low camera the pose model's toe point (foot_index) sits lower in the image
than its heel point while the foot is on the belt, and lower still at push-off (the gym
clip: heel ~1311 px, toe ~1331 px, push-off toe up to ~1345 px; tol_y there is 17 px).
A push-off toe window is then "below the belt level" by more than tol_y. Taken as a new
belt model, the level moves under the heels, every later landing heel reads as above the
belt, and a stance is only confirmed once the toe comes down too: a heel-striking foot's
contacts came 2-4 frames late (the clip's left foot: step-time asymmetry 11.9%, where the
soles tracked in the pixels reach belt speed 21.45 and 21.20 frames apart). In stance only
the heel's window may move the level down.
"""
from __future__ import annotations

import numpy as np
import pytest

from kernels import gait_events as ge
from test_gait_events import score, synth_inputs

#: Push-off toe this far below the heel's stance level, x leg length (gym clip: ~0.05-0.07).
TOE_DROP_LEG = 0.06
T_DROP_S = 4.0


def _toe_pressed_down_late_in_stance(r, t, ty, leg):
    """The toe's image y pushed down by TOE_DROP_LEG x leg over each stance's second half,
    from T_DROP_S on (the belt model is found on the first stances, as on the clip)."""
    ty = ty.copy()
    st = r.steps
    for f, tc, to in zip(st.foot, st.t_contact, st.t_toe_off):
        late = (t >= tc + 0.5 * (to - tc)) & (t <= to) & (t > T_DROP_S)
        ty[late, int(f)] += TOE_DROP_LEG * leg
    return ty


@pytest.mark.parametrize("knobs", [dict(fps=60, foot_strike_angle_deg=20),
                                   dict(foot_strike_angle_deg=20)],
                         ids=["heel_strike_60", "heel_strike_30"])
def test_a_push_off_toe_below_the_belt_does_not_delay_contacts(knobs):
    ok = n = 0
    late = []
    for seed in (0, 1, 2):
        r, t, hf, hy, tf, ty, leg = synth_inputs(knobs, 25.0, seed)
        ty = _toe_pressed_down_late_in_stance(r, t, ty, leg)
        ev = ge.gait_events_kernel_series(t, hf, hy, tf, ty, leg, ge.event_params(r.fps))
        res = score(r, ev)[ge.CONTACT]
        ok += res["ok"] * res["n"]
        n += res["n"]
        st = r.steps
        for f in (0, 1):
            d = ev[(ev[:, 1] == ge.CONTACT) & (ev[:, 2] == f), 0]
            for a in st.t_contact[(st.foot == f) & (st.t_contact > r.steady_from_s + 1.0)]:
                if len(d) and np.min(np.abs(d - a)) < 0.1:
                    late.append((d[np.argmin(np.abs(d - a))] - a) * r.fps)
    # With the level kept at the heels: 95.0% (60 fps) and 94.5% (30 fps), against 99.0% and
    # 100% without the pressed-down toe (each stance's samples still pull the learned level
    # ~2 px toward the toe's); with the push-off toe taken as the belt: 15.9% and 17.4%.
    assert ok / n >= 0.90, f"{100 * ok / n:.1f}% of contacts within 1 frame"
    assert abs(float(np.median(late))) <= 0.5, f"median contact error {np.median(late):+.2f} frames"
