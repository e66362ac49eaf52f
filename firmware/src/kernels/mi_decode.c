/* DECODE, TFLM's weight decompression op (TFLM: kernels/decode.cc,
 * decode_state_lut.cc; Python twin: kernels/decode.py, whose docstring explains the
 * format, TFLM's quirks reproduced here and the refusals).
 *
 * Inputs come in (encoded, ancillary) pairs, one output per pair. The ancillary
 * tensor opens with a 16-byte header (decode type, versions, index bit width, table
 * stride); the value tables follow. Indices are a big-endian bit stream. The
 * channel count comes from the output's quantization: channel c reads its table at
 * c * stride past the first, which may lie in the model bytes that follow the
 * ancillary tensor (TFLM reads the flatbuffer in memory; so does this kernel, from
 * the model, refused only where the read would leave it).
 *
 * Same values, other schedule than the Python twin: Python decodes once in prepare
 * and copies on every invoke; this kernel validates in prepare (including the
 * largest index, which bounds the table reads) and decodes on every invoke, as
 * TFLM does, so it keeps no copy of the values in the arena (no op data). */
#include <string.h>

#include "mi_kernel_util.h"

#define DCM_BYTES 16u
enum { TYPE_LUT = 0, TYPE_HUFFMAN = 1, TYPE_PRUNE = 2 };

/* One output's decoding, from its tensors (prepare and invoke derive it alike). */
typedef struct {
    const uint8_t *codes;  /* the packed indices */
    const uint8_t *tables; /* the first value table, in the model bytes */
    uint32_t count;        /* output elements */
    uint32_t item;         /* bytes per element */
    uint32_t width;        /* index bits, 0-7 */
    uint32_t stride;       /* table entries per channel */
    uint32_t channels;
    uint32_t per_channel;  /* elements per channel */
    int last_axis;         /* the channel axis is the last one */
} lut_t;

static int lut_type(uint8_t type)
{
    return type == MI_TYPE_BOOL || type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT8 || type == MI_TYPE_INT16 ||
           type == MI_TYPE_INT32 || type == MI_TYPE_INT64;
}

/* decode.py _decode_one up to the table bounds (checked by the caller with the
 * largest index), in the same order of refusals. */
static mi_status_t lut_of(mi_context_t *ctx, const mi_node_t *node, uint32_t k, lut_t *l)
{
    mi_tensor_info_t enc, anc, out;
    const uint8_t *h;
    uint32_t count;
    MI_TRY(mi_node_input_info(ctx, node, 2u * k, &enc));
    MI_TRY(mi_node_input_info(ctx, node, 2u * k + 1u, &anc));
    MI_TRY(mi_node_output_info(ctx, node, k, &out));
    if (!enc.data || !anc.data) return MI_ERR_MODEL_INVALID; /* not constant */
    if (anc.bytes < DCM_BYTES) return MI_ERR_MODEL_INVALID;
    h = anc.data;
    if (h[1] != 1u) return MI_ERR_MODEL_INVALID;
    if (h[0] == TYPE_HUFFMAN || h[0] == TYPE_PRUNE) return MI_ERR_UNSUPPORTED_OP;
    if (h[0] != TYPE_LUT) return MI_ERR_MODEL_INVALID;
    if (h[4] != 1u) return MI_ERR_MODEL_INVALID;
    if (!lut_type(out.type) || mi_type_size(out.type) == 0) return MI_ERR_UNSUPPORTED_TYPE;
    l->width = h[5] & 0x07u;
    l->stride = h[6];
    l->item = mi_type_size(out.type);
    /* DecodeStateLut::Setup: channels from the output's quantization */
    l->channels = 1u;
    l->last_axis = 0;
    if (out.scales.count) {
        l->channels = out.scales.count;
        if (out.quantized_dimension == (int32_t)out.rank - 1 && out.scales.count > 1u) l->last_axis = 1;
        else if (out.quantized_dimension != 0) return MI_ERR_MODEL_INVALID;
    }
    count = out.count;
    l->count = count;
    if (count % l->channels) return MI_ERR_MODEL_INVALID;
    l->per_channel = count / l->channels;
    if ((uint64_t)enc.bytes * 8u < (uint64_t)count * l->width) return MI_ERR_MODEL_INVALID;
    l->codes = enc.data;
    l->tables = anc.data + DCM_BYTES;
    return MI_OK;
}

/* Element i's table index: `width` bits at bit i * width, most significant first. */
static uint32_t index_at(const lut_t *l, uint32_t i)
{
    uint32_t v = 0, b, bit = i * l->width;
    for (b = 0; b < l->width; b++, bit++) v = (v << 1) | ((l->codes[bit >> 3] >> (7u - (bit & 7u))) & 1u);
    return v;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    uint32_t n_out = mi_node_num_outputs(node), k, i;
    (void)options;
    if (n_out == 0 || mi_node_num_inputs(node) != 2u * n_out) return MI_ERR_MODEL_INVALID;
    for (k = 0; k < n_out; k++) {
        lut_t l;
        uint32_t reach = 0;
        uint64_t need, avail;
        MI_TRY(lut_of(ctx, node, k, &l));
        if (l.count == 0) continue;
        for (i = 0; l.width && i < l.count; i++) {
            uint32_t v = index_at(&l, i);
            if (v > reach) reach = v;
        }
        /* table entries read per channel: the largest index + 1 (decode.py reach) */
        need = ((uint64_t)(l.channels - 1u) * l.stride + reach + 1u) * l.item;
        avail = (uint64_t)(ctx->model.size - (uint32_t)(l.tables - ctx->model.data));
        if (need > avail) return MI_ERR_MODEL_INVALID;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    uint32_t n_out = mi_node_num_outputs(node), k, i;
    for (k = 0; k < n_out; k++) {
        lut_t l;
        uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, k);
        MI_TRY(lut_of(ctx, node, k, &l));
        for (i = 0; i < l.count; i++) {
            uint32_t c = l.last_axis ? i % l.channels : i / l.per_channel;
            memcpy(y + (size_t)i * l.item, l.tables + ((size_t)c * l.stride + index_at(&l, i)) * l.item, l.item);
        }
    }
    return MI_OK;
}

/* op data layout (kernels/decode.py MEMORY): none */
const mi_registration_t mi_registration_decode = {MI_OP_CUSTOM, 0, "TFLM_DECODE", prepare, invoke};
