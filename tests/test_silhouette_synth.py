"""Pelvic tilt and rib flare on the synthetic runner's full-body masks against the outline
truth: what `station analyze` reports (the median over strides of GaitAnalyzer's per-stride
values), and the silhouette kernel's own per-frame values.

Masks come from the synth's own shape builder and rasteriser call (FigureBuilder shapes,
cv2.fillPoly as station/synth/render.py draws the mask), without the image, so a session
costs well under a second; each pose and its mask go through GaitAnalyzer.update as
`analyze` feeds a synth landmarks file with its masks.npz. Truth per frame: contour_metrics
on the projected torso outline.

Run `python tests/test_silhouette_synth.py` for the full accuracy table.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernels import silhouette as sil  # noqa: E402
from kernels import silhouette_ref as sil_ref  # noqa: E402
from station.contracts import LM, Pose  # noqa: E402
from station.gait.analyzer import GaitAnalyzer, GaitSettings  # noqa: E402
from station.synth.contour_metrics import outline_metrics  # noqa: E402
from station.synth.figure import FigureBuilder  # noqa: E402
from station.synth.knobs import resolve_knobs  # noqa: E402
from station.synth.outline import torso_outline  # noqa: E402
from station.synth.render import body_mask, mask_coverage  # noqa: E402
from station.synth.runner import SynthRunner  # noqa: E402
from station.synth.writer import iter_chunks  # noqa: E402

ARM = np.array([LM[n] for n in ("left_shoulder", "left_elbow", "left_wrist",
                                "right_shoulder", "right_elbow", "right_wrist")])
CORE, ARM_W, LEVELS = 0.15, 0.11, 8      # GaitSettings defaults
TILT_SWEEP = (-5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0)
FLARE_SWEEP = (-5.0, 0.0, 5.0, 10.0, 15.0, 20.0)
PROXIES = ("pelvic_tilt_deg", "rib_flare_deg")


class Session(NamedTuple):
    meas: np.ndarray        # (frames, 7 + 5 x LEVELS) the kernel per frame: proxies, band
    #                         angles, then the band contours (sil.profile_out_len)
    truth: np.ndarray       # (frames, 2) outline truth per frame: tilt, flare
    strides: np.ndarray     # (strides, 2) GaitAnalyzer's per-stride tilt, flare
    t_ns: np.ndarray        # (frames,) time of each measured frame
    stride_ends: np.ndarray  # (strides, 2) each stride's closing contact: t_ns, foot
    hs: np.ndarray          # (frames, 4) H x, y, S x, y the kernel placed its bands by
    s: float                # facing sign


def session(tilt: float, flare: float, seed: int = 0, facing: str = "right", fps: float = 30.0,
            jitter: float = 0.0, seconds: float = 5.0, soft: bool = False,
            noise: dict | None = None, preset: str = "good",
            form: dict | None = None) -> Session:
    """One synthetic session: the kernel per present frame, its truth, and the strides.
    `noise`: more landmark-noise knobs (drop_pct, swaps_per_min); `preset` and `form`: the
    form preset and other form knobs (trunk_lean_deg, overstride_pct, ...)."""
    knobs = resolve_knobs({"pelvic_tilt_deg": tilt, "rib_flare_deg": flare, "facing": facing,
                           "fps": fps, "jitter_px": jitter, **(noise or {}), **(form or {})},
                          preset=preset)
    r = SynthRunner(knobs, seconds)
    fb = FigureBuilder(r)
    w, h = knobs.scene["width"], knobs.scene["height"]
    s = float(r.facing_sign)
    out = np.empty(sil.profile_out_len(LEVELS))   # proxies, band angles, contours
    analyzer = GaitAnalyzer(GaitSettings(fps=fps))
    meas, truth, strides, t_ns, hs = [], [], [], [], []
    for c in iter_chunks(r, seed):
        pose = r.world_pose(c.t_ns / 1e9)
        tw = torso_outline(r.body, pose.trunk, pose.arch_cm)
        tp = r.camera.project_plane(tw)
        for i in range(len(c.t_ns)):
            m = mask_of(fb.shapes(pose, tp[i], tw[i], i), h, w, soft) if pose.present[i] \
                else None
            strides += analyzer.update(Pose(c.xy[i], c.vis[i], m, int(c.t_ns[i]),
                                            int(c.index[i]))).strides
            if m is None:
                continue
            xy = c.xy[i].astype(np.float64)
            hip = 0.5 * (xy[LM["left_hip"]] + xy[LM["right_hip"]])
            sh = 0.5 * (xy[LM["left_shoulder"]] + xy[LM["right_shoulder"]])
            sil.silhouette_proxies(m, 128, hip[0], hip[1], sh[0], sh[1], s,
                                   np.ascontiguousarray(xy[ARM]), LEVELS, CORE, ARM_W, out)
            meas.append(out.copy())
            hs.append(np.r_[hip, sh])
            t_ns.append(int(c.t_ns[i]))
            cl = c.clean_xy[i]
            truth.append(outline_metrics(
                tp[i], 0.5 * (cl[LM["left_hip"]] + cl[LM["right_hip"]]),
                0.5 * (cl[LM["left_shoulder"]] + cl[LM["right_shoulder"]]), r.facing_sign))
    strides += analyzer.finish().strides
    per_stride = np.array([[st.values[k] for k in PROXIES] for st in strides]).reshape(-1, 2)
    ends = np.array([[st.t_ns, st.foot == "left"] for st in strides], np.int64).reshape(-1, 2)
    return Session(np.array(meas), np.array(truth), per_stride, np.array(t_ns, np.int64),
                   ends, np.array(hs).reshape(-1, 4), s)


def mask_of(shapes, height: int, width: int, soft: bool) -> np.ndarray:
    """The mask the kernel sees: the synth's stored bool mask as 0/255 (what `analyze`
    reads from masks.npz), or with soft=True the area coverage (a soft mask like
    MediaPipe's)."""
    if soft:
        return mask_coverage(shapes, height, width)
    return body_mask(shapes, height, width).astype(np.uint8) * 255


def summary(meas: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: (truth median, median of the kernel's per-frame proxies, NaN rate)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.median(truth, 0), np.nanmedian(meas, 0), np.isnan(meas).mean(0)


def stride_summary(ses: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `analyze` reports: (truth median, median over the finite per-stride values,
    share of strides with a finite value)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.median(ses.truth, 0), np.nanmedian(ses.strides, 0), \
            np.isfinite(ses.strides).mean(0)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


@pytest.fixture(scope="module")
def tilt_sessions():
    return [session(t, 0.0, seconds=6.0) for t in TILT_SWEEP]


@pytest.fixture(scope="module")
def flare_sessions():
    return [session(10.0, f, seconds=6.0) for f in FLARE_SWEEP]


@pytest.fixture(scope="module")
def tilt_sweep(tilt_sessions):
    return [stride_summary(s) for s in tilt_sessions]


@pytest.fixture(scope="module")
def flare_sweep(flare_sessions):
    return [stride_summary(s) for s in flare_sessions]


def _finite_on_most_strides(sweep) -> None:
    for truth, meas, finite in sweep:
        assert (finite >= 0.8).all(), (truth, meas, finite)


def test_pelvic_tilt_rises_with_truth(tilt_sweep):
    _finite_on_most_strides(tilt_sweep)
    truth = np.array([t[0][0] for t in tilt_sweep])
    meas = np.array([t[1][0] for t in tilt_sweep])
    assert spearman(truth, meas) >= 0.9, (truth, meas)


def test_rib_flare_rises_with_truth(flare_sweep):
    _finite_on_most_strides(flare_sweep)
    truth = np.array([t[0][1] for t in flare_sweep])
    meas = np.array([t[1][1] for t in flare_sweep])
    assert spearman(truth, meas) >= 0.9, (truth, meas)


def test_pelvic_tilt_within_3deg(tilt_sweep):
    for knob, (truth, meas, _) in zip(TILT_SWEEP, tilt_sweep):
        assert abs(meas[0] - truth[0]) <= 3.0, (knob, truth, meas)


def test_pelvic_tilt_within_3deg_over_the_flare_sweep(flare_sweep):
    """Tilt 10 with flare 20 read 12.53 for 7.49 from the band-angle medians (the lumbar
    line reads 13.8 for 17.1 in the 34 % of frames where an arm leaves it in view); from
    the contours pooled over the stride it reads 8.97."""
    for knob, (truth, meas, _) in zip(FLARE_SWEEP, flare_sweep):
        assert abs(meas[0] - truth[0]) <= 3.0, (knob, truth, meas)


#: Swayback with flared ribs, the back-pain pattern the station is for: the sweeps above
#: move one knob at a time. Before session 5, tilt 20 and 25 at flare 20 read 42 and 51
#: (truth 24.5, 28.0): the synthetic thigh, drawn round the hip joint, stuck out behind a
#: pelvis leaning forward (station/synth/figure.py THIGH_TOP_FRAC); and tilt 25 at flare
#: 15 read 31.7 for 26.1 from strides that each saw 5-6 of the 8 lumbar levels (now filled
#: from the session's contour, kernels/silhouette_pool.py); tilt 35 at flare 15 read 39.15
#: for 36.10 until the pelvic bands dropped the crease where an elbow in the lumbar hollow
#: joins the back (kernels/silhouette_scan.py CREASE_T; 37.89 since, on 71 % of the
#: strides, and 25/15 28.77 -> 25.77). Tilt 30-35 at flare 20 is not here: the synthetic
#: outline's back crosses the trunk axis there (no body does).
COMBINED = ((20.0, 10.0), (25.0, 10.0), (30.0, 10.0), (35.0, 10.0), (20.0, 15.0),
            (25.0, 15.0), (30.0, 15.0), (20.0, 20.0), (25.0, 20.0),
            pytest.param(35.0, 15.0, marks=pytest.mark.xfail(
                strict=True, reason="reads 37.89 for truth 36.10 (+1.79; +3.05 before "
                "CREASE_T) but only 71% of strides have a value (80% asked)")))


@pytest.mark.parametrize("tilt,flare", COMBINED)
def test_pelvic_tilt_within_3deg_where_swayback_and_flared_ribs_combine(tilt, flare):
    truth, meas, finite = stride_summary(session(tilt, flare, seconds=6.0))
    assert finite[0] >= 0.8 and abs(meas[0] - truth[0]) <= 3.0, (truth, meas, finite)


#: The same combinations under the issue's landmark noise (2 px jitter, 2 % drops, leg
#: swaps), over 20 s: per stride they scatter +-4-6 deg and the first strides, before the
#: session contour has the lumbar hollow's lowest level, read up to +17, so a 6 s session
#: can read +5..+9 (kernels/silhouette.md, "Which frames see a level"). Session 7, 20 s,
#: seeds 0-3: 20/10 -2.6..-1.6, 25/15 +1.0..+2.8, 30/15 -1.9..+1.3, 35/10 -2.2..+1.5,
#: 35/15 -3.7..-0.7 (on 79-92 % of strides).
COMBINED_NOISY = (
    *((t, f, seed) for seed in (0, 2) for t, f in ((20.0, 10.0), (25.0, 15.0), (30.0, 15.0),
                                                   (35.0, 10.0))),
    (35.0, 15.0, 0),
    pytest.param(35.0, 15.0, 2, marks=pytest.mark.xfail(
        strict=True, reason="reads -3.27 from truth 36.10 on 92 % of strides (session 7; "
        "seed 3: -3.73)")))


@pytest.mark.parametrize("tilt,flare,seed", COMBINED_NOISY)
def test_pelvic_tilt_within_3deg_where_they_combine_with_the_issues_noise(tilt, flare, seed):
    truth, meas, finite = stride_summary(session(tilt, flare, seed=seed, jitter=2.0,
                                                 seconds=20.0, noise=ISSUE_NOISE))
    assert finite[0] >= 0.8 and abs(meas[0] - truth[0]) <= 3.0, (truth, meas, finite)


#: Form knobs other than the arch and the flare, without noise (tilt 30, flare 12). Before
#: the de-jitter kept the motion its stride fit misses (kernels/silhouette_dejitter.py
#: DEJITTER_CLIP_Z) the demo's 'poor' preset read 41.8 for 31.0: the fit misses the
#: synthetic hip's drop before contact by 3-4 px, in the frames that see the lumbar band's
#: lowest levels. Trunk lean 3 reads ~+2.2 and overstride 34 ~+1.8 (their own causes:
#: kernels/silhouette.md).
OTHER_FORM = (("good", {"trunk_lean_deg": 3.0}), ("good", {"overstride_pct": 34.0}),
              ("poor", {}))


@pytest.mark.parametrize("preset,form", OTHER_FORM)
def test_pelvic_tilt_within_3deg_with_other_form_knobs(preset, form):
    truth, meas, finite = stride_summary(session(30.0, 12.0, seconds=6.0, preset=preset,
                                                 form=form))
    assert finite[0] >= 0.8 and abs(meas[0] - truth[0]) <= 3.0, (truth, meas, finite)


def test_rib_flare_within_3deg(flare_sweep):
    for knob, (truth, meas, _) in zip(FLARE_SWEEP, flare_sweep):
        assert abs(meas[1] - truth[1]) <= 3.0, (knob, truth, meas)


def test_rib_flare_within_3deg_over_the_tilt_sweep(tilt_sweep):
    """Tilt 35 included: per frame the flare there read -3.05 for -0.04 (the frames with all
    three lines in view are those where the far arm covers the rib band's lowest back
    levels); from the band lines' per-stride medians it reads -1.66."""
    for knob, (truth, meas, _) in zip(TILT_SWEEP, tilt_sweep):
        assert abs(meas[1] - truth[1]) <= 3.0, (knob, truth, meas)


@pytest.mark.parametrize("facing,fps,jitter", [("left", 60.0, 2.0), ("right", 30.0, 2.0)])
def test_facing_fps_jitter(facing, fps, jitter):
    ses = session(10.0, 0.0, seed=3, facing=facing, fps=fps, jitter=jitter, seconds=4.0)
    t, m, finite = stride_summary(ses)
    assert len(ses.strides) >= 4 and (finite >= 0.8).all(), ses.strides
    assert abs(m[0] - t[0]) <= 3.0, (t, m)
    assert abs(m[1] - t[1]) <= 3.0, (t, m)


#: The issue's landmark noise for the property tests (as tests/test_gait_accuracy.py).
ISSUE_NOISE = {"drop_pct": 2.0, "swaps_per_min": 4.0}


@pytest.fixture(scope="module")
def noisy_tilt_30():
    return stride_summary(session(30.0, 0.0, jitter=2.0, seconds=6.0, noise=ISSUE_NOISE))


def test_rib_flare_within_3deg_with_the_issues_noise(noisy_tilt_30):
    truth, meas, finite = noisy_tilt_30
    assert (finite >= 0.8).all() and abs(meas[1] - truth[1]) <= 3.0, (truth, meas, finite)


def test_pelvic_tilt_within_3deg_with_the_issues_noise(noisy_tilt_30):
    """With 2 px jitter, 2 % drops and 4 swaps/min the band-angle medians read tilt 30 as
    37.09 (landmark jitter moves the bands along the curved back, and which frames' lines
    pass depends on where they moved); the de-jittered contours pooled over the stride
    read 30.99."""
    truth, meas, _ = noisy_tilt_30
    assert abs(meas[0] - truth[0]) <= 3.0, (truth, meas)


NOISY_TILTS = (-5.0, 0.0, 10.0, 20.0, 30.0, 35.0)


@pytest.fixture(scope="module")
def noisy_tilt_sweep_seed_2():
    return [stride_summary(session(t, 0.0, seed=2, jitter=2.0, seconds=6.0,
                                   noise=ISSUE_NOISE)) for t in NOISY_TILTS]


def test_pelvic_tilt_rises_with_truth_with_the_issues_noise(noisy_tilt_sweep_seed_2):
    _finite_on_most_strides(noisy_tilt_sweep_seed_2)
    truth = np.array([t[0][0] for t in noisy_tilt_sweep_seed_2])
    meas = np.array([t[1][0] for t in noisy_tilt_sweep_seed_2])
    assert spearman(truth, meas) >= 0.9, (truth, meas)


def test_pelvic_tilt_within_3deg_over_a_noisy_sweep(noisy_tilt_sweep_seed_2):
    """Seed 2 read tilt -5 as -1.38 (+3.74) and tilt 0 as 3.15 (+3.20) before the pool
    trimmed arms let through by jittered capsules and each frame's contours were
    de-jittered (kernels/silhouette_dejitter.py); now within 1.8 (seeds 0-5: 2.1)."""
    for knob, (truth, meas, _) in zip(NOISY_TILTS, noisy_tilt_sweep_seed_2):
        assert abs(meas[0] - truth[0]) <= 3.0, (knob, truth, meas)


def test_pelvic_tilt_at_flare_20_within_3deg_with_the_issues_noise():
    """Read 12.83 for truth 7.49 before the de-jitter (the lumbar band's lowest step sits at
    the outward-step limit there, and jitter moved the band along the steep contour). The
    most sensitive case of the sweeps: each stride's tilt scattered +-5 deg here (seeds 0-5
    read +3.22 +1.49 +1.90 +2.71 -0.62 +1.30). The stride's lowest lumbar levels are seen
    in 2-8 frames, each placed ~0.9 px off along the trunk, where the back falls 0.05 T per
    level; drawn toward the session's contour by their frame counts
    (kernels/silhouette_pool.py TEMPLATE_PRIOR_FRAMES): +1.62 +0.43 +0.37 +2.36 -2.05
    +0.43."""
    truth, meas, _ = stride_summary(session(10.0, 20.0, jitter=2.0, seconds=6.0,
                                            noise=ISSUE_NOISE))
    assert abs(meas[0] - truth[0]) <= 3.0, (truth, meas)


def band_median_proxies(meas: np.ndarray) -> tuple[float, float]:
    """(tilt, flare) from the session medians of the band angles, each over the frames
    where that band is in view (what a stride's value could be formed from)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sac, lum, rib_f, rib_b, belly = np.nanmedian(meas[:, 2:7], 0)
    return sac - lum, belly - 0.5 * (rib_f + rib_b)


def test_rib_flare_from_band_medians_within_2deg_over_both_sweeps(tilt_sessions,
                                                                  flare_sessions):
    """The flare needs three lines in one frame (~10 % of frames); the medians of each line
    over the frames it is in view lose the arms' selection and stay within 2 degrees."""
    for meas, truth, *_ in tilt_sessions + flare_sessions:
        got = band_median_proxies(meas)[1]
        assert abs(got - np.median(truth[:, 1])) <= 2.0, (np.median(truth, 0), got)


def test_kernel_equals_reference_on_synthetic_masks():
    knobs = resolve_knobs({"jitter_px": 2.0})
    r = SynthRunner(knobs, 1.0)
    fb = FigureBuilder(r)
    c = next(iter_chunks(r, 1))
    pose = r.world_pose(c.t_ns / 1e9)
    tw = torso_outline(r.body, pose.trunk, pose.arch_cm)
    tp = r.camera.project_plane(tw)
    out = np.empty(sil.N_OUT_BANDS)
    for i in range(0, len(c.t_ns), 3):
        m = mask_of(fb.shapes(pose, tp[i], tw[i], i), 480, 640, False)
        xy = c.xy[i].astype(np.float64)
        hip = 0.5 * (xy[23] + xy[24])
        sh = 0.5 * (xy[11] + xy[12])
        arm = np.ascontiguousarray(xy[ARM])
        sil.silhouette_proxies(m, 128, hip[0], hip[1], sh[0], sh[1], 1.0, arm, LEVELS, CORE,
                               ARM_W, out)
        ref = sil_ref.silhouette_proxies_ref(m, 128, hip[0], hip[1], sh[0], sh[1], 1.0, arm,
                                         LEVELS, CORE, ARM_W, bands=True)
        np.testing.assert_allclose(out, ref, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(out[:2], [out[2] - out[3], out[6] - 0.5 * (out[4] + out[5])],
                                   atol=1e-9, equal_nan=True)
        short = np.empty(2)                  # the two-value call
        sil.silhouette_proxies(m, 128, hip[0], hip[1], sh[0], sh[1], 1.0, arm, LEVELS, CORE,
                               ARM_W, short)
        np.testing.assert_array_equal(short, out[:2])
        full = np.empty(sil.profile_out_len(LEVELS))    # with the band contours
        sil.silhouette_proxies(m, 128, hip[0], hip[1], sh[0], sh[1], 1.0, arm, LEVELS, CORE,
                               ARM_W, full)
        ref = sil_ref.silhouette_proxies_ref(m, 128, hip[0], hip[1], sh[0], sh[1], 1.0, arm,
                                             LEVELS, CORE, ARM_W, profiles=True)
        np.testing.assert_allclose(full, ref, atol=1e-9, equal_nan=True)
        np.testing.assert_array_equal(full[:sil.N_OUT_BANDS], out)


def print_noisy_errors(seeds: list[int]) -> None:
    """Per seed, the per-stride medians' error (tilt, flare) under the issue's noise over
    both sweeps: `python tests/test_silhouette_synth.py --noisy 0 1 2 3 4 5`."""
    keys = [(t, 0.0) for t in TILT_SWEEP] + [(10.0, f) for f in FLARE_SWEEP if f != 0.0]
    err = {}
    for seed in seeds:
        for t, f in keys:
            truth, meas, _ = stride_summary(session(t, f, seed=seed, jitter=2.0, seconds=6.0,
                                                    noise=ISSUE_NOISE))
            err[seed, t, f] = meas - truth
            print(f"seed {seed} tilt {t:5.0f} flare {f:5.0f} | error tilt "
                  f"{err[seed, t, f][0]:+6.2f} flare {err[seed, t, f][1]:+6.2f}", flush=True)
    e = np.array(list(err.values()))
    print(f"worst |error|: tilt {np.nanmax(np.abs(e[:, 0])):.2f}, flare "
          f"{np.nanmax(np.abs(e[:, 1])):.2f}; cases off by > 3: tilt "
          f"{(np.abs(e[:, 0]) > 3).sum()}, flare {(np.abs(e[:, 1]) > 3).sum()} of {len(e)}")


if __name__ == "__main__" and sys.argv[1:2] == ["--noisy"]:
    print_noisy_errors([int(a) for a in sys.argv[2:]] or [0])
elif __name__ == "__main__":
    print("knob tilt flare | truth tilt flare | per stride tilt flare (finite share) | "
          "per frame tilt flare (NaN share)")
    rows = {}
    for t, f in [(t, 0.0) for t in TILT_SWEEP] + [(10.0, f) for f in FLARE_SWEEP]:
        if (t, f) not in rows:
            ses = session(t, f, seconds=6.0)
            rows[t, f] = stride_summary(ses), summary(ses.meas[:, :2], ses.truth)
        (tr, st, fin), (_, me, nan) = rows[t, f]
        print(f"{t:5.0f} {f:5.0f} | {tr[0]:6.2f} {tr[1]:6.2f} | {st[0]:6.2f} {st[1]:6.2f} "
              f"({fin[0]:.2f} {fin[1]:.2f}) | {me[0]:6.2f} {me[1]:6.2f} "
              f"({nan[0]:.2f} {nan[1]:.2f})")
    for name, keys, j in (("tilt sweep, tilt", [(t, 0.0) for t in TILT_SWEEP], 0),
                          ("flare sweep, flare", [(10.0, f) for f in FLARE_SWEEP], 1),
                          ("tilt sweep, flare", [(t, 0.0) for t in TILT_SWEEP], 1),
                          ("flare sweep, tilt", [(10.0, f) for f in FLARE_SWEEP], 0)):
        tr = np.array([rows[k][0][0][j] for k in keys])
        for label, m in (("per stride", np.array([rows[k][0][1][j] for k in keys])),
                         ("per frame", np.array([rows[k][1][1][j] for k in keys]))):
            print(f"{name}, {label}: max |error| {np.abs(m - tr).max():.2f}, "
                  f"rank correlation {spearman(tr, m):.3f}")
