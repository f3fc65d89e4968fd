"""The fused per-frame kernel (kernels.frame_step) gives the bits of the step-by-step path
(kernels.frame_step_ref), on a synthetic runner with masks and on random, NaN-laden and
edge streams (events included); its outputs also match the NumPy references of the kernels
it runs."""
from __future__ import annotations

import numpy as np
import pytest

from kernels import frame_features as ff
from kernels import frame_step as fs
from kernels import gait_events as ge
from kernels import leg_swap as ls
from kernels import one_euro as oe
from kernels import silhouette as sil
from kernels import silhouette_ref as sil_ref
from kernels import stride_metrics as sm
from kernels.frame_step_ref import frame_step_ref
from station.bench.stream import bench_stream
from station.gait.analyzer import GaitSettings, frame_step_config

_NO_MASK = np.zeros((0, 0), np.uint8)
_L = [23, 25, 27, 29, 31]
_R = [24, 26, 28, 30, 32]


@pytest.fixture(scope="module")
def runner():
    return bench_stream(seconds=4.0, seed=3)


class Path:
    """One path's state and outputs, stepped frame by frame."""

    def __init__(self, fn, fps: float, cfg: np.ndarray) -> None:
        self.fn, self.cfg = fn, cfg
        self.swap, self.euro = ls.new_state(), oe.new_state(66)
        self.params, self.ev_state = ge.event_params(fps), ge.new_event_state()
        self.aux = fs.new_aux()
        n_row = sm.n_columns(int(cfg[fs.C_LEVELS_PER_BAND]))     # the analyzer's ring row
        self.xy, self.row = np.full((33, 2), np.nan), np.full(n_row, np.nan)
        self.feat_smooth, self.ev_out = np.full(ff.N_FEATURES, np.nan), np.zeros((4, 3))

    def step(self, xy_in, t_s, s, camera_left, mask) -> int:
        return self.fn(xy_in, t_s, s, camera_left, _NO_MASK if mask is None else mask,
                       mask is not None, self.cfg, ls.LEFT_LEG, ls.RIGHT_LEG, self.swap,
                       self.euro, self.params, self.ev_state, self.aux, self.xy, self.row,
                       self.feat_smooth, self.ev_out)

    def arrays(self, n: int) -> list[np.ndarray]:
        return [self.xy, self.row, self.feat_smooth, self.ev_out[:n], self.aux, self.swap,
                self.euro, self.ev_state]


def run_both(frames, fps=30.0, s=1.0, camera_left=True, cfg=None):
    """Feed (xy, t_s, mask) frames to both paths; assert equal bits after every frame.
    Returns the fused path's per-frame (xy, row, feat_smooth) and all its events."""
    cfg = frame_step_config(GaitSettings(fps=fps)) if cfg is None else cfg
    fused, ref = Path(fs.frame_step, fps, cfg), Path(frame_step_ref, fps, cfg)
    out, events = [], []
    for i, (xy, t_s, mask) in enumerate(frames):
        n = fused.step(xy, t_s, s, camera_left, mask)
        n_ref = ref.step(xy, t_s, s, camera_left, mask)
        assert n == n_ref, f"frame {i}: {n} events fused, {n_ref} step by step"
        for a, b in zip(fused.arrays(n), ref.arrays(n)):
            np.testing.assert_array_equal(a, b, err_msg=f"frame {i}")
        out.append((fused.xy.copy(), fused.row.copy(), fused.feat_smooth.copy(),
                    fused.aux.copy()))
        events += [tuple(fused.ev_out[k]) for k in range(n)]
    return out, events


def runner_frames(st, rng=None, nan_frac=0.0, drop_frac=0.0, swap_frac=0.0,
                  no_mask_frac=0.0, empty_frac=0.0, dtype=np.float32):
    frames = []
    for i in range(len(st.t_s)):
        xy = st.xy[i].astype(dtype)
        mask = st.masks[i].astype(np.uint8) * 255
        if rng is not None:
            if rng.random() < drop_frac:
                continue
            xy[rng.random(33) < nan_frac] = np.nan
            if rng.random() < swap_frac:
                xy[_L], xy[_R] = xy[_R].copy(), xy[_L].copy()
            if rng.random() < empty_frac:
                xy[:] = np.nan
            if rng.random() < no_mask_frac:
                mask = None
        frames.append((xy, float(st.t_s[i]), mask))
    return frames


def test_fused_equals_step_by_step_on_a_runner(runner):
    _, events = run_both(runner_frames(runner), s=float(runner.facing_sign))
    assert len(events) >= 4          # the stream did exercise the event kernel


