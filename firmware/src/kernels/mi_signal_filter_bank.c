/* SignalFilterBank (TFLM: signal/micro/kernels/filter_bank.cc,
 * signal/src/filter_bank.cc; Python twin: kernels/signal_filter_bank.py).
 * uint64 accumulators, modulo 2**64, in TFLM's loop order; the constant
 * tables' indices are checked once in prepare. */
#include "mi_signal_common.h"

#define INPUT 0
#define WEIGHTS 1
#define UNWEIGHTS 2
#define FREQ_STARTS 3
#define WEIGHT_STARTS 4
#define WIDTHS 5
#define OUTPUT 0

/* op data layout (kernels/signal_filter_bank.py MEMORY): 5 pointers, 1 word */
typedef struct {
    const int16_t *weights;
    const int16_t *unweights;
    const int16_t *freq_starts;
    const int16_t *weight_starts;
    const int16_t *widths;
    int32_t channels;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, y, t[5];
    int32_t c, k;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_int(&map, "num_channels", &d->channels));
    if (mi_node_num_inputs(node) != 6 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_signal_vector_in(ctx, node, INPUT, MI_TYPE_UINT32, &x));
    MI_TRY(mi_signal_vector_out(ctx, node, OUTPUT, MI_TYPE_UINT64, &y));
    for (k = 0; k < 5; k++) {
        MI_TRY(mi_signal_vector_in(ctx, node, (uint32_t)(WEIGHTS + k), MI_TYPE_INT16, &t[k]));
        if (!t[k].data) return MI_ERR_BAD_PARAM; /* the tables must be constant */
    }
    if (d->channels <= 0 || y.count != (uint32_t)d->channels) return MI_ERR_BAD_PARAM;
    if (t[0].count != t[1].count) return MI_ERR_BAD_PARAM;
    for (k = 2; k < 5; k++)
        if (t[k].count < (uint32_t)d->channels + 1u) return MI_ERR_BAD_PARAM;
    d->weights = (const int16_t *)t[0].data;
    d->unweights = (const int16_t *)t[1].data;
    d->freq_starts = (const int16_t *)t[2].data;
    d->weight_starts = (const int16_t *)t[3].data;
    d->widths = (const int16_t *)t[4].data;
    for (c = 0; c <= d->channels; c++) {
        int32_t fs = d->freq_starts[c], ws = d->weight_starts[c], w = d->widths[c];
        if (w < 0 || fs < 0 || ws < 0 || (uint32_t)(fs + w) > x.count || (uint32_t)(ws + w) > t[0].count)
            return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint32_t *x = (const uint32_t *)mi_node_input_data(ctx, node, INPUT);
    uint64_t *y = (uint64_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint64_t weighted = 0, unweighted = 0;
    int32_t c, j;
    for (c = 0; c <= d->channels; c++) {
        const int32_t fs = d->freq_starts[c], ws = d->weight_starts[c];
        for (j = 0; j < d->widths[c]; j++) {
            weighted += (uint64_t)(int64_t)d->weights[ws + j] * (uint64_t)x[fs + j];
            unweighted += (uint64_t)(int64_t)d->unweights[ws + j] * (uint64_t)x[fs + j];
        }
        if (c > 0) y[c - 1] = weighted; /* channel 0 is TFLM's scratch channel */
        weighted = unweighted;
        unweighted = 0;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_filter_bank = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                              "SignalFilterBank", prepare, invoke};
