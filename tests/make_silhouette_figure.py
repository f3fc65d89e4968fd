"""Draws kernels/silhouette_geometry.png: two frames of a synthetic runner's mask with the trunk axis,
the levels, the front/back contour points the kernel measured (dropped ones hollow) and
the four fitted band lines. Run: .venv/bin/python tests/make_silhouette_figure.py"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kernels import silhouette as sil  # noqa: E402
from kernels import silhouette_ref as sil_ref  # noqa: E402
from station.contracts import LM  # noqa: E402
from station.synth.figure import FigureBuilder  # noqa: E402
from station.synth.knobs import resolve_knobs  # noqa: E402
from station.synth.outline import torso_outline  # noqa: E402
from station.synth.render import body_mask  # noqa: E402
from station.synth.runner import SynthRunner  # noqa: E402
from station.synth.writer import iter_chunks  # noqa: E402

ARM = [LM[n] for n in ("left_shoulder", "left_elbow", "left_wrist", "right_shoulder",
                       "right_elbow", "right_wrist")]
SCALE = 4
COLOURS = {"sacral": (60, 60, 255), "lumbar": (0, 200, 255), "rib": (255, 120, 40),
           "lower trunk": (80, 220, 80)}


def panel(frame: int, tilt_deg: float, flare_deg: float) -> np.ndarray:
    knobs = resolve_knobs({"pelvic_tilt_deg": tilt_deg, "rib_flare_deg": flare_deg})
    r = SynthRunner(knobs, 2.0)
    c = next(iter_chunks(r, 0))
    pose = r.world_pose(c.t_ns / 1e9)
    tw = torso_outline(r.body, pose.trunk, pose.arch_cm)
    tp = r.camera.project_plane(tw)
    m = body_mask(FigureBuilder(r).shapes(pose, tp[frame], tw[frame], frame), 480,
                  640).astype(np.uint8) * 255
    xy = c.xy[frame].astype(np.float64)
    H = 0.5 * (xy[23] + xy[24])
    S = 0.5 * (xy[11] + xy[12])
    arm = np.ascontiguousarray(xy[ARM])
    s = float(r.facing_sign)
    a = S - H
    t_len = float(np.hypot(*a))
    u = a / t_len
    n = np.array([-u[1], u[0]]) * (1 if s * -u[1] >= 0 else -1)
    cx, cy = (H + S) / 2
    x0, y0 = int(cx) - 75, int(cy) - 85
    crop = m[y0:y0 + 170, x0:x0 + 150]
    img = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) // 4 + 30, None, fx=SCALE,
                     fy=SCALE, interpolation=cv2.INTER_NEAREST)

    def px(p):
        return (int(round((p[0] - x0 + 0.5) * SCALE - 0.5)),
                int(round((p[1] - y0 + 0.5) * SCALE - 0.5)))

    def at(h, f):
        return H + h * a + f * t_len * n

    cv2.line(img, px(H), px(S), (255, 255, 255), 1, cv2.LINE_AA)
    for p, name in ((H, "H"), (S, "S")):
        cv2.circle(img, px(p), 4, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.putText(img, name, (px(p)[0] + 6, px(p)[1] + 4), 0, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
    for i, j in ((0, 1), (1, 2), (3, 4), (4, 5)):
        cv2.line(img, px(arm[i]), px(arm[j]), (150, 150, 150), 1, cv2.LINE_AA)
    bands = (("sacral", sil.SACRAL_BAND, "back"), ("lumbar", sil.LUMBAR_BAND, "back"),
             ("rib", sil.RIB_BAND, "front"), ("rib", sil.RIB_BAND, "back"),
             ("lower trunk", sil.LOWER_TRUNK_BAND, "front"))
    use = np.empty(sil_levels := 8, np.bool_)
    max_resid = max(sil.MAX_RESID_T, sil.MIN_RESID_PX / t_len)
    for name, band, side in bands:
        col = COLOURS[name]
        levels = np.linspace(band[0], band[1], sil_levels)
        raw_f, raw_b = sil_ref.trunk_profile_ref(m, 128, *H, *S, s, levels, arm, 0.15, 0.0)
        kept_f, kept_b = sil_ref.trunk_profile_ref(m, 128, *H, *S, s, levels, arm, 0.15, 0.11)
        raw, kept = (raw_f, kept_f) if side == "front" else (raw_b, kept_b)
        for lv, f0, f1 in zip(levels, raw, kept):
            if np.isfinite(f0):
                cv2.circle(img, px(at(lv, f0)), 3, col, -1 if np.isfinite(f1) else 1,
                           cv2.LINE_AA)
        span = sil.MIN_SPAN_BELLY if name == "lower trunk" else sil.MIN_SPAN
        ang = sil.line_angle_deg(levels, kept, max(4, sil_levels // 2), max_resid, span, use,
                                 1.0 if side == "front" else -1.0,
                                 max(sil.MAX_STEP_T, sil.MIN_STEP_PX / t_len),
                                 sil.RIDGE_FRONT if side == "front" else sil.RIDGE_BACK)
        for lv, f1, used in zip(levels, kept, use):
            if np.isfinite(f1) and not used:      # dropped by the fit: a step out, a residual
                c = px(at(lv, f1))
                cv2.line(img, (c[0] - 4, c[1] - 4), (c[0] + 4, c[1] + 4), (255, 255, 255), 1)
                cv2.line(img, (c[0] - 4, c[1] + 4), (c[0] + 4, c[1] - 4), (255, 255, 255), 1)
        ok = np.isfinite(kept)
        if np.isfinite(ang) and ok.any():
            mid = 0.5 * (band[0] + band[1])
            f_mid = np.mean(kept[ok]) + np.tan(np.radians(ang)) * (mid - np.mean(levels[ok]))
            half = 0.5 * (band[1] - band[0]) + 0.04
            p0 = at(mid - half, f_mid - np.tan(np.radians(ang)) * half)
            p1 = at(mid + half, f_mid + np.tan(np.radians(ang)) * half)
            cv2.line(img, px(p0), px(p1), col, 2, cv2.LINE_AA)
    y = 16
    for name, col in COLOURS.items():
        cv2.putText(img, name, (6, y), 0, 0.45, col, 1, cv2.LINE_AA)
        y += 16
    cv2.putText(img, "filled: edge  hollow: arm nearby, dropped  x: dropped by the fit",
                (6, img.shape[0] - 8), 0, 0.4, (220, 220, 220), 1, cv2.LINE_AA)
    cv2.putText(img, f"tilt {tilt_deg:g} flare {flare_deg:g} frame {frame}",
                (img.shape[1] - 190, 16), 0, 0.45, (220, 220, 220), 1, cv2.LINE_AA)
    return img


def main(frames: tuple[tuple[int, float, float], ...] = ((6, 20.0, 5.0), (17, 35.0, 0.0)),
         out: Path = ROOT / "kernels" / "silhouette_geometry.png") -> None:
    img = np.hstack([panel(*f) for f in frames])
    img = cv2.resize(img, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(out), img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
