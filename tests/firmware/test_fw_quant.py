"""mi_quant.c against quant.py, on the same edge values.

Every expected value is computed here by quant.py (the twin the C file
mirrors line for line), never written down by hand. Floats cross the process
boundary as hex bit patterns so nothing is lost in decimal. Run under
ASan/UBSan: the int32 wrap-arounds must be defined behaviour in C.
"""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from fw_helpers import assert_clean, requires_host_cc, run_binary

from microinterp import quant

pytestmark = requires_host_cc

I32_MIN, I32_MAX = -(2**31), 2**31 - 1
RNG = np.random.default_rng(20261122)

EDGE_I32 = [I32_MIN, I32_MIN + 1, -(2**30) - 1, -(2**30), -65536, -32768, -129, -128, -2, -1, 0, 1, 2, 127, 128,
            32767, 65535, 2**30 - 1, 2**30, 2**30 + 1, I32_MAX - 1, I32_MAX]
RANDOM_I32 = [int(v) for v in RNG.integers(I32_MIN, I32_MAX, size=40, endpoint=True)]
MULTIPLIERS = [0, 1, 2**30, 2**30 + 1, 1518500250, 1895147668, I32_MAX - 1, I32_MAX] + [
    int(v) for v in RNG.integers(2**30, I32_MAX, size=10, endpoint=True)]


def dhex(x: float) -> str:
    return struct.pack("<d", x)[::-1].hex()


def fhex(x: float) -> str:
    return struct.pack("<f", np.float32(x))[::-1].hex()


def fbits(x: float) -> str:
    return struct.pack("<f", np.float32(x))[::-1].hex()


def run_cases(cases: list[tuple[str, str]]) -> None:
    """Send every call line, compare every output line with its expected value."""
    proc = run_binary("test_quant", [], stdin="".join(line + "\n" for line, _ in cases))
    assert_clean(proc)
    got = proc.stdout.splitlines()
    assert len(got) == len(cases), proc.stdout[-500:]
    bad = [(line, want, have) for (line, want), have in zip(cases, got) if want != have]
    assert not bad, f"{len(bad)} of {len(cases)} differ from quant.py, e.g.\n" + "\n".join(
        f"  {line!r}: quant.py {want!r}, C {have!r}" for line, want, have in bad[:12])


def status_of(fn, *args):  # type: ignore[no-untyped-def]
    """(0, result) or (1, None) when quant.py refuses the arguments."""
    try:
        with np.errstate(all="ignore"):  # zero/inf scales are edge cases on purpose
            return 0, fn(*args)
    except (ValueError, OverflowError, AssertionError):
        return 1, None


def test_quantize_multiplier() -> None:
    reals = [0.0, 5e-324, 1e-40, 2.0**-40, 2.0**-32, 2.0**-31, 2.0**-30, 0.25, 0.5, math.nextafter(0.5, 0),
             math.nextafter(0.5, 1), 1 - 2.0**-53, 1 - 2.0**-32, 1 - 2.0**-33, 1.0, 1.5, 3.0, 2.0**30 - 1, 2.0**30,
             2.0**31 - 1, 2.0**31, 2.0**40, -0.5, -1.0, -(2.0**-20), math.inf, -math.inf, math.nan]
    reals += [float(2.0 ** e * m) for e, m in zip(RNG.integers(-45, 33, size=200), RNG.uniform(1, 2, size=200))]
    # around a rounding tie of q * 2**31: mantissas whose 2**31 multiple ends in .5
    reals += [(2**30 + k + 0.5) / 2**31 for k in range(5)] + [(2**31 - 0.5) / 2**31]
    cases = []
    for r in reals:
        st, res = status_of(quant.quantize_multiplier, r)
        want = "0 {} {}".format(*res) if st == 0 else None
        st2, res2 = status_of(quant.quantize_multiplier_unbounded, r)
        cases.append((f"quantize_multiplier {dhex(r)}", want or "1 0 0"))
        cases.append((f"quantize_multiplier_unbounded {dhex(r)}", "0 {} {}".format(*res2) if st2 == 0 else "1 0 0"))
    # C gives status 1 with zeroed outputs where quant.py raises; that is checked here too
    run_cases(cases)


