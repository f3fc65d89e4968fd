"""Pelvic tilt and rib flare proxies read from a body outline, as METRICS.md defines them.

Works on any closed outline in image pixels: the generated torso polygon (truth) or a
contour traced from a segmentation mask. Everything is measured in the trunk frame:
h = height along H->S in units of T, f = offset along the forward normal in units of T.

- pelvic_tilt_deg: the back contour's lumbar arch: angle between the line fitted to
  the back contour over the sacral/buttock band (h 0..0.20) and the line over the
  lumbar band (h 0.25..0.45); + = more arch (swayback).
- rib_flare_deg: orientation of the rib cage (mean of front and back contour lines over
  h 0.50..0.80) relative to the lower trunk (front contour line over h 0.05..0.40);
  + = rib cage tilted back (flared).
"""
from __future__ import annotations

import numpy as np

SACRAL_BAND = (0.0, 0.20)
LUMBAR_BAND = (0.25, 0.45)
RIB_BAND = (0.50, 0.80)
LOWER_TRUNK_BAND = (0.10, 0.40)
LEVELS_PER_BAND = 12


def trunk_frame(outline_px: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray,
                facing_sign: int) -> np.ndarray:
    """Outline points (m, 2) as (h, f) in the trunk frame, units of trunk length T."""
    axis = shoulder_px - hip_px
    t_len = float(np.hypot(*axis))
    u = axis / t_len
    n = np.array([-u[1], u[0]])
    if facing_sign * n[0] < 0:
        n = -n
    rel = outline_px - hip_px
    return np.stack([rel @ u, rel @ n], -1) / t_len


def profile(hf: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(front, back): largest and smallest forward offset of the closed outline at each
    level h. NaN where the outline does not reach a level."""
    a = hf
    b = np.roll(hf, -1, axis=0)
    lo = np.minimum(a[:, 0], b[:, 0])[None, :]
    hi = np.maximum(a[:, 0], b[:, 0])[None, :]
    lv = levels[:, None]
    cross = (lv >= lo) & (lv <= hi) & (hi > lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = (lv - a[None, :, 0]) / (b[None, :, 0] - a[None, :, 0])
    f = a[None, :, 1] + w * (b[None, :, 1] - a[None, :, 1])
    front = np.where(cross, f, -np.inf).max(1)
    back = np.where(cross, f, np.inf).min(1)
    front[~np.isfinite(front)] = np.nan
    back[~np.isfinite(back)] = np.nan
    return front, back


def _band_levels(band: tuple[float, float]) -> np.ndarray:
    return np.linspace(band[0], band[1], LEVELS_PER_BAND)


def _line_angle_deg(levels: np.ndarray, offsets: np.ndarray) -> float:
    """Angle of the fitted line f(h) from the trunk axis, + = leaning forward going up."""
    ok = np.isfinite(offsets)
    if ok.sum() < 3:
        return float("nan")
    slope = np.polyfit(levels[ok], offsets[ok], 1)[0]
    return float(np.degrees(np.arctan(slope)))


def pelvic_tilt_deg(hf: np.ndarray) -> float:
    ls, ll = _band_levels(SACRAL_BAND), _band_levels(LUMBAR_BAND)
    _, back_s = profile(hf, ls)
    _, back_l = profile(hf, ll)
    # Going up, the sacral contour runs forward into the lumbar hollow and the lumbar
    # contour runs back out of it: the arch is the turn between the two lines.
    return _line_angle_deg(ls, back_s) - _line_angle_deg(ll, back_l)


def rib_flare_deg(hf: np.ndarray) -> float:
    lr, lt = _band_levels(RIB_BAND), _band_levels(LOWER_TRUNK_BAND)
    front_r, back_r = profile(hf, lr)
    front_t, _ = profile(hf, lt)
    ribs = 0.5 * (_line_angle_deg(lr, front_r) + _line_angle_deg(lr, back_r))
    return _line_angle_deg(lt, front_t) - ribs


def outline_metrics(outline_px: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray,
                    facing_sign: int) -> tuple[float, float]:
    """(pelvic_tilt_deg, rib_flare_deg) of one outline."""
    hf = trunk_frame(outline_px, hip_px, shoulder_px, facing_sign)
    return pelvic_tilt_deg(hf), rib_flare_deg(hf)
