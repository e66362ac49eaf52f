#!/usr/bin/env bash
# Create .venv and install microinterp into it (editable).
#   scripts/bootstrap.sh            runtime only (numpy, flatbuffers, tflite)
#   scripts/bootstrap.sh test       + test extras (pytest, hypothesis, tflite-micro, ai-edge-litert, ...)
# On a fresh Debian/Ubuntu machine, python3-venv may be missing: it is installed with apt-get
# (as root, or through sudo when available).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    echo "bootstrap: need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq </dev/null
  as_root apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

if ! command -v python3 >/dev/null; then apt_install python3 python3-venv; fi
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install python3-venv "python${pyver}-venv" || apt_install python3-venv
    python3 -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip </dev/null
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]" </dev/null
else
  .venv/bin/python -m pip install -q -e . </dev/null
fi
