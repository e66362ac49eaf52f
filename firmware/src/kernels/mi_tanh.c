/* TANH (TFLM: kernels/tanh.cc; Python twin: kernels/tanh.py).
 *   float32: std::tanh on floats, i.e. the C library's tanhf;
 *   int8: Q4.27 input, gemmlowp's fixed-point tanh, a rounding shift to Q0.7;
 *     TFLM never reads the output's scale or zero point (assumes 1/128, 0);
 *   int16: the table-interpolated tanh (mi_lut_tanh_int16); power-of-two
 *     input scales with shift 0 or 1 skip the multiplier.
 * The prepare step and the int8 path are LOGISTIC's too (mi_sigmoid_tanh.c). */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_sigmoid_tanh.h"

#define INPUT 0
#define OUTPUT 0

/* a local function for the shared int8 loop (its address needs no GOT entry) */
static int32_t fixed_point_tanh(int32_t a, int integer_bits) { return mi_gemmlowp_tanh(a, integer_bits); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    static const int32_t pot_shifts[] = {0, 1};
    (void)options;
    return mi_sigmoid_tanh_prepare(ctx, node, 0, 0, pot_shifts, 2);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_sigmoid_tanh_op_data_t *d = (const mi_sigmoid_tanh_op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case MI_SIGMOID_TANH_FLOAT32:
        for (i = 0; i < d->count; i++) ((float *)y)[i] = tanhf(((const float *)x)[i]);
        break;
#endif
    case MI_SIGMOID_TANH_INT16:
        for (i = 0; i < d->count; i++)
            ((int16_t *)y)[i] = (int16_t)mi_lut_tanh_int16(((const int16_t *)x)[i], d->input_multiplier,
                                                           d->input_left_shift);
        break;
    default: /* Q0.31 -> Q0.7, zero point 0 (scale 1/128) */
        mi_sigmoid_tanh_int8_invoke(d, (const int8_t *)x, (int8_t *)y, fixed_point_tanh, 7, 0);
        break;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_tanh = {MI_OP_TANH, (uint32_t)sizeof(mi_sigmoid_tanh_op_data_t), "TANH",
                                                prepare, invoke};