def test_fixed_point_multiplications() -> None:
    cases = []
    values = EDGE_I32 + RANDOM_I32
    for a in values:
        for b in EDGE_I32[::2] + RANDOM_I32[:8]:
            cases.append((f"srdhm {a} {b}", str(int(quant.saturating_rounding_doubling_high_mul(a, b)))))
    for x in values:
        for e in range(32):
            cases.append((f"rdbpot {x} {e}", str(int(quant.rounding_divide_by_pot(x, e)))))
        for e in (32, 33, 45, 63):  # int8 DIV's zero dividends: quant.py's x86-64 semantics, wrapped to int32
            cases.append((f"rdbpot {x} {e}", str(int(quant.wrap_int32(quant.rounding_divide_by_pot(x, e))))))
    for x in values:
        for m in MULTIPLIERS:
            for s in (-31, -20, -8, -1, 0, 1, 2, 7, 15, 30):
                cases.append((f"mbqm {x} {m} {s}", str(int(quant.multiply_by_quantized_multiplier(x, m, s)))))
            for s in (-31, -12, -1, 0):
                cases.append((f"mbqm_lt1 {x} {m} {s}",
                              str(int(quant.multiply_by_quantized_multiplier_smaller_than_one_exp(x, m, s)))))
            for s in (0, 1, 5, 12, 20, 31):
                cases.append((f"mbqm_gt1 {x} {m} {s}",
                              str(int(quant.multiply_by_quantized_multiplier_greater_than_one(x, m, s)))))
    for x in [0, 1, -1, 2**31, -(2**31), 2**40, -(2**40), 2**47 - 1, -(2**47)] + [
            int(v) for v in RNG.integers(-(2**47), 2**47, size=20)]:
        for m in MULTIPLIERS + [0x7FFF0000, 0x7FFEFFFF]:
            for s in (-31, -16, -1, 0, 1, 5, 14):
                cases.append((f"mbqm64 {x} {m} {s}", str(int(quant.multiply_by_quantized_multiplier_int64(x, m, s)))))
    run_cases(cases)


def test_activation_ranges_and_clamp() -> None:
    cases = []
    scales = [2.0**-20, 1 / 256, 0.0039215689, 0.05, 0.1, 1.0, 3.0e38, 1e-45, 0.0]
    for real in (0.0, 6.0, -1.0, 1.0, 0.5, -0.5, 2.5):
        for scale in scales[:-3]:
            for zp in (-128, -5, 0, 17, 127):
                want = quant.quantize_value(real, scale, zp)
                cases.append((f"quantize_value {fhex(real)} {fhex(scale)} {zp}", str(int(want))))
    for act in range(6):
        for qmin, qmax in ((-128, 127), (-32768, 32767), (0, 255)):
            for scale in scales:
                for zp in (qmin, -3, 0, 9, qmax, qmax + 50):
                    st, res = status_of(quant.activation_range_quantized, act, qmin, qmax, scale, zp)
                    want = "0 {} {}".format(*res) if st == 0 else "1 0 0"
                    cases.append((f"activation_range_quantized {act} {qmin} {qmax} {fhex(scale)} {zp}", want))
        st, res = status_of(quant.activation_range_float, act)
        want = f"0 {fbits(res[0])} {fbits(res[1])}" if st == 0 else "1 00000000 00000000"
        cases.append((f"activation_range_float {act}", want))
    xs = [-0.0, 0.0, -1e-45, 1e-45, -1.0, -0.99999994, 1.0, 5.9999995, 6.0, 6.0000005, -3.4e38, 3.4e38,
          math.inf, -math.inf, 7.25, -7.25]
    for x in xs:
        for lo, hi in ((0.0, 6.0), (-1.0, 1.0), (0.0, 3.4028234663852886e38), (-3.4028234663852886e38,
                                                                                  3.4028234663852886e38)):
            want = quant.clamp_float(np.array([x], np.float32), lo, hi)[0]
            cases.append((f"clamp_float {fhex(x)} {fhex(lo)} {fhex(hi)}", fbits(float(want))))
    for x in (0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999997, -0.49999997, 8388607.5, 8388609.0, 1e30, -1e30,
              1e-40, 123.456):
        cases.append((f"roundf {fhex(x)}", fbits(float(quant.roundf(np.array([x], np.float32))[0]))))
    for d in (0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, 2.0**31, -(2.0**31), 1e15 + 0.5):
        cases.append((f"round_half_away {dhex(d)}", str(quant.round_half_away(d))))
    run_cases(cases)


