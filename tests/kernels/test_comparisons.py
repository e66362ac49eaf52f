"""The six comparison ops vs TFLM, one parametrized set of tests (the shared body is in
comparison_cases.py): EQUAL (==), NOT_EQUAL (!=), GREATER (>), GREATER_EQUAL (>=), LESS (<),
LESS_EQUAL (<=). Bool output, broadcast shapes up to rank 5, constant or variable second input;
int8 compared after TFLM's per-input rescaling (scales below 1, drawn zero points), also over every
int8 pair.

Types: EQUAL and NOT_EQUAL [bool, float32, int32, int64, int8]; the four orderings
[float32, int32, int64, int8]. int16 is refused by all six: TFLM's GREATER has an int16 case that
reads uninitialised rescale parameters, the others reject it; the orderings also refuse bool.

Hypothesis examples, per op: 30 + 6 (every int8 pair) = 36; for the six ops 6 x 36 = 216.
"""

import pytest
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

EQUALITY_TYPES = ["bool", "float32", "int32", "int64", "int8"]
ORDERING_TYPES = ["float32", "int32", "int64", "int8"]

EQUALITY_OPS = ["EQUAL", "NOT_EQUAL"]
ORDERING_OPS = ["GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL"]
# op -> the types TFLM refuses for it
REFUSED = {op: ["int16"] for op in EQUALITY_OPS} | {op: ["int16", "bool"] for op in ORDERING_OPS}


@requires_tflm
@pytest.mark.parametrize("op", EQUALITY_OPS)
@settings(max_examples=30, deadline=None)
@given(case=comparison_case(EQUALITY_TYPES), seed=seeds)
def test_equality_matches_tflm(op, case, seed):
    check_comparison(op, case, seed)


@requires_tflm
@pytest.mark.parametrize("op", ORDERING_OPS)
@settings(max_examples=30, deadline=None)
@given(case=comparison_case(ORDERING_TYPES), seed=seeds)
def test_ordering_matches_tflm(op, case, seed):
    check_comparison(op, case, seed)


@requires_tflm
@pytest.mark.parametrize("op", list(REFUSED))
@settings(max_examples=6, deadline=None)
@given(qs=int8_quant())
def test_int8_every_pair_matches_tflm(op, qs):
    check_int8_every_pair(op, qs[0], qs[1])


@pytest.mark.parametrize("op", list(REFUSED))
def test_refuses_what_tflm_refuses(op):
    check_refusals(op, REFUSED[op])
