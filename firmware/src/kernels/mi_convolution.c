/* The prepare steps shared by CONV_2D and DEPTHWISE_CONV_2D (C twin of
 * src/microinterp/kernels/convolution.py; see mi_convolution.h). */
#include "mi_convolution.h"

#include "mi_padding.h"

#define INPUT 0
#define FILTER 1
#define BIAS 2
#define OUTPUT 0

MI_COLD int mi_conv_tflm_activation(int activation)
{
    return (activation == MI_ACT_RELU || activation == MI_ACT_RELU6 || activation == MI_ACT_RELU_N1_TO_1)
               ? activation
               : MI_ACT_NONE;
}

static int decoded(const mi_context_t *ctx, const mi_node_t *node, uint32_t k)
{
    return MI_ENABLE_CUSTOM && mi_model_decoded(&ctx->model, mi_node_input_index(ctx, node, k));
}

MI_COLD mi_status_t mi_conv_check_tensors(mi_context_t *ctx, const mi_node_t *node, mi_conv_tensors_t *t,
                                  mi_conv_op_data_t *d)
{
    t->has_bias = mi_node_input_index(ctx, node, BIAS) >= 0;
    if (mi_node_num_inputs(node) < 2 || mi_node_num_inputs(node) > 3 || mi_node_num_outputs(node) != 1)
        return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &t->x));
    MI_TRY(mi_node_input_info(ctx, node, FILTER, &t->w));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &t->y));
    if (t->has_bias) MI_TRY(mi_node_input_info(ctx, node, BIAS, &t->bias));
    if (t->x.rank != 4 || t->w.rank != 4 || t->y.rank != 4) return MI_ERR_BAD_PARAM;
    if (t->x.type != t->y.type) return MI_ERR_BAD_PARAM;
    if (t->x.type == MI_TYPE_FLOAT32 && t->w.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->mode = MI_CONV_FLOAT32;
    else if (t->x.type == MI_TYPE_INT8 && t->w.type == MI_TYPE_INT8) d->mode = MI_CONV_INT8;
    else if (t->x.type == MI_TYPE_INT16 && t->w.type == MI_TYPE_INT8 && MI_ENABLE_INT16) d->mode = MI_CONV_INT16_ACC64;
    else return MI_ERR_UNSUPPORTED_TYPE;
    /* constant filter and bias, or a TFLM_DECODE op's decoded constants in the arena
     * (convolution.py sees them as constant: context.py _with_decoded) */
    if ((!t->w.data && !decoded(ctx, node, FILTER)) || (t->has_bias && !t->bias.data && !decoded(ctx, node, BIAS)))
        return MI_ERR_UNSUPPORTED_TYPE;
    d->has_bias = (uint8_t)t->has_bias;
    return MI_OK;
}

MI_COLD mi_status_t mi_conv_window(mi_conv_op_data_t *d, int32_t stride_h, int32_t stride_w, int32_t dilation_h,
                           int32_t dilation_w, int32_t padding)
{
    mi_padding_t pad;
    d->stride_h = stride_h;
    d->stride_w = stride_w;
    d->dilation_h = dilation_h;
    d->dilation_w = dilation_w;
    if (stride_h <= 0 || stride_w <= 0 || dilation_h <= 0 || dilation_w <= 0) return MI_ERR_BAD_PARAM;
    pad = mi_compute_padding_height_width(stride_h, stride_w, dilation_h, dilation_w, d->in_h, d->in_w, d->filter_h,
                                          d->filter_w, padding);
    d->pad_h = pad.height;
    d->pad_w = pad.width;
    if (!mi_window_fits(d->in_h, d->out_h, d->filter_h, stride_h, dilation_h, d->pad_h) ||
        !mi_window_fits(d->in_w, d->out_w, d->filter_w, stride_w, dilation_w, d->pad_w))
        return MI_ERR_UNSUPPORTED_SHAPE;
    return MI_OK;
}

