/* SignalFilterBankLog (TFLM: signal/micro/kernels/filter_bank_log.cc,
 * signal/src/filter_bank_log.cc, log.cc; Python twin:
 * kernels/signal_filter_bank_log.py, which explains Log32). */
#include "mi_signal_common.h"

#define INPUT 0
#define OUTPUT 0
#define SCALE_BITS 16
#define SEGMENT_BITS 7
#define LOG_COEFF 45426u

/* signal_filter_bank_log.py LOG_LUT: round(2**16 * (log2(1 + i/128) - i/128)),
 * i = 0..128, and a 0 pad (printed from that formula) */
static const uint16_t log_lut[130] = {
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944,
    3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714,
    4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533,
    5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568,
    5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944,
    4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848, 3759,
    3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090,
    1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0, 0
};

/* op data layout (kernels/signal_filter_bank_log.py MEMORY): 2 words */
typedef struct {
    uint32_t correction_bits;
    uint32_t output_scale; /* the int32 option as the uint32 TFLM multiplies by */
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, y;
    int32_t scale;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_shift(&map, "input_correction_bits", 32, &d->correction_bits));
    MI_TRY(mi_signal_int(&map, "output_scale", &scale));
    d->output_scale = (uint32_t)scale;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank != 1 || y.rank != 1 || y.count != x.count) return MI_ERR_BAD_PARAM;
    if (x.type != MI_TYPE_UINT32 || y.type != MI_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    return MI_OK;
}

/* Log2FractionPart32 */
static uint32_t fraction(uint32_t x, uint32_t log2x)
{
    int32_t frac = (int32_t)(x - ((uint32_t)1 << log2x)), c0, c1, rel;
    uint32_t seg;
    if (log2x < SCALE_BITS) frac = (int32_t)((uint32_t)frac << (SCALE_BITS - log2x));
    else frac >>= log2x - SCALE_BITS;
    seg = (uint32_t)frac >> (SCALE_BITS - SEGMENT_BITS);
    c0 = log_lut[seg];
    c1 = log_lut[seg + 1];
    rel = ((c1 - c0) * (frac - (int32_t)(seg << (SCALE_BITS - SEGMENT_BITS)))) >> SCALE_BITS;
    return (uint32_t)(frac + c0 + rel);
}

/* Log32 of x > 1 */
static uint32_t log32(uint32_t x, uint32_t out_scale)
{
    const uint32_t integer = mi_signal_msb32(x) - 1;
    const uint32_t log2 = (integer << SCALE_BITS) + fraction(x, integer);
    const uint32_t round = 1u << (SCALE_BITS - 1);
    const uint32_t loge = (uint32_t)(((uint64_t)LOG_COEFF * log2 + round) >> SCALE_BITS);
    return (out_scale * loge + round) >> SCALE_BITS;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint32_t *x = (const uint32_t *)mi_node_input_data(ctx, node, INPUT);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint32_t n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / 2u, i;
    for (i = 0; i < n; i++) {
        const uint32_t scaled = x[i] << d->correction_bits;
        if (scaled > 1) {
            const uint32_t v = log32(scaled, d->output_scale);
            y[i] = (int16_t)(v < 32767u ? v : 32767u);
        } else {
            y[i] = 0;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_filter_bank_log = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                                  "SignalFilterBankLog", prepare, invoke};
