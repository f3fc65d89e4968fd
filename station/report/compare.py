"""Is a change between two sessions real, or within the stride-to-stride noise?

For each metric, with the per-stride values of the BEFORE and AFTER sessions:

1. change = median(AFTER) - median(BEFORE);
2. its 95% interval from a moving-block bootstrap over strides: each session's strides are
   resampled in blocks of 4 consecutive strides (neighbouring strides are alike, and
   left/right alternate, so single-stride resampling would make the interval too narrow),
   2000 times, and the 2.5th-97.5th percentiles of the difference of the resampled
   medians are taken (fixed seed: the same data gives the same report);
3. the stride-to-stride noise of each session is its robust SD, (p90 - p10) / 2.563, and
   the two are pooled (root mean square).

A change is REAL when the interval excludes zero (the shift is bigger than the sessions'
own noise could make by chance) AND it is at least half the pooled stride-to-stride SD (a
shift far smaller than the scatter of single strides is not one a physio can see, even
when hundreds of strides make it statistically detectable) AND at least the metric's
smallest worthwhile change (MIN_CHANGE: about what a 2D side view at 30 fps resolves; a
change in form moves the landmarks, so other metrics shift by a degree or so without
changing — the synthetic runner shows it). The asymmetry metrics compare two step times
each known to about one frame, so their floor is one frame period as a share of a step.
Otherwise the change is WITHIN NOISE. Fewer than MIN_STRIDES strides: NOT ENOUGH STRIDES.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from station.report.data import MetricSeries
from station.summary import UNITS

BOOTSTRAP_RESAMPLES = 2000
BLOCK_STRIDES = 4
NOISE_FRACTION = 0.5
MIN_STRIDES = 10
#: Smallest change worth calling real, per unit, with per-metric exceptions.
MIN_CHANGE_BY_UNIT = {"deg": 2.0, "%": 1.0, "spm": 2.0, "ms": 10.0, "cm": 0.5}
MIN_CHANGE = {"overstride_pct": 2.0, "head_forward_pct": 2.0, "shoulder_shrug_pct": 2.0,
              "step_time_asym_pct": 2.0, "contact_asym_pct": 2.0}
ASYMMETRY = ("step_time_asym_pct", "contact_asym_pct")
ROBUST_SD_DIVISOR = 2.563  # p90 - p10 of a normal distribution, in SDs

REAL, WITHIN_NOISE, TOO_FEW, NOT_MEASURED = ("real change", "within noise",
                                             "not enough strides", "not measured")
METHOD_TEXT = (
    "Change = median of the after-session strides minus median of the before-session "
    f"strides. 95% interval: moving-block bootstrap ({BOOTSTRAP_RESAMPLES} resamples, blocks "
    f"of {BLOCK_STRIDES} consecutive strides). Stride noise = each session's robust "
    "stride-to-stride SD, (p90 − p10) / 2.563, pooled. A change is called real when its 95% "
    f"interval excludes zero, it is at least {NOISE_FRACTION:g} × the stride noise, and it "
    "is at least the metric's smallest worthwhile change (the 'smallest real' column: about "
    "what a 2D side view resolves; for the asymmetries one video frame as a share of a step); "
    "otherwise it is within noise. "
    f"Sessions with fewer than {MIN_STRIDES} measured strides are not compared.")


def min_change(name: str, fps: float | None = None, cadence_spm: float = math.nan) -> float:
    """The smallest change in `name` worth calling real."""
    floor = MIN_CHANGE.get(name, MIN_CHANGE_BY_UNIT.get(UNITS[name], 0.0))
    if name in ASYMMETRY and fps and math.isfinite(cadence_spm) and cadence_spm > 0:
        step_s = 60.0 / cadence_spm
        floor = max(floor, 100.0 * (1.0 / fps) / step_s)
    return floor


def robust_sd(values: np.ndarray) -> float:
    if values.size < 2:
        return math.nan
    p10, p90 = np.percentile(values, [10, 90])
    return float(p90 - p10) / ROBUST_SD_DIVISOR


def block_bootstrap_medians(values: np.ndarray, rng: np.random.Generator,
                            resamples: int = BOOTSTRAP_RESAMPLES,
                            block: int = BLOCK_STRIDES) -> np.ndarray:
    """Medians of `resamples` moving-block bootstrap resamples of `values` (in time order)."""
    n = values.size
    block = max(1, min(block, n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(resamples, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)).reshape(resamples, -1)[:, :n]
    return np.median(values[idx], axis=1)


@dataclass(frozen=True)
class Change:
    name: str
    before: MetricSeries
    after: MetricSeries
    delta: float
    ci_lo: float
    ci_hi: float
    noise_sd: float
    floor: float
    verdict: str

    @property
    def real(self) -> bool:
        return self.verdict == REAL

    @property
    def pct(self) -> float:
        b = self.before.median
        return 100.0 * self.delta / abs(b) if math.isfinite(b) and abs(b) > 1e-9 else math.nan


def compare_metric(before: MetricSeries, after: MetricSeries, min_change_value: float = 0.0,
                   seed: int = 0) -> Change:
    nan = math.nan
    floor0 = min_change_value
    if before.n == 0 or after.n == 0:
        return Change(before.name, before, after, nan, nan, nan, nan, floor0, NOT_MEASURED)
    delta = after.median - before.median
    noise = math.sqrt((robust_sd(before.values) ** 2 + robust_sd(after.values) ** 2) / 2) \
        if before.n >= 2 and after.n >= 2 else nan
    if before.n < MIN_STRIDES or after.n < MIN_STRIDES:
        return Change(before.name, before, after, delta, nan, nan, noise, floor0, TOO_FEW)
    rng = np.random.default_rng(seed)
    diffs = block_bootstrap_medians(after.values, rng) - block_bootstrap_medians(before.values,
                                                                                rng)
    lo, hi = (float(x) for x in np.percentile(diffs, [2.5, 97.5]))
    excludes_zero = lo > 0 or hi < 0
    verdict = REAL if excludes_zero and abs(delta) >= max(NOISE_FRACTION * noise, floor0) \
        else WITHIN_NOISE
    return Change(before.name, before, after, delta, lo, hi, noise, floor0, verdict)