/* overlap.py _piecewise_max: max over i in [0, count) of (i + first) * per_step -
 * clamp(i * stride - pad, 0, limit) * per_unit (Python finds it at the kinks; here a
 * loop over the output rows or columns is less code). 32-bit throughout:
 * mi_window_fits bounds i * stride and pad by 2**29, and every product is at most
 * a tensor's bytes (MI_MAX_TENSOR_BYTES, 2**28). */
#if defined(__GNUC__)
#define MI_PREPARE_ONLY __attribute__((noinline, optimize("Os"))) /* prepare-time: small beats fast */
#else
#define MI_PREPARE_ONLY
#endif

static MI_PREPARE_ONLY int32_t piecewise_max(int32_t count, int32_t stride, int32_t pad, int32_t limit, int32_t per_step,
                             int32_t per_unit, int32_t first)
{
    int32_t best = 0, i, over = -pad;
    for (i = 0; i < count; i++, over += stride) {
        const int32_t v = (i + first) * per_step - (over < 0 ? 0 : over > limit ? limit : over) * per_unit;
        if (i == 0 || v > best) best = v;
    }
    return best;
}

MI_PREPARE_ONLY void mi_conv_allow_overlap(mi_context_t *ctx, const mi_node_t *node, const mi_conv_op_data_t *d,
                           const mi_conv_tensors_t *t)
{
    const int32_t px = d->in_c * (int32_t)mi_type_size(t->x.type), py = d->out_c * (int32_t)mi_type_size(t->y.type);
    const int32_t rx = px * d->in_w, ry = py * d->out_w, growth = ry * d->out_h - rx * d->in_h;
    const int32_t x = mi_node_input_index(ctx, node, 0);
    int32_t distance;
    /* the filter and bias are read throughout: not the input's bytes */
    if (x == mi_node_input_index(ctx, node, 1) || x == mi_node_input_index(ctx, node, 2)) return;
    /* (an empty input is not planned, an empty output fails the last test; mi_conv_window
     * made the strides positive and the paddings non-negative) */
    distance = piecewise_max(d->out_h, d->stride_h, d->pad_h, d->in_h, ry, rx, 0) +
               piecewise_max(d->out_w, d->stride_w, d->pad_w, d->in_w, py, px, 1);
    if (growth > distance) distance = growth;
    if (growth > 0) distance += (d->batches - 1) * growth;
    if (distance < 0) distance = 0;
    if ((uint32_t)distance < t->y.bytes) mi_allow_overlap(ctx, node, 0, (uint32_t)distance);
}

/* The ahead-of-time prepare image (fw/aot.py writes it; memory/firmware_arena.py
 * reads it the same way): metadata "microinterp_aot", int32 little-endian
 * [version 1, entries, then per entry: operator index, channels n,
 * n multipliers, n shifts]. The whole image is validated on every lookup (as
 * fw/aot.py read_aot does); *multiplier and *shift point at the first entry of
 * the operator being prepared, NULL without one. */
MI_COLD static mi_status_t aot_arrays(mi_context_t *ctx, int32_t channels, const int32_t **multiplier,
                              const int32_t **shift)
{
#if MI_ENABLE_METADATA
    const uint8_t *data;
    const int32_t *words;
    uint32_t size, nw, k = 2;
    int32_t i;
    mi_status_t s = mi_model_metadata(&ctx->model, MI_AOT_NAME, &data, &size);
    *multiplier = *shift = NULL;
    if (s == MI_ERR_BAD_INDEX) return MI_OK; /* no image */
    if (s != MI_OK) return s;
    if (size < 8u || size % 4u) return MI_ERR_MODEL_INVALID;
    if ((uintptr_t)data % 4u) return MI_ERR_MODEL_MISALIGNED;
    words = (const int32_t *)(const void *)data; /* every target is little-endian */
    nw = size / 4u;
    if (words[0] != 1) return MI_ERR_MODEL_INVALID;
    for (i = 0; i < words[1]; i++) {
        int32_t n;
        if (k + 2u > nw) return MI_ERR_MODEL_INVALID;
        n = words[k + 1u];
        if (n < 0 || (uint32_t)n > (nw - k - 2u) / 2u) return MI_ERR_MODEL_INVALID;
        if (words[k] == ctx->current_op && !*multiplier) {
            if (n != channels) return MI_ERR_MODEL_INVALID;
            *multiplier = words + k + 2u;
            *shift = words + k + 2u + (uint32_t)n;
        }
        k += 2u + 2u * (uint32_t)n;
    }
    return MI_OK;
#else /* no metadata in this image (mi_config.h): a model carrying an image is refused before prepare */
    (void)ctx;
    (void)channels;
    *multiplier = *shift = NULL;
    return MI_OK;
#endif
}

