"""`station bench` kernels section: it times the analyzer's real per-frame path."""
import numpy as np

from kernels import frame_features as ff
from kernels import stride_metrics as sm
from station.bench import kernels_bench as kb
from station.bench.stream import bench_stream
from station.gait.analyzer import GaitAnalyzer, GaitSettings
from station.contracts import Pose


def test_bench_rows_are_the_analyzers_rows():
    """The bench's per-frame rows equal what GaitAnalyzer pushes into its ring for the same
    stream: the figure is the cost of the path the station runs, not of a look-alike."""
    st = bench_stream(seconds=3.0)
    us_fresh, V = kb._run_kernels(st)
    us_uncached, V2 = kb._run_kernels(st, fresh_mask=False)
    assert us_fresh > 0 and us_uncached > 0
    np.testing.assert_array_equal(V, V2)
    an = GaitAnalyzer(GaitSettings(fps=st.fps, facing="right" if st.facing_sign > 0 else "left"))
    rows = []
    push = an._ring.push
    an._ring.push = lambda t, row: (rows.append(row.copy()), push(t, row))
    for i in range(len(st.t_s)):
        an.update(Pose(st.xy[i].astype(np.float32), np.ones(33, np.float32),
                       st.masks[i].astype(np.uint8) * 255, int(st.t_s[i] * 1e9), i))
    an.finish()
    R = np.array(rows)
    assert len(R) == len(V)
    # Head columns read the camera-side ear: the bench takes the side from the facing, the
    # analyzer from visibility (all 1 here); same work either way.
    same = np.ones(V.shape[1], bool)
    same[[ff.F_HEAD_FORWARD_PCT, ff.F_EAR_ABOVE_SHOULDER_PCT]] = False
    np.testing.assert_allclose(R[:, same], V[:, same], rtol=0, atol=1e-9, equal_nan=True)
    assert np.isfinite(V[:, ff.F_TRUNK_LEAN_DEG]).mean() > 0.9
    assert np.isfinite(V[:, sm.COL_SACRAL_DEG]).any()
    assert kb._run_references(st, V) > 0
