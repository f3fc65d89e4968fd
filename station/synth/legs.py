"""Pelvis height and leg kinematics for the whole step table (sagittal plane, cm).

The hip-joint midpoint H stays at x = 0 (a treadmill runner does not travel); its height
follows a monotone spline through knots set by the knobs:
- at initial contact: the height that gives the knee flexion at contact, with the heel
  placed `overstride_pct` of leg length ahead of H at the foot-strike angle;
- running: lowest at mid-stance (the peak stance knee flexion), highest mid-flight
  (lowest + vertical oscillation);
- walking: highest at mid-step, vaulting over a nearly straight stance leg, and one
  vertical oscillation lower at contacts (knee flexion knobs do not apply).

Stance: the foot turns about its belt contact point, which moves backward at belt speed
exactly: heel (or toe, for a forefoot strike) down -> flat -> heel rise about the toe to
the heel-rise angle solved at toe-off so the thigh is `hip_extension_deg` behind
vertical; where the leg cannot reach the ankle of a flat foot, the heel rises about the
toe just enough (the foot never lifts off the belt in stance). Swing: the ankle (relative
to H) follows a Hermite path through a back kick and a forward reach a little above and
ahead of the landing place, from which it comes down and back to land moving backward
slower than the belt; a smooth lift keeps the sole clear of the belt through swing. The
knee comes from two-link IK.
"""
from __future__ import annotations

import logging

import numpy as np

from station.synth.body import Body
from station.synth.curves import hermite, pchip_eval, smoothstep
from station.synth.foot import (angle_from_vertical_deg, circle_intersection_nearest,
                                circle_intersection_upper,
                                foot_from_ankle, foot_from_pivot, hip_ankle_distance,
                                knee_ik, max_reach)
from station.synth.timeline import StepTable

log = logging.getLogger(__name__)

# Stance sub-phases as fractions of contact time: foot flat from FLAT_AT, heel rise from
# HEEL_RISE_AT (running; walking rolls over the foot for longer).
FLAT_AT = {"run": 0.15, "walk": 0.12}
HEEL_RISE_AT = {"run": 0.55, "walk": 0.45}
# Swing path knots (fraction of swing time) and the foot's velocity as it lands:
# pulled back toward belt speed, moving down (the visible touch-down).
SWING_KICK_U, SWING_REACH_U = 0.32, 0.70
LANDING_RETRACTION = 0.5
WALK_MIDSTANCE_KNEE_DEG = 8.0
LANDING_DOWN_CM_S = {"run": 60.0, "walk": 25.0}
# A running leg lands shortening at least this fast (hip-ankle distance, cm/s): a
# runner's knee is past its peak extension at contact and flexing (Novacheck 1998), not
# still straightening. Walking keeps its landing (None): its contact timing is tuned to it.
LANDING_LEG_SHORTEN_CM_S = {"run": 5.0, "walk": None}
# Terminal swing: the ankle peaks forward this high above its landing place at the reach
# knot, then retracts with a steady pull-back (it lands moving backward
# at LANDING_RETRACTION x belt speed: slower than the belt, never faster).
REACH_HEIGHT_CM = {"run": 7.0, "walk": 5.0}
# Sole clearance through swing: at least SWING_CLEARANCE_CM between 25% and 85% of the
# swing, and a landing that comes down at no less than LANDING_ENVELOPE_CM_S (the sole
# does not hover just above the belt). A smooth lift (zero at toe-off, zero at contact)
# is added to any swing whose path would not clear it.
SWING_CLEARANCE_CM = 1.5
LANDING_ENVELOPE_CM_S = 20.0
# A stance leg never stretches past reach: the heel rises about the toe instead.
REACH_MARGIN_CM = 0.05
# Terminal swing: the foot is set for the landing before it lands (the dorsiflexors are
# active ahead of contact) and keeps its angle to the belt over the last FOOT_SET_S; it
# eases into that angle over the FOOT_SET_EASE_S before. Without this the foot kept
# turning up into the contact (the good runner's 12 deg over its last 80 ms, at the
# rate its knee extended), so its strike angle existed only at one instant. Running only:
# a walking heel set this way comes down 25-30% slower over its last 30 ms, which the
# walking contact timing (tests/test_gait_events.py) is not built for yet.
FOOT_SET_S = {"run": 0.06, "walk": 0.0}
FOOT_SET_EASE_S = 0.06