def test_gemmlowp_softmax_helpers() -> None:
    cases = []
    for x in EDGE_I32 + RANDOM_I32:
        for e in (-31, -12, -5, -1, 0, 1, 2, 5, 12, 30):
            cases.append((f"srmbpot {x} {e}", str(int(quant.saturating_rounding_multiply_by_pot(x, e)))))
        for y in EDGE_I32[::3]:
            cases.append((f"rounding_half_sum {x} {y}", str(int(quant.rounding_half_sum(x, y)))))
    negatives = sorted({v for v in EDGE_I32 + RANDOM_I32 if v <= 0} | {-(2**26), -(2**25) - 1, -1 << 28})
    negatives += [int(v) for v in RNG.integers(-(2**31), 0, size=60)] + [int(v) for v in RNG.integers(-(2**27), 0,
                                                                                                      size=60)]
    for a in negatives:
        for bits in (0, 1, 2, 3, 4, 5, 6, 8, 12):
            cases.append((f"exp_on_negative_values {a} {bits}",
                          str(int(quant.gemmlowp_exp_on_negative_values(np.int64(a), bits)))))
    for a in [v for v in EDGE_I32 + RANDOM_I32 if v >= 0] + [int(v) for v in RNG.integers(0, I32_MAX, size=40)]:
        cases.append((f"one_over_one_plus_x {a}", str(int(quant.gemmlowp_one_over_one_plus_x_for_x_in_0_1(a)))))
    for bits in range(1, 11):
        for shift in range(0, 32):
            cases.append((f"calculate_input_radius {bits} {shift} 31", str(quant.calculate_input_radius(bits, shift))))
    for beta in (0.0, 1.0, 0.5, 2.0, 1e-3, 1e6):
        for scale in (1 / 256, 0.1, 0.0625, 1e-6, 10.0, 3e38, 0.00390625):
            b32, s32 = float(np.float32(beta)), float(np.float32(scale))
            st, res = status_of(quant.preprocess_softmax_scaling, b32, s32, 5)
            want = "0 {} {}".format(*res) if st == 0 else "1 0 0"
            cases.append((f"preprocess_softmax_scaling {fhex(b32)} {fhex(s32)} 5", want))
    for x in [0, 1, 2, 3, 255, 256, 65535, 2**31 - 1, 2**31, 2**32 - 1] + [int(v) for v in RNG.integers(0, 2**32,
                                                                                                       size=20)]:
        cases.append((f"clz {x}", str(int(quant.count_leading_zeros_u32(np.int64(x))))))
    for x in [1, 2, 3, 4096, 2**19, 2**19 + 1, 2**30, I32_MAX] + [int(v) for v in RNG.integers(1, I32_MAX, size=40)]:
        r, n = quant.get_reciprocal(np.int64(x), 12)
        cases.append((f"get_reciprocal {x} 12", f"{int(r)} {int(n)}"))
    run_cases(cases)