def test_fused_equals_step_by_step_with_12_levels_per_band(runner):
    cfg = frame_step_config(GaitSettings(fps=30.0, levels_per_band=12))
    out, _ = run_both(runner_frames(runner)[:60], s=float(runner.facing_sign), cfg=cfg)
    assert out[0][1].shape == (sm.n_columns(12),)
    assert np.isfinite(np.array([o[1][sm.COL_CONTOURS:] for o in out])).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fused_equals_step_by_step_on_a_messy_runner(runner, seed):
    rng = np.random.default_rng(seed)
    frames = runner_frames(runner, rng, nan_frac=0.05, drop_frac=0.08, swap_frac=0.1,
                           no_mask_frac=0.3, empty_frac=0.05,
                           dtype=np.float64 if seed == 2 else np.float32)
    run_both(frames, s=float(runner.facing_sign))


@pytest.mark.parametrize("nan_frac", [0.0, 0.05, 0.5, 1.0])
@pytest.mark.parametrize("s,camera_left", [(1.0, True), (-1.0, False), (1.0, False)])
def test_fused_equals_step_by_step_on_random_input(nan_frac, s, camera_left):
    rng = np.random.default_rng(int(nan_frac * 100) + int(s) + 7)
    n = 120
    xy = rng.uniform(0, 640, (n, 33, 2)).astype(np.float32)
    xy[rng.random((n, 33)) < nan_frac] = np.nan
    t = np.cumsum(rng.choice([1 / 30, 2 / 30, 0.0, 0.5], n, p=[0.85, 0.1, 0.03, 0.02]))
    masks = [rng.integers(0, 256, (120, 160), dtype=np.uint8) if rng.random() < 0.3 else None
             for _ in range(n)]
    run_both([(xy[i], float(t[i]), masks[i]) for i in range(n)], s=s, camera_left=camera_left)


def test_fused_equals_step_by_step_on_edge_input():
    frames = []
    zeros = np.zeros((33, 2), np.float32)               # every point on top of each other
    far = np.full((33, 2), 1e6, np.float32)              # far away but finite
    nan = np.full((33, 2), np.nan, np.float32)           # nobody
    inf = zeros.copy()
    inf[27] = np.inf                                      # a non-finite landmark
    full = np.full((40, 40), 255, np.uint8)               # a mask that is all body
    t = 0.0
    for k, xy in enumerate([nan, zeros, zeros, far, nan, inf, zeros, far, far, nan] * 3):
        t += (1 / 60, 0.0, 2.0)[k % 3]                   # steady, repeated time, long gap
        frames.append((xy, t, full if k % 2 else None))
    run_both(frames, fps=60.0)
    cfg = frame_step_config(GaitSettings(fps=30.0, levels_per_band=1, max_gap_s=0.0))
    run_both(frames, cfg=cfg)


def test_fused_outputs_match_the_numpy_references(runner):
    """Raw features, silhouette proxies and smoothed features against the plain NumPy
    references of frame_features, silhouette_proxies and one_euro, on the repaired points."""
    rng = np.random.default_rng(5)
    frames = runner_frames(runner, rng, nan_frac=0.05, drop_frac=0.05, no_mask_frac=0.3)
    out, _ = run_both(frames, s=float(runner.facing_sign))
    s = float(runner.facing_sign)
    xy = np.array([o[0] for o in out])
    rows = np.array([o[1] for o in out])
    np.testing.assert_allclose(rows[:, :ff.N_FEATURES], ff.frame_features_ref(xy, s, s > 0),
                               rtol=1e-12, atol=1e-9, equal_nan=True)
    g = GaitSettings(fps=30.0)
    t = np.array([f[1] for f in frames])
    smooth = oe.one_euro_ref(xy.reshape(len(xy), 66), t, g.min_cutoff_hz, g.beta,
                             g.d_cutoff_hz, g.max_gap_s).reshape(-1, 33, 2)
    np.testing.assert_allclose(np.array([o[2] for o in out]),
                               ff.frame_features_ref(smooth, s, s > 0),
                               rtol=1e-9, atol=1e-9, equal_nan=True)
    measured = 0
    for (_, _, mask), (xy_i, row, _, _) in zip(frames, out):
        if mask is None or not np.isfinite(row[ff.F_TRUNK_LEN_PX]):
            assert np.isnan(row[ff.N_FEATURES:]).all()
            continue
        arms = xy_i[[11, 13, 15, 12, 14, 16]]
        ref = sil_ref.silhouette_proxies_ref(
            mask, g.mask_threshold, row[ff.F_HIP_X], row[ff.F_HIP_Y], row[ff.F_SHOULDER_X],
            row[ff.F_SHOULDER_Y], s, arms, g.levels_per_band, g.core_half_depth_trunk,
            g.arm_half_width_trunk, profiles=True)
        np.testing.assert_allclose(row[ff.N_FEATURES:], ref, atol=1e-9, equal_nan=True)
        measured += int(np.isfinite(ref).any())
    assert measured > 10


