"""A before/after report from two synthetic sessions that differ in known ways: overstride
30% -> 5% of leg length and cadence 160 -> 171 spm (+7%), same trunk lean. The report must
call those changes real and trunk lean unchanged, be one self-contained HTML file, mark the
proxies "est." and show matched frames on the kept video."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from station.cli import main
from station.contracts import Pose, StrideMetrics
from station.report.compare import (REAL, WITHIN_NOISE, block_bootstrap_medians,
                                    compare_metric)
from station.report.data import MetricSeries
from station.store import SessionRecorder, Store

REPO = Path(__file__).resolve().parent.parent
KNOBS = {"before": ["--overstride-pct", "30", "--cadence-spm", "160", "--seed", "1"],
         "after": ["--overstride-pct", "5", "--cadence-spm", "171", "--seed", "2"]}


@pytest.fixture(scope="module")
def two_sessions(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    procs = {name: subprocess.Popen(
        [sys.executable, "-m", "station", "synth", "--out", str(root / name), "--seconds",
         "20", "--jitter-px", "1", *knobs], cwd=REPO, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL) for name, knobs in KNOBS.items()}
    for p in procs.values():
        assert p.wait(timeout=120) == 0
    data = root / "data"
    assert main(["runners", "add", "Ana", "--height-cm", "175", "--notes", "LBP",
                 "--data-dir", str(data)]) == 0
    for name in KNOBS:
        assert main(["sessions", "import", str(root / name / "landmarks.csv"), "--runner", "Ana",
                     "--video", str(root / name / "runner.mp4"), "--notes", f"{name} visit",
                     "--data-dir", str(data)]) == 0
    out = root / "report.html"
    assert main(["report", "1", "2", "--out", str(out), "--data-dir", str(data)]) == 0
    return data, out, out.read_text(encoding="utf-8")


def _row(html: str, label: str) -> str:
    m = re.search(r"<tr[^>]*><td class='l[^']*'>" + re.escape(label) + r"(?:\s*<span[^<]*</span>)?"
                  r"</td>.*?</tr>", html)
    assert m, label
    return m.group(0)


def test_known_changes_are_real_and_trunk_lean_is_not(two_sessions):
    _, _, html = two_sessions
    assert "real change" in _row(html, "Overstride")
    assert "real change" in _row(html, "Cadence")
    assert "within noise" in _row(html, "Trunk lean")
    assert "within noise" in _row(html, "Vertical oscillation")
    summary = html.split("<table class='metrics'>")[0]
    assert "<b>Overstride</b>" in summary and "<b>Cadence</b>" in summary
    assert "Trunk lean" in summary.split("Within noise")[1]


def test_the_report_is_one_self_contained_printable_file(two_sessions):
    _, path, html = two_sessions
    assert not re.search(r"(src|href)=['\"](?!data:)", html)  # nothing fetched from outside
    assert html.count("data:image/png;base64,") >= 2 + 6     # 2 plots, 3 phases x 2 sessions
    assert "@media print" in html and "page-break-before" in html
    assert (path.stat().st_mode & 0o777) == 0o600


def test_proxies_are_marked_estimates_and_the_method_is_stated(two_sessions):
    _, _, html = two_sessions
    assert "est." in _row(html, "Pelvic tilt") and "est." in _row(html, "Rib flare")
    assert "est." not in _row(html, "Trunk lean")
    assert "bootstrap" in html and "stride noise" in html.lower()


def test_matched_frames_come_from_the_kept_video_and_cues_and_notes_are_there(two_sessions):
    data, _, html = two_sessions
    section = html.split("<h2>Matched frames</h2>")[1].split("<h2>")[0]
    assert "skeleton only" not in section and "could not be read" not in section
    for phase in ("Initial contact", "Mid-stance", "Toe-off"):
        assert phase in section
    assert "Shorten your stride" in html.split("<h2>Cues given</h2>")[1]
    notes = html.split("<h2>Notes</h2>")[1]
    assert "before visit" in notes and "after visit" in notes and "LBP" in notes
    with Store(data) as store:
        assert all(s.video_path for s in store.sessions())


def test_a_one_session_report(two_sessions, tmp_path):
    data, _, _ = two_sessions
    out = tmp_path / "one.html"
    assert main(["report", "2", "--out", str(out), "--data-dir", str(data)]) == 0
    html = out.read_text()
    assert "Session 2" in html and "real change" not in html
    assert "Overstride" in html and "Matched frames" in html


def test_bootstrap_rule_on_plain_numbers():
    rng = np.random.default_rng(0)
    t = np.arange(80.0)
    a = MetricSeries("trunk_lean_deg", t, rng.normal(7.0, 1.0, 80))
    same = MetricSeries("trunk_lean_deg", t, rng.normal(7.0, 1.0, 80))
    moved = MetricSeries("trunk_lean_deg", t, rng.normal(10.0, 1.0, 80))
    assert compare_metric(a, same, 2.0).verdict == WITHIN_NOISE
    c = compare_metric(a, moved, 2.0)
    assert c.verdict == REAL and c.ci_lo < 3.0 < c.ci_hi
    # Statistically clear but smaller than half the stride scatter: within noise.
    tiny = MetricSeries("trunk_lean_deg", t, a.values + 0.4)
    assert compare_metric(a, tiny, 0.0).verdict == WITHIN_NOISE
    meds = block_bootstrap_medians(np.arange(10.0), np.random.default_rng(1), 50, 4)
    assert meds.shape == (50,) and meds.min() >= 0 and meds.max() <= 9


def test_a_short_interrupted_session_is_reported_with_warnings(tmp_path):
    data = tmp_path / "data"
    rec = SessionRecorder(data, config={}, fps=30.0).start()
    rec.start_session(0)
    for i in range(90):
        xy = np.full((33, 2), 100.0 + i, np.float32)
        rec.add_frame(Pose(xy, np.ones(33, np.float32), None, i * 33_333_333, i))
        if i % 20 == 10:
            rec.add_stride(StrideMetrics(i * 33_333_333, "left", i // 20,
                                         {"cadence_spm": 170.0, "trunk_lean_deg": 7.0}, {}))
    deadline = time.monotonic() + 3
    while rec.counts.strides < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    rec._lock.release()  # as if the process had died: nobody holds the recording lock
    try:
        out = tmp_path / "r.html"
        assert main(["report", "1", "--out", str(out), "--data-dir", str(data)]) == 0
    finally:
        rec.close()
    html = out.read_text()
    assert "only 4 stride(s) measured" in html and "was cut off" in html
    assert "not measured" in html  # metrics without values say so
