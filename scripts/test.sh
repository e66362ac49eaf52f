#!/usr/bin/env bash
# Set up everything the tests need, then run them all (this is what CI runs).
#  - .venv with the test extras (pytest, hypothesis, tflite-micro = the TFLM oracle, ai-edge-litert)
#  - host gcc/make, the ARM toolchain and QEMU for the firmware tests (Debian/Ubuntu packages),
#    installed with apt-get when missing
#  - a full run (no arguments) also builds the wheel and runs it from a fresh venv (scripts/wheel_test.sh)
# Extra arguments are passed to pytest, e.g. scripts/test.sh -k conv
# Strict mode (CI=true or MICROINTERP_STRICT=1; .ci/run always sets it): a missing TFLM oracle, model
# set or toolchain fails the run with what is missing and how to get it, instead of skipping tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v make >/dev/null || need+=(make)
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi)
[ -f /usr/lib/arm-none-eabi/newlib/libc.a ] || need+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v chromium >/dev/null || need+=(chromium)   # the docs site is checked in a real browser
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo -n"; fi
  $sudo apt-get update -qq </dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null
fi

scripts/bootstrap.sh test
.venv/bin/ruff check src tests benchmarks examples
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
.venv/bin/python -m pytest "$@" </dev/null
if [ $# -eq 0 ]; then
  scripts/wheel_test.sh </dev/null
fi
