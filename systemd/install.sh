#!/usr/bin/env bash
# Install the treadmill station as a systemd service on Raspberry Pi OS (Bookworm, 64-bit).
# Run as root from a checkout:  sudo systemd/install.sh [--dry-run] [--start]
# Safe to run again: every step checks first and only does what is missing.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: install.sh [--dry-run] [--start] [--source DIR] [--prefix DIR] [--user NAME]
                  [--unit-dir DIR]

Installs the treadmill station on Raspberry Pi OS as the systemd service
treadmill-station.service:
  1. apt packages: python3-picamera2 (libcamera), python3-venv, python3-pip and the
     libraries pygame-ce's SDL needs to draw through KMS/DRM (no desktop needed)
  2. a system user (default "station") in the video, gpio, render and input groups
  3. a venv with --system-site-packages (picamera2 and libcamera come from apt)
     at PREFIX/venv, mediapipe==0.10.18 installed --no-deps, then the station package
  4. the unit in /etc/systemd/system, enabled (started too with --start)

Options:
  --dry-run     print every action without doing any (no root needed)
  --start       (re)start the service once installed
  --source DIR  the station checkout to install (default: the one holding this script)
  --prefix DIR  where the venv goes (default: /opt/treadmill-station)
  --user NAME   the service's user (default: station)
  --unit-dir DIR  where the unit goes (default: /etc/systemd/system)
  -h, --help    this text

Afterwards:  sudo -u station PREFIX/venv/bin/station doctor
EOF
}

DRY_RUN=0
START=0
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/treadmill-station
SERVICE_USER=station
UNIT_NAME=treadmill-station.service
UNIT_DIR=/etc/systemd/system
# mediapipe 0.10.18 declares jax, jaxlib, opencv-contrib-python, sentencepiece and
# sounddevice, which the pose solution never imports (~320 MB): install it without them;
# the station's own dependencies list what mediapipe does import (see pyproject.toml, dev.py).
MEDIAPIPE=mediapipe==0.10.18
APT_PACKAGES=(
    python3-picamera2   # picamera2 + libcamera bindings: only from apt, never from pip
    python3-venv
    python3-pip
    python3-lgpio       # gpiozero's pin library on a Pi 5 (GPIOZERO_PIN_FACTORY=lgpio)
    libsdl2-2.0-0       # SDL runtime; pygame-ce's bundled SDL also loads the three below
    libdrm2             # kmsdrm: mode setting
    libgbm1             # kmsdrm: buffers
    libegl1             # kmsdrm: GL context on the GPU
    libgles2
    fonts-dejavu-core   # a readable font for the cues (optional, small)
)
GROUPS_WANTED=(video gpio render input)

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --start) START=1 ;;
        --source) SOURCE_DIR="${2:?--source needs a directory}"; shift ;;
        --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
        --user) SERVICE_USER="${2:?--user needs a name}"; shift ;;
        --unit-dir) UNIT_DIR="${2:?--unit-dir needs a directory}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
VENV="$PREFIX/venv"
STATE_DIR=/var/lib/treadmill-station

say() { printf '%s\n' "$*"; }
# Every change goes through run: printed always, done unless --dry-run.
run() {
    local shown
    shown="$(printf '%q ' "$@")"
    if [[ $DRY_RUN -eq 1 ]]; then
        say "would run: ${shown% }"
    else
        say "+ ${shown% }"
        "$@"
    fi
}
# The same, printing LABEL instead of the command (when the command names a temp file).
run_labeled() {
    local label="$1"; shift
    if [[ $DRY_RUN -eq 1 ]]; then say "would run: $label"; else say "+ $label"; "$@"; fi
}
die() { echo "install.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- checks
[[ -f "$SOURCE_DIR/pyproject.toml" && -f "$SOURCE_DIR/systemd/$UNIT_NAME" ]] ||
    die "$SOURCE_DIR is not a station checkout (no pyproject.toml / systemd/$UNIT_NAME); use --source DIR"
if [[ $DRY_RUN -eq 0 && $EUID -ne 0 ]]; then
    die "run as root (sudo $0), or with --dry-run to see what it would do"
fi
[[ $DRY_RUN -eq 1 ]] && say "dry run: nothing will be changed"

# ---------------------------------------------------------------- 1. apt packages
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
    run apt-get update
    if [[ " ${missing[*]} " == *" python3-picamera2 "* ]] && ! apt-cache show python3-picamera2 >/dev/null 2>&1; then
        msg="python3-picamera2 is not in this system's apt sources: this script is for Raspberry Pi OS (archive.raspberrypi.com)"
        [[ $DRY_RUN -eq 1 ]] && say "warning: $msg" || die "$msg"
    fi
    # --no-install-recommends keeps python3-picamera2 from pulling the Qt/desktop preview stack.
    run apt-get install -y --no-install-recommends "${missing[@]}"
else
    say "apt packages: all present"
fi

# mediapipe 0.10.18 has wheels for CPython 3.9-3.12 only (DESIGN.md, "Pose").
py_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
case "$py_version" in
    3.9|3.10|3.11|3.12) ;;
    none) [[ $DRY_RUN -eq 1 ]] || die "python3 not found after installing packages" ;;
    *) die "python3 is $py_version: mediapipe 0.10.18 has no wheel for it (3.9-3.12); use Raspberry Pi OS Bookworm, or the Tasks backend with a newer mediapipe (station --pose-task)" ;;
