/* SignalFramer (TFLM: signal/micro/kernels/framer.cc, signal/src/circular_buffer.cc;
 * Python twin: kernels/signal_framer.py, which documents the behaviour).
 *
 * One FIFO per row (mi_signal_fifo.h) of the frame size rounded up to a multiple
 * of the step, in one kernel state block; with prefill a FIFO starts holding
 * frame_size - frame_step zeros, which is what a zero-filled block means here
 * (the count is kept relative to it), so mi_interpreter_reset restores TFLM's
 * FramerReset state. Per step: push frame_step samples, write a frame once one
 * is held and drop frame_step; output 1 is false when a frame was missing. */
#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"
#include "mi_signal_fifo.h"

#define INPUT 0
#define OUTPUT 0
#define OUTPUT_VALID 1

/* op data layout (kernels/signal_framer.py MEMORY): 2 pointers, 8 words
 * (the mi_state_t link: 2 pointers + 2 words) */
typedef struct op_data {
    mi_state_t state;
    int32_t size, step, rows, n_frames, capacity, initial;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, y, valid;
    mi_flexmap_t m;
    uint8_t prefill;
    int32_t inner;
    int64_t capacity;
    uint64_t bytes;
    MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
    MI_TRY(mi_flexmap_int(&m, "frame_size", &d->size));
    MI_TRY(mi_flexmap_int(&m, "frame_step", &d->step));
    MI_TRY(mi_flexmap_bool(&m, "prefill", &prefill));
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 2) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT_VALID, &valid));
    if (x.rank < 1 || y.rank != x.rank + 1 || valid.rank != 0) return MI_ERR_BAD_PARAM;
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16 || valid.type != MI_TYPE_BOOL)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (d->size < 1 || d->step < 1) return MI_ERR_BAD_PARAM;
    if (prefill && d->size < d->step) return MI_ERR_BAD_PARAM;
    inner = x.dims[x.rank - 1];
    if (inner < d->step || inner % d->step) return MI_ERR_BAD_PARAM;
    d->rows = (int32_t)(x.count / (uint32_t)inner);
    d->n_frames = inner / d->step;
    if ((uint64_t)y.count != (uint64_t)d->rows * (uint64_t)d->n_frames * (uint64_t)d->size) return MI_ERR_BAD_PARAM;
    capacity = ((int64_t)d->size + d->step - 1) / d->step * d->step;
    if (2u * (uint64_t)d->rows * (uint64_t)capacity > MI_SIGNAL_MAX_STATE_BYTES) return MI_ERR_BAD_PARAM;
    d->capacity = (int32_t)capacity;
    d->initial = prefill ? d->size - d->step : 0;
    bytes = mi_signal_fifo_bytes(d->rows, d->capacity);
    if (bytes > 0x7fffffffu || !mi_alloc_state(ctx, &d->state, (size_t)bytes)) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint8_t *valid = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT_VALID);
    mi_signal_fifo_t fifo;
    int32_t frame, in_stride = d->n_frames * d->step, out_stride = d->n_frames * d->size;
    mi_signal_fifo_bind(&fifo, d->state.data, d->rows, d->capacity, d->initial);
    *valid = 1;
    for (frame = 0; frame < d->n_frames; frame++) {
        mi_signal_fifo_push(&fifo, x + (size_t)frame * (size_t)d->step, d->step, in_stride);
        if (mi_signal_fifo_count(&fifo) >= d->size) {
            mi_signal_fifo_peek(&fifo, y + (size_t)frame * (size_t)d->size, d->size, out_stride);
            mi_signal_fifo_drop(&fifo, d->step);
        } else {
            *valid = 0;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_framer = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                         "SignalFramer", prepare, invoke};