def test_div_and_rsqrt_helpers() -> None:
    """CountLeadingSignBits (int8 DIV) and GetInvSqrtQuantizedMultiplierExp (RSQRT)."""
    cases = []
    for x in EDGE_I32 + RANDOM_I32:
        cases.append((f"clrsb {x}", str(int(quant.count_leading_sign_bits_i32(np.int64(x))))))
    for x in [0, 1, 2, 3, 4, 255, 256, 32767, 65535, 2**27, 2**29 - 1, 2**29, 2**31 - 1] + [
            int(v) for v in RNG.integers(2, I32_MAX, size=40)]:
        for reverse in (-1, 1):
            m, s = quant.inv_sqrt_quantized_multiplier_exp(np.int64(x), reverse)
            cases.append((f"inv_sqrt {x} {reverse}", f"{int(m)} {int(s)}"))
    run_cases(cases)


def test_int16_lookup_tables() -> None:
    """TFLM's int16 softmax tables built in C equal softmax.py's, and the lookup matches."""
    from microinterp.kernels.softmax import _int16_luts

    exp_lut, recip_lut = _int16_luts()
    cases = [("lut_table exp", " ".join(str(int(v)) for v in exp_lut)),
             ("lut_table recip", " ".join(str(int(v)) for v in recip_lut))]
    values = [-32768, -32767, -129, -128, -1, 0, 1, 127, 128, 32766, 32767] + [
        int(v) for v in RNG.integers(-32768, 32768, size=60)]
    for name, lut in (("exp", exp_lut), ("recip", recip_lut)):
        for v in values:
            cases.append((f"lut_lookup {name} {v}", str(int(quant.lut_lookup_int16(np.int64(v), lut)))))
    for x in [-(2**40), -70000, -32769, -32768, -1, 0, 32767, 32768, 65535, 65536, 2**40 + 5]:
        cases.append((f"wrap_int16 {x}", str(int(quant.wrap_int16(np.int64(x))))))
    run_cases(cases)


@pytest.mark.parametrize("func", ["nonexistent_function"])
def test_unknown_call_is_reported(func: str) -> None:
    proc = run_binary("test_quant", [], stdin=f"{func} 1 2\n")
    assert_clean(proc)
    assert proc.stdout.strip() == f"unknown {func}"


def test_sigmoid_tanh_and_mean_helpers() -> None:
    """gemmlowp logistic/tanh, the int16 LUT sigmoid/tanh, CheckedLog2, MEAN's
    multiplier, and the shifts beyond 31 that tiny scales reach."""
    cases = []
    values = EDGE_I32 + RANDOM_I32 + [int(v) for v in RNG.integers(-(2**31), 2**31, size=60)]
    for a in values:
        for bits in (0, 1, 4, 5):
            cases.append((f"logistic {a} {bits}", str(int(quant.gemmlowp_logistic(np.int64(a), bits)))))
            cases.append((f"tanh {a} {bits}", str(int(quant.gemmlowp_tanh(np.int64(a), bits)))))
    for a in [v for v in EDGE_I32 + RANDOM_I32 if v >= 0]:
        cases.append((f"one_minus_x_over_one_plus_x {a}",
                      str(int(quant.gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(a)))))
    int16s = [-32768, -32767, -4096, -1, 0, 1, 4095, 4096, 12288, 32767] + [
        int(v) for v in RNG.integers(-32768, 32768, size=40)]
    for m, s in [(0, 0), (0, 1), (24576, 1), (16385, 3), (32767, 31), (20000, 30), (12289, 0)]:
        for x in int16s:
            cases.append((f"lut_logistic {x} {m} {s}", str(int(quant.lut_logistic_int16(np.int64(x), m, s)))))
            cases.append((f"lut_tanh {x} {m} {s}", str(int(quant.lut_tanh_int16(np.int64(x), m, s)))))
    for x in [2.0**-15, 2.0**-12, 2.0**-12 * 1.0005, 2.0**-12 * 1.002, 3e-5, 1.0, 0.5, 7.0, 1e-30, 3e38, 1.4e-45,
              0.0, -1.0, float("inf")]:
        st, res = status_of(quant.checked_log2, x)
        cases.append((f"checked_log2 {fhex(x)}", f"0 {int(res[0])} {res[1]}" if st == 0 else "1 0 0"))
    for m in MULTIPLIERS[:6] + [-(2**30), -1518500250]:
        for shift in (-31, -20, -1, 0, 1, 10, 30):
            for n in (1, 2, 3, 7, 64, 100, 1000, 2**20 + 3, 2**31 - 1):
                cases.append((f"mean_multiplier {m} {shift} {n}", "{} {}".format(*quant.mean_multiplier(m, shift, n))))
    for x in EDGE_I32 + RANDOM_I32[:10]:
        for m in MULTIPLIERS[:5]:
            for s in (-32, -33, -40, -62, -63):
                cases.append((f"mbqm {x} {m} {s}", str(int(quant.multiply_by_quantized_multiplier(x, m, s)))))
    for bits in (0, 1, 4, 5):
        for shift in (-300, -64, -31, -5, -1, 31, 32, 40, 64, 200):
            want = min(quant.calculate_input_radius(bits, shift), I32_MAX)
            cases.append((f"calculate_input_radius {bits} {shift} 31", str(want)))
    run_cases(cases)


