#!/usr/bin/env bash
# Fuzz the model loaders: coverage-guided, seeded with builder models, the built-in example and the
# shared real models (read at run time from $MICROINTERP_MODELS or ../shared/models, never copied).
#
#   scripts/fuzz.sh python [--time S] [--runs N] [--out DIR] [-- LIBFUZZER_FLAGS...]
#       atheris (PyPI) over Interpreter.from_bytes + invoke (tests/fuzz/fuzz_python.py); any exception
#       that is not a MicrointerpError is a finding
#   scripts/fuzz.sh c [--time S] [--runs N] [--out DIR] [-- LIBFUZZER_FLAGS...]
#       libFuzzer over the C port's reader, allocation and invoke under ASan + UBSan
#       (tests/fuzz/mi_fuzz_model.c, built with Debian's clang; installed here when missing)
#
# --time S   stop after S seconds (default 60); --runs N  stop after N executions (default: no limit)
# --out DIR  corpus + findings directory (default build/fuzz/<kind>; the corpus grows across runs)
# --seed-bytes N  leave out real models bigger than N bytes (default 131072 for python, 32768 for c:
#            the C target runs a case ~10x faster, so smaller seeds buy many more executions)
# Exit status: 0 when the run ended without a finding, 1 on a finding (libFuzzer saves it as
# DIR/findings/crash-*, leak-*, oom-* or timeout-*: make each one a case in tests/fuzz/), 2 on a
# set-up error. The last lines printed say how many cases ran.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

kind="${1:-}"
case "$kind" in
  python|c) shift ;;
  *) echo "usage: scripts/fuzz.sh python|c [--time S] [--runs N] [--out DIR] [-- LIBFUZZER_FLAGS...]" >&2
     exit 2 ;;
esac
time_s=60; runs=-1; out="build/fuzz/$kind"; extra=()
if [ "$kind" = python ]; then seed_bytes=131072; else seed_bytes=32768; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_s="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seed-bytes) seed_bytes="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$time_s" =~ ^[0-9]+$ && "$runs" =~ ^-?[0-9]+$ && "$seed_bytes" =~ ^[0-9]+$ ]] \
  || { echo "fuzz.sh: --time, --runs and --seed-bytes take integers" >&2; exit 2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

[ -x .venv/bin/python ] || scripts/bootstrap.sh test
mkdir -p "$out/corpus" "$out/findings"
stamp="$out/.started"; touch "$stamp"
.venv/bin/python tests/fuzz/seeds.py "$out/corpus" --max-bytes "$seed_bytes"

# -timeout: a case slower than this is a hang (a finding); -rss_limit_mb: loading must stay bounded
flags=(-max_total_time="$time_s" -runs="$runs" -timeout=25 -rss_limit_mb=3072 -print_final_stats=1
       -artifact_prefix="$out/findings/" "${extra[@]}")

if [ "$kind" = python ]; then
  .venv/bin/python -c "import atheris" 2>/dev/null || .venv/bin/python -m pip install -q atheris </dev/null
  log="$out/last.log"
  set +e
  .venv/bin/python tests/fuzz/fuzz_python.py "$out/corpus" "${flags[@]}" 2>&1 | grep -v '^INFO: Instrumenting' \
    | tee "$log" | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)'
  rc=${PIPESTATUS[0]}
  set -e
else
  apt_install() {
    echo "fuzz.sh: installing $*"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq </dev/null
    as_root apt-get install -y -qq --no-install-recommends "$@" </dev/null
  }
  command -v clang >/dev/null || apt_install clang
  # Debian ships the sanitizer and libFuzzer runtimes apart from clang, per major version
  v=$(clang -dumpversion | cut -d. -f1)
  compgen -G "/usr/lib/llvm-$v/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null \
    || apt_install "libclang-rt-$v-dev" "libfuzzer-$v-dev"
  bin="$out/mi_fuzz_model"
  srcs=(firmware/src/*.c firmware/src/kernels/*.c tests/fuzz/mi_fuzz_model.c)  # the target is its own port
  # rebuild when any C source is newer than the binary (the kernel list grows)
  if [ ! -x "$bin" ] || [ -n "$(find firmware/src firmware/include tests/fuzz \
        -newer "$bin" -name '*.[ch]' | head -1)" ]; then
    echo "fuzz.sh: building $bin (${#srcs[@]} sources, clang $(clang -dumpversion))"
    clang -std=c99 -O2 -g -Wall -Wextra -pedantic -ffp-contract=off -fno-omit-frame-pointer \
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
      -Ifirmware/include -Ifirmware/runner -Ifirmware/src/kernels "${srcs[@]}" -lm -o "$bin"
  fi
  log="$out/last.log"
  set +e
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin" "$out/corpus" "${flags[@]}" 2>&1 | tee "$log" | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)'
  rc=${PIPESTATUS[0]}
  set -e
fi

cases=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
# -fork=N (pass it after --) prints no final stats: its status lines count every job's executions
[ -n "$cases" ] || cases=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
findings=$(find "$out/findings" -type f -newer "$stamp" | wc -l)
echo "fuzz.sh $kind: ${cases:-?} cases in this run, exit $rc, $findings new finding file(s) in $out/findings"
if [ "$rc" -ne 0 ] || [ "$findings" -gt 0 ]; then exit 1; fi
exit 0
