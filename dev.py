#!/usr/bin/env python3
"""Set up a private virtualenv and run the station's demo or its tests.

    python3 dev.py demo [ARGS...]    run the station demo (set-up first if needed)
    python3 dev.py test [PYTEST ARGS...]
    python3 dev.py station ARGS...   any station command inside the venv
    python3 dev.py setup             (re)install only

Needs only Python >= 3.11 with pip and venv. The venv lives in .venv/ and is
rebuilt when pyproject.toml or this file change (a stamp holds their hash).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".station-stamp"
# Installed without its declared dependencies: see the comment in pyproject.toml.
MEDIAPIPE = "mediapipe==0.10.18"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    h = hashlib.sha256()
    for name in ("pyproject.toml", "dev.py"):
        h.update((ROOT / name).read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def _run(cmd: list[str | Path]) -> None:
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def setup(force: bool = False) -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"dev.py: Python >= 3.11 expected, found {sys.version.split()[0]}")
    py = _venv_python()
    if not force and py.exists() and STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return py
    if not py.exists():
        _run([sys.executable, "-m", "venv", VENV])
    pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    _run(pip + ["--no-deps", MEDIAPIPE])
    _run(pip + ["-e", ".[test]"])
    STAMP.write_text(_wanted_stamp())
    return py


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "setup":
        setup(force=True)
        return 0
    py = setup()
    env = dict(os.environ)
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
    if cmd == "test":
        proc = subprocess.run([str(py), "-m", "pytest", *rest], cwd=ROOT, env=env)
        return proc.returncode
    station = [str(py), "-m", "station"]
    if cmd == "demo":
        return subprocess.run(station + ["demo", *rest], env=env).returncode
    if cmd == "station":
        return subprocess.run(station + rest, env=env).returncode
    print(f"dev.py: unknown command {cmd!r}; expected demo, test, station or setup", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
