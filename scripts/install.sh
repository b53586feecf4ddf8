#!/usr/bin/env bash
# Installs everything the kiosk needs on a Debian 12 / Ubuntu machine:
# the apt packages (pcscd, the vpcd virtual reader, CJK fonts, Qt's runtime
# libraries, Xvfb), a Python 3.11 virtual environment in .venv, and the project.
# Idempotent: a second run with nothing changed takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pcscd libpcsclite-dev swig vsmartcard-vpcd pcsc-tools
  fonts-noto-cjk fontconfig
  xvfb xauth
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libglib2.0-0
  python3 python3-venv python3-dev gcc
  postgresql
  espeak-ng            # offline speech (ui/speech.py), Mandarin and English voices
  systemd cage xwayland libwayland-cursor0 libwayland-egl1  # the appliance: its units, cage (which
                       # needs Xwayland) and Qt's Wayland client (deploy/, docs/deploy.md, tests/deploy)
)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install.sh: need root (or sudo) to install: $*" >&2; return 1; fi
}

# PostgreSQL: the tests and bench/backoffice.py start a PRIVATE server of their own
# (tests/support/postgres.py: initdb in a temporary directory, a free loopback port,
# run as the `postgres` user) and need only the binaries. Where PostgreSQL is not
# installed yet, Debian's postinst is told not to create and start the system-wide
# "main" cluster (`pg_createcluster <version> main` makes one if ever wanted).
if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
  as_root mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | as_root tee \
    /etc/postgresql-common/createcluster.d/ssc-kiosk-no-main-cluster.conf >/dev/null
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: installing apt packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "install.sh: PostgreSQL's initdb is missing (/usr/lib/postgresql/<version>/bin)" >&2; exit 1
fi

# Python 3.11 (Debian 12's python3 is 3.11; a pyenv or other 3.11 on PATH is fine too)
PY=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    PY=$(command -v "$cand"); break
  fi
done
[ -n "$PY" ] || { echo "install.sh: Python 3.11 not found" >&2; exit 1; }

stamp_src=$(cat pyproject.toml scripts/install.sh | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.install-stamp 2>/dev/null)" != "$stamp_src" ]; then
  echo "install.sh: creating .venv with $PY"
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  # the tests and the demo run the reference back office in-process: its extra too
  # (a kiosk installs the project alone: docs/deploy.md)
  .venv/bin/python -m pip install -q -e '.[test,backoffice]'
  echo "$stamp_src" > .venv/.install-stamp
fi

# The translations: locales/*.qm from the committed locales/*.ts, on every run
# (it rebuilds only a .qm older than its .ts, so it costs nothing when current).
.venv/bin/python scripts/build_translations.py --release --quiet

# The kiosk's own modules compiled to bytecode once, as a deployment does (the kiosk user
# cannot write /opt, and a machine may set PYTHONDONTWRITEBYTECODE): each start then loads
# bytecode instead of compiling the sources again. Only what changed is compiled again.
.venv/bin/python -m compileall -q -j 0 kiosk kiosk_cli ui devices backoffice >/dev/null
