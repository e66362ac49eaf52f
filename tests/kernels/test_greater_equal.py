"""GREATER_EQUAL (>=) vs TFLM: bool output, broadcast shapes up to rank 5, constant or
variable second input, types [float32, int32, int64, int8]; int8 compared after TFLM's per-input
rescaling (scales below 1, drawn zero points), also over every int8 pair. int16 is refused: TFLM's GREATER has an int16 case that reads uninitialised
rescale parameters, the others reject it.

Hypothesis examples: 30 + 6 (every int8 pair) = 36.
"""

from comparison_cases import (
    check_comparison,
    check_int8_every_pair,
    check_refusals,
    comparison_case,
    int8_quant,
)
from hypothesis import given, settings
from oracle import requires_tflm
from strategies import seeds

TYPES = ["float32", "int32", "int64", "int8"]


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(case=comparison_case(TYPES), seed=seeds)
def test_greater_equal_matches_tflm(case, seed):
    check_comparison("GREATER_EQUAL", case, seed)


@requires_tflm
@settings(max_examples=6, deadline=None)
@given(qs=int8_quant())
def test_greater_equal_int8_every_pair_matches_tflm(qs):
    check_int8_every_pair("GREATER_EQUAL", qs[0], qs[1])


def test_greater_equal_refuses_what_tflm_refuses():
    check_refusals("GREATER_EQUAL", ["int16", "bool"])
