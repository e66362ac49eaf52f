"""Bound kernel calls (``Registration.bind``) against the kernels' own ``invoke``.

``Interpreter.invoke`` runs each operator through the call its kernel's ``bind``
built on the arena views (views, buffers, tables and folded constants made once);
the traced path (``trace >= 1``) still calls ``invoke``. The oracle tests check the
first against TFLM; here the two paths must agree bit for bit on every tensor of
real models that use every kernel with a ``bind``, across invocations that carry
state (LSTM, SVDF) -- so neither path can drift from the other.
"""

import io

import numpy as np
import pytest
from oracle import model_path, random_input

from microinterp import Interpreter

MODELS = [
    "tflite-micro/hello_world_int8.tflite",  # int8 FULLY_CONNECTED (int64 matmul)
    "tflite-micro/hello_world_float.tflite",  # float32 FULLY_CONNECTED
    "tflite-micro/keyword_scrambled.tflite",  # SVDF, QUANTIZE (lookup), FULLY_CONNECTED
    "tflite-micro/trained_lstm.tflite",  # float32 LSTM
    "tflite-micro/trained_lstm_int8.tflite",  # int8 LSTM (tables)
    "tflite-micro/micro_speech_lstm.tflite",  # int8 LSTM, BLAS recurrent product
    "mlperf-tiny/ad01_int8.tflite",  # FULLY_CONNECTED (BLAS)
    "tflite-micro-seanet/add0.tflite",  # int16 ADD
    "tflite-micro-seanet/sub0.tflite",  # int16 SUB, broadcast constant
    "tflite-micro-seanet/quantize0.tflite",  # int32 -> int16 QUANTIZE
    "tflite-micro-seanet/strided_slice2.tflite",
    "tflite-micro-seanet/pad2.tflite",
    "tflite-micro-seanet/leaky_relu2.tflite",
    "tflite-micro-seanet/conv18.tflite",  # 16x8 CONV_2D, int64 output stage
    "mlperf-tiny/vww_96_int8.tflite",  # int8 DEPTHWISE_CONV_2D on tap planes (strides 1, 2), float64 stage
    "mlperf-tiny/vww_96_float.tflite",  # float32 DEPTHWISE_CONV_2D on tap planes
    "mlperf-tiny/pretrainedResnet.tflite",  # float32 CONV_2D on channel planes (strides 1, 2)
    "tflite-micro/audio_preprocessor_int8.tflite",  # Signal ops (Rfft tables and matmuls), noise state
    "tflite-micro/audio_preprocessor_float.tflite",
]


@pytest.mark.parametrize("rel", MODELS)
def test_bound_calls_equal_invoke(rel):
    data = model_path(rel).read_bytes()
    bound = Interpreter.from_bytes(data, preserve_all_tensors=True)
    traced = Interpreter.from_bytes(data, preserve_all_tensors=True, trace=1, trace_stream=io.StringIO())
    rng = np.random.default_rng(len(rel))
    for _ in range(3):  # state carried across invokes
        for i in range(bound.num_inputs):
            x = random_input(bound.get_input_details(i), rng)
            bound.set_input(x, i)
            traced.set_input(x, i)
        bound.invoke()
        traced.invoke()
        for index, value in bound.intermediates().items():
            other = traced.get_tensor(index)
            assert value.tobytes() == other.tobytes(), f"tensor {index} differs between bind and invoke"
