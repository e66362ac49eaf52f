/* SignalDelay (TFLM: signal/micro/kernels/delay.cc, signal/src/circular_buffer.cc;
 * Python twin: kernels/signal_delay.py, which documents the behaviour).
 *
 * Each row of the int16 input (its innermost axis, `frame` samples) passes
 * through a delay line of `delay_length` samples that starts as zeros: the
 * output row is (line ++ input)[:frame] and the line becomes what is left. The
 * lines are one kernel state block (mi_alloc_state): kept across invokes,
 * zero-filled by mi_interpreter_reset as TFLM's DelayReset refills zeros.
 * Refusals as the Python twin. */
#include <string.h>

#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"
#include "mi_signal_fifo.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/signal_delay.py MEMORY): 2 pointers, 5 words
 * (the mi_state_t link: 2 pointers + 2 words) */
typedef struct op_data {
    mi_state_t state;
    int32_t frame, delay, rows;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, y;
    mi_flexmap_t m;
    uint64_t bytes;
    MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
    MI_TRY(mi_flexmap_int(&m, "delay_length", &d->delay));
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    if (x.rank < 1 || x.dims[x.rank - 1] < 1) return MI_ERR_BAD_PARAM;
    if (y.count != x.count || d->delay < 0) return MI_ERR_BAD_PARAM;
    d->frame = x.dims[x.rank - 1];
    d->rows = (int32_t)(x.count / (uint32_t)d->frame);
    if (2u * (uint64_t)d->rows * ((uint64_t)d->frame + (uint64_t)d->delay) > MI_SIGNAL_MAX_STATE_BYTES)
        return MI_ERR_BAD_PARAM;
    bytes = 2u * (uint64_t)d->rows * (uint64_t)d->delay;
    if (bytes > 0x7fffffffu || !mi_alloc_state(ctx, &d->state, (size_t)bytes)) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t r, f = d->frame, n = d->delay;
    for (r = 0; r < d->rows; r++) {
        int16_t *line = (int16_t *)d->state.data + (size_t)r * (size_t)n;
        const int16_t *in = x + (size_t)r * (size_t)f;
        int16_t *out = y + (size_t)r * (size_t)f;
        if (f <= n) { /* the frame comes from the line; the input joins its end */
            memcpy(out, line, (size_t)f * sizeof *out);
            memmove(line, line + f, (size_t)(n - f) * sizeof *line);
            memcpy(line + (n - f), in, (size_t)f * sizeof *line);
        } else { /* the whole line, then the input's head; the line keeps its tail */
            memcpy(out, line, (size_t)n * sizeof *out);
            memcpy(out + n, in, (size_t)(f - n) * sizeof *out);
            memcpy(line, in + (f - n), (size_t)n * sizeof *line);
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_delay = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalDelay",
                                                        prepare, invoke};
