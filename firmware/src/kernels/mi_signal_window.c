/* SignalWindow (TFLM: signal/micro/kernels/window.cc, signal/src/window.cc;
 * Python twin: kernels/signal_window.py, which explains the refusals). */
#include "mi_signal_common.h"

#define INPUT 0
#define WEIGHTS 1
#define OUTPUT 0

/* op data layout (kernels/signal_window.py MEMORY): 2 words */
typedef struct {
    uint32_t shift;
    uint32_t window; /* samples per window */
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, w, y;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_shift(&map, "shift", 32, &d->shift));
    if (mi_node_num_inputs(node) != 2 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_input_info(ctx, node, WEIGHTS, &w));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank < 1 || w.rank != 1 || x.rank != y.rank) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.type != MI_TYPE_INT16 || w.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    if (w.count == 0 || x.count % w.count != 0 || y.count != x.count) return MI_ERR_BAD_PARAM;
    d->window = w.count;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    const int16_t *w = (const int16_t *)mi_node_input_data(ctx, node, WEIGHTS);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint32_t n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / 2u, i;
    for (i = 0; i < n; i++) {
        int32_t raw = ((int32_t)x[i] * w[i % d->window]) >> d->shift;
        y[i] = (int16_t)(raw < -32768 ? -32768 : raw > 32767 ? 32767 : raw);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_window = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalWindow",
                                                         prepare, invoke};
