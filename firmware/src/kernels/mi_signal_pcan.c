/* SignalPCAN (TFLM: signal/micro/kernels/pcan.cc, signal/src/pcan_argc_fixed.cc;
 * Python twin: kernels/signal_pcan.py). */
#include "mi_signal_common.h"

#define INPUT 0
#define NOISE_ESTIMATE 1
#define GAIN_LUT 2
#define OUTPUT 0
#define SNR_BITS 12
#define OUTPUT_BITS 6
#define LUT_ENTRIES 125 /* signal_pcan.py LUT_ENTRIES */

/* op data layout (kernels/signal_pcan.py MEMORY): 1 word */
typedef struct {
    uint32_t snr_shift;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, noise, lut, y;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_shift(&map, "snr_shift", 64, &d->snr_shift));
    if (mi_node_num_inputs(node) != 3 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_signal_vector_in(ctx, node, INPUT, MI_TYPE_UINT32, &x));
    MI_TRY(mi_signal_vector_in(ctx, node, NOISE_ESTIMATE, MI_TYPE_UINT32, &noise));
    MI_TRY(mi_signal_vector_in(ctx, node, GAIN_LUT, MI_TYPE_INT16, &lut));
    MI_TRY(mi_signal_vector_out(ctx, node, OUTPUT, MI_TYPE_UINT32, &y));
    if (noise.count < x.count || y.count != x.count || lut.count < LUT_ENTRIES) return MI_ERR_BAD_PARAM;
    return MI_OK;
}

/* WideDynamicFunction: the gain of a noise estimate */
static int16_t wide_dynamic(uint32_t x, const int16_t *lut)
{
    int32_t interval, frac, result;
    if (x <= 2) return lut[x];
    interval = (int32_t)mi_signal_msb32(x);
    lut += 4 * interval - 6;
    frac = (int32_t)(((interval < 11) ? (x << (11 - interval)) : (x >> (interval - 11))) & 0x3FFu);
    result = ((int32_t)lut[2] * frac) >> 5;
    result += (int32_t)((uint32_t)lut[1] * 32u); /* (uint32)lut[1] << 5, read back as int32 */
    result *= frac;
    result = (result + (1 << 14)) >> 15;
    result += lut[0];
    return mi_signal_wrap16(result);
}

static uint32_t shrink(uint32_t x)
{
    if (x < (2u << SNR_BITS)) return (x * x) >> (2 + 2 * SNR_BITS - OUTPUT_BITS);
    return (x >> (SNR_BITS - OUTPUT_BITS)) - (1u << OUTPUT_BITS);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint32_t *x = (const uint32_t *)mi_node_input_data(ctx, node, INPUT);
    const uint32_t *noise = (const uint32_t *)mi_node_input_data(ctx, node, NOISE_ESTIMATE);
    const int16_t *lut = (const int16_t *)mi_node_input_data(ctx, node, GAIN_LUT);
    uint32_t *y = (uint32_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint32_t n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / 4u, i;
    for (i = 0; i < n; i++) {
        const uint32_t gain = (uint32_t)(int32_t)wide_dynamic(noise[i], lut);
        const uint32_t snr = (uint32_t)(((uint64_t)x[i] * gain) >> d->snr_shift);
        y[i] = shrink(snr);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_pcan = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalPCAN",
                                                       prepare, invoke};
