"""`station runners`, `station sessions` and `station run --runner` from the command line:
one-line errors with exit 2, import, show, export read back by `analyze`, delete."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from station.cli import main
from station.store import Store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(out), "--seconds", "12", "--no-video"]) == 0
    return out


def station(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_runners_add_list_and_a_duplicate(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert station(capsys, "runners", "add", "Ana Lopez", "--height-cm", "168", "--notes",
                   "low back pain", "--data-dir", d)[0] == 0
    code, out, _ = station(capsys, "runners", "list", "--data-dir", d)
    assert code == 0 and "Ana Lopez" in out and "168 cm" in out and "low back pain" in out
    code, _, err = station(capsys, "runners", "add", "Ana Lopez", "--data-dir", d)
    assert code == 2 and "already exists" in one_line_error(err)


@pytest.mark.parametrize("args, expected", [
    (["sessions", "show", "7"], "session 7 not found"),
    (["sessions", "show", "x"], "expected a session number"),
    (["sessions", "delete", "3"], "session 3 not found"),
    (["sessions", "export", "1", "--csv", "/tmp/never"], "session 1 not found"),
    (["sessions", "import", "/nonexistent.csv"], "no such file"),
    (["sessions", "import", "/nonexistent.csv", "--runner", "Bob"], "runner 'Bob' not found"),
    (["report", "1", "2", "--out", "/tmp/r.html"], "session 1 not found"),
    (["report", "1", "1", "--out", "/tmp/r.html"], "same session"),
    (["report", "1", "2", "3", "--out", "/tmp/r.html"], "expected one session ID"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, expected):
    code, _, err = station(capsys, *args, "--data-dir", str(tmp_path / "d"))
    assert code == 2
    assert expected in one_line_error(err)


def test_run_with_an_unknown_runner_says_how_to_add_one(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "station", "demo", "--headless", "--no-gpio",
                        "--seconds", "1", "--runner", "Nobody"], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=60)
    assert r.returncode == 2
    line = one_line_error(r.stderr)
    assert "runner 'Nobody' not found" in line and "station runners add" in line


def test_a_corrupt_database_is_one_line(tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    (d / "station.db").write_bytes(b"garbage" * 1000)
    code, _, err = station(capsys, "sessions", "list", "--data-dir", str(d))
    assert code == 2 and "not a usable station database" in one_line_error(err)


def test_import_show_export_analyze_delete(tmp_path, capsys, synth_dir):
    d = str(tmp_path / "d")
    station(capsys, "runners", "add", "Ana", "--height-cm", "175", "--data-dir", d)
    code, out, _ = station(capsys, "sessions", "import", str(synth_dir / "landmarks.csv"),
                           "--runner", "Ana", "--notes", "first visit", "--data-dir", d)
    assert code == 0 and "as session 1" in out
    code, out, _ = station(capsys, "sessions", "list", "--data-dir", d)
    assert code == 0 and "Ana" in out and "imported" in out
    code, out, _ = station(capsys, "sessions", "show", "1", "--data-dir", d)
    assert code == 0 and "first visit" in out and "Pelvic tilt (est.)" in out
    assert "Cadence" in out
    exp = tmp_path / "export"
    code, out, _ = station(capsys, "sessions", "export", "1", "--csv", str(exp), "--data-dir", d)
    assert code == 0
    assert {p.name for p in exp.iterdir()} == {"landmarks.csv", "strides.csv", "events.csv",
                                               "cues.csv"}
    # The exported landmarks read back through analyze: same cadence as the import.
    with Store(Path(d)) as store:
        stored = store.strides(1)
    summary_path = tmp_path / "s.json"
    code, _, _ = station(capsys, "analyze", str(exp / "landmarks.csv"), "--json",
                         str(summary_path))
    assert code == 0
    summary = json.loads(summary_path.read_text())
    assert summary["frames"] == 12 * 30
    assert abs(summary["strides"] - len(stored)) <= 1
    assert abs(summary["cadence_spm"] - 170) < 3
    code, out, _ = station(capsys, "sessions", "delete", "1", "--data-dir", d)
    assert code == 0 and "deleted session 1" in out
    code, out, _ = station(capsys, "sessions", "list", "--data-dir", d)
    assert "no sessions" in out


def test_run_goes_on_without_recording_when_the_data_directory_is_unusable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    cfg = tmp_path / "station.toml"
    cfg.write_text(f'[data]\ndir = "{blocker / "data"}"\n')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "station", "demo", "--headless", "--no-gpio",
                        "--seconds", "3", "--config", str(cfg)], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "not recording: data directory" in r.stdout
    assert "cannot record sessions" in r.stderr
