#!/usr/bin/env bash
# Create .venv and install microinterp into it (editable).
#   scripts/bootstrap.sh            runtime only (numpy, flatbuffers, tflite)
#   scripts/bootstrap.sh test       + test extras (pytest, hypothesis, tflite-micro, ai-edge-litert, ...)
#                                   and the converter venv below
#   scripts/bootstrap.sh converter  only .venv-converter: TensorFlow's converter (tensorflow-cpu, pinned), in
#                                   a venv of its own because its numpy/protobuf pins are not the test venv's;
#                                   tests/converter/ runs its make_models.py there to convert Keras models as
#                                   users do (Linux x86_64 only, like the oracle; ~260 MB wheel, ~1 min warm)
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

#: the converter the tests pin (tests/converter/ reads the version back from the venv)
TENSORFLOW_PIN="tensorflow-cpu==2.21.0"

make_venv() {  # make_venv DIR: a python3 venv, installing python3-venv when it is missing
  if [ ! -x "$1/bin/python" ]; then
    if ! python3 -m venv "$1" 2>/dev/null; then
      rm -rf "$1"
      pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt_install python3-venv "python${pyver}-venv" || apt_install python3-venv
      python3 -m venv "$1"
    fi
  fi
}

converter_venv() {
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "bootstrap: no TensorFlow converter venv on $(uname -s)-$(uname -m) (the converter tests need Linux x86_64)" >&2
    return 0
  fi
  make_venv .venv-converter
  if ! .venv-converter/bin/python -c "import importlib.metadata as m, sys
sys.exit(m.version('${TENSORFLOW_PIN%%==*}') != '${TENSORFLOW_PIN##*==}')" 2>/dev/null; then
    .venv-converter/bin/python -m pip install -q --upgrade pip </dev/null
    .venv-converter/bin/python -m pip install -q "$TENSORFLOW_PIN" </dev/null
  fi
}

if ! command -v python3 >/dev/null; then apt_install python3 python3-venv; fi
if [ "$extras" = converter ]; then
  converter_venv
  exit 0
fi
make_venv .venv
.venv/bin/python -m pip install -q --upgrade pip </dev/null
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]" </dev/null
else
  .venv/bin/python -m pip install -q -e . </dev/null
fi
if [ "$extras" = test ]; then
  converter_venv
fi
