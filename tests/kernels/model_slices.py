"""Cut a run of operators out of a real model into a standalone model.

The audio preprocessor's builtin ops sit between ``Signal*`` custom ops that
microinterp does not implement, so the model cannot run end to end; its
builtin stretches can, with the model's own tensors, constants, shapes and
options. ``extract_ops`` rebuilds such a stretch with ``ModelBuilder``:
non-constant tensors consumed before being produced become graph inputs,
the last operator's outputs become graph outputs.
"""

from __future__ import annotations

import numpy as np

from microinterp.builder import ModelBuilder
from microinterp.model import load_model


def _quant(t) -> dict:
    if t.quant is None:
        return {}
    return {"scale": t.quant.scale.tolist(), "zero_point": t.quant.zero_point.tolist(),
            "quantized_dimension": t.quant.quantized_dimension}


def extract_ops(model_bytes: bytes, op_indices: list[int]) -> bytes:
    sg = load_model(model_bytes).main
    ops = [sg.operators[i] for i in op_indices]
    b = ModelBuilder(description="slice of a real model")
    index: dict[int, int] = {}
    produced: set[int] = set()

    def tensor(i: int, graph_input: bool) -> int:
        if i < 0:
            return -1
        if i not in index:
            t = sg.tensors[i]
            dtype = t.dtype
            if t.is_constant:
                index[i] = b.add_constant(t.name, np.asarray(t.data), dtype, **_quant(t))
            elif graph_input:
                index[i] = b.add_input(t.name, t.shape, dtype, **_quant(t))
            else:
                index[i] = b.add_tensor(t.name, t.shape, dtype, **_quant(t))
        return index[i]

    for op in ops:
        ins = [tensor(i, i not in produced) for i in op.inputs]
        outs = [tensor(i, False) for i in op.outputs]
        produced.update(op.outputs)
        options = {k: v for k, v in vars(op.options).items() if v is not None} if op.options is not None else {}
        b.add_operator(op.name, ins, outs, version=op.version, **options)
    b.outputs.extend(index[i] for i in ops[-1].outputs)
    return b.build()
