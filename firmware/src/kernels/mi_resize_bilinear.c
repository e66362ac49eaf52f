/* RESIZE_BILINEAR (TFLM: kernels/resize_bilinear.cc + reference_ops::ResizeBilinear /
 * ResizeBilinearInteger; Python twin: kernels/resize_bilinear.py).
 *
 * Resizes the height and width of a 4-D float32 or int8 tensor to the
 * constant int32 size (TFLM micro has no int16 path); align_corners and
 * half_pixel_centers may not both be set (TFLM refuses it).
 *   float32: per axis scale = in / float(out) (or (in - 1) / float(out - 1)
 *     with align_corners), the source coordinate v * scale (or
 *     (v + 0.5) * scale - 0.5) in float32, lo = max(floor, 0),
 *     hi = min(ceil, in - 1); the coordinate itself is not clamped. The four
 *     taps are combined in TFLM's order, each operation rounded to float32,
 *     with a trailing + 0.0f;
 *   int8: the same in 10-bit fixed point (scale_10 = (1024 * in + out / 2) /
 *     out), int64 tap products summed into a Q20 value, rounded half away from
 *     zero with C's truncating division by 2^20, and cast (wrapped) to int8.
 * The shape checks are RESIZE_NEAREST_NEIGHBOR's (mi_resize_nearest_neighbor.c). */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_resize_nearest_neighbor.h"

#define INPUT 0
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 6 words, 3 bytes */
typedef struct op_data {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    uint8_t is_float, align_corners, half_pixel_centers;
} op_data_t;

typedef struct axis_float {
    int32_t lo, hi;
    float frac, one_minus;
} axis_float_t;

typedef struct axis_int {
    int64_t lo, hi, frac, one_minus;
} axis_int_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    static const uint32_t types[] = {MI_TYPE_FLOAT32, MI_TYPE_INT8};
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src;
    MI_TRY(mi_resize_check_shapes(ctx, node, types, MI_ENABLE_FLOAT ? 2 : 1, &src, &d->out_h, &d->out_w));
    d->align_corners = options->resize.align_corners != 0;
    d->half_pixel_centers = options->resize.half_pixel_centers != 0;
    if (d->align_corners && d->half_pixel_centers) return MI_ERR_BAD_PARAM;
    d->batches = src.dims[0];
    d->in_h = src.dims[1];
    d->in_w = src.dims[2];
    d->channels = src.dims[3];
    d->is_float = src.type == MI_TYPE_FLOAT32;
    return MI_OK;
}

#if MI_ENABLE_FLOAT
/* resize_bilinear.float_axis for output index v */
static axis_float_t float_axis(int32_t v, int32_t in, int32_t out, int align_corners, int half_pixel_centers)
{
    axis_float_t a;
    float scale = (float)in / (float)out, scaled;
    double lo, hi;
    if (align_corners && out > 1) scale = (float)(in - 1) / (float)(out - 1);
    scaled = half_pixel_centers ? ((float)v + 0.5f) * scale - 0.5f : (float)v * scale;
    lo = floor((double)scaled);
    hi = lo < (double)scaled ? lo + 1.0 : lo; /* ceil */
    a.lo = lo < 0.0 ? 0 : (int32_t)lo;
    a.hi = hi > (double)(in - 1) ? in - 1 : (int32_t)hi;
    a.frac = scaled - (float)a.lo;
    a.one_minus = 1.0f - a.frac;
    return a;
}

#endif

/* C integer division (truncating) by a positive divisor */
static int64_t c_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a) / b); }

/* resize_bilinear.integer_axis for output index v */
static axis_int_t integer_axis(int32_t v, int32_t in, int32_t out, int align_corners, int half_pixel_centers)
{
    axis_int_t a;
    int64_t scale_10 = (1024 * (int64_t)in + out / 2) / out, scaled;
    if (align_corners && out > 1) scale_10 = (1024 * (int64_t)(in - 1) + (out - 1) / 2) / (out - 1);
    scaled = half_pixel_centers ? v * scale_10 + scale_10 / 2 - 512 : v * scale_10;
    a.lo = c_div(scaled, 1024);
    if (a.lo < 0) a.lo = 0;
    a.hi = c_div(scaled + 1023, 1024);
    if (a.hi > in - 1) a.hi = in - 1;
    a.frac = scaled - 1024 * a.lo;
    a.one_minus = 1024 - a.frac;
    return a;
}

#define AT(b, yy, xx, c) ((((size_t)(b) * (size_t)d->in_h + (size_t)(yy)) * (size_t)d->in_w + (size_t)(xx)) * \
                          (size_t)d->channels + (size_t)(c))

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t b, oy, ox, c;
    size_t o = 0;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++)
            for (ox = 0; ox < d->out_w; ox++) {
#if MI_ENABLE_FLOAT
                if (d->is_float) {
                    const axis_float_t r = float_axis(oy, d->in_h, d->out_h, d->align_corners, d->half_pixel_centers);
                    const axis_float_t q = float_axis(ox, d->in_w, d->out_w, d->align_corners, d->half_pixel_centers);
                    const float *xf = (const float *)x;
                    for (c = 0; c < d->channels; c++, o++) {
                        float total = (xf[AT(b, r.lo, q.lo, c)] * r.one_minus) * q.one_minus +
                                      (xf[AT(b, r.hi, q.lo, c)] * r.frac) * q.one_minus;
                        total = total + (xf[AT(b, r.lo, q.hi, c)] * r.one_minus) * q.frac;
                        total = total + (xf[AT(b, r.hi, q.hi, c)] * r.frac) * q.frac;
                        ((float *)y)[o] = total + 0.0f;
                    }
                    continue;
                }
#endif
                {
                    const axis_int_t r = integer_axis(oy, d->in_h, d->out_h, d->align_corners, d->half_pixel_centers);
                    const axis_int_t q = integer_axis(ox, d->in_w, d->out_w, d->align_corners, d->half_pixel_centers);
                    const int8_t *xi = (const int8_t *)x;
                    for (c = 0; c < d->channels; c++, o++) {
                        const int64_t q20 = xi[AT(b, r.lo, q.lo, c)] * r.one_minus * q.one_minus +
                                            xi[AT(b, r.hi, q.lo, c)] * r.frac * q.one_minus +
                                            xi[AT(b, r.lo, q.hi, c)] * r.one_minus * q.frac +
                                            xi[AT(b, r.hi, q.hi, c)] * r.frac * q.frac;
                        const int64_t rounded = c_div(q20 + (q20 > 0 ? (1 << 19) : -(1 << 19)), (int64_t)1 << 20);
                        /* static_cast<int8_t>: wraps */
                        ((int8_t *)y)[o] = (int8_t)((int32_t)((uint64_t)(rounded + 128) & 0xFFu) - 128);
                    }
                }
            }
    return MI_OK;
}

const mi_registration_t mi_registration_resize_bilinear = {MI_OP_RESIZE_BILINEAR, (uint32_t)sizeof(op_data_t),
                                                           "RESIZE_BILINEAR", prepare, invoke};
