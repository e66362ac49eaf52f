/* STRIDED_SLICE (TFLM: kernels/strided_slice.cc + strided_slice_common.cc;
 * Python twin: kernels/strided_slice.py).
 *
 * Inputs of rank <= 4 in float32, int8, int16, int32 or bool; begin, end and
 * strides are constant int32 vectors (at least one entry per dimension).
 * TFLM's quirks, as the Python twin reproduces them:
 *   - ellipsis_mask, new_axis_mask and offset are ignored; masks are 16-bit;
 *   - the output shape is checked with the masks applied before clamping
 *     (StartForAxis / StopForAxis), the copy uses them after clamping
 *     (StridedSliceStartForAxis / StridedSliceEndForAxis);
 *   - a shrunk axis whose begin clamps to the axis size loops zero times, and
 *     then nothing at all is written.
 * Prepare turns each axis into (first index, count, step); invoke walks the
 * output in row-major order, copying element bytes (never requantizing). */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define BEGIN 1
#define END 2
#define STRIDES 3
#define OUTPUT 0
#define MAX_DIMS 4

/* fwplan.py layout: 0 pointers, 16 words, 1 byte */
typedef struct op_data {
    int32_t first[MAX_DIMS], count[MAX_DIMS], step[MAX_DIMS]; /* per axis, leading axes padded to 1 */
    int32_t in_stride[MAX_DIMS];                             /* elements between input indices */
    uint8_t elem_size;
} op_data_t;

static int bit(int32_t mask, uint32_t axis) { return (mask >> axis) & 1; }

static int64_t clamp_axis(int64_t v, int32_t stride, int32_t size)
{
    int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? size : size - 1;
    return v < lo ? lo : (v > hi ? hi : v);
}

/* strided_slice.py _checked_dim: the extent CheckOutputSize expects (-1: shrunk) */
static int64_t checked_dim(int32_t begin, int32_t end, int32_t stride, int32_t size, int32_t begin_mask,
                           int32_t end_mask, int32_t shrink_mask, uint32_t axis)
{
    int64_t start = 0, stop = 0;
    float q;
    if (bit(shrink_mask, axis)) return -1;
    if (size != 0) {
        start = bit(begin_mask, axis) ? (stride > 0 ? MI_INT32_MIN : MI_INT32_MAX) : begin;
        start = clamp_axis(start < 0 ? start + size : start, stride, size);
        stop = bit(end_mask, axis) ? (stride > 0 ? MI_INT32_MAX : MI_INT32_MIN) : end;
        stop = clamp_axis(stop < 0 ? stop + size : stop, stride, size);
    }
    q = (float)(stop - start) / (float)stride; /* float32, as TFLM; then max(0, ceil(q)) */
    if (!(q > 0.0f)) return 0;
    return (float)(int64_t)q < q ? (int64_t)q + 1 : (int64_t)q;
}

