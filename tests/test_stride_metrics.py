"""kernels.stride_contact: kernels equal their references; a contact detected late is moved
back to the frame before the foot turned flat; the foot-strike angle comes from the approach.
kernels.stride_metrics: pelvic tilt and rib flare from the band lines' per-stride medians."""
from __future__ import annotations

import numpy as np
import pytest

from kernels import frame_features as ff
from kernels import stride_contact as sc
from kernels import stride_metrics as sm
from kernels import stride_read as sr

FPS = 30.0
#: No session contour: the stride is read on its own (the template is state; a shared one
#: would be changed by the first call of a kernel == reference pair).
NO_TEMPLATE = sm.new_contour_template(0)


def _random_case(rng: np.random.Generator, trial: int):
    m = int(rng.integers(1, 30))
    if trial % 3 == 0:
        t = np.arange(m) / FPS
    else:
        t = np.sort(rng.uniform(0, 0.6, m))
        if trial % 5 == 0 and m > 2:
            t[1] = t[2]                                   # two frames on one timestamp
    v = rng.normal(0, 12, m)
    v[rng.random(m) < (0.0 if trial % 4 == 0 else 0.3)] = np.nan
    t_event = float(rng.uniform(-0.05, 0.65)) if trial % 6 else float(t[m // 2])
    return t, v, t_event


@pytest.mark.parametrize("seed", range(5))
def test_contact_kernels_equal_their_references(seed):
    rng = np.random.default_rng(seed)
    for trial in range(200):
        t, v, te = _random_case(rng, trial)
        flat = float(rng.normal(0, 3))
        turn = float(rng.choice([0.0, 3.0, 6.0]))
        back = float(rng.choice([0.0, 0.05, 0.1, 1.0]))
        k = sc.last_airborne_frame(t, v, te, flat, turn, back)
        assert k == sc.last_airborne_frame_ref(t, v, te, flat, turn, back)
        got = sc.landed_contact_s(t, v, te, k)
        assert got == sc.landed_contact_s_ref(t, v, te, k)
        gap = sr.MAX_READ_GAP_S
        np.testing.assert_allclose(sr.contact_value_at(t, v, te, gap), sr._contact_ref(t, v, te),
                                   rtol=1e-12, equal_nan=True)
        assert got <= te
        if k >= 0:
            span = float(rng.choice([0.0, 0.025, 0.1]))
            np.testing.assert_allclose(sc.mean_before(t, v, k, span),
                                       sc.mean_before_ref(t, v, k, span), rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_peak_value_between_equals_its_reference(seed):
    rng = np.random.default_rng(seed)
    for trial in range(300):
        t, v, te = _random_case(rng, trial)
        if trial % 2:
            v = 40.0 - 200.0 * (t - te) ** 2 + rng.normal(0, 1, len(t))   # a stance peak
        t0, t1 = sorted(rng.uniform(-0.05, 0.65, 2))
        np.testing.assert_allclose(sr.peak_value_between(t, v, t0, t1),
                                   sr._peak_ref(t, v, t0, t1), rtol=1e-9, atol=1e-9,
                                   equal_nan=True)


def test_peak_value_between_finds_the_curve_between_frames():
    """A parabola sampled either side of its top: the vertex, not the highest frame;
    the highest frame where the top is at the span's edge, or too few frames around it."""
    t = np.arange(12) / FPS
    peak_t = 0.19                                # between frames 5 (0.167) and 6 (0.2)
    v = 45.0 - 3000.0 * (t - peak_t) ** 2
    assert sr.peak_value_between(t, v, 0.0, 1.0) == pytest.approx(45.0, abs=1e-9)
    assert v.max() < 45.0 - 0.25
    rising = 10.0 + 100.0 * t
    assert sr.peak_value_between(t, rising, 0.0, 1.0) == rising[-1]
    assert sr.peak_value_between(t[:3], v[:3], 0.0, 1.0) == v[:3].max()
    assert np.isnan(sr.peak_value_between(t, np.full(12, np.nan), 0.0, 1.0))


def test_contact_kernels_edge_input():
    empty = np.empty(0)
    assert sc.last_airborne_frame(empty, empty, 0.1, 0.0, 6.0, 0.1) == -1
    assert sc.landed_contact_s(empty, empty, 0.1, -1) == 0.1
    t = np.arange(4) / FPS
    nan = np.full(4, np.nan)
    assert sc.last_airborne_frame(t, nan, 1.0, 0.0, 6.0, 0.1) == -1
    assert sc.last_airborne_frame_ref(t, nan, 1.0, 0.0, 6.0, 0.1) == -1
    one = np.array([np.nan, 10.0, np.nan, np.nan])
    assert sc.last_airborne_frame(t, one, 1.0, 0.0, 6.0, 0.1) == 1
    assert sc.mean_before(t, one, 1, 0.1) == 10.0
    assert sc.landed_contact_s(t, one, 1.0, 1) == 1.0   # no later seen frame: as detected


def _landing(contact_s: float, fps: float, strike_deg: float, n: int = 24):
    """Foot angle of a rearfoot landing: holds `strike_deg` in the air, flat 40 ms after
    contact (as the synthetic runner puts a foot down); the shank swings back at 75 deg/s
    on the approach (the synthetic runner's ~2.5 deg a frame at 30 fps) and at 300 deg/s
    once the belt drives it."""
    t = np.arange(n) / fps
    tau = t - contact_s
    foot = np.where(tau < 0, strike_deg,
                    strike_deg * 0.5 * (1 + np.cos(np.pi * np.clip(tau / 0.04, 0, 1))))
    shank = np.where(tau < 0, 6.0 - 75.0 * tau, 6.0 - 300.0 * tau)
    return t, foot, shank


def test_a_contact_detected_late_moves_back_to_the_landing():
    t, foot, _ = _landing(0.205, FPS, 15.0)           # frames at 0.200 (air), 0.233 (down)
    late = 0.24
    k = sc.last_airborne_frame(t, foot, late, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S)
    assert t[k] == pytest.approx(0.2)
    assert sc.landed_contact_s(t, foot, late, k) == pytest.approx(0.5 * (0.2 + 7 / FPS))
    # On time, nothing moves.
    k = sc.last_airborne_frame(t, foot, 0.21, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S)
    assert t[k] == pytest.approx(0.2) and sc.landed_contact_s(t, foot, 0.21, k) == 0.21


def test_a_midfoot_landing_or_small_noise_moves_nothing():
    t = np.arange(10) / FPS
    foot = np.array([4.0, 3.0, 5.0, 1.0, 0.5, 0.0, 0.3, -0.2, 0.0, 0.1])
    k = sc.last_airborne_frame(t, foot, t[4] + 0.01, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S)
    assert k == 4
    # A turn toward flat relative to a non-zero belt line counts from that line.
    k = sc.last_airborne_frame(t, foot + 10.0, t[4] + 0.01, 10.0, sc.FOOT_TURN_DEG, 0.1)
    assert k == 4


def test_an_approach_through_flat_is_not_a_landing():
    """A foot swinging up through flat to a small strike angle (here a jittered frame at
    -10 deg, then +1) changes by more than FOOT_TURN_DEG "toward flat", but across it: a
    landing stops at flat, so nothing moves. The same change on one side of flat (a
    forefoot landing turning down) is still a landing; kernel == reference."""
    t = np.arange(8) / FPS
    approach = np.array([-14.0, -12.0, -10.0, 1.0, 3.0, 0.5, 0.0, 0.0])
    for fn in (sc.last_airborne_frame, sc.last_airborne_frame_ref):
        assert fn(t, approach, t[3] + 0.01, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S) == 3
        landing = approach.copy()
        landing[3] = -1.0
        assert fn(t, landing, t[3] + 0.01, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S) == 2


def test_the_walk_back_stops_at_max_back():
    t = np.arange(8) / FPS
    foot = np.array([40.0, 32.0, 24.0, 16.0, 8.0, 0.0, 0.0, 0.0])   # turning for 5 frames
    k = sc.last_airborne_frame(t, foot, t[5], 0.0, 6.0, 0.09)
    assert k == 3                                  # frame 2 lies more than 0.09 s back
    assert sc.last_airborne_frame(t, foot, t[5], 0.0, 6.0, 1.0) == 0


def _stride_inputs(fps: float, late_s: float, strike_deg: float):
    contact = 0.2 + 0.3 / fps
    t, foot, shank = _landing(contact, fps, strike_deg, n=int(0.8 * fps))
    V = np.full((len(t), sm.N_COLUMNS), np.nan)
    V[:, ff.F_FOOT_DEG] = foot
    V[:, ff.F_SHANK_DEG] = shank
    V[:, ff.F_HEEL_FORWARD_PX] = 30.0 - 500.0 * (t - contact)
    return t, V, contact + late_s, contact


# The shank at contact is read halfway between the last approach frame and the chord across
# the contact (kernels/stride_read.py): for the rates of _landing that errs by at most
# 37.5 deg/s x one frame (1.25 deg at 30 fps, 0.63 at 60), plus the approach's 75 deg/s
# over a lateness the foot does not show (no frame in stance before the detected contact).
@pytest.mark.parametrize("fps,late_frames,strike_tol_deg,shank_tol_deg", [
    (30.0, 0.0, 1e-9, 1.25), (30.0, 0.5, 1e-9, 1.25 + 1.25), (30.0, 0.9, 1e-9, 1.25),
    (60.0, 0.0, 1e-9, 0.63), (60.0, 0.5, 1e-9, 0.63 + 0.63),
    # 33 ms late at 60 fps: the first frame in stance had turned only 3 deg (not seen as
    # landed), so it is averaged in and the shank is read a little into stance.
    (60.0, 2.0, 2.0, 6.0)])
def test_stride_kernel_reads_the_landing_not_the_stance(fps, late_frames, strike_tol_deg,
                                                        shank_tol_deg):
    """A contact detected late still reads the strike angle and the shank of the approach,
    and the heel where it landed; kernel == reference."""
    t, V, c0, contact = _stride_inputs(fps, late_frames / fps, 15.0)
    args = (0, c0, c0 + 0.25, c0 + 0.35, c0 + 0.7, c0 + 0.6, 150.0, 2.0, 0.0, 0.0, NO_TEMPLATE)
    out = np.empty(sm.N_STRIDE)
    sm.stride_metrics(t, V, *args, out)
    np.testing.assert_allclose(out, sm.stride_metrics_ref(t, V, *args), rtol=1e-9, atol=1e-9,
                               equal_nan=True)
    assert out[sm.S_FOOT_STRIKE] == pytest.approx(15.0, abs=strike_tol_deg)
    assert out[sm.S_SHANK_IC] == pytest.approx(6.0, abs=shank_tol_deg + 1e-9)
    # The heel is read where it was at the (moved back) contact: never further off than at
    # the contact as detected.
    truth_pct, at_c0_pct = 30.0 / 150.0 * 100, (30.0 - 500.0 * (c0 - contact)) / 150.0 * 100
    assert abs(out[sm.S_OVERSTRIDE] - truth_pct) <= abs(at_c0_pct - truth_pct) + 1e-9


def test_foot_strike_is_the_mean_of_the_last_approach_frames():
    """The approach frames within FOOT_MEAN_S of the last airborne one are averaged: three
    at 60 fps, two at 30 fps (the foot is set for the landing over its last ~60 ms); an
    earlier frame, still in the swing, is not."""
    for fps, expect in ((60.0, (16.0 + 14.0 + 16.0) / 3.0), (30.0, 0.5 * (14.0 + 16.0))):
        t = np.arange(12) / fps
        foot = np.where(np.arange(12) % 2 == 0, 14.0, 16.0)
        foot[:4] = 0.0
        k = sc.last_airborne_frame(t, foot, t[9] + 0.001, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S)
        assert k == 9
        assert sc.mean_before(t, foot, k, sc.FOOT_MEAN_S) == pytest.approx(expect)


def test_flat_is_the_feet_own_mid_stance_reading():
    """A pose model that reads the flat foot at +6 deg: a -6 deg forefoot landing turns
    toward +6, through 0; the late contact is still caught, the strike read in the air."""
    fps, contact = 30.0, 0.21
    t = np.arange(24) / fps
    tau = t - contact
    foot = np.where(tau < 0, -6.0,
                    6.0 - 12.0 * 0.5 * (1 + np.cos(np.pi * np.clip(tau / 0.04, 0, 1))))
    V = np.full((len(t), sm.N_COLUMNS), np.nan)
    V[:, ff.F_FOOT_DEG] = foot
    c0 = contact + 0.9 / fps                       # the frame at 0.233 s is in stance
    args = (0, c0, c0 + 0.25, c0 + 0.35, c0 + 0.7, c0 + 0.6, 150.0, 2.0, 0.0, 0.0, NO_TEMPLATE)
    out = np.empty(sm.N_STRIDE)
    sm.stride_metrics(t, V, *args, out)
    np.testing.assert_allclose(out, sm.stride_metrics_ref(t, V, *args), equal_nan=True)
    assert out[sm.S_FOOT_STRIKE] == pytest.approx(-6.0)
    # Measured from 0 instead, that stance frame (+1.6) would not look like a turn to flat.
    k0 = sc.last_airborne_frame(t, foot, c0, 0.0, sc.FOOT_TURN_DEG, sc.MAX_BACK_S)
    assert foot[k0] > 0


def _contour_cols(profile: int, levels: int = sm.DEFAULT_LEVELS_PER_BAND) -> slice:
    start = sm.COL_CONTOURS + profile * levels
    return slice(start, start + levels)


def test_rib_flare_from_band_lines_seen_in_different_frames():
    """An arm covers some band line in most frames, so the per-frame proxies are NaN there;
    the stride's flare comes from each band line's median over the frames it is in view,
    in the per-frame kernel's arithmetic (kernel == reference)."""
    t = np.arange(24) / FPS
    V = np.full((len(t), sm.N_COLUMNS), np.nan)      # per-frame proxies NaN all stride
    k = np.arange(len(t))
    rib_f, rib_b, belly = -2.0 + k % 2, 4.0 + k % 3, 9.0 + k % 4
    V[0::4, sm.COL_RIB_FRONT_DEG] = rib_f[0::4]        # each line in its own frames
    V[1::4, sm.COL_RIB_BACK_DEG] = rib_b[1::4]
    V[2::4, sm.COL_BELLY_DEG] = belly[2::4]
    V[:, ff.F_TRUNK_LEAN_DEG] = 5.0
    c0, c2 = t[1], t[22]
    args = (0, c0, c0 + 0.25, c0 + 0.35, c2, c0 + 0.6, 150.0, 2.0, 0.0, 0.0, NO_TEMPLATE)
    out = np.empty(sm.N_STRIDE)
    sm.stride_metrics(t, V, *args, out)
    np.testing.assert_allclose(out, sm.stride_metrics_ref(t, V, *args), rtol=1e-12,
                               equal_nan=True)
    sel = (t >= c0) & (t <= c2)

    def med(col):
        return np.nanmedian(V[sel, col])

    assert out[sm.S_RIB_FLARE] == med(sm.COL_BELLY_DEG) - 0.5 * (
        med(sm.COL_RIB_FRONT_DEG) + med(sm.COL_RIB_BACK_DEG))
    assert np.isnan(out[sm.S_PELVIC_TILT])           # no contours: no tilt
    V[:, sm.COL_RIB_BACK_DEG] = np.nan                 # one line never in view
    sm.stride_metrics(t, V, *args, out)
    assert np.isnan(out[sm.S_RIB_FLARE])


def _back_contours(t: np.ndarray, sacral_deg: float, lumbar_deg: float, levels: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Rows of n_columns(levels) with straight sacral and lumbar back contours (offsets in T
    whose angle atan(df/dh) is given), each level covered in a random 60 % of frames and
    jittered by 0.001 T; the band-angle columns stay NaN (no band passes in any frame)."""
    V = np.full((len(t), sm.n_columns(levels)), np.nan)
    for p, (deg, (lo, hi)) in enumerate(((sacral_deg, (0.0, 0.2)), (lumbar_deg, (0.25, 0.45)))):
        h = lo + (hi - lo) * np.arange(levels) / (levels - 1)
        block = -0.2 + np.tan(np.radians(deg)) * (h - lo) \
            + rng.normal(0, 0.001, (len(t), levels))
        block[rng.random(block.shape) < 0.6] = np.nan
        V[:, _contour_cols(p, levels)] = block
    V[:, ff.F_TRUNK_LEN_PX] = 90.0
    return V


@pytest.mark.parametrize("levels", [4, 8, 12])
def test_pelvic_tilt_from_the_contours_pooled_over_the_stride(levels):
    """No frame shows a whole band line; the stride's tilt comes from each level's median
    over the frames it is in view (kernels/silhouette_pool.py), for the level count the
    row's width gives; frames outside the stride do not count; kernel == reference."""
    rng = np.random.default_rng(levels)
    t = np.arange(24) / FPS
    V = _back_contours(t, 12.0, -8.0, levels, rng)
    V[[0, 23], _contour_cols(1, levels).start] = 5.0    # outside [c0, c2]: far off
    c0, c2 = t[1], t[22]
    args = (0, c0, c0 + 0.25, c0 + 0.35, c2, c0 + 0.6, 150.0, 2.0, 0.0, 0.0, NO_TEMPLATE)
    out = np.empty(sm.N_STRIDE)
    sm.stride_metrics(t, V, *args, out)
    np.testing.assert_allclose(out, sm.stride_metrics_ref(t, V, *args), rtol=1e-12,
                               atol=1e-9, equal_nan=True)
    assert out[sm.S_PELVIC_TILT] == pytest.approx(20.0, abs=1.0)
    assert np.isnan(out[sm.S_RIB_FLARE])
    V[1:23, _contour_cols(1, levels)] = np.nan          # the lumbar band never in view
    sm.stride_metrics(t, V, *args, out)
    assert np.isnan(out[sm.S_PELVIC_TILT])


def test_no_value_is_read_across_a_hole_of_dropped_frames():
    """Frames dropped in a burst around contact: the contact value is NaN (with a reason
    downstream), not a line through two frames far back extended across the hole."""
    from kernels.stride_read import (MAX_READ_GAP_S, _approach_ref, _contact_ref, _interp_ref,
                                     _stance_ref, approach_value_at, contact_value_at,
                                     interp_at, stance_value_at)
    t = np.array([0.0, 1 / 30, 2 / 30, 0.30, 0.30 + 1 / 30, 0.30 + 2 / 30])
    v = np.array([-40.0, -30.0, -20.0, 2.0, 1.0, 0.0])   # a swinging shank, then the stance
    te = 0.2                                             # contact inside the hole
    for kernel, ref in ((approach_value_at, _approach_ref), (stance_value_at, _stance_ref),
                        (interp_at, _interp_ref), (contact_value_at, _contact_ref)):
        assert np.isnan(kernel(t, v, te, MAX_READ_GAP_S)) and np.isnan(ref(t, v, te))
    # Right after a seen frame the short reach is kept (a contact between frames).
    te = 2 / 30 + 0.01
    assert approach_value_at(t, v, te, MAX_READ_GAP_S) == pytest.approx(-20.0 + 10.0 * 30 * 0.01)
    assert _approach_ref(t, v, te) == pytest.approx(-20.0 + 10.0 * 30 * 0.01)
    # The contact reading has no frame after it there: the last approach frame's value.
    assert contact_value_at(t, v, te, MAX_READ_GAP_S) == -20.0 == _contact_ref(t, v, te)


def test_the_contact_shank_lies_between_the_last_approach_frame_and_the_chord():
    """The shank angle is continuous through contact; its rate jumps (the belt drives the
    planted shank back faster than the leg retracted). The reading lies between the last
    approach frame and the chord across the contact, and as the contact moves over 1.2
    frames it moves by about what the shank itself turned (7.5 deg here), not more."""
    fps = 30.0
    t = np.arange(12) / fps
    contact = 5.5 / fps
    tau = t - contact
    shank = np.where(tau < 0, 15.0 - 75.0 * tau, 15.0 - 300.0 * tau)   # as _landing
    reads = []
    for te in np.linspace(contact - 0.6 / fps, contact + 0.6 / fps, 25):
        got = sr.contact_value_at(t, shank, te, sr.MAX_READ_GAP_S)
        assert got == pytest.approx(sr._contact_ref(t, shank, te), abs=1e-12)
        i = int(np.flatnonzero(t <= te)[-1])
        chord = shank[i] + (te - t[i]) * fps * (shank[i + 1] - shank[i])
        assert chord - 1e-9 <= got <= shank[i] + 1e-9
        reads.append(got)
    assert abs(reads[12] - 15.0) <= 37.5 / fps
    assert max(reads) - min(reads) < 7.5 + 37.5 / fps


# --- kernels.stride_bounce: vertical oscillation from a periodic fit over the step ------

def _hip_curve(w: np.ndarray) -> np.ndarray:
    """Hip height (image y) over a step: a stance dip and a flight crest, not a sine."""
    return 300.0 + 8.0 * np.cos(w) + 3.0 * np.cos(2 * w + 1.0) + 1.0 * np.sin(3 * w)


def _bounce(t, y, c0, c1):
    from kernels import stride_bounce as sb
    args = (c0, c1, sb.N_HARMONICS, sb.BOUNCE_PAD_STEPS, sb.MAX_GAP_STEPS)
    got = sb.step_bounce_px(t, y, *args)
    np.testing.assert_allclose(got, sb.step_bounce_px_ref(t, y, *args), rtol=1e-9, atol=1e-9,
                               equal_nan=True)
    return got


@pytest.mark.parametrize("seed", range(4))
def test_bounce_kernel_equals_its_reference(seed):
    from kernels.stride_bounce import _range_of_frames
    rng = np.random.default_rng(seed)
    fitted = 0
    for trial in range(150):
        fps = float(rng.choice([15.0, 30.0, 60.0]))
        if trial % 4 == 3:
            t = np.sort(rng.uniform(0, 1.0, int(rng.integers(0, 40))))
        else:
            t = np.arange(int(rng.integers(0, 60))) / fps
        period = float(rng.uniform(0.2, 0.5))
        c0 = float(rng.uniform(-0.05, 0.4))
        y = _hip_curve(2 * np.pi * (t - c0) / period) + rng.normal(0, 2.0, len(t))
        y[rng.random(len(t)) < (0.0 if trial % 3 == 0 else 0.1)] = np.nan
        c1 = c0 + (period if trial % 9 else -0.01)
        got = _bounce(t, y, c0, c1)
        fitted += int(np.isfinite(got) and got != _range_of_frames(t, y, c0, c1))
    assert fitted >= 30, "the fit path was hardly exercised"


def test_bounce_edge_input():
    empty = np.empty(0)
    assert np.isnan(_bounce(empty, empty, 0.0, 0.3))
    t = np.arange(30) / 30.0
    assert np.isnan(_bounce(t, np.full(30, np.nan), 0.1, 0.4))
    assert np.isnan(_bounce(t, np.ones(30), 0.4, 0.4))         # no step
    assert _bounce(t, np.ones(30), 0.1, 0.4) == pytest.approx(0.0, abs=1e-9)


def test_bounce_reads_the_curve_not_the_frames():
    """Clean frames: the fit finds the curve's range between frames (max - min of the
    frames misses the crest); with 1.4 px of jitter at 60 fps max - min reads the noise's
    extremes too, the fit does not."""
    period, c0 = 0.37, 0.113
    true_range = np.ptp(_hip_curve(np.linspace(0, 2 * np.pi, 10_000)))
    t = np.arange(0, 1.0, 1 / 30)
    y = _hip_curve(2 * np.pi * (t - c0) / period)
    assert _bounce(t, y, c0, c0 + period) == pytest.approx(true_range, abs=0.01)
    step = (t >= c0) & (t <= c0 + period)
    assert np.ptp(y[step]) < true_range - 0.1
    rng = np.random.default_rng(1)
    t = np.arange(0, 1.0, 1 / 60)
    fit, frames = [], []
    for _ in range(200):
        y = _hip_curve(2 * np.pi * (t - c0) / period) + rng.normal(0, 1.4, len(t))
        fit.append(_bounce(t, y, c0, c0 + period))
        step = (t >= c0) & (t <= c0 + period)
        frames.append(np.ptp(y[step]))
    assert abs(np.median(fit) - true_range) < 0.3
    assert np.median(frames) - true_range > 1.5


def test_bounce_falls_back_to_the_frames_across_a_hole():
    """Dropped frames over a third of the step: the curve would be free there."""
    from kernels.stride_bounce import _range_of_frames
    period, c0 = 0.37, 0.113
    t = np.arange(0, 1.0, 1 / 30)
    y = _hip_curve(2 * np.pi * (t - c0) / period)
    y[(t > c0 + 0.3 * period) & (t < c0 + 0.65 * period)] = np.nan
    assert _bounce(t, y, c0, c0 + period) == _range_of_frames(t, y, c0, c0 + period)
