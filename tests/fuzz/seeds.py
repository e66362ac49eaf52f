"""Seed models for the fuzzers (``scripts/fuzz.sh``), made at run time.

Two sources, never committed as files:

* **builder models**: small single-op graphs written by ``microinterp.builder``
  for the ops the Python interpreter and the C port share, each in the dtype
  and option combination that exercises the most loader and prepare code
  (per-channel quantization, fused activations, padding modes, a variable
  tensor, a second subgraph-free custom op);
* **real models**: the ``.tflite`` files under ``$MICROINTERP_MODELS`` or
  ``../shared/models`` (whatever is there; none are copied into the project),
  up to a size limit so that each fuzz iteration stays fast.

``python tests/fuzz/seeds.py DIR [--max-bytes N]`` writes every seed into
``DIR`` (the libFuzzer corpus directory; the atheris fuzzer takes the same).
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from microinterp.builder import ModelBuilder

REPO = Path(__file__).resolve().parents[2]

#: real models bigger than this are left out by default: libFuzzer's mutations
#: and each Python invoke get slower with the input size, not more thorough
DEFAULT_MAX_BYTES = 128 * 1024


def models_dir() -> Path:
    """Where the shared real models are: ``$MICROINTERP_MODELS`` or ``../shared/models``."""
    env = os.environ.get("MICROINTERP_MODELS")
    return Path(env) if env else REPO.parent / "shared" / "models"


def _q(b: ModelBuilder, name: str, shape: tuple[int, ...], kind: str = "tensor", **q: object) -> int:
    q = {"scale": 0.05, "zero_point": -3, **q}
    add = {"input": b.add_input, "output": b.add_output}.get(kind)
    if add is not None:
        return add(name, shape, "int8", **q)
    return b.add_tensor(name, shape, "int8", **q)


def _conv(depthwise: bool) -> bytes:
    b = ModelBuilder()
    rng = np.random.default_rng(1)
    x = _q(b, "x", (1, 5, 5, 3), "input")
    if depthwise:
        w = b.add_constant("w", rng.integers(-127, 128, (1, 3, 3, 6), dtype=np.int8),
                           scale=[0.01] * 6, zero_point=[0] * 6, quantized_dimension=3)
        bias = b.add_constant("b", rng.integers(-500, 500, 6, dtype=np.int32), scale=[0.0005] * 6,
                              zero_point=[0] * 6)
        y = _q(b, "y", (1, 3, 3, 6), "output", scale=0.1, zero_point=2)
        b.add_operator("DEPTHWISE_CONV_2D", [x, w, bias], [y], padding="VALID", stride_w=1, stride_h=1,
                       depth_multiplier=2, fused_activation_function="RELU6")
    else:
        w = b.add_constant("w", rng.integers(-127, 128, (4, 3, 3, 3), dtype=np.int8),
                           scale=[0.01, 0.02, 0.03, 0.04], zero_point=[0] * 4, quantized_dimension=0)
        bias = b.add_constant("b", rng.integers(-500, 500, 4, dtype=np.int32),
                              scale=[0.0005, 0.001, 0.0015, 0.002], zero_point=[0] * 4)
        y = _q(b, "y", (1, 3, 3, 4), "output", scale=0.1, zero_point=2)
        b.add_operator("CONV_2D", [x, w, bias], [y], padding="SAME", stride_w=2, stride_h=2,
                       fused_activation_function="RELU")
    return b.build()


def _fully_connected_float() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (2, 6), "float32")
    w = b.add_constant("w", np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6))
    bias = b.add_constant("b", np.arange(4, dtype=np.float32))
    y = b.add_output("y", (2, 4), "float32")
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="RELU")
    return b.build()


def _add_softmax() -> bytes:
    b = ModelBuilder()
    x0 = _q(b, "x0", (1, 4, 4), "input")
    x1 = _q(b, "x1", (1, 1, 4), "input", scale=0.07, zero_point=5)
    s = _q(b, "s", (1, 4, 4), scale=0.1, zero_point=0)
    y = _q(b, "y", (1, 4, 4), "output", scale=1 / 256, zero_point=-128)
    b.add_operator("ADD", [x0, x1], [s], fused_activation_function="NONE")
    b.add_operator("SOFTMAX", [s], [y], beta=1.0)
    return b.build()


def _pool_reshape() -> bytes:
    b = ModelBuilder()
    x = _q(b, "x", (1, 6, 6, 2), "input")
    p = _q(b, "p", (1, 3, 3, 2))
    m = _q(b, "m", (1, 2, 2, 2))
    shape = b.add_constant("shape", np.array([1, 8], np.int32))
    y = _q(b, "y", (1, 8), "output")
    b.add_operator("AVERAGE_POOL_2D", [x], [p], padding="VALID", stride_w=2, stride_h=2, filter_width=2,
                   filter_height=2)
    b.add_operator("MAX_POOL_2D", [p], [m], padding="SAME", stride_w=2, stride_h=2, filter_width=2,
                   filter_height=2)
    b.add_operator("RESHAPE", [m, shape], [y], new_shape=[1, 8])
    return b.build()


def _quantize_dequantize() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (3, 5), "float32")
    q = _q(b, "q", (3, 5), scale=0.02, zero_point=7)
    y = b.add_output("y", (3, 5), "float32")
    b.add_operator("QUANTIZE", [x], [q])
    b.add_operator("DEQUANTIZE", [q], [y])
    return b.build()


def _variable_state() -> bytes:
    """A variable tensor read and rewritten each invoke (the persistent arena region)."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "float32")
    state = b.add_tensor("state", (1, 4), "float32", is_variable=True)
    y = b.add_output("y", (1, 4), "float32")
    b.add_operator("ADD", [x, state], [y])
    return b.build()