/* strided_slice.py _copy_range: first index and length of the visited range */
static void copy_range(int32_t begin, int32_t end, int32_t stride, int32_t size, int32_t begin_mask,
                       int32_t end_mask, int32_t shrink_mask, uint32_t axis, int32_t *first, int32_t *count)
{
    int64_t start = clamp_axis(begin < 0 ? (int64_t)begin + size : begin, stride, size), stop, n;
    if (bit(begin_mask, axis)) start = stride > 0 ? 0 : size - 1;
    if (bit(shrink_mask, axis)) {
        stop = start >= size ? start : start + 1;
    } else {
        stop = clamp_axis(end < 0 ? (int64_t)end + size : end, stride, size);
        if (bit(end_mask, axis)) stop = stride > 0 ? size : -1;
    }
    /* len(range(start, stop, stride)) */
    if (stride > 0) n = stop > start ? (stop - start + stride - 1) / stride : 0;
    else n = start > stop ? (start - stop - (int64_t)stride - 1) / -(int64_t)stride : 0;
    *first = (int32_t)start;
    *count = (int32_t)n;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst, vec[3];
    const int32_t *v[3];
    int32_t masks[3], stride = 1;
    uint32_t rank, axis, k, out_rank = 0;
    int64_t selected = 1;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    switch (src.type) {
    case MI_TYPE_FLOAT32: case MI_TYPE_INT8: case MI_TYPE_INT16: case MI_TYPE_INT32: case MI_TYPE_BOOL: break;
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    rank = src.rank;
    if (rank > MAX_DIMS) return MI_ERR_UNSUPPORTED_SHAPE;
    for (k = 0; k < 3; k++) {
        MI_TRY(mi_node_input_info(ctx, node, BEGIN + k, &vec[k]));
        if (!vec[k].data) return MI_ERR_UNSUPPORTED_TYPE; /* no buffer data (strided_slice.py: data is None) */
        if (vec[k].type != MI_TYPE_INT32 || vec[k].count < rank) return MI_ERR_BAD_PARAM;
        v[k] = (const int32_t *)(const void *)vec[k].data;
    }
    masks[0] = options->strided_slice.begin_mask & 0xFFFF;
    masks[1] = options->strided_slice.end_mask & 0xFFFF;
    masks[2] = options->strided_slice.shrink_axis_mask & 0xFFFF;
    for (axis = 0; axis < rank; axis++)
        if (v[2][axis] == 0) return MI_ERR_BAD_PARAM;
    for (axis = 0; axis < rank; axis++) {
        int64_t dim = checked_dim(v[0][axis], v[1][axis], v[2][axis], src.dims[axis], masks[0], masks[1], masks[2],
                                  axis);
        if (dim < 0) continue;
        if (out_rank >= dst.rank || dst.dims[out_rank] != dim) return MI_ERR_BAD_PARAM;
        out_rank++;
    }
    if (out_rank != dst.rank) return MI_ERR_BAD_PARAM;
    for (k = 0; k < MAX_DIMS; k++) {
        d->first[k] = 0;
        d->count[k] = 1;
        d->step[k] = 1;
        d->in_stride[k] = 0;
    }
    for (k = 0; k < rank; k++) {
        axis = rank - 1 - k; /* innermost first, to accumulate the input strides */
        copy_range(v[0][axis], v[1][axis], v[2][axis], src.dims[axis], masks[0], masks[1], masks[2], axis,
                   &d->first[MAX_DIMS - 1 - k], &d->count[MAX_DIMS - 1 - k]);
        d->step[MAX_DIMS - 1 - k] = v[2][axis];
        d->in_stride[MAX_DIMS - 1 - k] = stride;
        stride *= src.dims[axis];
    }
    for (k = 0; k < MAX_DIMS; k++) selected *= d->count[k];
    if (selected > (int64_t)dst.count) return MI_ERR_BAD_PARAM;
    d->elem_size = (uint8_t)mi_type_size(src.type);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t size = d->elem_size;
    size_t o = 0;
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < d->count[0]; i0++) {
        int32_t p0 = (d->first[0] + i0 * d->step[0]) * d->in_stride[0];
        for (i1 = 0; i1 < d->count[1]; i1++) {
            int32_t p1 = p0 + (d->first[1] + i1 * d->step[1]) * d->in_stride[1];
            for (i2 = 0; i2 < d->count[2]; i2++) {
                int32_t p2 = p1 + (d->first[2] + i2 * d->step[2]) * d->in_stride[2];
                for (i3 = 0; i3 < d->count[3]; i3++) {
                    int32_t p3 = p2 + (d->first[3] + i3 * d->step[3]) * d->in_stride[3];
                    memcpy(y + o, x + (size_t)p3 * size, size);
                    o += size;
                }
            }
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_strided_slice = {MI_OP_STRIDED_SLICE, (uint32_t)sizeof(op_data_t),
                                                         "STRIDED_SLICE", prepare, invoke};