class LegKinematics:
    def __init__(self, steps: StepTable, body: Body, gait: str, leg_length_cm: float) -> None:
        self.steps, self.body, self.gait = steps, body, gait
        p = steps.params
        self.v = p["belt_kmh"] / 3.6 * 100.0                       # cm/s
        self.tc = steps.t_toe_off - steps.t_contact
        self.alpha = np.radians(p["foot_strike_angle_deg"])
        heel_ic_x = p["overstride_pct"] / 100.0 * leg_length_cm
        # Flat-foot heel reference: where the heel is when the foot lies flat, moved back
        # to the contact instant. A forefoot strike lands toe first, its heel drops later.
        self.x_heel_flat = np.where(self.alpha < 0,
                                    heel_ic_x + body.foot_cm * (np.cos(self.alpha) - 1), heel_ic_x)
        self.f1, self.f2 = FLAT_AT[gait], HEEL_RISE_AT[gait]
        self.psi = np.zeros(len(steps))          # heel-rise angle at toe-off, solved below
        self._build_hip_knots(p)
        self._solve_toe_off(p)
        self._build_swings(p)

    # ---- pelvis -----------------------------------------------------------------------
    def _build_hip_knots(self, p: dict[str, np.ndarray]) -> None:
        b, st = self.body, self.steps
        n = len(st)
        _, a_ic, _ = self.stance_foot(np.arange(n), st.t_contact)
        d_ic = hip_ankle_distance(b, p["knee_flexion_ic_deg"])
        y_ic = a_ic[:, 1] + np.sqrt(np.clip(d_ic ** 2 - a_ic[:, 0] ** 2, 1.0, None))
        t_next = np.append(st.t_contact[1:], st.t_contact[-1] + 60.0 / p["cadence_spm"][-1])
        reach = max_reach(b)
        if self.gait == "run":
            t_mid = st.t_contact + self.tc / 2
            _, a_mid, _ = self.stance_foot(np.arange(n), t_mid)
            d_pk = hip_ankle_distance(b, p["knee_flexion_peak_deg"])
            y_min = a_mid[:, 1] + np.sqrt(np.clip(d_pk ** 2 - a_mid[:, 0] ** 2, 1.0, None))
            y_max = y_min + p["vertical_oscillation_cm"]
            y_ic = np.clip(y_ic, y_min + 0.05, y_max - 0.05)
            t_fly = st.t_toe_off + (t_next - st.t_toe_off) / 2
            t_k = np.stack([st.t_contact, t_mid, t_fly], axis=1).ravel()
            y_k = np.stack([y_ic, y_min, y_max], axis=1).ravel()
        else:
            t_mid = st.t_contact + (t_next - st.t_contact) / 2
            _, a_mid, _ = self.stance_foot(np.arange(n), t_mid)
            # Walking vaults over a nearly straight stance leg: the top of the hip path is
            # set by a small mid-stance knee bend, and the contacts sit one vertical
            # oscillation lower (the knee flexion at contact follows from that).
            d_top = np.minimum(hip_ankle_distance(b, WALK_MIDSTANCE_KNEE_DEG), reach - 0.5)
            y_top = a_mid[:, 1] + np.sqrt(np.clip(d_top ** 2 - a_mid[:, 0] ** 2, 1, None))
            y_reach_ic = a_ic[:, 1] + np.sqrt(
                np.clip((reach - 0.5) ** 2 - a_ic[:, 0] ** 2, 1, None))
            y_ic = np.minimum(y_top - p["vertical_oscillation_cm"], y_reach_ic)
            t_k = np.stack([st.t_contact, t_mid], axis=1).ravel()
            y_k = np.stack([y_ic, y_top], axis=1).ravel()
        self._hip_t, self._hip_y = t_k, y_k

    def hip_y_spline(self, t: np.ndarray) -> np.ndarray:
        return pchip_eval(self._hip_t, self._hip_y, t)

    # ---- stance -----------------------------------------------------------------------
    def stance_foot(self, k: np.ndarray, t: np.ndarray, hip_y: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(heel, ankle, toe) of step k's stance foot at times t (within the stance).

        With `hip_y`, a foot the leg cannot reach lifts its heel about the toe (the toe
        stays on the belt) just enough for the leg to reach the ankle."""
        b = self.body
        tau = t - self.steps.t_contact[k]
        u = tau / self.tc[k]
        alpha, psi = self.alpha[k], self.psi[k]
        f1, f2 = self.f1, self.f2
        landing = u < f1
        rising = u >= f2
        phi = np.where(landing, alpha * 0.5 * (1 + np.cos(np.pi * np.clip(u / f1, 0, 1))),
                       np.where(rising, -psi * np.clip((u - f2) / (1 - f2), 0, 1) ** 2, 0.0))
        on_toe = np.where(landing, alpha < 0, rising)
        x_heel = self.x_heel_flat[k] - self.v[k] * tau
        px = np.where(on_toe, x_heel + b.foot_cm, x_heel)
        pivot = np.stack([px, np.zeros_like(px)], axis=-1)
        heel, ankle, toe = foot_from_pivot(b, pivot, on_toe, phi)
        if hip_y is None:
            return heel, ankle, toe
        hip = np.stack([np.zeros_like(hip_y), hip_y], axis=-1)
        reach = max_reach(b) - REACH_MARGIN_CM
        far = ~landing & (np.linalg.norm(ankle - hip, axis=-1) > reach)
        if far.any():
            toe_pt = np.stack([x_heel[far] + b.foot_cm, np.zeros(int(far.sum()))], axis=-1)
            r_ta = float(np.hypot(b.foot_cm - b.ankle_fwd_cm, b.ankle_up_cm))
            a = circle_intersection_nearest(hip[far], reach, toe_pt, r_ta, ankle[far])
            theta = np.arctan2(a[:, 1] - toe_pt[:, 1], a[:, 0] - toe_pt[:, 0])
            theta0 = np.arctan2(b.ankle_up_cm, b.ankle_fwd_cm - b.foot_cm)
            phi_far = np.minimum(phi[far], theta - theta0)
            h2, a2, t2 = foot_from_pivot(b, toe_pt, np.ones(len(toe_pt), bool), phi_far)
            heel[far], ankle[far], toe[far] = h2, a2, t2
        return heel, ankle, toe

    def _solve_toe_off(self, p: dict[str, np.ndarray]) -> None:
        """Heel-rise angle at toe-off that puts the thigh `hip_extension_deg` behind
        vertical, given the toe's place on the belt and the hip height then."""
        b, st = self.body, self.steps
        e = np.radians(p["hip_extension_deg"])
        y_to = self.hip_y_spline(st.t_toe_off)
        knee = np.stack([-b.thigh_cm * np.sin(e), y_to - b.thigh_cm * np.cos(e)], axis=-1)
        toe_x = self.x_heel_flat + b.foot_cm - self.v * self.tc
        toe = np.stack([toe_x, np.zeros_like(toe_x)], axis=-1)
        r_ta = float(np.hypot(b.foot_cm - b.ankle_fwd_cm, b.ankle_up_cm))
        ankle = circle_intersection_upper(knee, b.shank_cm, toe, r_ta)
        theta = np.arctan2(ankle[:, 1] - toe[:, 1], ankle[:, 0] - toe[:, 0])
        theta0 = np.arctan2(b.ankle_up_cm, b.ankle_fwd_cm - b.foot_cm)
        self.psi = np.clip(-(theta - theta0), 0.0, np.radians(75.0))

    # ---- swing ------------------------------------------------------------------------
    def _fk_ankle(self, thigh_deg: np.ndarray, knee_flex_deg: np.ndarray) -> np.ndarray:
        b = self.body
        th = np.radians(thigh_deg)
        sh = np.radians(thigh_deg - knee_flex_deg)
        return np.stack([b.thigh_cm * np.sin(th) + b.shank_cm * np.sin(sh),
                         -b.thigh_cm * np.cos(th) - b.shank_cm * np.cos(sh)], axis=-1)

    def _build_swings(self, p: dict[str, np.ndarray]) -> None:
        """One swing per step that has a later contact of the same foot (rows k -> k+2).

        Ankle path relative to H, Hermite through: toe-off (the stance foot's own motion),
        the back kick, the forward reach and the landing. From the reach the ankle comes
        down and back with a constant pull-back acceleration to land moving backward at
        LANDING_RETRACTION x belt speed (relative to the belt it still moves forward)."""
        st, b = self.steps, self.body
        k = np.arange(len(st) - 2)
        k2 = k + 2
        t0, t3 = st.t_toe_off[k], st.t_contact[k2]
        dt = 1e-3
        h0, h0m = self.hip_y_spline(t0), self.hip_y_spline(t0 - dt)
        _, a0, _ = self.stance_foot(k, t0, h0)
        _, a0m, _ = self.stance_foot(k, t0 - dt, h0m)
        p0 = a0 - np.stack([np.zeros_like(h0), h0], -1)
        v0 = (p0 - (a0m - np.stack([np.zeros_like(h0m), h0m], -1))) / dt
        heel3, a3, toe3 = self.stance_foot(k2, t3)
        h3 = self.hip_y_spline(t3)
        hdot3 = (self.hip_y_spline(t3 + dt) - self.hip_y_spline(t3 - dt)) / (2 * dt)
        p3 = a3 - np.stack([np.zeros_like(h3), h3], -1)
        back3 = LANDING_RETRACTION * self.v[k2]
        hip3 = np.stack([np.zeros_like(h3), h3], -1)
        # The ankle comes down relative to the hip no faster than keeps the leg shortening.
        vy3 = -LANDING_DOWN_CM_S[self.gait] - hdot3
        shorten = LANDING_LEG_SHORTEN_CM_S[self.gait]
        if shorten is not None:
            u3 = (a3 - hip3) / np.linalg.norm(a3 - hip3, axis=-1)[:, None]
            vy3 = np.maximum(vy3, (-shorten + back3 * u3[:, 0]) / u3[:, 1])
        v3 = np.stack([-back3, vy3], -1)
        knee3, _ = knee_ik(b, hip3, a3)
        shank_ic = angle_from_vertical_deg(knee3, a3)
        hip0 = np.stack([np.zeros_like(h0), h0], -1)
        knee0, _ = knee_ik(b, hip0, a0)
        shank_to = angle_from_vertical_deg(knee0, a0)
        kick = p["swing_knee_flexion_deg"][k]
        p1 = self._fk_ankle(-0.4 * p["hip_extension_deg"][k], kick)
        t1 = t0 + SWING_KICK_U * (t3 - t0)
        t2 = t0 + SWING_REACH_U * (t3 - t0)
        rise = np.full(len(k), REACH_HEIGHT_CM[self.gait] * b.height_cm / 175.0)
        # From the reach (at rest horizontally) to the landing at -back3 with constant
        # acceleration covers back3 * T / 2; vertically a monotone descent.
        p2 = p3 + np.stack([0.5 * back3 * (t3 - t2), rise], -1)
        v1 = (p2 - p0) / (t2 - t0)[:, None]
        v2 = np.stack([np.zeros_like(rise), -1.5 * rise / (t3 - t2)], -1)
        self._sw_t = np.stack([t0, t1, t2, t3], 1)
        self._sw_p = np.stack([p0, p1, p2, p3], 1)
        self._sw_v = np.stack([v0, v1, v2, v3], 1)
        # Plantarflexion (shank angle - foot angle) at both ends; mid-swing it relaxes.
        phi0 = -self.psi[k]
        self._sw_pf = np.stack([np.radians(shank_to) - phi0,
                                np.full_like(phi0, np.radians(15.0)),
                                np.radians(shank_ic) - self.alpha[k2]], 1)
        self._sw_lift = np.zeros(len(k))
        self._solve_clearance()

    @staticmethod
    def _lift_shape(u: np.ndarray) -> np.ndarray:
        """0 with zero slope at toe-off and at contact, 1 at u = 0.6. A lift still
        falling at contact stretched the landing leg: the good midfoot runner's (3 cm of
        lift) landed with its hip-ankle distance growing at 70 cm/s and the knee
        extending at ~500 deg/s, where a runner's knee has begun to flex."""
        u = np.clip(u, 0.0, 1.0)
        return u ** 3 * (1.0 - u) ** 2 / (0.6 ** 3 * 0.4 ** 2)

    def _solve_clearance(self) -> None:
        """Lift each swing (smoothly, see _lift_shape) until its sole clears the belt by
        SWING_CLEARANCE_CM mid-swing and comes down steadily to the landing."""
        n_sw = len(self._sw_t)
        u = np.linspace(0.04, 0.985, 96)
        j = np.repeat(np.arange(n_sw), len(u))
        uu = np.tile(u, n_sw)
        t0, t3 = self._sw_t[j, 0], self._sw_t[j, 3]
        t = t0 + uu * (t3 - t0)
        hip_y = self.hip_y_spline(t)
        clear = SWING_CLEARANCE_CM * self.body.height_cm / 175.0
        need = np.minimum.reduce([np.full_like(t, clear), LANDING_ENVELOPE_CM_S * (t3 - t),
                                  clear * (uu / 0.25) ** 2])
        shape = self._lift_shape(uu)
        for _ in range(4):
            _, _, heel, toe = self._swing_points(j, t, hip_y)
            sole = np.minimum(heel[:, 1], toe[:, 1])
            short = np.where(shape > 1e-6, (need - sole) / np.maximum(shape, 1e-6), 0.0)
            extra = np.maximum(short.reshape(n_sw, len(u)).max(1), 0.0)
            if not (extra > 1e-3).any():
                break
            self._sw_lift += 1.1 * extra

    def swing_ankle(self, j: np.ndarray, t: np.ndarray, hip_y: np.ndarray) -> np.ndarray:
        """Ankle of swing j (starting at step j's toe-off) at times t, world coordinates."""
        tk, pk, vk = self._sw_t[j], self._sw_p[j], self._sw_v[j]
        seg = np.clip((t[:, None] >= tk[:, 1:3]).sum(1), 0, 2)
        r = np.arange(len(j))
        rel = hermite(t, tk[r, seg], tk[r, seg + 1], pk[r, seg], pk[r, seg + 1],
                      vk[r, seg], vk[r, seg + 1])
        u = (t - tk[:, 0]) / (tk[:, 3] - tk[:, 0])
        lift = self._sw_lift[j] * self._lift_shape(u)
        return rel + np.stack([np.zeros_like(hip_y), hip_y + lift], -1)

    def swing_plantarflexion(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        u = np.clip((t - self._sw_t[j, 0]) / (self._sw_t[j, 3] - self._sw_t[j, 0]), 0, 1)
        pf = self._sw_pf[j]
        return (1 - u) ** 2 * pf[:, 0] + 2 * u * (1 - u) * pf[:, 1] + u ** 2 * pf[:, 2]

    def _swing_points(self, j: np.ndarray, t: np.ndarray, hip_y: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(knee, ankle, heel, toe) of swing j at times t."""
        hip = np.stack([np.zeros_like(hip_y), hip_y], -1)
        knee, ankle = knee_ik(self.body, hip, self.swing_ankle(j, t, hip_y))
        shank = np.radians(angle_from_vertical_deg(knee, ankle))
        phi = shank - self.swing_plantarflexion(j, t)
        hold_s = FOOT_SET_S[self.gait]
        if hold_s > 0.0:
            set_w = smoothstep((hold_s + FOOT_SET_EASE_S - (self._sw_t[j, 3] - t))
                               / FOOT_SET_EASE_S)
            phi = phi + set_w * (self.alpha[j + 2] - phi)
        heel, toe = foot_from_ankle(self.body, ankle, phi)
        return knee, ankle, heel, toe

    # ---- per frame --------------------------------------------------------------------
    def leg(self, foot: int, t: np.ndarray, hip_y: np.ndarray) -> dict[str, np.ndarray]:
        """Hip, knee, ankle, heel, toe (n, 2) of one leg at times t, plus `stance` (bool)."""
        st, b = self.steps, self.body
        rows = st.rows_of(foot)
        c = st.t_contact[rows]
        j = np.clip(np.searchsorted(c, t, side="right") - 1, 0, len(rows) - 1)
        k = rows[j]
        stance = t < st.t_toe_off[k]
        hip = np.stack([np.zeros_like(hip_y), hip_y], -1)
        heel, ankle, toe = self.stance_foot(k, t, hip_y)
        knee, ankle_ik = knee_ik(b, hip, ankle)
        pulled = np.linalg.norm(ankle_ik - ankle, axis=-1) > 1e-6
        if pulled.any():
            # Out of reach even with the heel up (a landing the hip spline placed too
            # high): keep the leg whole (the foot lifts a little) and say so; truth
            # measures what results.
            log.debug("leg %d out of reach on %d samples", foot, int(pulled.sum()))
            shift = ankle_ik - ankle
            heel, toe, ankle = heel + shift, toe + shift, ankle_ik
        sw = ~stance & (k < len(self._sw_t))
        if sw.any():
            knee[sw], ankle[sw], heel[sw], toe[sw] = self._swing_points(k[sw], t[sw],
                                                                        hip_y[sw])
        return {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe,
                "stance": stance}
