#!/usr/bin/env bash
# `pip install microinterp` is the whole product: build the wheel from this checkout, install it
# into a fresh venv, and from a directory outside the repository run the README's example, the
# firmware cross-check on the host and on an emulated Cortex-M0+, and `firmware export`.
# Needs what scripts/test.sh installs (host gcc, arm-none-eabi-gcc, qemu-system-arm). ~1-2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/microinterp-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "wheel_test: building the wheel"
.venv/bin/python -m pip wheel -q --no-deps -w "$work/dist" "$repo" </dev/null
wheel=$(ls "$work"/dist/microinterp-*.whl)
.venv/bin/python - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["microinterp/_firmware/Makefile", "microinterp/_firmware/src/mi_interpreter.c",
        "microinterp/_firmware/include/mi/mi_interpreter.h", "microinterp/_firmware/ports/cortex_m/cm_startup.c",
        "microinterp/examples/digits_int8.tflite"]
missing = [n for n in need if n not in names]
built = [n for n in names if n.endswith((".o", ".a", ".elf")) or "/build/" in n]
assert not missing, f"the wheel lacks {missing}"
assert not built, f"the wheel carries build output: {built[:5]}"
print(f"wheel_test: {sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, C port included")
PY

echo "wheel_test: installing into a fresh venv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel" </dev/null
mi="$work/venv/bin/microinterp"
cd "$work"                                  # nothing below may come from the checkout
export MICROINTERP_CACHE="$work/cache"      # firmware builds go here, not into site-packages
"$work/venv/bin/python" - <<'PY'
from microinterp.fw import sources
assert sources.is_packaged(), sources.firmware_dir()
print(f"wheel_test: C port found in the installed package: {sources.firmware_dir()}")
PY
"$mi" run --example
model=$("$work/venv/bin/python" -c 'from microinterp.examples import digits_model_path; print(digits_model_path())')
"$mi" firmware targets
"$mi" firmware check "$model" --target host --vectors 2
"$mi" firmware check "$model" --target cortex-m0plus --vectors 2
"$mi" firmware export "$work/exported" >/dev/null
test -f "$work/exported/Makefile" && test -f "$work/exported/src/mi_interpreter.c"
echo "wheel_test: ok (wheel built, installed in a fresh venv, example + firmware check host/cortex-m0plus + export)"