def _elementwise_mix() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (2, 3, 4), "float32")
    t = b.add_tensor("t", (2, 3, 4), "float32")
    c = b.add_tensor("c", (2, 12), "float32")
    y = b.add_output("y", (2, 12), "float32")
    shape = b.add_constant("shape", np.array([2, 12], np.int32))
    b.add_operator("LOGISTIC", [x], [t])
    b.add_operator("RESHAPE", [t, shape], [c])
    b.add_operator("CONCATENATION", [c], [y], axis=1)
    return b.build()


def _custom_op() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (4,), "int8", scale=0.1, zero_point=0)
    y = b.add_output("y", (4,), "int8", scale=0.1, zero_point=0)
    b.add_operator("CUSTOM:FuzzUnknown", [x], [y], custom_options=b"\x01\x02\x03")
    return b.build()


#: name -> builder recipe; each is also a starting point a reader can run by hand
BUILDER_SEEDS: dict[str, Callable[[], bytes]] = {
    "conv_2d_int8": lambda: _conv(False),
    "depthwise_conv_2d_int8": lambda: _conv(True),
    "fully_connected_float": _fully_connected_float,
    "add_softmax_int8": _add_softmax,
    "pool_reshape_int8": _pool_reshape,
    "quantize_dequantize": _quantize_dequantize,
    "variable_state": _variable_state,
    "logistic_reshape_concat": _elementwise_mix,
    "custom_op": _custom_op,
}


def real_models(max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every shared real model up to ``max_bytes``, sorted."""
    root = models_dir()
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*.tflite")):
        if path.stat().st_size <= max_bytes:
            yield str(path.relative_to(root)), path.read_bytes()


def all_seeds(max_bytes: int = DEFAULT_MAX_BYTES, *, real: bool = True) -> Iterator[tuple[str, bytes]]:
    """Builder seeds, the built-in example model, then the real models."""
    for name, make in BUILDER_SEEDS.items():
        yield f"builder/{name}", make()
    from microinterp.examples import digits_model_path

    yield "example/digits_int8", digits_model_path().read_bytes()
    if real:
        yield from real_models(max_bytes)


def write_corpus(directory: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, real: bool = True) -> int:
    """Write every seed into ``directory`` under a content-hash name; returns how many."""
    directory.mkdir(parents=True, exist_ok=True)
    n = 0
    for _name, data in all_seeds(max_bytes, real=real):
        (directory / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)
        n += 1
    return n


def main() -> None:
    p = argparse.ArgumentParser(description="write the fuzzers' seed corpus")
    p.add_argument("directory", type=Path)
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    p.add_argument("--no-real", action="store_true", help="builder seeds and the example only")
    args = p.parse_args()
    n = write_corpus(args.directory, args.max_bytes, real=not args.no_real)
    where = "" if args.no_real else f" (real models from {models_dir()})"
    print(f"seeds.py: wrote {n} seeds to {args.directory}{where}")


if __name__ == "__main__":
    main()
