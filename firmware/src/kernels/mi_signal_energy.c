/* SignalEnergy (TFLM: signal/micro/kernels/energy.cc, signal/src/energy.cc;
 * Python twin: kernels/signal_energy.py). The two squares are added as
 * uint32: the value TFLM stores, without its int32 overflow at -32768-32768j. */
#include "mi_signal_common.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/signal_energy.py MEMORY): 2 words */
typedef struct {
    int32_t start;
    int32_t end;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, y;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_int(&map, "end_index", &d->end));
    MI_TRY(mi_signal_int(&map, "start_index", &d->start));
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank != 1 || y.rank != 1) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_UINT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (d->start < d->end && (d->start < 0 || (uint32_t)d->end > x.count / 2u || (uint32_t)d->end > y.count))
        return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    uint32_t *y = (uint32_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    for (i = d->start; i < d->end; i++) {
        int32_t re = x[2 * i], im = x[2 * i + 1];
        y[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_energy = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalEnergy",
                                                         prepare, invoke};
