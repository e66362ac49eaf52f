"""A drop-in for TFLM's Python runtime (``tflite_micro.python.tflite_micro.runtime``).

Code written for TFLM's wheel runs unchanged after one import line::

    from tflite_micro.python.tflite_micro import runtime   # before
    from microinterp import runtime                          # after

Why a separate module and not ``microinterp.Interpreter`` itself: TFLM's API
has positional parameters in an order that does not suit microinterp's own
(``from_bytes(model_data, custom_op_registerers, arena_size, intrepreter_config)``,
the misspelling included), a camel-case ``GetTensor(tensor_index,
subgraph_index)``, integer status returns, and different exception classes.
Keeping them here leaves the native API clean while this module matches TFLM
name for name, default for default and fault for fault (checked side by side
with the real wheel in ``tests/test_runtime_dropin.py``):

===========================================  ===================================  ==================================
fault                                        TFLM raises                          here (also a ``MicrointerpError``)
===========================================  ===================================  ==================================
missing or not-a-file model path             ``ValueError``                       ``ModelError``
``model_data is None``                       ``ValueError``                       ``ModelError``
registerers not a list of strings            ``ValueError``                       ``InputError``
unknown custom-op registerer                 ``RuntimeError``                     ``CustomOpRegistrationError``
op without a kernel (e.g. unknown custom)    ``RuntimeError`` at allocation       ``UnsupportedOpError``
arena below TFLM's need                      ``RuntimeError`` (or a crash)        ``ArenaTooSmallError``
negative index                               ``ValueError``                       ``InputError``
index out of bound                           ``IndexError``                       ``IndexOutOfBoundError``
wrong dtype / dimension mismatch             ``ValueError``                       ``InputError``
``GetTensor`` without kPreserveAllTensors    ``RuntimeError``                     ``TensorNotPreservedError``
``print_allocations`` with kPreserveAll...   ``ValueError``                       ``InputError``
===========================================  ===================================  ==================================

Deliberate differences, all in the direction of "what runs on TFLM runs here":

* ``arena_size=None``: TFLM guesses ten times the model size (and fails, or
  crashes, when that is too little); microinterp sizes the arena exactly.
* An explicit ``arena_size`` is checked against TFLM's own need on the
  x86-64 wheel (``memory.tflm_arena``, a replay of its allocator), so an arena
  TFLM rejects is rejected here with the exact number; the check is skipped
  where that replay is approximate (ops it does not model) and under
  ``kPreserveAllTensors``.
* ``GetTensor`` with an index out of bound raises ``IndexError`` (TFLM's wheel
  crashes the process).
* ``custom_op_registerers`` name Python callables (``"package.module:function"``
  or ``"package.module.function"``) that receive the ``OpResolver`` and register
  kernels on it, where TFLM looks up C++ symbols in its shared library.
* ``alt_decompression_memory_size`` is accepted and ignored: microinterp has
  no DECODE kernel that would use it.
"""

from __future__ import annotations

import enum
import importlib
import os
import sys
from typing import Any

import numpy as np

from . import errors
from .errors import InputError, MicrointerpError, ModelError, UnsupportedOpError
from .interpreter import Interpreter as _Interpreter
from .model import Model, load_model
from .resolver import OpResolver

__all__ = [
    "ArenaTooSmallError",
    "CustomOpRegistrationError",
    "IndexOutOfBoundError",
    "InputError",
    "Interpreter",
    "InterpreterConfig",
    "ModelError",
    "TensorNotPreservedError",
    "UnsupportedOpError",
]


class InterpreterConfig(enum.Enum):
    """TFLM's two mutually exclusive modes (same names and values as TFLM's enum).

    ``kAllocationRecording`` reuses tensor memory and records the arena's
    allocations (``print_allocations``); ``kPreserveAllTensors`` gives every
    tensor its own bytes so ``GetTensor`` can read any of them after ``invoke``.
    """

    kAllocationRecording = 0
    kPreserveAllTensors = 1