def test_log_softmax_helpers() -> None:
    """gemmlowp's log(x >= 1) and TFLM's PreprocessLogSoftmaxScalingExp, refusals included."""
    cases = []
    for a in [1, 2, 3, 255, 256, 4096, 524288, 524289, 2**27, 2**30, I32_MAX - 1, I32_MAX] + [
            int(v) for v in RNG.integers(1, I32_MAX, size=80)] + [int(v) for v in RNG.integers(1, 2**24, size=40)]:
        for out_bits, in_bits in ((5, 12), (4, 12), (5, 5)):
            want = quant.gemmlowp_log_x_for_x_greater_than_or_equal_to_1(np.int64(a), out_bits, in_bits)
            cases.append((f"log_x {a} {out_bits} {in_bits}", str(int(want))))
    for scale in (2.0**-16, 1 / 256, 0.1, 0.0625, 1.0, 8.0, 1e-9, 3e-8, 1e-12, 3e38):
        s32 = float(np.float32(scale))
        st, res = status_of(quant.preprocess_log_softmax_scaling_exp, 1.0, s32, 5)
        want = "0 {} {} {} {}".format(*res) if st == 0 else "1"
        cases.append((f"preprocess_log_softmax {dhex(s32)}", want))
    run_cases(cases)


# ---- the scale arithmetic mi_quant.c computes in integers (no soft-float helpers):
# every expectation is the double (or float32) expression the kernels' Python twins
# evaluate, here in numpy with IEEE semantics (a zero divisor gives inf/NaN, not an error)

F32_EDGES = [0.0, -0.0, 1e-45, -1e-45, 1.1754942e-38, 1.1754944e-38, 3.4028235e38, -3.4028235e38, math.inf,
             -math.inf, math.nan, 1.0, -1.0, 1 / 256, 0.0039062502, 0.0039062498, 1e-6, 1.0000001e-6, 9.999999e-7,
             2.0**-31, 2.0**31, 6.0, 0.02, 0.1]


