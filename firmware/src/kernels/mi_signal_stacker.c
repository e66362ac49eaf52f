/* SignalStacker (TFLM: signal/micro/kernels/stacker.cc, signal/src/circular_buffer.cc;
 * Python twin: kernels/signal_stacker.py, which documents the behaviour).
 *
 * A FIFO of one stack of int16 samples (mi_signal_fifo.h) plus the first-frame
 * flag, in one kernel state block (zero-filled by mi_interpreter_reset: empty
 * FIFO, flag clear, as TFLM's StackerReset). Each invoke appends the frame (the
 * first one 1 + left_context times); a full stack is written to output 0 and
 * the oldest step frames dropped, output 1 tells whether it was. */
#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"
#include "mi_signal_fifo.h"

#define INPUT 0
#define OUTPUT 0
#define OUTPUT_VALID 1

/* op data layout (kernels/signal_stacker.py MEMORY): 2 pointers, 6 words
 * (the mi_state_t link: 2 pointers + 2 words) */
typedef struct op_data {
    mi_state_t state;
    int32_t channels, left, stack, step;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, y, valid;
    mi_flexmap_t m;
    int32_t right, step;
    int64_t frames;
    uint64_t bytes;
    MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
    MI_TRY(mi_flexmap_int(&m, "num_channels", &d->channels));
    MI_TRY(mi_flexmap_int(&m, "stacker_left_context", &d->left));
    MI_TRY(mi_flexmap_int(&m, "stacker_right_context", &right));
    MI_TRY(mi_flexmap_int(&m, "stacker_step", &step));
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 2) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT_VALID, &valid));
    if (x.rank != 1 || y.rank != 1 || valid.rank != 0) return MI_ERR_BAD_PARAM;
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16 || valid.type != MI_TYPE_BOOL)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (d->channels < 1 || d->left < 0 || right < 0) return MI_ERR_BAD_PARAM;
    frames = (int64_t)d->left + right + 1;
    if (step < 1 || step > frames) return MI_ERR_BAD_PARAM;
    if ((int64_t)x.count != d->channels || (int64_t)y.count != d->channels * frames) return MI_ERR_BAD_PARAM;
    d->stack = (int32_t)y.count;
    if (2u * (uint64_t)d->stack > MI_SIGNAL_MAX_STATE_BYTES) return MI_ERR_BAD_PARAM;
    d->step = d->channels * step;
    bytes = mi_signal_fifo_bytes(1, d->stack);
    if (bytes > 0x7fffffffu || !mi_alloc_state(ctx, &d->state, (size_t)bytes + 4u)) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *valid = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT_VALID);
    /* the state block: the first-frame flag word, then the FIFO */
    int32_t *has_first_frame = (int32_t *)d->state.data;
    mi_signal_fifo_t fifo;
    int32_t i;
    mi_signal_fifo_bind(&fifo, has_first_frame + 1, 1, d->stack, 0);
    mi_signal_fifo_push(&fifo, x, d->channels, 0);
    if (!*has_first_frame) {
        for (i = 0; i < d->left; i++) mi_signal_fifo_push(&fifo, x, d->channels, 0);
        *has_first_frame = 1;
    }
    *valid = mi_signal_fifo_count(&fifo) >= d->stack;
    if (*valid) {
        mi_signal_fifo_peek(&fifo, (int16_t *)mi_node_output_data(ctx, node, OUTPUT), d->stack, 0);
        mi_signal_fifo_drop(&fifo, d->step);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_stacker = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                          "SignalStacker", prepare, invoke};
