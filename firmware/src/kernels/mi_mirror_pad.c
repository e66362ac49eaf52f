/* MIRROR_PAD (TFLM: kernels/mirror_pad.cc; Python twin: kernels/mirror_pad.py).
 *
 * Pads a float32 or int8 tensor by mirroring it: REFLECT (mode 0) leaves the
 * edge element out of the mirror (offset 1), SYMMETRIC (mode 1) repeats it
 * (offset 0). The paddings are a [rank, 2] int32 or int64 tensor read at
 * invoke time, as in TFLM (it may be a graph input). For every output
 * coordinate TFLM's GetInputDimension picks the input coordinate per axis:
 * left of the input left + offset - 1 - min(i, left - 1), right of it
 * in - 1 - offset - min(j, in - 1 - offset) (j counted from the right edge),
 * inside i - left. TFLM checks neither the paddings nor the output shape, so
 * here (as in the Python twin) the output must equal the input plus the
 * paddings and every coordinate must land in the input: checked in prepare
 * for constant paddings, else at every invoke (a status, never a read out of
 * bounds). The C port needs none of TFLM's two scratch arrays. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define PADDINGS 1
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 13 words, 3 bytes */
typedef struct op_data {
    int32_t in_dims[MI_MAX_DIMS], out_dims[MI_MAX_DIMS];
    int32_t rank;
    uint8_t offset;   /* 1 for REFLECT, 0 for SYMMETRIC */
    uint8_t elem_size;
    uint8_t pads_int64;
} op_data_t;

/* mirror_pad.input_coordinates for one output coordinate */
static int64_t input_coordinate(int64_t i, int64_t left, int64_t in, int64_t offset)
{
    if (i < left) {
        int64_t original_left = left + offset - 1, m = original_left - offset;
        return original_left - (i < m ? i : m);
    }
    if (i - left >= in) {
        int64_t j = i - left - in, original_right = in - (1 + offset);
        return original_right - (j < original_right ? j : original_right);
    }
    return i - left;
}

/* mirror_pad._index: the paddings against the shapes; *left gets the left pads */
static mi_status_t check_paddings(const op_data_t *d, const void *pads, int32_t *left)
{
    int32_t k;
    for (k = 0; k < d->rank; k++) {
        int64_t lo, hi, first, last, a, b;
        if (d->pads_int64) {
            lo = mi_load_i64(pads, 2 * (size_t)k);
            hi = mi_load_i64(pads, 2 * (size_t)k + 1);
        } else {
            lo = ((const int32_t *)pads)[2 * k];
            hi = ((const int32_t *)pads)[2 * k + 1];
        }
        if (lo < 0 || hi < 0 || lo > d->out_dims[k] || hi > d->out_dims[k] ||
            d->in_dims[k] + lo + hi != d->out_dims[k])
            return MI_ERR_BAD_PARAM;
        left[k] = (int32_t)lo;
        if (d->out_dims[k] == 0) continue;
        /* the coordinates are monotonic on each side: their extremes sit at the
         * ends of the three pieces, so checking those checks them all */
        first = input_coordinate(0, lo, d->in_dims[k], d->offset);
        last = input_coordinate(d->out_dims[k] - 1, lo, d->in_dims[k], d->offset);
        a = input_coordinate(lo > 0 ? lo - 1 : 0, lo, d->in_dims[k], d->offset);
        b = input_coordinate(lo + d->in_dims[k] < d->out_dims[k] ? lo + d->in_dims[k] : d->out_dims[k] - 1, lo,
                             d->in_dims[k], d->offset);
        if (first < 0 || first >= d->in_dims[k] || last < 0 || last >= d->in_dims[k] || a < 0 ||
            a >= d->in_dims[k] || b < 0 || b >= d->in_dims[k])
            return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, pads, dst;
    int32_t left[MI_MAX_DIMS];
    uint32_t k;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, PADDINGS, &pads));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (dst.type != MI_TYPE_INT8 && !(dst.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT)) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (pads.rank != 2 || pads.dims[0] != (int32_t)src.rank || pads.dims[1] != 2) return MI_ERR_BAD_PARAM;
    if (pads.type != MI_TYPE_INT32 && pads.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.rank != src.rank) return MI_ERR_BAD_PARAM;
    d->rank = (int32_t)src.rank;
    for (k = 0; k < src.rank; k++) {
        d->in_dims[k] = src.dims[k];
        d->out_dims[k] = dst.dims[k];
    }
    d->offset = options->mirror_pad.mode == 0 ? 1 : 0;
    d->elem_size = (uint8_t)mi_type_size(src.type);
    d->pads_int64 = pads.type == MI_TYPE_INT64;
    if (pads.data && !pads.is_variable) return check_paddings(d, pads.data, left);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t size = d->elem_size;
    int32_t left[MI_MAX_DIMS], at[MI_MAX_DIMS] = {0}, k;
    int64_t count = 1, o;
    MI_TRY(check_paddings(d, mi_node_input_data(ctx, node, PADDINGS), left));
    for (k = 0; k < d->rank; k++) count *= d->out_dims[k];
    for (o = 0; o < count; o++) {
        int64_t in = 0;
        for (k = 0; k < d->rank; k++)
            in = in * d->in_dims[k] + input_coordinate(at[k], left[k], d->in_dims[k], d->offset);
        memcpy(y + (size_t)o * size, x + (size_t)in * size, size);
        for (k = d->rank - 1; k >= 0; k--) { /* next output coordinate, row-major */
            if (++at[k] < d->out_dims[k]) break;
            at[k] = 0;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_mirror_pad = {MI_OP_MIRROR_PAD, (uint32_t)sizeof(op_data_t), "MIRROR_PAD",
                                                      prepare, invoke};