MI_COLD mi_status_t mi_conv_quantized_output_params(mi_context_t *ctx, mi_conv_op_data_t *d, const mi_conv_tensors_t *t,
                                            int activation)
{
    const mi_tensor_info_t *w = &t->w;
    int32_t *multiplier = NULL, *shift = NULL; /* the arena's arrays, when no image holds them */
    float out_scale;
    int32_t qmin, qmax, c;
    if (w->scales.count > 1 &&
        (w->quantized_dimension >= 4 || (uint32_t)w->dims[w->quantized_dimension] != (uint32_t)d->out_c))
        return MI_ERR_BAD_PARAM;
    if (w->scales.count != 1 && w->scales.count != (uint32_t)d->out_c) return MI_ERR_BAD_PARAM;
    out_scale = mi_scale0(ctx, &t->y);
    if (mi_float_is_zero(out_scale)) return MI_ERR_BAD_PARAM;
    MI_TRY(aot_arrays(ctx, d->out_c, &d->multiplier, &d->shift));
    if (!d->multiplier) { /* no image: computed here, kept in the arena */
        d->multiplier = multiplier = mi_alloc_i32(ctx, (uint32_t)d->out_c);
        d->shift = shift = mi_alloc_i32(ctx, (uint32_t)d->out_c);
        if (!multiplier || !shift) return MI_ERR_ARENA_TOO_SMALL;
    }
    for (c = 0; c < d->out_c; c++) {
        float s = mi_info_scale(ctx, w, w->scales.count == 1 ? 0u : (uint32_t)c);
        int32_t m, e;
        /* double(s_in) * double(s_w) / double(s_out), QuantizeMultiplier: in integers */
        MI_TRY(mi_quantize_scale_ratio(mi_scale0(ctx, &t->x), s, out_scale, &m, &e));
        if (d->mode == MI_CONV_INT16_ACC64 && e > MI_INT64_MULTIPLIER_MAX_SHIFT) return MI_ERR_BAD_PARAM;
        if (multiplier) {
            multiplier[c] = m;
            shift[c] = e;
        } else if (d->multiplier[c] != m || d->shift[c] != e) {
            return MI_ERR_MODEL_INVALID; /* the image disagrees with this prepare: never used */
        }
    }
    MI_TRY(mi_type_range(t->y.type, &qmin, &qmax));
    MI_TRY(mi_activation_range_quantized(activation, qmin, qmax, out_scale, mi_zero_point0(ctx, &t->y),
                                         &d->act_min, &d->act_max));
    /* the fast paths' output stage omits the one saturating case of
     * SaturatingRoundingDoublingHighMul (both factors INT32_MIN) */
    for (c = 0; c < d->out_c; c++)
        if (d->multiplier[c] == MI_INT32_MIN) d->fast = 0;
    /* ... and clamps before adding the zero point (act_min - zp, act_max - zp in
     * int32): only for zero points within int16 (fuzz finding: a zero point near
     * INT32_MAX overflowed that subtraction); others take the reference loop */
    if (!mi_zero_point_in(d->output_offset, -32768, 32767)) d->fast = 0;
    return MI_OK;
}