def test_the_row_is_the_stride_rings_layout(runner):
    """frame_step writes the ring row kernels.stride_metrics reads: the proxies, the band
    lines, then the band contours in silhouette_proxies' order. A stride whose frames are
    all one frame reads that frame's proxies (the pooled contour is that frame's)."""
    assert fs.N_ROW == sm.N_COLUMNS == ff.N_FEATURES + sil.profile_out_len(8) \
        == sm.n_columns(GaitSettings(fps=30.0).levels_per_band)
    assert sm.COL_CONTOURS == sm.COL_BELLY_DEG + 1 == ff.N_FEATURES + sil.N_OUT_BANDS
    out, _ = run_both(runner_frames(runner), s=float(runner.facing_sign))
    rows = np.array([o[1] for o in out])
    np.testing.assert_array_equal(rows[:, sm.COL_PELVIC_TILT],
                                  rows[:, sm.COL_SACRAL_DEG] - rows[:, sm.COL_LUMBAR_DEG])
    np.testing.assert_array_equal(rows[:, sm.COL_RIB_FLARE], rows[:, sm.COL_BELLY_DEG] - 0.5 * (
        rows[:, sm.COL_RIB_FRONT_DEG] + rows[:, sm.COL_RIB_BACK_DEG]))
    bands = rows[:, sm.COL_SACRAL_DEG:sm.COL_BELLY_DEG + 1]
    full = np.flatnonzero(np.isfinite(bands).all(1))
    assert len(full) >= 3, "no frame of the runner shows all five band lines"
    assert np.isfinite(rows[:, sm.COL_CONTOURS:]).mean() > 0.3
    stride = np.empty(sm.N_STRIDE)
    for k in full:
        t = np.array([runner.t_s[k], runner.t_s[k] + 0.01])
        two = rows[[k, k]]                       # pooling needs a level in two frames
        sm.stride_metrics(t, two, 0, t[0], t[0], np.nan, t[1], np.nan, 150.0, 2.0, 0.0, 0.0,
                          sm.new_contour_template(0), stride)
        assert stride[sm.S_PELVIC_TILT] == pytest.approx(rows[k, sm.COL_PELVIC_TILT], abs=1e-9)
        assert stride[sm.S_RIB_FLARE] == rows[k, sm.COL_RIB_FLARE]
        assert np.isfinite(stride[[sm.S_PELVIC_TILT, sm.S_RIB_FLARE]]).all()


def test_a_row_without_contours_keeps_the_band_lines(runner):
    """A row of N_FEATURES + N_OUT_BANDS (no room for contours) gets the same proxies and
    band lines as the full row."""
    frames = runner_frames(runner)[:40]
    full, _ = run_both(frames, s=float(runner.facing_sign))
    cfg = frame_step_config(GaitSettings(fps=30.0))
    short = Path(fs.frame_step, 30.0, cfg)
    short.row = np.full(ff.N_FEATURES + sil.N_OUT_BANDS, np.nan)
    for (xy, t_s, mask), (_, row, _, _) in zip(frames, full):
        short.step(xy, t_s, float(runner.facing_sign), True, mask)
        np.testing.assert_array_equal(short.row, row[:len(short.row)])


def blended_frames(frames, every: int = 9, shift_px_per_frame: float = 0.0):
    """The runner with both legs drawn half-way to each other every `every` frames (the pose
    model's blend), all of it moved by shift_px_per_frame x frame index (an overground walk:
    the hips cross the image)."""
    out = []
    for i, (xy, t_s, mask) in enumerate(frames):
        xy = xy.copy()
        if i % every == 4:
            a, b = xy[_L[1:]].copy(), xy[_R[1:]].copy()
            xy[_L[1:]], xy[_R[1:]] = 0.6 * a + 0.4 * b, 0.4 * a + 0.6 * b
        xy[:, 0] += shift_px_per_frame * i
        out.append((xy, t_s, None))
    return out


@pytest.mark.parametrize("shift", [0.0, 12.0])
def test_fused_equals_step_by_step_with_blends_on_a_treadmill_and_overground(runner, shift):
    """Blended legs flag feet (dropped from the belt model on a treadmill, kept once the
    hips have travelled a leg length): both paths alike, and flags were raised."""
    frames = blended_frames(runner_frames(runner), shift_px_per_frame=shift)
    out, _ = run_both(frames, s=float(runner.facing_sign))
    flags = np.array([o[3][fs.A_GLITCH_FLAGS:fs.A_GLITCH_FLAGS + 2] for o in out])
    assert (flags == 1.0).any()


def test_overground_blended_feet_still_reach_the_belt_model(runner):
    """Once the hips have travelled more than a leg, a flagged foot is not dropped: the
    events are those of the same stream with the glitch test off. On the treadmill the
    dropped feet change them."""
    def events(shift, on):
        cfg = frame_step_config(GaitSettings(fps=30.0, drop_blended_feet=on))
        return run_both(blended_frames(runner_frames(runner), shift_px_per_frame=shift),
                        s=float(runner.facing_sign), cfg=cfg)[1]
    assert events(12.0, True) == events(12.0, False)
    assert events(0.0, True) != events(0.0, False)