def draw_scales(n: int) -> list[float]:
    """float32 scales: edges, any bit pattern, typical quantization scales and neighbours of 1/256."""
    bits = np.concatenate([
        RNG.integers(0, 2**32, size=n, dtype=np.uint64),
        RNG.integers(0x30000000, 0x40000000, size=n, dtype=np.uint64),
        RNG.integers(0x3B7FFF00, 0x3B800100, size=n // 4, dtype=np.uint64),
        # short mantissas: products and quotients that land on rounding ties
        (RNG.integers(0x30000, 0x40000, size=n, dtype=np.uint64) << 12),
    ]).astype(np.uint32)
    return F32_EDGES + [float(v) for v in bits.view(np.float32)]


def f64_quantize(real: float) -> str:
    st, res = status_of(quant.quantize_multiplier, real)
    return "0 {} {}".format(*res) if st == 0 else "1 0 0"


def test_scale_arithmetic_in_integers_equals_double() -> None:
    """mi_quantize_scale_ratio = QuantizeMultiplier(double(a) * double(b) / double(c)), and the
    bias / near / scale-difference checks, bit for bit on edge, random and tie-making scales."""
    scales = draw_scales(1500)
    pick = RNG.integers(0, len(scales), size=(6000, 4))
    cases = []
    with np.errstate(all="ignore"):
        for i, j, k, m in pick:
            a, b, c, d = (np.float32(scales[t]) for t in (i, j, k, m))
            real = float(np.float64(a) * np.float64(b) / np.float64(c))
            cases.append((f"quantize_scale_ratio {fhex(a)} {fhex(b)} {fhex(c)}", f64_quantize(real)))
            product = np.float64(a) * np.float64(b)
            negative = int(product < 0)
            mismatch = int(abs(product - np.float64(c)) / np.float64(d) > 0.02)
            diff = a - b if a > b else b - a  # float32
            near = int(diff <= c)
            differ = int(np.float64(abs(np.float32(a - b))) > 1e-6)
            cases.append((f"scale_checks {fhex(a)} {fhex(b)} {fhex(c)} {fhex(d)}",
                          f"{negative} {mismatch} {near} {differ}"))
        for beta, scale in RNG.integers(0, len(scales), size=(1500, 2)):
            b32, s32 = float(np.float32(scales[beta])), float(np.float32(scales[scale]))
            st, res = status_of(quant.preprocess_softmax_scaling, b32, s32, 5)
            want = "0 {} {}".format(*res) if st == 0 else "1 0 0"
            cases.append((f"preprocess_softmax_scaling {fhex(b32)} {fhex(s32)} 5", want))
        for real in (0.0, 6.0, -1.0, 1.0):
            for scale in scales[:400]:
                q = float(np.float32(real) / np.float32(scale))
                if math.isfinite(q) and abs(q) < 2.0**61:  # C saturates at 2**62 (its callers clamp to int32)
                    cases.append((f"quantize_value {fhex(real)} {fhex(scale)} 3",
                                  str(int(quant.quantize_value(real, scale, 3)))))
    run_cases(cases)


def test_general_rescaling_in_integers_equals_double() -> None:
    """ADD/SUB's rescaling (elementwise.general_rescaling): max(s1, s2) as doubles compare, then
    s / (2 * max) and 2 * max / (2**left_shift * s_out) through smaller_than_one_multiplier."""
    from microinterp.kernels.elementwise import smaller_than_one_multiplier

    class _Node:  # what smaller_than_one_multiplier reports a refusal through
        @staticmethod
        def fail(message: str) -> ValueError:
            return ValueError(message)

        unsupported = fail

    def want(real: float) -> str:
        try:
            with np.errstate(all="ignore"):
                return "0 {} {}".format(*smaller_than_one_multiplier(_Node(), real, "x"))  # type: ignore[arg-type]
        except Exception:  # any refusal of the Python twin (ValueError, the kernel's error)
            return "1 0 0"

    scales = draw_scales(800)
    cases = []
    with np.errstate(all="ignore"):
        for i, j, k in RNG.integers(0, len(scales), size=(4000, 3)):
            a, b, c = (np.float32(scales[t]) for t in (i, j, k))
            cases.append((f"float_greater {fhex(a)} {fhex(b)}", str(int(a > b))))
            top = a if np.float64(a) > np.float64(b) else b
            if not np.float64(top) > 0:
                continue
            left = 20 if k % 2 else 15
            twice = np.float64(2.0) * np.float64(top)  # numpy: a zero divisor gives inf, as in C
            cases.append((f"smaller_than_one_ratio {fhex(a)} 0 {fhex(top)} 1", want(float(np.float64(a) / twice))))
            cases.append((f"smaller_than_one_ratio {fhex(top)} 1 {fhex(c)} {left}",
                          want(float(twice / (np.float64(1 << left) * np.float64(c))))))
    run_cases(cases)
