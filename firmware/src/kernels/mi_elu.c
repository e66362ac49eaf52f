/* ELU (TFLM: kernels/elu.cc; Python twin: kernels/elu.py).
 *
 * float32: x < 0 ? expm1f(x) : x with the C library's expm1f (so -0.0 and
 *   NaN pass unchanged). glibc's on the host, as elu.py calls it; newlib's on
 *   Cortex-M may differ in the last bit (see mi_unary.h).
 * int8: a 256-entry table built in prepare as TFLM's PopulateLookupTable,
 *   all in float32: d = s_in * (q - zp_in), t = d < 0 ? expf(d) - 1 : d,
 *   roundf(t * (1 / s_out)) + zp_out, converted to int32 as x86's cvttss2si
 *   does (INT32_MIN for NaN or out of range, which the oracle build yields for
 *   C's undefined conversion), clamped to [-128, 127]. The expf of that table
 *   is the C library's too: on Cortex-M a table entry can differ.
 * An int8 tensor without quantization is refused, as elu.py does. */
#include <math.h>

#include "mi_unary.h"

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1 };

/* op data layout (kernels/elu.py MEMORY): 0 pointers, 1 word, 257 bytes */
typedef struct op_data {
    int32_t count;
    int8_t table[256]; /* result for q = -128 .. 127 */
    uint8_t kind;
} op_data_t;

/* elu.py float_to_int32_x86: static_cast<int32_t>(float) as cvttss2si computes it */
static int32_t float_to_int32_x86(float x)
{
    double v = (double)x;
    if (v > -2147483649.0 && v < 2147483648.0) return (int32_t)v; /* truncates toward zero */
    return MI_INT32_MIN;                                           /* NaN or out of range */
}

static void int8_table(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                       int8_t *table)
{
    float inverse_scale = 1.0f / output_scale;
    int32_t q;
    for (q = -128; q < 128; q++) {
        float dequantized = input_scale * (float)(q - input_zero_point);
        float transformed = dequantized < 0.0f ? expf(dequantized) - 1.0f : dequantized;
        float rescaled = mi_roundf(transformed * inverse_scale);
        int32_t quantized = float_to_int32_x86(rescaled + (float)output_zero_point);
        table[q + 128] = (int8_t)mi_clip_i32(quantized, -128, 127);
    }
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t type;
    (void)options;
    MI_TRY(mi_unary_check_same_type(ctx, node, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT8), &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    d->count = (int32_t)src.count;
    if (type == MI_TYPE_FLOAT32) {
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (!src.scales.count || !dst.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    d->kind = KIND_INT8;
    int8_table(mi_scale0(ctx, &src), mi_zero_point0(ctx, &src), mi_scale0(ctx, &dst), mi_zero_point0(ctx, &dst),
               d->table);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    if (d->kind == KIND_FLOAT32) {
        for (i = 0; i < d->count; i++) {
            float v = ((const float *)x)[i];
            ((float *)y)[i] = v < 0.0f ? expm1f(v) : v;
        }
    } else {
        for (i = 0; i < d->count; i++) ((int8_t *)y)[i] = d->table[((const int8_t *)x)[i] + 128];
    }
    return MI_OK;
}

const mi_registration_t mi_registration_elu = {MI_OP_ELU, (uint32_t)sizeof(op_data_t), "ELU", prepare, invoke};
