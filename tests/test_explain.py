"""``microinterp explain``: the explained value of an element is the interpreter's.

Every explainer recomputes one element from the model's quantization through
the shared kernel helpers and ``quant``; these tests check, for random
elements of every explained op (int8, on real models and a builder-made MUL
model), that the step-by-step result equals what the interpreter computed --
which is itself bit-exact with TFLM (tests/test_real_models.py) -- and that
the single-rounding alternative is reported.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from oracle import model_path

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import InputError, MicrointerpError
from microinterp.explain import EXPLAINERS, explain, single_rounding
from microinterp.inputs import random_inputs


def _invoked(model: str | bytes, seed: int = 0) -> Interpreter:
    it = (Interpreter.from_bytes(model, preserve_all_tensors=True) if isinstance(model, bytes)
          else Interpreter.from_file(model_path(model), preserve_all_tensors=True))
    for i, x in enumerate(random_inputs(it.model, np.random.default_rng(seed))):
        it.set_input(x, i)
    it.invoke()
    return it


def _check_random_elements(it: Interpreter, names: set[str], per_op: int = 6) -> set[str]:
    rng = np.random.default_rng(1)
    seen = set()
    for node in it.nodes:
        if node.name not in names:
            continue
        shape = node.output(0).shape
        for _ in range(per_op):
            element = tuple(int(rng.integers(0, d)) for d in shape)
            e = explain(it, node.index, element)
            assert e.matches, "\n".join(e.lines())
            assert e.result == int(it.get_tensor(node.output(0).index)[element])
        seen.add(node.name)
    return seen


def test_kws_ops() -> None:
    it = _invoked("mlperf-tiny/kws_ref_model.tflite")
    seen = _check_random_elements(it, set(EXPLAINERS))
    assert seen == {"CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"}


def test_resnet_add() -> None:
    it = _invoked("mlperf-tiny/pretrainedResnet_quant.tflite", seed=3)
    assert "ADD" in _check_random_elements(it, {"ADD"})


def test_ad01_fully_connected_per_tensor() -> None:
    it = _invoked("mlperf-tiny/ad01_int8.tflite", seed=2)
    assert _check_random_elements(it, {"FULLY_CONNECTED"}, per_op=3) == {"FULLY_CONNECTED"}


def _mul_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", [1, 3, 4], np.int8, scale=0.05, zero_point=-3)
    y = b.add_input("y", [1, 1, 4], np.int8, scale=0.02, zero_point=7)
    z = b.add_output("z", [1, 3, 4], np.int8, scale=0.003, zero_point=-1)
    b.add_operator("MUL", [x, y], [z], fused_activation_function="RELU")
    return b.build()


def test_mul_every_element() -> None:
    it = _invoked(_mul_model(), seed=5)
    for element in np.ndindex(1, 3, 4):
        e = explain(it, 0, element)
        assert e.matches, "\n".join(e.lines())


def test_single_rounding_differs_sometimes() -> None:
    """The two roundings differ by one on some values (the classic TFLM vs TFLite case)."""
    m, shift = 1382312008, -7
    xs = np.arange(-20000, 20000)
    double = [int(v) for v in __import__("microinterp").quant.multiply_by_quantized_multiplier(xs, m, shift)]
    single = [single_rounding(int(x), m, shift) for x in xs]
    diff = np.abs(np.array(double) - np.array(single))
    assert diff.max() == 1 and 0 < np.count_nonzero(diff) < len(xs) // 10


def test_unexplained_op_and_bad_element() -> None:
    it = _invoked("mlperf-tiny/kws_ref_model.tflite")
    reshape = next(n.index for n in it.nodes if n.name == "RESHAPE")
    with pytest.raises(MicrointerpError, match="no explanation yet for op"):
        explain(it, reshape)
    with pytest.raises(InputError, match="out of range"):
        explain(it, 99)
    with pytest.raises(InputError, match="not inside the output shape"):
        explain(it, 0, (0, 99, 0, 0))


def test_cli_kws_op0() -> None:
    r = subprocess.run([sys.executable, "-m", "microinterp.cli", "explain",
                        str(model_path("mlperf-tiny/kws_ref_model.tflite")), "--op", "0", "--element", "0,3,2,7"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "equals the interpreter's output element" in r.stdout
    assert "RoundingDivideByPOT" in r.stdout and "single rounding" in r.stdout
    bad = subprocess.run([sys.executable, "-m", "microinterp.cli", "explain",
                          str(model_path("mlperf-tiny/kws_ref_model.tflite")), "--op", "0", "--element", "x"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
