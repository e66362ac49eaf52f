"""TFLM arena sizing against the real TFLM.

host64 is checked against the tflite-micro wheel itself: its
``print_allocations`` totals (one subprocess for all models, cached for the
session), the bisected minimum arenas in ``manifest.json``, and live probes
(the predicted size works, one byte less fails) on a few models. cortex-m is
checked against the 32-bit ``arena_used_bytes`` measured on the MLPerf Tiny
models in REFERENCE.md. TFLM can segfault on too small an arena, so every
probe runs in its own process (a fork of one that imported the wheel).

The models come from ``manifest.json`` when the models directory has one
(../shared/models); a cache filled by scripts/fetch_models.py has none, so
then they are the ones tests/models.json lists, all expected to run in TFLM
but ``TFLM_REFUSES`` (an unlisted refusal fails the layout test), and each
model's bisected minimum is replaced by live probes of the predicted size:
TFLM runs with it and fails with one byte less, which is what the bisection
found (checked: on the 84 models both ways agree).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from oracle import MODEL_LIST, MODELS_DIR, model_path, requires_tflm, tflm_runtime

from microinterp.memory.tflm_arena import TARGETS, plan_model, tflm_arena
from microinterp.model import load_model

# --------------------------------------------------------------------------- TFLM probes (shared by the plan tests)

_PRINT_ALLOCATIONS = r"""
import ctypes, sys
from tflite_micro.python.tflite_micro import runtime
libc = ctypes.CDLL(None)
for path in sys.argv[1:]:
    print("@@", path, file=sys.stderr, flush=True)
    try:
        data = open(path, "rb").read()
        it = runtime.Interpreter.from_bytes(data, arena_size=max(-(-10 * len(data) // 16) * 16, 1 << 22))
        libc.fflush(None)
        it.print_allocations()
    except Exception as e:
        print("!!", type(e).__name__, file=sys.stderr, flush=True)
    libc.fflush(None)
    sys.stdout.flush()
"""

_FITS = r"""
import os, sys
from tflite_micro.python.tflite_micro import runtime
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
try:
    it = runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read(), arena_size=int(sys.argv[2]))
    it.invoke()
except Exception:
    sys.exit(3)
"""


@functools.cache
def manifest() -> dict:
    p = MODELS_DIR / "manifest.json"
    return json.loads(p.read_text()) if p.exists() else {}


#: the listed models TFLM refuses to allocate (manifest fact tflm_ok False): a float KWS
#: variant, a uint8 one and an Ethos-U (Vela) one
TFLM_REFUSES = {"mlperf-tiny/kws_ref_model_float32.tflite", "mlperf-tiny/model_ToyCar_quant.tflite",
                "tflite-micro/person_detect_vela.tflite"}


@functools.cache
def tflm_models() -> dict[str, Path]:
    """Models TFLM runs, relative path -> file: manifest fact tflm_ok, or without a manifest
    (a fetch_models.py cache) every model tests/models.json lists but TFLM_REFUSES."""
    if manifest():
        runs = [rel for rel, v in manifest().items() if v["facts"].get("tflm_ok") == "True"]
    else:
        runs = [rel for rel in json.loads(MODEL_LIST.read_text())["models"] if rel not in TFLM_REFUSES]
    return {rel: MODELS_DIR / rel for rel in runs if (MODELS_DIR / rel).exists()}


@functools.cache
def tflm_allocations() -> dict[str, dict[str, int]]:
    """``print_allocations`` of every TFLM-runnable model: total, head, tail."""
    models = tflm_models()
    out = subprocess.run([sys.executable, "-c", _PRINT_ALLOCATIONS, *map(str, models.values())],
                         capture_output=True, text=True, timeout=600).stderr  # MicroPrintf writes to stderr
    by_path = {str(p): rel for rel, p in models.items()}
    result: dict[str, dict[str, int]] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("@@ "):
            current = by_path[line[3:]]
            result[current] = {}
        m = re.search(r"Arena allocation (total|head|tail) (\d+) bytes", line)
        if m and current:
            result[current][m.group(1)] = int(m.group(2))
    return result


_FITS_MANY = r"""
import os, sys
from tflite_micro.python.tflite_micro import runtime
devnull = os.open(os.devnull, os.O_WRONLY)
for line in sys.stdin:
    size, path = line.rstrip("\n").split(" ", 1)
    pid = os.fork()  # a probe that crashes TFLM takes only its own process down
    if pid == 0:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            runtime.Interpreter.from_bytes(open(path, "rb").read(), arena_size=int(size)).invoke()
        except Exception:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(int(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0), size, path, flush=True)
"""


def tflm_fits_many(probes: list[tuple[Path, int]]) -> dict[tuple[str, int], bool]:
    """``tflm_fits`` of many (path, arena size) pairs: one process imports the wheel and
    forks one child per probe (168 probes take ~3 s, against ~1 s per process)."""
    lines = "".join(f"{size} {path}\n" for path, size in probes)
    out = subprocess.run([sys.executable, "-c", _FITS_MANY], input=lines, capture_output=True, text=True,
                         timeout=600).stdout
    result = {}
    for line in out.splitlines():
        ok, size, path = line.split(" ", 2)
        result[(path, int(size))] = ok == "1"
    return result


def tflm_fits(path: str | Path, arena_size: int) -> bool:
    """Does TFLM allocate and invoke ``path`` with ``arena_size`` bytes? (own process)"""
    r = subprocess.run([sys.executable, "-c", _FITS, str(path), str(arena_size)],
                       capture_output=True, timeout=120)
    return r.returncode == 0


#: models whose ops have no allocation model here: sizing is approximate (none today)
APPROXIMATE: set[str] = set()
#: Residuals that remain, documented: on keyword_scrambled (7 int8 SVDF ops, binding
#: constraint = the greedy planner's working memory while planning) the replay asks for
#: 8 bytes more than the wheel needs; the layout after AllocateTensors() is exact.
RESIDUAL_MIN = {"tflite-micro/keyword_scrambled.tflite": 8}

_PARAMS = sorted(tflm_models()) or ["(no models)"]


def _skip_missing(rel: str) -> None:
    if rel == "(no models)":
        pytest.skip(f"shared models not found under {MODELS_DIR}")
    if rel in APPROXIMATE:
        pytest.skip("custom Signal ops: no allocation model for them (reported as approximate)")


# --------------------------------------------------------------------------- host64 vs the wheel


@requires_tflm
@pytest.mark.parametrize("rel", _PARAMS)
def test_host64_layout_equals_tflm(rel: str) -> None:
    """Head, tail and total after AllocateTensors() equal the wheel's print_allocations."""
    _skip_missing(rel)
    got = tflm_arena(load_model(str(tflm_models()[rel])), "host64")
    allocations = tflm_allocations()
    assert rel in allocations, "the TFLM wheel refused to allocate it (list it in TFLM_REFUSES if it must)"
    want = allocations[rel]
    assert (got.planned_bytes, got.persistent_bytes, got.used_bytes) == (want["head"], want["tail"], want["total"])


@functools.cache
def minimum_probes() -> dict[tuple[str, int], bool]:
    """Without manifest.json: TFLM at each model's predicted minimum (less its documented
    residual) and at one byte less, in one batch."""
    probes = []
    for rel, path in tflm_models().items():
        if rel not in APPROXIMATE:
            n = tflm_arena(load_model(str(path)), "host64").arena_bytes - RESIDUAL_MIN.get(rel, 0)
            probes += [(path, n), (path, n - 1)]
    return tflm_fits_many(probes)


@pytest.mark.parametrize("rel", _PARAMS)
def test_host64_minimum_equals_bisected(rel: str) -> None:
    """The predicted minimum arena equals the bisected TFLM minimum in manifest.json or,
    without one, the minimum live probes find (TFLM fits it, not one byte less)."""
    _skip_missing(rel)
    got = tflm_arena(load_model(str(tflm_models()[rel])), "host64")
    if manifest():
        want = int(manifest()[rel]["facts"]["tflm_arena_min_bisect"])
        assert got.arena_bytes - want == RESIDUAL_MIN.get(rel, 0)
        return
    if tflm_runtime is None:
        pytest.skip("no manifest.json with bisected minima and no TFLM oracle to probe them live")
    n = got.arena_bytes - RESIDUAL_MIN.get(rel, 0)
    path = str(tflm_models()[rel])
    assert minimum_probes()[(path, n)], f"TFLM fails with the predicted minimum {n} B"
    assert not minimum_probes()[(path, n - 1)], f"TFLM still runs with {n - 1} B, below the predicted minimum"


def test_tflm_refusals_are_the_listed_ones() -> None:
    """TFLM_REFUSES is what the manifest's tflm_ok says of the listed models, so the
    fetched-cache path (no manifest) excludes the same ones; without a manifest, the wheel
    itself is asked (each of them fails to allocate)."""
    if manifest():
        listed = set(json.loads(MODEL_LIST.read_text())["models"])
        refused = {rel for rel, v in manifest().items() if v["facts"].get("tflm_ok") != "True" and rel in listed}
        assert refused == TFLM_REFUSES
        return
    if tflm_runtime is None:
        pytest.skip("no manifest.json and no TFLM oracle to ask")
    for rel in sorted(TFLM_REFUSES):
        data = model_path(rel).read_bytes()
        with pytest.raises(RuntimeError):  # what the wheel raises on a failed allocation
            tflm_runtime.Interpreter.from_bytes(data, arena_size=1 << 22)


@requires_tflm
@pytest.mark.parametrize("rel", [
    "tflite-micro/hello_world_int8.tflite",  # planning temporaries bind
    "mlperf-tiny/ad01_int8.tflite",  # planning temporaries bind
    "mlperf-tiny/kws_ref_model.tflite",  # arena end at 8 mod 16 saves tail padding
    "tflite-micro/trained_lstm_int8.tflite",  # variables + scratch
    "tflite-micro-seanet/transpose_conv0.tflite",  # int16 scratch
    "tflite-micro/keyword_scrambled.tflite",  # the documented 8-byte residual
])
def test_host64_minimum_live(rel: str) -> None:
    """TFLM runs with the predicted arena and fails with one byte less."""
    path = MODELS_DIR / rel
    if not path.exists():
        pytest.skip(f"{rel} not found")
    n = tflm_arena(load_model(str(path)), "host64").arena_bytes
    assert tflm_fits(path, n)
    slack = RESIDUAL_MIN.get(rel, 0)
    assert not tflm_fits(path, n - 1 - slack)


# --------------------------------------------------------------------------- cortex-m vs measured firmware


def _reference_arena_used() -> dict[str, int]:
    """arena_used_bytes (32-bit, reference kernels) from REFERENCE.md's device table."""
    ref = MODELS_DIR.parent / "design" / "REFERENCE.md"
    if not ref.exists():
        return {}
    out = {}
    for line in ref.read_text().splitlines():
        m = re.match(r"\|\s*(\w+)\s*\|(?:[^|]*\|){4}\s*([\d,]+) \(", line)
        if m:
            out[m.group(1)] = int(m.group(2).replace(",", ""))
    return out


@pytest.mark.parametrize("name", ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8"])
def test_cortex_m_used_bytes_equal_firmware(name: str) -> None:
    want = _reference_arena_used().get(name)
    path = MODELS_DIR / "mlperf-tiny" / f"{name}.tflite"
    if want is None or not path.exists():
        pytest.skip("REFERENCE.md or the model is not available")
    assert tflm_arena(load_model(str(path)), "cortex-m").used_bytes == want


# --------------------------------------------------------------------------- consistency


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_breakdown_adds_up(target: str) -> None:
    path = MODELS_DIR / "tflite-micro" / "keyword_scrambled.tflite"
    if not path.exists():
        pytest.skip("model not found")
    model = load_model(str(path))
    got = tflm_arena(model, target)
    assert got.used_bytes == got.planned_bytes + sum(got.persistent.values()) + got.alignment_bytes
    assert got.persistent["variable tensors"] == sum(t.nbytes for t in model.main.tensors if t.is_variable)
    assert got.planned_bytes == plan_model(model, "greedy", aliasing=False)[1].size
    assert got.arena_bytes >= got.used_bytes - 8  # an arena end at 8 mod 16 may save 8 bytes


def test_cortex_m_is_smaller_than_host64() -> None:
    """Same plan, smaller structs: 32-bit pointers shrink every persistent object."""
    path = MODELS_DIR / "mlperf-tiny" / "kws_ref_model.tflite"
    if not path.exists():
        pytest.skip("model not found")
    model = load_model(str(path))
    host, mcu = tflm_arena(model, "host64"), tflm_arena(model, "cortex-m")
    assert host.planned_bytes == mcu.planned_bytes
    assert mcu.persistent_bytes < host.persistent_bytes
