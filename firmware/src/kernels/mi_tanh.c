/* TANH (TFLM: kernels/tanh.cc; Python twin: kernels/tanh.py).
 *   float32: std::tanh on floats, i.e. the C library's tanhf;
 *   int8: Q4.27 input, gemmlowp's fixed-point tanh, a rounding shift to Q0.7;
 *     TFLM never reads the output's scale or zero point (assumes 1/128, 0);
 *   int16: the table-interpolated tanh (mi_lut_tanh_int16); power-of-two
 *     input scales with shift 0 or 1 skip the multiplier.
 * The prepare step and the invoke loop are LOGISTIC's too (mi_sigmoid_tanh.c). */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_sigmoid_tanh.h"

/* local functions for the shared loops (their addresses need no GOT entry) */
static int32_t fixed_point_tanh(int32_t a, int integer_bits) { return mi_gemmlowp_tanh(a, integer_bits); }
#if MI_ENABLE_FLOAT
static float tanh_float(float v) { return tanhf(v); }
#define TANH_FLOAT tanh_float
#else
#define TANH_FLOAT NULL
#endif

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    static const int32_t pot_shifts[] = {0, 1};
    (void)options;
    return mi_sigmoid_tanh_prepare(ctx, node, 0, 0, pot_shifts, 2);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    /* int8: Q0.31 -> Q0.7, zero point 0 (scale 1/128) */
    static const mi_sigmoid_tanh_functions_t functions = {TANH_FLOAT, mi_lut_tanh_int16, fixed_point_tanh, 7, 0};
    mi_sigmoid_tanh_invoke(ctx, node, &functions);
    return MI_OK;
}

const mi_registration_t mi_registration_tanh = {MI_OP_TANH, (uint32_t)sizeof(mi_sigmoid_tanh_op_data_t), "TANH",
                                                prepare, invoke};
