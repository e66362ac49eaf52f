"""DYNAMIC_UPDATE_SLICE vs TFLM, tolerance 0: ranks 1..6, any update that fits
(as large as the operand included), start indices inside, before and past the
operand (TFLM clamps them), int32 and int64 indices given as constants or as
graph inputs, float32, int8, int16 and int32, operand and update with their
own quantization (TFLM copies raw values). Refusals: an update larger than
the operand, a start vector of the wrong length, an update of another rank
and a scalar operand are refused by both.

Hypothesis examples: 50.
"""

import numpy as np
import pytest
from batch_d_models import quant_params, run_both, single_op
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import MicrointerpError

TYPES = ["float32", "int8", "int16", "int32"]


@st.composite
def update_case(draw):
    """(operand shape, update shape, start indices), starts up to 2 outside either end."""
    rank = draw(st.integers(1, 6))
    shape = tuple(draw(st.lists(st.integers(1, 4 if rank > 4 else 5), min_size=rank, max_size=rank)))
    update = tuple(draw(st.integers(1, d)) for d in shape)
    start = [draw(st.integers(-2, d + 2)) for d in shape]
    return shape, update, start


def update_model(shape, update, start, dtype, q_operand, q_update, index_dtype, const):
    idx = np.array(start, index_dtype)
    index = ("start", idx) if const else ("start", idx.shape, index_dtype)
    return single_op("DYNAMIC_UPDATE_SLICE", [("x", shape, dtype, q_operand), ("u", update, dtype, q_update), index],
                     [("y", shape, dtype, q_operand)])


def update_feeds(shape, update, start, dtype, index_dtype, const, seed):
    rng = np.random.default_rng(seed)
    feeds = [data(shape, dtype, rng), data(update, dtype, rng)]
    return feeds if const else [*feeds, np.array(start, index_dtype)]


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=update_case(), dtype=st.sampled_from(TYPES), index_dtype=st.sampled_from(["int32", "int64"]),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_dynamic_update_slice_matches_tflm(case, dtype, index_dtype, const, seed, data_):
    shape, update, start = case
    q_operand, q_update = data_.draw(quant_params(dtype)), data_.draw(quant_params(dtype))
    model = update_model(shape, update, start, dtype, q_operand, q_update, index_dtype, const)
    compare_with_tflm(model, [update_feeds(shape, update, start, dtype, index_dtype, const, seed)])


@requires_tflm
@pytest.mark.parametrize("shape, update, start", [((3, 4), (4, 1), [0, 0]),   # update taller than the operand
                                                   ((3, 4), (2, 2), [0, 0, 0]),  # start of the wrong length
                                                   ((3, 4), (2,), [0, 0]),     # update of another rank
                                                   ((), (), [])])              # a scalar operand
def test_dynamic_update_slice_refusals_match_tflm(shape, update, start):
    model = update_model(shape, update, start, "float32", {}, {}, "int32", False)
    feeds = [np.zeros(shape, np.float32), np.ones(update, np.float32), np.array(start, np.int32)]
    ours, tflm = run_both(model, feeds)
    assert isinstance(ours, MicrointerpError), ours
    assert isinstance(tflm, Exception), tflm


def test_dynamic_update_slice_output_of_another_size_is_refused():
    # TFLM would write the operand's 12 values into a 6-value output; microinterp refuses.
    model = single_op("DYNAMIC_UPDATE_SLICE", [("x", (3, 4), "float32", {}), ("u", (1, 1), "float32", {}),
                                               ("start", np.array([0, 0], np.int32))], [("y", (3, 2), "float32", {})])
    with pytest.raises(MicrointerpError, match="must hold the operand"):
        Interpreter.from_bytes(model)