esac

# ---------------------------------------------------------------- 2. user and groups
if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    say "user $SERVICE_USER: exists"
else
    run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "treadmill station service" "$SERVICE_USER"
fi
for group in "${GROUPS_WANTED[@]}"; do
    if ! getent group "$group" >/dev/null; then
        # The unit's SupplementaryGroups= would then fail to start the service: say so now.
        say "warning: group $group does not exist on this system (not Raspberry Pi OS?)"
    elif id -nG "$SERVICE_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
        say "user $SERVICE_USER: already in $group"
    else
        run usermod --append --groups "$group" "$SERVICE_USER"
    fi
done

# ---------------------------------------------------------------- 3. venv and package
if [[ -x "$VENV/bin/python" ]]; then
    if grep -qi '^include-system-site-packages *= *true' "$VENV/pyvenv.cfg"; then
        say "venv $VENV: exists"
    else
        die "$VENV exists without --system-site-packages, so picamera2 cannot be seen; remove it and run again"
    fi
else
    run install -d -m 0755 "$PREFIX"
    # --system-site-packages: picamera2 and libcamera's Python bindings only exist in apt.
    run python3 -m venv --system-site-packages "$VENV"
fi
pip=("$VENV/bin/python" -m pip install --disable-pip-version-check --no-input)
run "${pip[@]}" --no-deps "$MEDIAPIPE"
# numpy stays < 2 (pyproject): apt's picamera2 stack is built against numpy 1.x.
run "${pip[@]}" --upgrade "$SOURCE_DIR"
run install -m 0644 "$SOURCE_DIR/README.md" "$PREFIX/README.md"

# ---------------------------------------------------------------- 4. the unit
unit_src="$SOURCE_DIR/systemd/$UNIT_NAME"
unit_dst="$UNIT_DIR/$UNIT_NAME"
unit_tmp="$(mktemp)"
trap 'rm -f "$unit_tmp"' EXIT
# The unit names /opt/treadmill-station and the user "station": follow --prefix and --user.
sed -e "s#/opt/treadmill-station#$PREFIX#g" \
    -e "s#^User=station\$#User=$SERVICE_USER#" -e "s#^Group=station\$#Group=$SERVICE_USER#" \
    "$unit_src" >"$unit_tmp"
if [[ -f "$unit_dst" ]] && cmp -s "$unit_tmp" "$unit_dst"; then
    say "unit $unit_dst: up to date"
else
    run_labeled "install -m 0644 $unit_src $unit_dst  (ExecStart under $PREFIX, User=$SERVICE_USER)" \
        install -m 0644 "$unit_tmp" "$unit_dst"
    run systemctl daemon-reload
fi
if systemctl is-enabled --quiet "$UNIT_NAME" 2>/dev/null; then
    say "unit $UNIT_NAME: enabled"
else
    run systemctl enable "$UNIT_NAME"
fi
if [[ $START -eq 1 ]]; then
    run systemctl restart "$UNIT_NAME"
else
    say "not started: check with 'sudo -u $SERVICE_USER $VENV/bin/station doctor', then 'sudo systemctl start $UNIT_NAME'"
fi
if [[ $DRY_RUN -eq 1 ]]; then say "done (dry run: nothing changed)"; else say "done"; fi
