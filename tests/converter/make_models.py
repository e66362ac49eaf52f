"""Build small Keras models and convert them with TensorFlow's converter, as users do.

Runs in ``.venv-converter`` (``scripts/bootstrap.sh converter``: tensorflow-cpu, pinned),
never in the test venv, whose numpy/tflite-micro pins TensorFlow does not share;
``tests/converter/conftest.py`` runs it once per session:

    .venv-converter/bin/python tests/converter/make_models.py OUT_DIR

and reads ``OUT_DIR/models.json`` (file name -> what the model is meant to contain) plus
the ``.tflite`` files next to it. Nothing here is committed model data: the weights are
Keras's seeded initialisation and the files go to a temporary directory.

What the current converter makes of them (TensorFlow 2.21.0), the reason for each model:

* a Keras ``LSTM`` / ``GRU`` (not unrolled, batch fixed at 1: with a dynamic batch the
  converter refuses the TensorList ops) becomes a ``WHILE`` op whose ``cond`` and ``body``
  are subgraphs 1 and 2, looping once per time step;
  (a ``SimpleRNN`` too);
* a CNN left with a dynamic batch dimension whose ``Conv2D`` is dilated becomes
  ``SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND`` whose stored shapes keep batch 1
  where the blocks need ``block_h * block_w`` (TFLM runs the stale shapes as stored); so do a
  causal dilated ``Conv1D`` (``EXPAND_DIMS``, ``PAD`` first) and a dilated
  ``DepthwiseConv2D``, whose dynamic batch also brings ``SHAPE -> STRIDED_SLICE -> PACK ->
  RESHAPE`` (the batch read at run time).

Default converter options, plus full-int8 variants (representative dataset, int8 input and
output) of the 2-D and 1-D CNNs. There is no int8 variant of the recurrent models: with a representative
dataset the 2.21.0 converter crashes (SIGSEGV) while calibrating the WHILE loop of an LSTM
or a GRU, with or without int8 input/output types (tried here, 2026-12-05).
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

STEPS, FEATURES, UNITS, CLASSES = 8, 4, 6, 3
IMAGE, CHANNELS, FILTERS = 8, 3, 4


def recurrent(layer: type) -> keras.Model:
    """One recurrent layer over ``STEPS`` steps (not unrolled: Keras's default), then a Dense."""
    return keras.Sequential([keras.Input((STEPS, FEATURES), batch_size=1), layer(UNITS), keras.layers.Dense(CLASSES)])


def dilated_conv1d() -> keras.Model:
    """A causal Conv1D with dilation 2 on a dynamic batch, then Flatten and Dense."""
    return keras.Sequential([keras.Input((16, CHANNELS)), keras.layers.Conv1D(FILTERS, 3, dilation_rate=2, padding="causal"),
                             keras.layers.Flatten(), keras.layers.Dense(2)])


def dilated_depthwise() -> keras.Model:
    """A valid 3x3 DepthwiseConv2D with dilation 2 on a dynamic batch, then Flatten and Dense."""
    return keras.Sequential([keras.Input((10, 10, 2)), keras.layers.DepthwiseConv2D(3, dilation_rate=2),
                             keras.layers.Flatten(), keras.layers.Dense(2)])


def dilated_cnn() -> keras.Model:
    """A 3x3 Conv2D with dilation 2 on a dynamic batch, ReLU, global average pooling, Dense."""
    return keras.Sequential([
        keras.Input((IMAGE, IMAGE, CHANNELS)),  # batch None: the converter stores it as 1
        keras.layers.Conv2D(FILTERS, 3, dilation_rate=2, padding="same", activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(2),
    ])


def convert(model: keras.Model, int8_samples: np.ndarray | None = None) -> bytes:
    """``TFLiteConverter.from_keras_model`` with default options, or full int8 when samples are given."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8_samples is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([x[None]] for x in int8_samples)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    cnn, conv1d = dilated_cnn(), dilated_conv1d()
    made = {
        "lstm_float.tflite": (convert(recurrent(keras.layers.LSTM)), "while"),
        "gru_float.tflite": (convert(recurrent(keras.layers.GRU)), "while"),
        "simple_rnn_float.tflite": (convert(recurrent(keras.layers.SimpleRNN)), "while"),
        "dilated_float.tflite": (convert(cnn), "stale"),
        "dilated_int8.tflite": (
            convert(cnn, rng.uniform(-1, 1, (32, IMAGE, IMAGE, CHANNELS)).astype(np.float32)), "stale"),
        "conv1d_dilated_float.tflite": (convert(conv1d), "stale"),
        "conv1d_dilated_int8.tflite": (convert(conv1d, rng.uniform(-1, 1, (32, 16, CHANNELS)).astype(np.float32)),
                                       "stale"),
        "depthwise_dilated_float.tflite": (convert(dilated_depthwise()), "stale"),
    }
    for name, (data, _) in made.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    listing = {"tensorflow": tf.__version__, "keras": keras.__version__,
               "models": {name: kind for name, (_, kind) in made.items()}}
    with open(os.path.join(out_dir, "models.json"), "w") as f:
        json.dump(listing, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
