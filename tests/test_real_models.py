"""Real models from ../shared/models, bit-exact with TFLM: outputs and every
intermediate tensor, tolerance 0, over several seeded inputs drawn across each
input's full range."""

import numpy as np
import pytest
from oracle import compare_with_tflm, model_path, random_input, requires_tflm

from microinterp import Interpreter

MODELS = [
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "mlperf-tiny/vww_96_float.tflite",
    "mlperf-tiny/ad01_fp32.tflite",
    "mlperf-tiny/pretrainedResnet.tflite",
    "tflite-micro/hello_world_int8.tflite",
    "tflite-micro/hello_world_float.tflite",
    "tflite-micro/person_detect.tflite",
    "tflite-micro/micro_speech_quantized.tflite",
    "tflite-micro/simple_add_model.tflite",
]
SEEDS = [0, 1, 2]


@requires_tflm
@pytest.mark.parametrize("name", MODELS)
def test_model_bit_exact_with_tflm(name):
    data = model_path(name).read_bytes()
    probe = Interpreter.from_bytes(data)
    inputs_seq = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        inputs_seq.append([random_input(probe.get_input_details(i), rng) for i in range(probe.num_inputs)])
    compare_with_tflm(data, inputs_seq)


def test_builtin_example_accuracy():
    """The shipped example is a real classifier: well above chance on held-out data."""
    from microinterp.examples import digits_model_path, digits_test_split

    it = Interpreter.from_file(digits_model_path())
    images, labels = digits_test_split()
    correct = 0
    for img, label in zip(images, labels):
        it.set_input(img[None], 0)
        it.invoke()
        correct += int(it.get_output(0).argmax() == label)
    assert correct / len(labels) > 0.95


@requires_tflm
def test_builtin_example_bit_exact():
    from microinterp.examples import digits_model_path, digits_test_split

    images, _ = digits_test_split()
    compare_with_tflm(digits_model_path().read_bytes(), [[img[None]] for img in images[:20]])