# ----------------------------------------------------------------------------- errors
# Each class is both microinterp's error for the fault and the built-in class TFLM
# raises for it, so ``except IndexError`` (TFLM style) and ``except InputError``
# (microinterp style) both catch it.


class IndexOutOfBoundError(InputError, IndexError):
    """An input/output/tensor index past the end (TFLM: ``IndexError``)."""


class TensorNotPreservedError(InputError, RuntimeError):
    """``GetTensor`` on an interpreter that reuses tensor memory (TFLM: ``RuntimeError``)."""


class CustomOpRegistrationError(MicrointerpError, RuntimeError):
    """A name in ``custom_op_registerers`` could not be found or failed (TFLM: ``RuntimeError``)."""


class ArenaTooSmallError(errors.ArenaTooSmallError, RuntimeError):
    """``arena_size`` is below what TFLM needs for the model (TFLM: ``RuntimeError``)."""


# ----------------------------------------------------------------------------- helpers


def _check_index(index: Any) -> int:
    """TFLM's own checks first (``None`` or negative: ``ValueError``), then an int."""
    if index is None or index < 0:
        raise InputError("Index must be a non-negative integer")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"index must be an integer, not {type(index).__name__}")
    return int(index)


def _out_of_bound(kind: str, index: int, length: int) -> IndexOutOfBoundError:
    return IndexOutOfBoundError(
        f"Tensor is out of bound, please check tensor index: {kind} index {index} out of range (length is {length})"
    )


def _registerer(name: str) -> Any:
    """The Python callable a registerer name points to (``mod:attr`` or ``mod.attr``)."""
    module, sep, attr = name.partition(":")
    if not sep:
        module, _, attr = name.rpartition(".")
    if not module or not attr:
        raise CustomOpRegistrationError(
            f"could not register custom op via {name!r}: name a Python callable as 'package.module:function'"
        )
    try:
        fn = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise CustomOpRegistrationError(f"could not register custom op via {name!r}: {e}") from None
    if not callable(fn):
        raise CustomOpRegistrationError(f"could not register custom op via {name!r}: it is not callable")
    return fn


def _resolver(custom_op_registerers: list[str]) -> OpResolver:
    resolver = OpResolver.builtins()
    for name in custom_op_registerers:
        fn = _registerer(name)
        try:
            ok = fn(resolver)
        except MicrointerpError:
            raise
        except Exception as e:  # a user's registerer failing is reported as TFLM reports it
            raise CustomOpRegistrationError(f"could not register custom op via {name!r}: {e}") from e
        if ok is False:  # TFLM registerers return bool; None (a plain Python function) counts as success
            raise CustomOpRegistrationError(f"could not register custom op via {name!r}: it returned False")
    return resolver


def _tflm_needed(model: Model) -> int | None:
    """TFLM's minimum arena on the x86-64 wheel, or None where the replay is approximate."""
    from .memory.tflm_arena import tflm_arena

    need = tflm_arena(model, "host64")
    return None if need.approximate_ops else need.arena_bytes


# ----------------------------------------------------------------------------- the interpreter


