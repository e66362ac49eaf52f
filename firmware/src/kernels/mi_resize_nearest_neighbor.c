/* RESIZE_NEAREST_NEIGHBOR (TFLM: kernels/resize_nearest_neighbor.cc +
 * reference_ops::ResizeNearestNeighbor; Python twin:
 * kernels/resize_nearest_neighbor.py).
 *
 * Resizes the height and width of a 4-D float32, int8 or int16 tensor to the
 * constant int32 size [new_height, new_width]. Every output pixel copies one
 * input pixel (float32 as raw bits), picked per axis by TFLM's
 * GetNearestNeighbor in float32 arithmetic:
 *   scale = (in - 1) / float(out - 1) with align_corners (and out > 1), else
 *   in / float(out); offset 0.5 with half_pixel_centers, else 0;
 *   index = roundf((i + offset) * scale) with align_corners, else
 *   floor((i + offset) * scale), capped at in - 1, floored at 0 with
 *   half_pixel_centers.
 * The output tensor must have the size's extent (checked in prepare). */
#include <math.h>
#include <string.h>

#include "mi_kernel_util.h"
#include "mi_resize_nearest_neighbor.h"

#define INPUT 0
#define SIZE 1
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 6 words, 3 bytes */
typedef struct op_data {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    uint8_t elem_size, align_corners, half_pixel_centers;
} op_data_t;

mi_status_t mi_resize_check_shapes(mi_context_t *ctx, const mi_node_t *node, const uint32_t *types, uint32_t n_types,
                                   mi_tensor_info_t *src, int32_t *new_h, int32_t *new_w)
{
    mi_tensor_info_t size, dst;
    const int32_t *hw;
    uint32_t k;
    int known = 0;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, src));
    MI_TRY(mi_node_input_info(ctx, node, SIZE, &size));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    for (k = 0; k < n_types; k++) known |= src->type == types[k];
    if (!known) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != src->type || src->rank != 4) return MI_ERR_BAD_PARAM;
    if (size.type != MI_TYPE_INT32 || size.rank != 1 || size.dims[0] != 2) return MI_ERR_BAD_PARAM;
    if (!size.data || size.is_variable) return MI_ERR_UNSUPPORTED_TYPE; /* not constant */
    hw = (const int32_t *)(const void *)size.data;
    *new_h = hw[0];
    *new_w = hw[1];
    if (*new_h <= 0 || *new_w <= 0 || dst.rank != 4 || dst.dims[0] != src->dims[0] || dst.dims[1] != *new_h ||
        dst.dims[2] != *new_w || dst.dims[3] != src->dims[3])
        return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    static const uint32_t types[] = {MI_TYPE_FLOAT32, MI_TYPE_INT8, MI_TYPE_INT16};
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src;
    MI_TRY(mi_resize_check_shapes(ctx, node, types, 3, &src, &d->out_h, &d->out_w));
    d->batches = src.dims[0];
    d->in_h = src.dims[1];
    d->in_w = src.dims[2];
    d->channels = src.dims[3];
    d->elem_size = (uint8_t)mi_type_size(src.type);
    d->align_corners = options->resize.align_corners != 0;
    d->half_pixel_centers = options->resize.half_pixel_centers != 0;
    return MI_OK;
}

/* resize_nearest_neighbor.nearest_indices for one output index */
static int32_t nearest(int32_t i, int32_t in, int32_t out, int align_corners, int half_pixel_centers)
{
    const float scale = align_corners && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
    const float scaled = ((float)i + (half_pixel_centers ? 0.5f : 0.0f)) * scale;
    int64_t index = (int64_t)(align_corners ? mi_roundf(scaled) : (float)floor((double)scaled));
    if (index > in - 1) index = in - 1;
    if (half_pixel_centers && index < 0) index = 0;
    return (int32_t)index;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t pixel = (size_t)d->channels * d->elem_size;
    int32_t b, oy, ox;
    size_t o = 0;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy = nearest(oy, d->in_h, d->out_h, d->align_corners, d->half_pixel_centers);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix = nearest(ox, d->in_w, d->out_w, d->align_corners, d->half_pixel_centers);
                memcpy(y + o, x + (((size_t)b * (size_t)d->in_h + (size_t)iy) * (size_t)d->in_w + (size_t)ix) * pixel,
                       pixel);
                o += pixel;
            }
        }
    return MI_OK;
}

const mi_registration_t mi_registration_resize_nearest_neighbor = {
    MI_OP_RESIZE_NEAREST_NEIGHBOR, (uint32_t)sizeof(op_data_t), "RESIZE_NEAREST_NEIGHBOR", prepare, invoke};
