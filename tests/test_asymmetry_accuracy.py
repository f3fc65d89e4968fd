"""Asymmetry against the synthetic runner's truth, under the issue's landmark noise."""
import json

import pytest

from station.cli import main
from station.synth.knobs import resolve_knobs
from station.synth.writer import write_clip

NOISE = {"jitter_px": 2.0, "drop_pct": 2.0, "swaps_per_min": 4.0}


def analysed(tmp_path, knobs: dict, seed: int) -> tuple[dict, dict]:
    k = resolve_knobs({**NOISE, **knobs})
    write_clip(tmp_path, k, 60.0, seed, video=False)
    code = main(["analyze", str(tmp_path / "landmarks.csv"), "--json", str(tmp_path / "s.json"),
                 "--belt-kmh", str(k.main["belt_kmh"])])
    assert code == 0
    return (json.loads((tmp_path / "s.json").read_text())["metrics"],
            json.loads((tmp_path / "truth.json").read_text())["metrics"])


def test_contact_time_asymmetry_is_found(tmp_path):
    got, truth = analysed(tmp_path, {"contact_asym_pct": 8.0}, 5)
    assert got["contact_asym_pct"]["median"] == pytest.approx(
        truth["contact_asym_pct"]["median"], abs=3.0)


@pytest.mark.xfail(strict=True, reason="a 5% step-time asymmetry reads 2.3-3.3% (seeds 5, 6) "
                   "and an even runner 2.0-3.1%: under 2 px jitter one foot's contacts come "
                   "0.1-0.2 frame later than the other's (kernels/gait_events) and the "
                   "30-step means still scatter by ~2%; a 5% asymmetry is not told from none")
def test_step_time_asymmetry_is_found(tmp_path):
    got, truth = analysed(tmp_path, {"step_time_asym_pct": 5.0}, 5)
    assert got["step_time_asym_pct"]["median"] == pytest.approx(
        truth["step_time_asym_pct"]["median"], abs=2.0)


def test_an_even_runner_reads_under_the_band(tmp_path):
    got, _ = analysed(tmp_path, {}, 5)
    assert got["step_time_asym_pct"]["median"] < 4.0
    assert got["contact_asym_pct"]["median"] < 4.0
