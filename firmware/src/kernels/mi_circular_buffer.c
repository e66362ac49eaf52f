/* CIRCULAR_BUFFER, the streaming custom op (TFLM: kernels/circular_buffer.cc,
 * circular_buffer_common.cc; Python twin: kernels/circular_buffer.py, which
 * documents the behaviour and the refusals).
 *
 * Input (N, 1, H, W) int8, output (N, slots, H, W) int8: the output's first
 * slots * H * W bytes shift down by one slot and the input's first slot goes
 * last. Every cycles_max-th invoke lets the graph go on; on the others the
 * kernel ends the run after itself (mi_end_invoke: TFLM's kTfLiteAbort, a
 * success). The countdown is kept as the number of invokes since the last full
 * run in a kernel state block, so mi_interpreter_reset (which zero-fills it)
 * restarts it, as TFLM's CircularBufferReset. */
#include <string.h>

#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/circular_buffer.py MEMORY): 2 pointers, 5 words
 * (the mi_state_t link: 2 pointers + 2 words) */
typedef struct op_data {
    mi_state_t state; /* one int32: invokes since the last full run */
    int32_t cycles_max, slots, depth;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, y;
    d->cycles_max = 0;
    if (options->custom.size) {
        mi_flexmap_t m;
        MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
        MI_TRY(mi_flexmap_int(&m, "cycles_max", &d->cycles_max));
    }
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank != 4 || y.rank != 4) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.dims[0] != y.dims[0] || x.dims[1] != 1 || x.dims[2] != y.dims[2] || x.dims[3] != y.dims[3])
        return MI_ERR_BAD_PARAM;
    if (x.type != MI_TYPE_INT8 || y.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    d->slots = y.dims[1];
    if (d->slots < 1) return MI_ERR_BAD_PARAM;
    if (d->cycles_max <= 0) { /* TFLM's period heuristic */
        if (d->slots == 5 || d->slots == 13 || d->slots == 25) d->cycles_max = 1;
        else if (y.dims[2] == 2 && y.dims[3] == 96) return MI_ERR_UNSUPPORTED_SHAPE; /* process-wide counter */
        else d->cycles_max = 2;
    }
    d->depth = y.dims[2] * y.dims[3];
    if (!mi_alloc_state(ctx, &d->state, sizeof(int32_t))) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    int8_t *out = (int8_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t *since = (int32_t *)d->state.data;
    size_t depth = (size_t)d->depth, keep = (size_t)(d->slots - 1) * depth;
    memmove(out, out + depth, keep);
    memcpy(out + keep, mi_node_input_data(ctx, node, INPUT), depth);
    if (++*since != d->cycles_max) {
        mi_end_invoke(ctx);
        return MI_OK;
    }
    *since = 0;
    return MI_OK;
}

const mi_registration_t mi_registration_circular_buffer = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                           "CIRCULAR_BUFFER", prepare, invoke};
