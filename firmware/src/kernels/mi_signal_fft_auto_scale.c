/* SignalFftAutoScale (TFLM: signal/micro/kernels/fft_auto_scale_kernel.cc,
 * signal/src/fft_auto_scale.cc, max_abs.cc; Python twin:
 * kernels/signal_fft_auto_scale.py, which explains the int16 running-maximum
 * quirk reproduced here by keeping the maximum in an int16_t, as TFLM does). */
#include "mi_signal_common.h"

#define INPUT 0
#define OUTPUT 0
#define SCALE_BITS 1

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t x, y, bits;
    (void)options;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 2) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    MI_TRY(mi_node_output_info(ctx, node, SCALE_BITS, &bits));
    if (x.rank != 1 || y.rank != 1 || bits.rank != 0) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16 || bits.type != MI_TYPE_INT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    return y.count <= x.count ? MI_OK : MI_ERR_BAD_PARAM;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t *bits = (int32_t *)mi_node_output_data(ctx, node, SCALE_BITS);
    uint32_t n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / 2u, i;
    int16_t max = 0; /* MaxAbs16: an int16_t maximum, so -(-32768) wraps to -32768 */
    int32_t scale;
    for (i = 0; i < n; i++) {
        int32_t v = x[i];
        if (v > max) max = (int16_t)v;
        else if (-v > max) max = mi_signal_wrap16(-v);
    }
    scale = 16 - (int32_t)mi_signal_msb32((uint32_t)(int32_t)max) - 1;
    if (scale < 0) scale = 0;
    for (i = 0; i < n; i++) y[i] = mi_signal_wrap16((int32_t)x[i] * (1 << scale));
    *bits = scale;
    return MI_OK;
}

const mi_registration_t mi_registration_signal_fft_auto_scale = {MI_OP_CUSTOM, 0, "SignalFftAutoScale", prepare,
                                                                 invoke};
