"""The torso outline (side view): pelvis, belly, rib cage, back and neck as one smooth
closed polygon, in the runner's sagittal plane (cm).

Points are given for a 175 cm adult as (h, f): height above the hip-joint midpoint
along the segment axis and forward offset. Points below the rib joint ride on the lower
trunk, the others on the thorax, so rib flare bends the outline at the lower ribs.
Pelvic tilt deepens the lumbar hollow and pushes the buttock line back.

`outline_shape_for` maps the knob values (METRICS.md proxies, measured by
contour_metrics) to these shape parameters by measuring the outline itself, so a knob
value comes back as the measured truth.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from station.synth.body import Body, body_for_height
from station.synth.contour_metrics import outline_metrics
from station.synth.upper_body import Trunk, trunk_pose

# (h, f, on_thorax, arch weight): arch weight moves the point forward per cm of arch.
TORSO_POINTS_175: tuple[tuple[float, float, bool, float], ...] = (
    (-11.0, 4.5, False, 0.0),     # groin
    (0.0, 9.0, False, 0.0),       # lower abdomen
    (10.0, 9.6, False, 0.0),      # belly
    (18.0, 10.1, False, 0.0),     # upper abdomen
    (26.0, 11.0, True, 0.0),      # lower ribs, front
    (35.0, 12.2, True, 0.0),      # chest
    (43.0, 10.6, True, 0.0),      # upper chest
    (49.0, 6.5, True, 0.0),       # sternal notch
    (57.0, 5.0, True, 0.0),       # neck front, under the jaw
    (58.0, -3.5, True, 0.0),      # neck back, under the skull
    (50.5, -6.0, True, 0.0),      # neck base
    (44.0, -10.6, True, 0.0),     # upper back
    (35.0, -11.8, True, 0.0),     # scapulae
    (27.0, -11.0, True, 0.0),     # lower thoracic back
    (17.0, -8.8, False, 1.0),     # lumbar hollow
    (7.0, -11.2, False, -0.5),    # sacrum
    (-3.0, -12.6, False, -0.6),   # buttock, most posterior
    (-12.0, -9.5, False, -0.3),   # gluteal fold
    (-15.0, -2.0, False, 0.0),    # crotch (hidden by the thighs)
)


def _chaikin(poly: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Corner cutting on a closed polygon (n, m, 2) -> smooth outline."""
    for _ in range(rounds):
        nxt = np.roll(poly, -1, axis=-2)
        q = 0.75 * poly + 0.25 * nxt
        r = 0.25 * poly + 0.75 * nxt
        poly = np.stack([q, r], axis=-2).reshape(poly.shape[:-2] + (-1, 2))
    return poly


def torso_outline(body: Body, trunk: Trunk, arch_cm: np.ndarray) -> np.ndarray:
    """Closed torso outline (n, m, 2) in the sagittal plane for each sample."""
    k = body.height_cm / 175.0
    h_joint = body.rib_joint_frac * body.trunk_cm
    pts = np.array([(h, f) for h, f, _, _ in TORSO_POINTS_175]) * k
    on_thorax = np.array([t for _, _, t, _ in TORSO_POINTS_175])
    arch_w = np.array([w for _, _, _, w in TORSO_POINTS_175])
    f = pts[None, :, 1] + arch_w[None, :] * (np.asarray(arch_cm) * k)[:, None]
    h = np.broadcast_to(pts[None, :, 0], f.shape)
    ang = np.where(on_thorax[None, :], trunk.thorax_rad[:, None], trunk.lower_rad[:, None])
    origin = np.where(on_thorax[None, :, None], trunk.rib_joint[:, None, :],
                      trunk.hip[:, None, :])
    hh = np.where(on_thorax[None, :], h - h_joint, h)
    x = origin[..., 0] + hh * np.sin(ang) + f * np.cos(ang)
    y = origin[..., 1] + hh * np.cos(ang) - f * np.sin(ang)
    return _chaikin(np.stack([x, y], -1))


def _measure(arch_cm: float, flare_rot_deg: float) -> tuple[float, float]:
    body = body_for_height(175.0)
    trunk = trunk_pose(body, np.array([90.0]), np.array([0.0]), np.array([flare_rot_deg]))
    poly = torso_outline(body, trunk, np.array([arch_cm]))[0]
    flip = np.array([1.0, -1.0])          # runner frame (y up) -> image frame (y down)
    return outline_metrics(poly * flip, trunk.hip[0] * flip, trunk.shoulder[0] * flip, 1)


ARCHES_CM = np.linspace(-14.0, 24.0, 39)
FLARE_ROTS_DEG = np.linspace(-30.0, 40.0, 15)


@lru_cache(maxsize=1)
def _calibration_grid() -> tuple[np.ndarray, np.ndarray]:
    """Measured (tilt, flare) over a grid of (arch, flare rotation): the two interact a
    little (the lumbar band reaches up to the rib joint), so they are solved together."""
    vals = np.array([[_measure(a, r) for r in FLARE_ROTS_DEG] for a in ARCHES_CM])
    return vals[..., 0], vals[..., 1]


def _column(grid: np.ndarray, axis_vals: np.ndarray, x: float, axis: int) -> np.ndarray:
    """Linear interpolation of `grid` at `x` along `axis` (the other axis kept)."""
    j = int(np.clip(np.searchsorted(axis_vals, x) - 1, 0, len(axis_vals) - 2))
    w = (x - axis_vals[j]) / (axis_vals[j + 1] - axis_vals[j])
    a, b = np.take(grid, j, axis=axis), np.take(grid, j + 1, axis=axis)
    return a + w * (b - a)


def _solve_one(tilt: float, flare: float) -> tuple[float, float]:
    g_tilt, g_flare = _calibration_grid()
    arch, rot = 0.0, 0.0
    for _ in range(4):
        col = _column(g_tilt, FLARE_ROTS_DEG, rot, axis=1)
        o = np.argsort(col)
        arch = float(np.interp(tilt, col[o], ARCHES_CM[o]))
        row = _column(g_flare, ARCHES_CM, arch, axis=0)
        o = np.argsort(row)
        rot = float(np.interp(flare, row[o], FLARE_ROTS_DEG[o]))
    return arch, rot


def outline_shape_for(pelvic_tilt_deg: np.ndarray, rib_flare_deg: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(arch_cm, flare_rot_deg) per sample that make the outline measure the asked
    pelvic tilt and rib flare."""
    tilt = np.round(np.atleast_1d(np.asarray(pelvic_tilt_deg, float)), 2)
    flare = np.round(np.broadcast_to(np.asarray(rib_flare_deg, float), tilt.shape), 2)
    pairs, inv = np.unique(np.stack([tilt, flare], -1), axis=0, return_inverse=True)
    solved = np.array([_solve_one(t, f) for t, f in pairs])
    out = solved[np.asarray(inv).reshape(-1)]
    return out[:, 0], out[:, 1]


def calibration_range() -> tuple[tuple[float, float], tuple[float, float]]:
    """(tilt range, flare range) the outline can show, in degrees (flare rotation 0 /
    arch 0)."""
    g_tilt, g_flare = _calibration_grid()
    return ((float(g_tilt.min()), float(g_tilt.max())),
            (float(g_flare.min()), float(g_flare.max())))
