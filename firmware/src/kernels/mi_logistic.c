/* LOGISTIC (TFLM: kernels/logistic.cc + logistic_common.cc; Python twin:
 * kernels/logistic.py). Three TFLM paths:
 *   float32: reference_ops::Logistic -- inputs above 16.619047f give exactly
 *     1.0f, inputs below -9 give expf(x), the rest 1.f / (1.f + expf(-x)),
 *     with the C library's expf;
 *   int8: Q4.27 input, gemmlowp's fixed-point logistic, output zero point
 *     -128 (enforced) and scale assumed 1/256 (mi_sigmoid_tanh.c);
 *   int16: the table-interpolated sigmoid (mi_lut_logistic_int16), symmetric
 *     input and output, output scale exactly 2^-15. */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_logistic.h"
#include "mi_sigmoid_tanh.h"

/* a local function for the shared int8 loop (its address needs no GOT entry) */
static int32_t fixed_point_logistic(int32_t a, int integer_bits) { return mi_gemmlowp_logistic(a, integer_bits); }

#if MI_ENABLE_FLOAT
float mi_logistic_float(float v)
{
    if (v > 16.619047164916992188f) return 1.0f;
    if (v < -9.0f) return expf(v);
    return 1.0f / (1.0f + expf(-v));
}
#define MI_LOGISTIC_FLOAT mi_logistic_float
#else
#define MI_LOGISTIC_FLOAT NULL
#endif

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    static const int32_t pot_shifts[] = {0};
    (void)options;
    return mi_sigmoid_tanh_prepare(ctx, node, 1, -128, pot_shifts, 1);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    /* int8: Q0.31 -> Q0.8, zero point -128 (scale 1/256) */
    static const mi_sigmoid_tanh_functions_t functions = {MI_LOGISTIC_FLOAT, mi_lut_logistic_int16,
                                                          fixed_point_logistic, 8, -128};
    mi_sigmoid_tanh_invoke(ctx, node, &functions);
    return MI_OK;
}

const mi_registration_t mi_registration_logistic = {MI_OP_LOGISTIC, (uint32_t)sizeof(mi_sigmoid_tanh_op_data_t),
                                                    "LOGISTIC", prepare, invoke};