class Interpreter:
    """TFLM's ``runtime.Interpreter`` on microinterp: same constructors,
    methods, return values and exception classes."""

    def __init__(
        self,
        model_data: bytes | bytearray | memoryview,
        custom_op_registerers: list[str],
        arena_size: int | None,
        intrepreter_config: InterpreterConfig = InterpreterConfig.kAllocationRecording,
        alt_decompression_memory_size: int = 0,
    ) -> None:
        if model_data is None:
            raise ModelError("Model must not be None")
        if not isinstance(custom_op_registerers, list) or not all(
            isinstance(s, str) for s in custom_op_registerers
        ):
            raise InputError("Custom ops registerers must be a list of strings")
        if not isinstance(intrepreter_config, InterpreterConfig):
            raise InputError(f"intrepreter_config must be a runtime.InterpreterConfig, not {intrepreter_config!r}")
        if arena_size is not None and (isinstance(arena_size, bool) or not isinstance(arena_size, (int, np.integer))
                                       or arena_size < 0):
            raise InputError(f"arena_size must be a non-negative integer or None, not {arena_size!r}")
        if isinstance(model_data, str):
            raise ModelError("model_data must be the model's bytes; use Interpreter.from_file for a path")
        self._config = intrepreter_config
        self._preserve = intrepreter_config is InterpreterConfig.kPreserveAllTensors
        self._model = load_model(bytes(model_data))
        resolver = _resolver(custom_op_registerers)
        if arena_size is not None and not self._preserve:
            needed = _tflm_needed(self._model)
            if needed is not None and arena_size < needed:
                raise ArenaTooSmallError(needed, int(arena_size), "TFLM's AllocateTensors() on the x86-64 wheel")
        try:
            self._it = _Interpreter(self._model, resolver=resolver, preserve_all_tensors=self._preserve)
        except errors.ArenaTooSmallError as e:  # pragma: no cover - the arena is sized exactly above
            raise ArenaTooSmallError(e.needed, e.given) from e

    @classmethod
    def from_file(
        cls,
        model_path: str | os.PathLike,
        custom_op_registerers: list[str] | None = None,
        arena_size: int | None = None,
        intrepreter_config: InterpreterConfig = InterpreterConfig.kAllocationRecording,
        alt_decompression_memory_size: int = 0,
    ) -> Interpreter:
        """An interpreter for the model file at ``model_path`` (TFLM's signature)."""
        if custom_op_registerers is None:
            custom_op_registerers = []
        if model_path is None or not os.path.isfile(model_path):
            raise ModelError(f"Invalid model file path: {model_path!r} is not a file")
        with open(model_path, "rb") as f:
            data = f.read()
        return cls(data, custom_op_registerers, arena_size, intrepreter_config, alt_decompression_memory_size)

    @classmethod
    def from_bytes(
        cls,
        model_data: bytes | bytearray | memoryview,
        custom_op_registerers: list[str] | None = None,
        arena_size: int | None = None,
        intrepreter_config: InterpreterConfig = InterpreterConfig.kAllocationRecording,
        alt_decompression_memory_size: int = 0,
    ) -> Interpreter:
        """An interpreter for a model held in memory (TFLM's signature)."""
        if custom_op_registerers is None:
            custom_op_registerers = []
        return cls(model_data, custom_op_registerers, arena_size, intrepreter_config, alt_decompression_memory_size)

    # ------------------------------------------------------------------ running

    def invoke(self) -> int:
        """Run one inference; returns TFLM's status code (0, kTfLiteOk)."""
        self._it.invoke()
        return 0

    def reset(self) -> int:
        """Reset variable (state) tensors as TFLM's ``Reset()`` does; returns 0."""
        self._it.reset()
        return 0

    # ------------------------------------------------------------------ inputs and outputs

    def _io(self, indices: list[int] | tuple[int, ...], index: Any, kind: str) -> int:
        index = _check_index(index)
        if index >= len(indices):
            raise _out_of_bound(kind, index, len(indices))
        return index

    def set_input(self, input_data: Any, index: int) -> None:
        """Copy ``input_data`` into input ``index``: dtype and shape must match (TFLM's checks)."""
        if input_data is None:
            raise InputError("Input data must not be None")
        index = self._io(self._it.subgraph.inputs, index, "Input")
        self._it.set_input(np.asarray(input_data), index)

    def get_output(self, index: int) -> np.ndarray:
        """A copy of output ``index`` after the last ``invoke()``."""
        return self._it.get_output(self._io(self._it.subgraph.outputs, index, "Output"))

    def GetTensor(self, tensor_index: int, subgraph_index: int) -> dict[str, Any]:  # noqa: N802 - TFLM's name
        """Any tensor after ``invoke()`` as TFLM's dict (``dtype``, ``shape``,
        ``tensor_data``); only with ``kPreserveAllTensors``, as in TFLM."""
        if not self._preserve:
            raise TensorNotPreservedError(
                "TFLM only supports GetTensor() when using a python interpreter with the "
                "InterpreterConfig.kPeserverAllTensors interpreter_config"
            )
        subgraph_index = _check_index(subgraph_index)
        if subgraph_index >= len(self._model.subgraphs):
            raise _out_of_bound("Subgraph", subgraph_index, len(self._model.subgraphs))
        if subgraph_index != 0:
            raise UnsupportedOpError("microinterp runs the main subgraph only (subgraph_index 0)")
        tensors = self._it.subgraph.tensors
        tensor_index = _check_index(tensor_index)
        if tensor_index >= len(tensors):
            raise _out_of_bound("Tensor", tensor_index, len(tensors))
        t = tensors[tensor_index]
        return {
            "dtype": np.dtype(t.dtype).type,
            "shape": np.array(t.shape, dtype=np.int32),
            "tensor_data": self._it.get_tensor(tensor_index),
        }

    def _details(self, indices: list[int] | tuple[int, ...], index: Any, kind: str) -> dict[str, Any]:
        index = self._io(indices, index, kind)
        d = (self._it.get_input_details if kind == "Input" else self._it.get_output_details)(index)
        return {"dtype": d["dtype"], "shape": d["shape"], "quantization_parameters": d["quantization_parameters"]}

    def get_input_details(self, index: int) -> dict[str, Any]:
        """TFLM's dict for input ``index``: ``dtype``, ``shape``, ``quantization_parameters``."""
        return self._details(self._it.subgraph.inputs, index, "Input")

    def get_output_details(self, index: int) -> dict[str, Any]:
        """TFLM's dict for output ``index``: ``dtype``, ``shape``, ``quantization_parameters``."""
        return self._details(self._it.subgraph.outputs, index, "Output")

    # ------------------------------------------------------------------ memory report

    def print_allocations(self) -> str:
        """TFLM's ``RecordingMicroAllocator`` report for this model on the x86-64
        wheel, printed to stderr (as TFLM prints it) and returned as a string.

        Every number comes from the replay of TFLM's allocator in
        ``memory/tflm_arena.py`` (TFLM's own arena, not microinterp's: see the
        README's three arena numbers); where the replay is approximate (ops it
        does not model) a last line says so. Measured against the wheel on the
        82 shared models both can run: the report is identical line for line on
        78; on the three LSTM models and keyword_scrambled the 'Persistent buffer
        data' used bytes are 4-8 low (alignment padding the replay gives to a
        neighbouring, unrecorded allocation; totals and requested bytes agree).
        """
        if self._preserve:
            raise InputError("Cannot print allocations as they were not recorded")
        from .memory.tflm_arena import RECORDED_CATEGORIES, recorded_allocations, tflm_arena

        a = tflm_arena(self._model, "host64")
        nouns = dict(RECORDED_CATEGORIES)
        p = "[RecordingMicroAllocator]"
        lines = [f"{p} Arena allocation total {a.used_bytes} bytes",
                 f"{p} Arena allocation head {a.planned_bytes} bytes",
                 f"{p} Arena allocation tail {a.used_bytes - a.planned_bytes} bytes"]
        for name, (requested, used, count) in recorded_allocations(self._model, "host64").items():
            lines.append(f"{p} '{name}' used {used} bytes with alignment overhead "
                         f"(requested {requested} bytes for {count} {nouns[name]})")
        if a.approximate_ops:
            lines.append(f"(microinterp: approximate for ops its TFLM replay does not model: "
                         f"{', '.join(a.approximate_ops)})")
        report = "\n".join(lines) + "\n"
        sys.stderr.write(report)
        return report
