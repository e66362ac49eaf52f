/* SignalOverlapAdd (TFLM: signal/micro/kernels/overlap_add.cc, signal/src/overlap_add.cc;
 * Python twin: kernels/signal_overlap_add.py, which documents the behaviour).
 *
 * Per row an accumulator of frame_size elements of T (int16 or float32), in one
 * kernel state block (zero-filled by mi_interpreter_reset, as TFLM's
 * OverlapAddReset): per frame add the frame in (int16: int32 sum saturated to
 * int16; float32: acc + x, NaN as x86 SSE), output the first frame_step
 * elements, shift left by frame_step with zeros coming in. */
#include <string.h>

#include "mi/mi_flexbuffer.h"
#include "mi_elementwise.h"
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0
#define TENSOR_TYPE_FLOAT32 0
#define TENSOR_TYPE_INT16 7

/* op data layout (kernels/signal_overlap_add.py MEMORY): 2 pointers, 7 words
 * (the mi_state_t link: 2 pointers + 2 words) */
typedef struct op_data {
    mi_state_t state;
    int32_t size, step, rows, n_frames, type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, y;
    mi_flexmap_t m;
    int32_t code;
    uint8_t type;
    uint64_t bytes;
    MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
    MI_TRY(mi_flexmap_int(&m, "T", &code));
    MI_TRY(mi_flexmap_int(&m, "frame_step", &d->step));
    if (code != TENSOR_TYPE_FLOAT32 && code != TENSOR_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    type = code == TENSOR_TYPE_INT16 ? MI_TYPE_INT16 : MI_TYPE_FLOAT32;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank < 2 || x.rank != y.rank + 1) return MI_ERR_BAD_PARAM;
    if (x.type != type || y.type != type) return MI_ERR_BAD_PARAM;
    d->n_frames = x.dims[x.rank - 2];
    d->size = x.dims[x.rank - 1];
    if (d->n_frames < 1 || d->size < 1) return MI_ERR_BAD_PARAM;
    if (d->step < 1 || d->step > d->size) return MI_ERR_BAD_PARAM;
    d->rows = (int32_t)(x.count / ((uint32_t)d->n_frames * (uint32_t)d->size));
    if ((uint64_t)y.count != (uint64_t)d->rows * (uint64_t)d->n_frames * (uint64_t)d->step) return MI_ERR_BAD_PARAM;
    d->type = type;
    bytes = (uint64_t)d->rows * (uint64_t)d->size * (type == MI_TYPE_INT16 ? 2u : 4u);
    if (bytes > 0x7fffffffu || !mi_alloc_state(ctx, &d->state, (size_t)bytes)) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    int32_t r, f, i, size = d->size, step = d->step;
    for (r = 0; r < d->rows; r++) {
        for (f = 0; f < d->n_frames; f++) {
            size_t in_at = ((size_t)r * (size_t)d->n_frames + (size_t)f) * (size_t)size;
            size_t out_at = ((size_t)r * (size_t)d->n_frames + (size_t)f) * (size_t)step;
            if (d->type == MI_TYPE_INT16) {
                int16_t *acc = (int16_t *)d->state.data + (size_t)r * (size_t)size;
                const int16_t *in = (const int16_t *)mi_node_input_data(ctx, node, INPUT) + in_at;
                for (i = 0; i < size; i++) acc[i] = (int16_t)mi_clip_i32((int32_t)acc[i] + in[i], -32768, 32767);
                memcpy((int16_t *)mi_node_output_data(ctx, node, OUTPUT) + out_at, acc, (size_t)step * sizeof *acc);
                memmove(acc, acc + step, (size_t)(size - step) * sizeof *acc);
                memset(acc + (size - step), 0, (size_t)step * sizeof *acc);
            } else {
                float *acc = (float *)d->state.data + (size_t)r * (size_t)size;
                const float *in = (const float *)mi_node_input_data(ctx, node, INPUT) + in_at;
                for (i = 0; i < size; i++) acc[i] = mi_elementwise_nan_first(acc[i] + in[i], acc[i], in[i]);
                memcpy((float *)mi_node_output_data(ctx, node, OUTPUT) + out_at, acc, (size_t)step * sizeof *acc);
                memmove(acc, acc + step, (size_t)(size - step) * sizeof *acc);
                memset(acc + (size - step), 0, (size_t)step * sizeof *acc);
            }
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_overlap_add = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t),
                                                              "SignalOverlapAdd", prepare, invoke};
