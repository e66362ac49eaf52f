/* Bounds-checked .tflite reader (C twin of src/microinterp/model.py).
 *
 * Flatbuffer layout in brief: byte 0 holds the offset of the root table and
 * bytes 4..7 the file identifier. A table starts with a signed offset back to
 * its vtable; the vtable lists its own size, the table's size and one 16-bit
 * field offset per field (0 = absent, use the schema default). Offset fields
 * (tables, vectors, strings) hold an unsigned distance forward from the field
 * itself. A vector is a 32-bit length followed by its elements.
 *
 * Every helper below checks the bytes it is about to read lie inside the
 * model, and every index read from the model is range-checked before use.
 * Loops run over vector lengths that were checked against the model size,
 * and per-operator input lists are capped (MI_MAX_OP_IO), so a malicious file
 * can neither read out of bounds nor make validation take unbounded time. */
#include "mi/mi_model.h"

#include <stddef.h>
#include <string.h>

/* Schema field ids (position in the table's vtable). */
enum { MODEL_OPERATOR_CODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4, MODEL_METADATA = 6 };
enum { OPCODE_DEPRECATED_BUILTIN = 0, OPCODE_CUSTOM_CODE = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum {
    TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANT = 4,
    TENSOR_IS_VARIABLE = 5
};
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DIMENSION = 6 };
enum {
    OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4,
    OP_CUSTOM_OPTIONS = 5, OP_INTERMEDIATES = 8
};
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2 };
enum { METADATA_NAME = 0, METADATA_BUFFER = 1 };

/* BuiltinOptions union type codes of the options the port parses. */
enum {
    OPTIONS_CONV2D = 1, OPTIONS_DEPTHWISE = 2, OPTIONS_POOL2D = 5, OPTIONS_FULLY_CONNECTED = 8,
    OPTIONS_IF = 92, OPTIONS_WHILE = 93, OPTIONS_CALL_ONCE = 103, OPTIONS_VAR_HANDLE = 111,
    OPTIONS_SOFTMAX = 9, OPTIONS_ADD = 11, OPTIONS_DIV = 29, OPTIONS_SVDF = 6, OPTIONS_SEQUENCE_LSTM = 71,
    OPTIONS_SQUEEZE = 30, OPTIONS_PACK = 59, OPTIONS_UNPACK = 64, OPTIONS_GATHER = 23, OPTIONS_DEPTH_TO_SPACE = 94,
    OPTIONS_SPACE_TO_DEPTH = 19, OPTIONS_CUMSUM = 102, OPTIONS_BATCH_MATMUL = 101,
    OPTIONS_REDUCER = 27, OPTIONS_STRIDED_SLICE = 32, OPTIONS_LEAKY_RELU = 75, OPTIONS_MIRROR_PAD = 77,
    OPTIONS_CONCATENATION = 10, OPTIONS_RESIZE_BILINEAR = 15, OPTIONS_TRANSPOSE_CONV = 49,
    OPTIONS_RESIZE_NEAREST_NEIGHBOR = 74, OPTIONS_L2_NORM = 12, OPTIONS_MUL = 21, OPTIONS_SUB = 28
};

/* Models are addressed with 32-bit positions; keep a margin so that
 * `pos + small constant` can never wrap. */
#define MI_MODEL_MAX_SIZE 0x7FFFFFF0u

typedef struct fb_table {
    uint32_t pos;       /* position of the table */
    uint32_t vtable;    /* position of its vtable */
    uint32_t vt_size;   /* bytes in the vtable */
    uint32_t tbl_size;  /* bytes in the table (inline fields) */
} fb_table_t;

/* ------------------------------------------------------------------ raw reads */

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int32_t as_i32(uint32_t u)
{
    /* two's complement reinterpretation without implementation-defined casts */
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) - (int32_t)0x7FFFFFFF - 1 : (int32_t)u;
}

/* True when [pos, pos + n) lies inside the model. All arithmetic on positions is
 * 32-bit (no 64-bit helpers on Cortex-M0+): the model is under 2**31 bytes, so a
 * position that passed fb_has plus any 32-bit length is compared before it is added. */
static int fb_has(const mi_model_t *m, uint32_t pos, uint32_t n)
{
    return pos <= m->size && n <= m->size - pos;
}

/* Position of element `i` (of 2**shift bytes) of vector `v`, or 0 when it does not lie
 * inside the model: i + 1 elements fit in the bytes after v.pos. */
static uint32_t fb_elem(const mi_model_t *m, mi_vec_t v, uint32_t i, uint32_t shift)
{
    if (i >= v.count || v.pos > m->size || i >= (m->size - v.pos) >> shift) return 0;
    return v.pos + (i << shift);
}

/* ------------------------------------------------------------------ tables */

static mi_status_t fb_table_at(const mi_model_t *m, uint32_t pos, fb_table_t *t)
{
    uint32_t vtable;
    if (!fb_has(m, pos, 4)) return MI_ERR_MODEL_CORRUPT;
    /* pos minus the signed offset, modulo 2**32: a vtable before the file's start
     * wraps to 2**31 or more (pos < 2**31), beyond the model like one past its end */
    vtable = pos - rd32(m->data + pos);
    if (!fb_has(m, vtable, 4)) return MI_ERR_MODEL_CORRUPT;
    t->pos = pos;
    t->vtable = vtable;
    t->vt_size = rd16(m->data + t->vtable);
    t->tbl_size = rd16(m->data + t->vtable + 2);
    if (t->vt_size < 4 || (t->vt_size & 1u) || !fb_has(m, t->vtable, t->vt_size)) return MI_ERR_MODEL_CORRUPT;
    if (t->tbl_size < 4 || !fb_has(m, t->pos, t->tbl_size)) return MI_ERR_MODEL_CORRUPT;
    return MI_OK;
}

/* Position of field `id` (of `width` bytes) in table `t`; 0 when absent. */
static mi_status_t fb_field(const mi_model_t *m, const fb_table_t *t, uint32_t id, uint32_t width, uint32_t *pos)
{
    uint32_t entry = 4u + 2u * id, off;
    *pos = 0;
    if (entry + 2u > t->vt_size) return MI_OK; /* older schema: field absent */
    off = rd16(m->data + t->vtable + entry);
    if (off == 0) return MI_OK;
    if (off < 4u || off + width > t->tbl_size) return MI_ERR_MODEL_CORRUPT;
    *pos = t->pos + off;
    return MI_OK;
}

/* Scalar field `id` of `width` bytes (1, 4 or 8) as 32 raw bits, `def` when absent.
 * One reader for every scalar type (the callers convert): an 8-byte value of 2**32
 * or more saturates to 0xFFFFFFFF, beyond any model (only buffer offsets and sizes
 * are 8 bytes). */
static mi_status_t fb_scalar(const mi_model_t *m, const fb_table_t *t, uint32_t id, uint32_t width, uint32_t def,
                             uint32_t *out)
{
    uint32_t pos;
    mi_status_t s = fb_field(m, t, id, width, &pos);
    *out = def;
    if (s != MI_OK || !pos) return s;
    if (width == 1) *out = m->data[pos];
    else *out = width == 8 && rd32(m->data + pos + 4) ? 0xFFFFFFFFu : rd32(m->data + pos);
    return MI_OK;
}

static mi_status_t fb_u8(const mi_model_t *m, const fb_table_t *t, uint32_t id, uint8_t *out)
{
    uint32_t v;
    mi_status_t s = fb_scalar(m, t, id, 1, 0, &v);
    *out = (uint8_t)v;
    return s;
}

static mi_status_t fb_i32(const mi_model_t *m, const fb_table_t *t, uint32_t id, int32_t def, int32_t *out)
{
    uint32_t v;
    mi_status_t s = fb_scalar(m, t, id, 4, (uint32_t)def, &v);
    *out = as_i32(v);
    return s;
}

/* Follow the offset field `id`: position of what it points to (0 when absent). */
static mi_status_t fb_ref(const mi_model_t *m, const fb_table_t *t, uint32_t id, uint32_t *target)
{
    uint32_t pos, off;
    mi_status_t s = fb_field(m, t, id, 4, &pos);
    *target = 0;
    if (s != MI_OK || !pos) return s;
    off = rd32(m->data + pos);
    if (off == 0 || !fb_has(m, pos, off) || !fb_has(m, pos + off, 4)) return MI_ERR_MODEL_CORRUPT;
    *target = pos + off;
    return MI_OK;
}

/* Vector field `id` whose elements are 2**shift bytes each (count 0 when absent). */
static mi_status_t fb_vector(const mi_model_t *m, const fb_table_t *t, uint32_t id, uint32_t shift, mi_vec_t *v)
{
    uint32_t at, n;
    mi_status_t s = fb_ref(m, t, id, &at);
    v->pos = 0;
    v->count = 0;
    if (s != MI_OK || !at) return s;
    n = rd32(m->data + at);
    if (n > (m->size - at - 4u) >> shift) return MI_ERR_MODEL_CORRUPT; /* at + 4 <= size: fb_ref */
    v->pos = at + 4u;
    v->count = n;
    return MI_OK;
}

/* Several vector fields of one table, each into the member of `out` at byte `offset`:
 * one call and a 3-byte row per field instead of a call each. */
typedef struct vec_field {
    uint8_t id, shift, offset;
} vec_field_t;

static mi_status_t fb_vectors(const mi_model_t *m, const fb_table_t *t, const vec_field_t *f, uint32_t n, void *out)
{
    for (; n; n--, f++) {
        mi_status_t s = fb_vector(m, t, f->id, f->shift, (mi_vec_t *)(void *)((uint8_t *)out + f->offset));
        if (s != MI_OK) return s;
    }
    return MI_OK;
}

#define VEC(id, shift, type, member) {(uint8_t)(id), (uint8_t)(shift), (uint8_t)offsetof(type, member)}

/* Sub-table field `id`; *present = 0 when absent. */
static mi_status_t fb_subtable(const mi_model_t *m, const fb_table_t *t, uint32_t id, fb_table_t *sub, int *present)
{
    uint32_t at;
    mi_status_t s = fb_ref(m, t, id, &at);
    *present = 0;
    if (s != MI_OK || !at) return s;
    *present = 1;
    return fb_table_at(m, at, sub);
}

/* Element `i` of a vector of tables. */
static mi_status_t fb_vec_table(const mi_model_t *m, mi_vec_t v, uint32_t i, fb_table_t *t)
{
    uint32_t pos, off;
    if (i >= v.count) return MI_ERR_BAD_INDEX;
    pos = fb_elem(m, v, i, 2);
    if (!pos) return MI_ERR_MODEL_CORRUPT;
    off = rd32(m->data + pos);
    if (!fb_has(m, pos, off)) return MI_ERR_MODEL_CORRUPT;
    return fb_table_at(m, pos + off, t);
}

#define TRY(expr)                        \
    do {                                 \
        mi_status_t try_s_ = (expr);     \
        if (try_s_ != MI_OK) return try_s_; \
    } while (0)

/* ------------------------------------------------------------------ public */

uint32_t mi_type_size(uint32_t type)
{
    switch (type) {
    case MI_TYPE_FLOAT32: case MI_TYPE_INT32: case MI_TYPE_UINT32: return 4;
    case MI_TYPE_RESOURCE: return 4; /* a resource variable's id, an int32 (model.py, TFLM) */
    case MI_TYPE_FLOAT16: case MI_TYPE_INT16: case MI_TYPE_UINT16: return 2;
    case MI_TYPE_UINT8: case MI_TYPE_INT8: case MI_TYPE_BOOL: return 1;
    case MI_TYPE_INT64: case MI_TYPE_UINT64: case MI_TYPE_FLOAT64: case MI_TYPE_COMPLEX64: return 8;
    case MI_TYPE_COMPLEX128: return 16;
    default: return 0;
    }
}

int32_t mi_model_i32(const mi_model_t *model, mi_vec_t vec, uint32_t i)
{
    uint32_t pos = model ? fb_elem(model, vec, i, 2) : 0;
    if (!pos) return INT32_MIN;
    return as_i32(rd32(model->data + pos));
}

/* The bytes of buffer `index`: inline data, or offset/size into the file
 * (the >2 GB layout). */
static mi_status_t buffer_bytes(const mi_model_t *m, uint32_t index, const uint8_t **data, uint32_t *len)
{
    fb_table_t b;
    uint32_t offset, size;
    mi_vec_t v;
    *data = NULL;
    *len = 0;
    TRY(fb_vec_table(m, m->buffers, index, &b));
    TRY(fb_scalar(m, &b, BUFFER_OFFSET, 8, 0, &offset));
    TRY(fb_scalar(m, &b, BUFFER_SIZE, 8, 0, &size));
    if (offset > 1) {
        if (!fb_has(m, offset, size)) return MI_ERR_MODEL_CORRUPT;
        *data = m->data + offset;
        *len = (uint32_t)size;
        return MI_OK;
    }
    TRY(fb_vector(m, &b, BUFFER_DATA, 0, &v));
    if (v.count) {
        *data = m->data + v.pos;
        *len = v.count;
    }
    return MI_OK;
}

static int decode_encoded(const mi_model_t *m, uint32_t tensor);
static int name_is(const mi_model_t *m, mi_vec_t name, const char *text, uint32_t n);

mi_status_t mi_model_tensor(const mi_model_t *model, uint32_t index, mi_tensor_info_t *out)
{
    fb_table_t t, q;
    mi_vec_t shape;
    uint32_t i, elem;
    uint32_t count = 1, span = 1; /* span: the element count with empty dimensions counted as 1 */
    int present;
    if (!model || !out) return MI_ERR_NULL_ARG;
    memset(out, 0, sizeof *out);
    TRY(fb_vec_table(model, model->tensors, index, &t));
    TRY(fb_vector(model, &t, TENSOR_SHAPE, 2, &shape));
    if (shape.count > MI_MAX_DIMS) return MI_ERR_UNSUPPORTED_SHAPE;
    out->rank = (uint8_t)shape.count;
    for (i = 0; i < shape.count; i++) {
        int32_t d = mi_model_i32(model, shape, i);
        if (d < 0) return MI_ERR_MODEL_INVALID; /* dynamic or negative shape */
        out->dims[i] = d;
        /* span stays at most 2**31 - 1 (compared before it is multiplied), and
         * count <= span, so count does too */
        if (span > 0x7FFFFFFFu / (uint32_t)(d ? d : 1)) return MI_ERR_MODEL_TOO_LARGE;
        count *= (uint32_t)d;
        span *= (uint32_t)(d ? d : 1);
    }
    TRY(fb_u8(model, &t, TENSOR_TYPE, &out->type));
    TRY(fb_scalar(model, &t, TENSOR_BUFFER, 4, 0, &out->buffer));
    TRY(fb_vector(model, &t, TENSOR_NAME, 0, &out->name));
    TRY(fb_u8(model, &t, TENSOR_IS_VARIABLE, &out->is_variable));
    out->is_variable = out->is_variable ? 1 : 0;
    elem = mi_type_size(out->type);
    if (span > MI_MAX_TENSOR_BYTES / (elem ? elem : 1u)) return MI_ERR_MODEL_TOO_LARGE;
    out->count = (uint32_t)count;
    out->bytes = count * elem;

    /* buffer: model.py accepts index 0 when the model has no buffers at all */
    if (out->buffer >= (model->buffers.count ? model->buffers.count : 1u)) return MI_ERR_MODEL_CORRUPT;
    if (model->buffers.count) {
        const uint8_t *blob;
        uint32_t len;
        TRY(buffer_bytes(model, out->buffer, &blob, &len));
        if (len) {
            /* natural alignment, but 4 bytes for 8-byte types: Cortex-M loads them as
             * two words, and kernels read them with mi_load_i64 (converters put
             * int64 biases at 4 mod 8, e.g. the seanet TRANSPOSE_CONV models) */
            uint32_t align = elem > 4u ? 4u : elem;
            if (elem == 0 || len != out->bytes) return MI_ERR_MODEL_INVALID;
            if (align > 1u && ((uintptr_t)blob & (uintptr_t)(align - 1u))) return MI_ERR_MODEL_MISALIGNED;
            out->data = blob;
        }
    }

    TRY(fb_subtable(model, &t, TENSOR_QUANT, &q, &present));
    if (present) {
        static const vec_field_t quant[2] = {VEC(QUANT_SCALE, 2, mi_tensor_info_t, scales),
                                             VEC(QUANT_ZERO_POINT, 3, mi_tensor_info_t, zero_points)};
        TRY(fb_vectors(model, &q, quant, 2, out));
        TRY(fb_i32(model, &q, QUANT_DIMENSION, 0, &out->quantized_dimension));
        if (out->scales.count == 0) {
            out->zero_points.count = 0; /* no scales: not quantized (model.py: quant None) */
        } else {
            if (out->zero_points.count != 0 && out->zero_points.count != out->scales.count)
                return MI_ERR_MODEL_INVALID;
            /* TFLM accepts a quantized_dimension past the rank (person_detect's biases) */
            /* the operator scan of decode_encoded last: only a tensor whose scales
             * do not fit its shape pays for it */
            if (out->scales.count > 1 &&
                (out->quantized_dimension < 0 ||
                 (out->quantized_dimension < (int32_t)out->rank &&
                  (uint32_t)out->dims[out->quantized_dimension] != out->scales.count)) &&
                !(MI_ENABLE_CUSTOM && decode_encoded(model, index)))
                return MI_ERR_MODEL_INVALID;
        }
    }
    return MI_OK;
}

float mi_model_scale(const mi_model_t *model, const mi_tensor_info_t *tensor, uint32_t channel)
{
    uint32_t bits;
    float f = 0.0f;
    uint32_t pos = model && tensor ? fb_elem(model, tensor->scales, channel, 2) : 0;
    if (!pos) return 0.0f;
    bits = rd32(model->data + pos);
    memcpy(&f, &bits, sizeof f);
    return f;
}

int32_t mi_model_zero_point(const mi_model_t *model, const mi_tensor_info_t *tensor, uint32_t channel)
{
    uint32_t pos = model && tensor ? fb_elem(model, tensor->zero_points, channel, 3) : 0, lo, hi;
    if (!pos) return 0;
    /* the int64 saturated to +-(2**31 - 1) so that kernels may negate it (no kernel
     * accepts zero points anywhere near these bounds), from its two 32-bit halves */
    lo = rd32(model->data + pos);
    hi = rd32(model->data + pos + 4);
    if (hi + (lo >> 31) != 0) return hi >> 31 ? -INT32_MAX : INT32_MAX; /* hi is not lo's sign: beyond int32 */
    return lo == 0x80000000u ? -INT32_MAX : as_i32(lo);
}

/* Check every element of an int32 index vector lies in [lowest, n). */
static mi_status_t check_indices(const mi_model_t *m, mi_vec_t v, int32_t lowest, uint32_t n)
{
    uint32_t i;
    if (v.count > MI_MAX_OP_IO) return MI_ERR_MODEL_TOO_LARGE;
    for (i = 0; i < v.count; i++) {
        int32_t x = mi_model_i32(m, v, i);
        if (x < lowest || (x >= 0 && (uint32_t)x >= n)) return MI_ERR_MODEL_CORRUPT;
    }
    return MI_OK;
}

static const vec_field_t op_vectors[3] = {VEC(OP_INPUTS, 2, mi_op_info_t, inputs),
                                          VEC(OP_OUTPUTS, 2, mi_op_info_t, outputs),
                                          VEC(OP_INTERMEDIATES, 2, mi_op_info_t, intermediates)};

mi_status_t mi_model_op(const mi_model_t *model, uint32_t index, mi_op_info_t *out)
{
    fb_table_t o, code, opts;
    uint32_t opcode_index, k;
    uint32_t deprecated;
    int32_t builtin, builtin_8;
    int present;
    if (!model || !out) return MI_ERR_NULL_ARG;
    memset(out, 0, sizeof *out);
    TRY(fb_vec_table(model, model->operators, index, &o));
    TRY(fb_scalar(model, &o, OP_OPCODE_INDEX, 4, 0, &opcode_index));
    if (opcode_index >= model->opcodes.count) return MI_ERR_MODEL_CORRUPT;
    TRY(fb_vec_table(model, model->opcodes, opcode_index, &code));
    TRY(fb_scalar(model, &code, OPCODE_DEPRECATED_BUILTIN, 1, 0, &deprecated));
    TRY(fb_i32(model, &code, OPCODE_BUILTIN, 0, &builtin));
    TRY(fb_i32(model, &code, OPCODE_VERSION, 1, &out->version));
    TRY(fb_vector(model, &code, OPCODE_CUSTOM_CODE, 0, &out->custom_code));
    builtin_8 = deprecated >= 128u ? (int32_t)deprecated - 256 : (int32_t)deprecated; /* an int8 */
    out->builtin_code = builtin > builtin_8 ? builtin : builtin_8;
    /* TFLM's compressor writes its DECODE op with builtin code 0 (ADD) and the custom
     * code TFLM_DECODE; TFLM resolves it as that custom op (model.py _parse_opcode) */
    if (MI_ENABLE_CUSTOM && out->builtin_code == 0 && name_is(model, out->custom_code, MI_DECODE_CODE, sizeof MI_DECODE_CODE - 1u))
        out->builtin_code = MI_OP_CUSTOM;

    TRY(fb_vectors(model, &o, op_vectors, 3, out));
    for (k = 0; k < 3; k++) /* inputs may be -1 (an optional input left out) */
        TRY(check_indices(model, *(const mi_vec_t *)(const void *)((const uint8_t *)out + op_vectors[k].offset),
                          k ? 0 : -1, model->tensors.count));
    TRY(fb_vector(model, &o, OP_CUSTOM_OPTIONS, 0, &out->custom_options));
    TRY(fb_u8(model, &o, OP_OPTIONS_TYPE, &out->options_type));
    TRY(fb_subtable(model, &o, OP_OPTIONS, &opts, &present));
    if (present && out->options_type != 0) out->options = opts.pos;
    return MI_OK;
}

/* A tensor read as the encoded input (an even position) of a TFLM_DECODE op of the
 * selected subgraph (model.py _decode_encoded_inputs): it keeps the per-channel
 * quantization of the tensor it was compressed from on a shape of packed index
 * bytes, which TFLM never reads. Called only for such a mismatch (a rare path). */
static int decode_encoded(const mi_model_t *m, uint32_t tensor)
{
    uint32_t i, k;
    for (i = 0; i < m->operators.count; i++) {
        mi_op_info_t op;
        if (mi_model_op(m, i, &op) != MI_OK || op.builtin_code != MI_OP_CUSTOM ||
            !name_is(m, op.custom_code, MI_DECODE_CODE, sizeof MI_DECODE_CODE - 1u))
            continue;
        for (k = 0; k < op.inputs.count; k += 2u)
            if (mi_model_i32(m, op.inputs, k) == (int32_t)tensor) return 1;
    }
    return 0;
}

int mi_model_decoded(const mi_model_t *model, int32_t tensor)
{
    uint32_t i, k;
    if (!model || tensor < 0) return 0;
    for (i = 0; i < model->operators.count; i++) {
        mi_op_info_t op;
        if (mi_model_op(model, i, &op) != MI_OK || op.builtin_code != MI_OP_CUSTOM ||
            !name_is(model, op.custom_code, MI_DECODE_CODE, sizeof MI_DECODE_CODE - 1u))
            continue;
        for (k = 0; k < op.outputs.count; k++)
            if (mi_model_i32(model, op.outputs, k) == tensor) return 1;
    }
    return 0;
}

/* The builtin options the port reads, as data: per op its BuiltinOptions
 * union type and a run of field descriptors, one generic loop reads them.
 * Why a table and not a switch of fb_* calls: the same checks (fb_field's
 * bounds, the options type) in about a fifth of the flash. A descriptor is the schema field id (low 4 bits),
 * a kind and a default of 0 or 1 (FIELD_ONE), and the byte offset of the
 * member in mi_options_t; SET_ONE members are not read, only preset to 1
 * (TRANSPOSE_CONV's dilations). An op without an options table reads every field
 * as absent, so it gets the schema defaults. */
enum {
    FIELD_U8 = 0x00, FIELD_I32 = 0x10, FIELD_F32 = 0x20, FIELD_VEC = 0x30, FIELD_SET_ONE = 0x40, FIELD_STR = 0x50,
    FIELD_ONE = 0x80
};

typedef struct options_field {
    uint8_t code;   /* id | kind | FIELD_ONE */
    uint8_t offset; /* offsetof(mi_options_t, member) */
} options_field_t;

typedef struct options_op {
    const options_field_t *fields;            /* its descriptors, `count` of them */
    uint8_t builtin_code, options_type, count;
} options_op_t;

/* A descriptor run no listed op uses is dropped by --gc-sections; unused is no error. */
#if defined(__GNUC__)
#define FIELDS static const options_field_t __attribute__((unused))
#else
#define FIELDS static const options_field_t
#endif
#define F(kind, id, member) {(uint8_t)((kind) | (id)), (uint8_t)offsetof(mi_options_t, member)}
/* CONV_2D */
FIELDS conv_fields[] = {
    F(FIELD_U8, 0, conv.padding), F(FIELD_I32, 1, conv.stride_w), F(FIELD_I32, 2, conv.stride_h),
    F(FIELD_U8, 3, conv.fused_activation_function), F(FIELD_I32 | FIELD_ONE, 4, conv.dilation_w_factor),
    F(FIELD_I32 | FIELD_ONE, 5, conv.dilation_h_factor), F(FIELD_U8, 6, conv.quantized_bias_type),
};
/* DEPTHWISE_CONV_2D */
FIELDS depthwise_fields[] = {
    F(FIELD_U8, 0, depthwise.padding), F(FIELD_I32, 1, depthwise.stride_w), F(FIELD_I32, 2, depthwise.stride_h),
    F(FIELD_I32, 3, depthwise.depth_multiplier), F(FIELD_U8, 4, depthwise.fused_activation_function),
    F(FIELD_I32 | FIELD_ONE, 5, depthwise.dilation_w_factor), F(FIELD_I32 | FIELD_ONE, 6, depthwise.dilation_h_factor),
};
/* AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D */
FIELDS pool_fields[] = {
    F(FIELD_U8, 0, pool.padding), F(FIELD_I32, 1, pool.stride_w), F(FIELD_I32, 2, pool.stride_h),
    F(FIELD_I32, 3, pool.filter_width), F(FIELD_I32, 4, pool.filter_height),
    F(FIELD_U8, 5, pool.fused_activation_function),
};
/* FULLY_CONNECTED */
FIELDS fully_connected_fields[] = {
    F(FIELD_U8, 0, fully_connected.fused_activation_function), F(FIELD_U8, 1, fully_connected.weights_format),
    F(FIELD_U8, 2, fully_connected.keep_num_dims), F(FIELD_U8, 3, fully_connected.asymmetric_quantize_inputs),
    F(FIELD_U8, 4, fully_connected.quantized_bias_type),
};
/* SOFTMAX */
FIELDS softmax_fields[] = {
    F(FIELD_F32, 0, softmax.beta),
};
/* ADD, SUB (fused activation, pot_scale_int16) */
FIELDS add_fields[] = {
    F(FIELD_U8, 0, add.fused_activation_function), F(FIELD_U8 | FIELD_ONE, 1, add.pot_scale_int16),
};
/* SVDF */
FIELDS svdf_fields[] = {
    F(FIELD_I32, 0, svdf.rank), F(FIELD_U8, 1, svdf.fused_activation_function),
    F(FIELD_U8, 2, svdf.asymmetric_quantize_inputs),
};
/* UNIDIRECTIONAL_SEQUENCE_LSTM */
FIELDS sequence_lstm_fields[] = {
    F(FIELD_U8, 0, sequence_lstm.fused_activation_function), F(FIELD_F32, 1, sequence_lstm.cell_clip),
    F(FIELD_F32, 2, sequence_lstm.proj_clip), F(FIELD_U8, 3, sequence_lstm.time_major),
    F(FIELD_U8, 4, sequence_lstm.asymmetric_quantize_inputs),
    F(FIELD_U8, 5, sequence_lstm.diagonal_recurrent_tensors),
};
/* DIV */
FIELDS div_fields[] = {
    F(FIELD_U8, 0, div.fused_activation_function),
};
/* STRIDED_SLICE */
FIELDS strided_slice_fields[] = {
    F(FIELD_I32, 0, strided_slice.begin_mask), F(FIELD_I32, 1, strided_slice.end_mask),
    F(FIELD_I32, 2, strided_slice.ellipsis_mask), F(FIELD_I32, 3, strided_slice.new_axis_mask),
    F(FIELD_I32, 4, strided_slice.shrink_axis_mask), F(FIELD_U8, 5, strided_slice.offset),
};
/* LEAKY_RELU */
FIELDS leaky_relu_fields[] = {
    F(FIELD_F32, 0, leaky_relu.alpha),
};
/* MIRROR_PAD */
FIELDS mirror_pad_fields[] = {
    F(FIELD_U8, 0, mirror_pad.mode),
};
/* TRANSPOSE_CONV (dilations preset to 1, not in its options) */
FIELDS transpose_conv_fields[] = {
    F(FIELD_SET_ONE, 0, conv.dilation_w_factor), F(FIELD_SET_ONE, 0, conv.dilation_h_factor),
    F(FIELD_U8, 0, conv.padding), F(FIELD_I32, 1, conv.stride_w), F(FIELD_I32, 2, conv.stride_h),
    F(FIELD_U8, 3, conv.fused_activation_function), F(FIELD_U8, 4, conv.quantized_bias_type),
};
/* CONCATENATION */
FIELDS concatenation_fields[] = {
    F(FIELD_I32, 0, concatenation.axis), F(FIELD_U8, 1, concatenation.fused_activation_function),
};
/* RESIZE_BILINEAR (fields 0, 1: the deprecated new_height, new_width) */
FIELDS resize_bilinear_fields[] = {
    F(FIELD_U8, 2, resize.align_corners), F(FIELD_U8, 3, resize.half_pixel_centers),
};
/* RESIZE_NEAREST_NEIGHBOR */
FIELDS resize_nearest_fields[] = {
    F(FIELD_U8, 0, resize.align_corners), F(FIELD_U8, 1, resize.half_pixel_centers),
};
/* MEAN, SUM, REDUCE_ALL, REDUCE_MAX, REDUCE_MIN */
FIELDS reducer_fields[] = {
    F(FIELD_U8, 0, reducer.keep_dims),
};
/* SQUEEZE */
FIELDS squeeze_fields[] = {
    F(FIELD_VEC, 0, squeeze.squeeze_dims),
};
/* PACK */
FIELDS pack_fields[] = {
    F(FIELD_I32, 0, pack.values_count), F(FIELD_I32, 1, pack.axis),
};
/* UNPACK */
FIELDS unpack_fields[] = {
    F(FIELD_I32, 0, unpack.num), F(FIELD_I32, 1, unpack.axis),
};
/* GATHER */
FIELDS gather_fields[] = {
    F(FIELD_I32, 0, gather.axis), F(FIELD_I32, 1, gather.batch_dims),
};
/* DEPTH_TO_SPACE, SPACE_TO_DEPTH */
FIELDS block_fields[] = {
    F(FIELD_I32, 0, block.block_size),
};
/* CUMSUM */
FIELDS cumsum_fields[] = {
    F(FIELD_U8, 0, cumsum.exclusive), F(FIELD_U8, 1, cumsum.reverse),
};
/* BATCH_MATMUL */
FIELDS batch_matmul_fields[] = {
    F(FIELD_U8, 0, batch_matmul.adj_x), F(FIELD_U8, 1, batch_matmul.adj_y),
    F(FIELD_U8, 2, batch_matmul.asymmetric_quantize_inputs),
};
/* MUL, L2_NORMALIZATION (fused activation only) */
FIELDS fused_activation_fields[] = {
    F(FIELD_U8, 0, add.fused_activation_function),
};
/* IF (then, else), WHILE (cond, body), CALL_ONCE (init): the subgraphs they run */
FIELDS calls_fields[] = {
    F(FIELD_I32, 0, calls.first), F(FIELD_I32, 1, calls.second),
};
/* VAR_HANDLE (strings: bytes in the model) */
FIELDS var_handle_fields[] = {
    F(FIELD_STR, 0, var_handle.container), F(FIELD_STR, 1, var_handle.shared_name),
};
#undef F
#undef FIELDS

/* One row per op whose options the port reads. An image built for one model
 * (make FEATURES=..., fw/kernel_select.py) lists that model's ops with
 * -DMI_OPTIONS_LISTED -DMI_OPTIONS_<OP> and keeps only their rows; --gc-sections
 * then drops the descriptors of every other op. */
#define ROW(op, type, fields, count) {fields, MI_OP_##op, type, count}
#define ALL(fields) (uint8_t)(sizeof fields / sizeof fields[0])
static const options_op_t options_ops[] = {
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_CONV_2D)
    ROW(CONV_2D, OPTIONS_CONV2D, conv_fields, ALL(conv_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_DEPTHWISE_CONV_2D)
    ROW(DEPTHWISE_CONV_2D, OPTIONS_DEPTHWISE, depthwise_fields, ALL(depthwise_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_AVERAGE_POOL_2D)
    ROW(AVERAGE_POOL_2D, OPTIONS_POOL2D, pool_fields, ALL(pool_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_MAX_POOL_2D)
    ROW(MAX_POOL_2D, OPTIONS_POOL2D, pool_fields, ALL(pool_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_L2_POOL_2D)
    ROW(L2_POOL_2D, OPTIONS_POOL2D, pool_fields, ALL(pool_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_FULLY_CONNECTED)
    ROW(FULLY_CONNECTED, OPTIONS_FULLY_CONNECTED, fully_connected_fields, ALL(fully_connected_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SOFTMAX)
    ROW(SOFTMAX, OPTIONS_SOFTMAX, softmax_fields, ALL(softmax_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_ADD)
    ROW(ADD, OPTIONS_ADD, add_fields, ALL(add_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SUB)
    ROW(SUB, OPTIONS_SUB, add_fields, ALL(add_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SVDF)
    ROW(SVDF, OPTIONS_SVDF, svdf_fields, ALL(svdf_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_UNIDIRECTIONAL_SEQUENCE_LSTM)
    ROW(UNIDIRECTIONAL_SEQUENCE_LSTM, OPTIONS_SEQUENCE_LSTM, sequence_lstm_fields, ALL(sequence_lstm_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_DIV)
    ROW(DIV, OPTIONS_DIV, div_fields, ALL(div_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_STRIDED_SLICE)
    ROW(STRIDED_SLICE, OPTIONS_STRIDED_SLICE, strided_slice_fields, ALL(strided_slice_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_LEAKY_RELU)
    ROW(LEAKY_RELU, OPTIONS_LEAKY_RELU, leaky_relu_fields, ALL(leaky_relu_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_MIRROR_PAD)
    ROW(MIRROR_PAD, OPTIONS_MIRROR_PAD, mirror_pad_fields, ALL(mirror_pad_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_TRANSPOSE_CONV)
    ROW(TRANSPOSE_CONV, OPTIONS_TRANSPOSE_CONV, transpose_conv_fields, ALL(transpose_conv_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_MUL)
    ROW(MUL, OPTIONS_MUL, fused_activation_fields, ALL(fused_activation_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_L2_NORMALIZATION)
    ROW(L2_NORMALIZATION, OPTIONS_L2_NORM, fused_activation_fields, ALL(fused_activation_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_CONCATENATION)
    ROW(CONCATENATION, OPTIONS_CONCATENATION, concatenation_fields, ALL(concatenation_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_RESIZE_BILINEAR)
    ROW(RESIZE_BILINEAR, OPTIONS_RESIZE_BILINEAR, resize_bilinear_fields, ALL(resize_bilinear_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_RESIZE_NEAREST_NEIGHBOR)
    ROW(RESIZE_NEAREST_NEIGHBOR, OPTIONS_RESIZE_NEAREST_NEIGHBOR, resize_nearest_fields, ALL(resize_nearest_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_MEAN)
    ROW(MEAN, OPTIONS_REDUCER, reducer_fields, ALL(reducer_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SUM)
    ROW(SUM, OPTIONS_REDUCER, reducer_fields, ALL(reducer_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_REDUCE_ALL)
    ROW(REDUCE_ALL, OPTIONS_REDUCER, reducer_fields, ALL(reducer_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_REDUCE_MAX)
    ROW(REDUCE_MAX, OPTIONS_REDUCER, reducer_fields, ALL(reducer_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_REDUCE_MIN)
    ROW(REDUCE_MIN, OPTIONS_REDUCER, reducer_fields, ALL(reducer_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SQUEEZE)
    ROW(SQUEEZE, OPTIONS_SQUEEZE, squeeze_fields, ALL(squeeze_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_PACK)
    ROW(PACK, OPTIONS_PACK, pack_fields, ALL(pack_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_UNPACK)
    ROW(UNPACK, OPTIONS_UNPACK, unpack_fields, ALL(unpack_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_GATHER)
    ROW(GATHER, OPTIONS_GATHER, gather_fields, ALL(gather_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_DEPTH_TO_SPACE)
    ROW(DEPTH_TO_SPACE, OPTIONS_DEPTH_TO_SPACE, block_fields, ALL(block_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_SPACE_TO_DEPTH)
    ROW(SPACE_TO_DEPTH, OPTIONS_SPACE_TO_DEPTH, block_fields, ALL(block_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_CUMSUM)
    ROW(CUMSUM, OPTIONS_CUMSUM, cumsum_fields, ALL(cumsum_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_BATCH_MATMUL)
    ROW(BATCH_MATMUL, OPTIONS_BATCH_MATMUL, batch_matmul_fields, ALL(batch_matmul_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_IF)
    ROW(IF, OPTIONS_IF, calls_fields, ALL(calls_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_WHILE)
    ROW(WHILE, OPTIONS_WHILE, calls_fields, ALL(calls_fields)),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_CALL_ONCE)
    ROW(CALL_ONCE, OPTIONS_CALL_ONCE, calls_fields, 1),
#endif
#if !defined(MI_OPTIONS_LISTED) || defined(MI_OPTIONS_VAR_HANDLE)
    ROW(VAR_HANDLE, OPTIONS_VAR_HANDLE, var_handle_fields, ALL(var_handle_fields)),
#endif
    {NULL, 0, 0, 0} /* the end (and an array never empty) */
};
#undef ALL
#undef ROW

mi_status_t mi_model_options(const mi_model_t *model, const mi_op_info_t *op, mi_options_t *out)
{
    const options_op_t *o = NULL;
    const options_field_t *f;
    fb_table_t t = {0, 0, 0, 0}; /* vt_size 0: no options table, every field absent (its default) */
    uint32_t i;
    if (!model || !op || !out) return MI_ERR_NULL_ARG;
    memset(out, 0, sizeof *out);
    if (MI_ENABLE_CUSTOM && op->builtin_code == MI_OP_CUSTOM) { /* the custom options bytes (mi_flexbuffer.h) */
        out->custom.data = op->custom_options.count ? model->data + op->custom_options.pos : NULL;
        out->custom.size = op->custom_options.count;
        return MI_OK;
    }
    for (i = 0; options_ops[i].fields; i++)
        if (options_ops[i].builtin_code == op->builtin_code) o = &options_ops[i];
    if (!o) return MI_OK; /* no options the port reads */
    if (op->options) {
        if (op->options_type != o->options_type) return MI_ERR_MODEL_INVALID; /* options of another op */
        TRY(fb_table_at(model, op->options, &t));
    }
    for (f = o->fields; f < o->fields + o->count; f++) {
        uint8_t *member = (uint8_t *)out + f->offset;
        const uint32_t kind = f->code & 0x70;
        uint32_t v = 1; /* FIELD_SET_ONE: not read */
        if (kind == FIELD_VEC || kind == FIELD_STR) { /* int32 elements, or a string's bytes */
            TRY(fb_vector(model, &t, f->code & 0x0Fu, kind == FIELD_VEC ? 2 : 0, (mi_vec_t *)(void *)member));
            continue;
        }
        if (kind != FIELD_SET_ONE) TRY(fb_scalar(model, &t, f->code & 0x0Fu, kind == FIELD_U8 ? 1 : 4, f->code >> 7, &v));
        if (kind == FIELD_U8) *member = (uint8_t)v;
        else memcpy(member, &v, sizeof v); /* the bits of an int32 or a float (F32 defaults are 0) */
    }
    return MI_OK;
}

/* Metadata entry `i`: its name, and the buffer it names (checked to exist). */
static mi_status_t metadata_entry(const mi_model_t *m, uint32_t i, mi_vec_t *name, uint32_t *buffer)
{
    fb_table_t tbl;
    TRY(fb_vec_table(m, m->metadata, i, &tbl));
    TRY(fb_vector(m, &tbl, METADATA_NAME, 0, name));
    TRY(fb_scalar(m, &tbl, METADATA_BUFFER, 4, 0, buffer));
    return *buffer < m->buffers.count ? MI_OK : MI_ERR_MODEL_CORRUPT;
}

static int name_is(const mi_model_t *m, mi_vec_t name, const char *text, uint32_t n)
{
    uint32_t k; /* a loop, not memcmp: an image then links no memcmp (96 B on a Cortex-M4) */
    if (name.count != n) return 0;
    for (k = 0; k < n; k++)
        if (m->data[name.pos + k] != (uint8_t)text[k]) return 0;
    return 1;
}

mi_status_t mi_model_metadata(const mi_model_t *model, const char *name, const uint8_t **data, uint32_t *size)
{
    uint32_t i;
    if (!model || !name || !data || !size) return MI_ERR_NULL_ARG;
    *data = NULL;
    *size = 0;
    for (i = 0; MI_ENABLE_METADATA && i < model->metadata.count; i++) {
        mi_vec_t entry_name;
        uint32_t buffer;
        TRY(metadata_entry(model, i, &entry_name, &buffer));
        if (name_is(model, entry_name, name, (uint32_t)strlen(name))) return buffer_bytes(model, buffer, data, size);
    }
    return MI_ERR_BAD_INDEX;
}

const char *mi_op_name(int32_t builtin_code)
{
    switch (builtin_code) {
    case MI_OP_ADD: return "ADD";
    case MI_OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case MI_OP_CONV_2D: return "CONV_2D";
    case MI_OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case MI_OP_DEQUANTIZE: return "DEQUANTIZE";
    case MI_OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case MI_OP_MAX_POOL_2D: return "MAX_POOL_2D";
    case MI_OP_RESHAPE: return "RESHAPE";
    case MI_OP_SOFTMAX: return "SOFTMAX";
    case MI_OP_SVDF: return "SVDF";
    case MI_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return "UNIDIRECTIONAL_SEQUENCE_LSTM";
    case MI_OP_SQUEEZE: return "SQUEEZE";
    case MI_OP_EXPAND_DIMS: return "EXPAND_DIMS";
    case MI_OP_PACK: return "PACK";
    case MI_OP_UNPACK: return "UNPACK";
    case MI_OP_SPLIT: return "SPLIT";
    case MI_OP_SPLIT_V: return "SPLIT_V";
    case MI_OP_SLICE: return "SLICE";
    case MI_OP_GATHER: return "GATHER";
    case MI_OP_GATHER_ND: return "GATHER_ND";
    case MI_OP_BATCH_TO_SPACE_ND: return "BATCH_TO_SPACE_ND";
    case MI_OP_SPACE_TO_BATCH_ND: return "SPACE_TO_BATCH_ND";
    case MI_OP_IF: return "IF";
    case MI_OP_WHILE: return "WHILE";
    case MI_OP_CALL_ONCE: return "CALL_ONCE";
    case MI_OP_DEPTH_TO_SPACE: return "DEPTH_TO_SPACE";
    case MI_OP_SPACE_TO_DEPTH: return "SPACE_TO_DEPTH";
    case MI_OP_REVERSE_V2: return "REVERSE_V2";
    case MI_OP_BROADCAST_TO: return "BROADCAST_TO";
    case MI_OP_BROADCAST_ARGS: return "BROADCAST_ARGS";
    case MI_OP_EMBEDDING_LOOKUP: return "EMBEDDING_LOOKUP";
    case MI_OP_CAST: return "CAST";
    case MI_OP_ARG_MAX: return "ARG_MAX";
    case MI_OP_ARG_MIN: return "ARG_MIN";
    case MI_OP_CUMSUM: return "CUMSUM";
    case MI_OP_BATCH_MATMUL: return "BATCH_MATMUL";
    case MI_OP_CUSTOM: return "CUSTOM";
    case MI_OP_ABS: return "ABS";
    case MI_OP_ADD_N: return "ADD_N";
    case MI_OP_CEIL: return "CEIL";
    case MI_OP_COS: return "COS";
    case MI_OP_DIV: return "DIV";
    case MI_OP_DYNAMIC_UPDATE_SLICE: return "DYNAMIC_UPDATE_SLICE";
    case MI_OP_ELU: return "ELU";
    case MI_OP_EQUAL: return "EQUAL";
    case MI_OP_EXP: return "EXP";
    case MI_OP_FILL: return "FILL";
    case MI_OP_FLOOR: return "FLOOR";
    case MI_OP_FLOOR_DIV: return "FLOOR_DIV";
    case MI_OP_FLOOR_MOD: return "FLOOR_MOD";
    case MI_OP_GREATER: return "GREATER";
    case MI_OP_GREATER_EQUAL: return "GREATER_EQUAL";
    case MI_OP_LESS: return "LESS";
    case MI_OP_LESS_EQUAL: return "LESS_EQUAL";
    case MI_OP_LOG: return "LOG";
    case MI_OP_LOGICAL_AND: return "LOGICAL_AND";
    case MI_OP_LOGICAL_NOT: return "LOGICAL_NOT";
    case MI_OP_LOGICAL_OR: return "LOGICAL_OR";
    case MI_OP_MAXIMUM: return "MAXIMUM";
    case MI_OP_MINIMUM: return "MINIMUM";
    case MI_OP_NEG: return "NEG";
    case MI_OP_NOT_EQUAL: return "NOT_EQUAL";
    case MI_OP_ROUND: return "ROUND";
    case MI_OP_RSQRT: return "RSQRT";
    case MI_OP_SELECT_V2: return "SELECT_V2";
    case MI_OP_SHAPE: return "SHAPE";
    case MI_OP_SIN: return "SIN";
    case MI_OP_SQRT: return "SQRT";
    case MI_OP_SQUARE: return "SQUARE";
    case MI_OP_SQUARED_DIFFERENCE: return "SQUARED_DIFFERENCE";
    case MI_OP_ZEROS_LIKE: return "ZEROS_LIKE";
    case MI_OP_QUANTIZE: return "QUANTIZE";
    case MI_OP_CONCATENATION: return "CONCATENATION";
    case MI_OP_L2_NORMALIZATION: return "L2_NORMALIZATION";
    case MI_OP_L2_POOL_2D: return "L2_POOL_2D";
    case MI_OP_LOGISTIC: return "LOGISTIC";
    case MI_OP_MUL: return "MUL";
    case MI_OP_RELU: return "RELU";
    case MI_OP_RELU6: return "RELU6";
    case MI_OP_RESIZE_BILINEAR: return "RESIZE_BILINEAR";
    case MI_OP_TANH: return "TANH";
    case MI_OP_PAD: return "PAD";
    case MI_OP_TRANSPOSE: return "TRANSPOSE";
    case MI_OP_MEAN: return "MEAN";
    case MI_OP_SUB: return "SUB";
    case MI_OP_STRIDED_SLICE: return "STRIDED_SLICE";
    case MI_OP_LOG_SOFTMAX: return "LOG_SOFTMAX";
    case MI_OP_PRELU: return "PRELU";
    case MI_OP_PADV2: return "PADV2";
    case MI_OP_TRANSPOSE_CONV: return "TRANSPOSE_CONV";
    case MI_OP_SUM: return "SUM";
    case MI_OP_REDUCE_ALL: return "REDUCE_ALL";
    case MI_OP_REDUCE_MAX: return "REDUCE_MAX";
    case MI_OP_REDUCE_MIN: return "REDUCE_MIN";
    case MI_OP_RESIZE_NEAREST_NEIGHBOR: return "RESIZE_NEAREST_NEIGHBOR";
    case MI_OP_LEAKY_RELU: return "LEAKY_RELU";
    case MI_OP_MIRROR_PAD: return "MIRROR_PAD";
    case MI_OP_HARD_SWISH: return "HARD_SWISH";
    default: return "BUILTIN";
    }
}

/* Constants are read-only (the model bytes, flash on a device): neither an operator
 * output nor a graph input may be one. Twin of model.py's _check_writes. */
static mi_status_t check_writable(const mi_model_t *m, int32_t index)
{
    mi_tensor_info_t t;
    TRY(mi_model_tensor(m, (uint32_t)index, &t));
    return t.data != NULL && !t.is_variable ? MI_ERR_MODEL_INVALID : MI_OK;
}

uint32_t mi_model_num_subgraphs(const mi_model_t *model) { return model ? model->subgraphs.count : 0; }

static const vec_field_t subgraph_vectors[4] = {
    VEC(SUBGRAPH_TENSORS, 2, mi_model_t, tensors), VEC(SUBGRAPH_INPUTS, 2, mi_model_t, inputs),
    VEC(SUBGRAPH_OUTPUTS, 2, mi_model_t, outputs), VEC(SUBGRAPH_OPERATORS, 2, mi_model_t, operators)};

mi_status_t mi_model_select(mi_model_t *model, uint32_t index)
{
    fb_table_t sg;
    if (!model) return MI_ERR_NULL_ARG;
    if (index >= model->subgraphs.count) return MI_ERR_BAD_INDEX;
    TRY(fb_vec_table(model, model->subgraphs, index, &sg));
    model->subgraph = sg.pos;
    model->selected = index;
    return fb_vectors(model, &sg, subgraph_vectors, 4, model);
}

/* One subgraph's tables, tensors, indices and writes (model.py _parse_subgraph, _check_writes);
 * leaves it selected. */
static mi_status_t check_subgraph(mi_model_t *model, uint32_t index)
{
    uint32_t i;
    TRY(mi_model_select(model, index));
    if (model->tensors.count > MI_MAX_TENSORS || model->operators.count > MI_MAX_TENSORS)
        return MI_ERR_MODEL_TOO_LARGE;
    for (i = 0; i < model->tensors.count; i++) {
        mi_tensor_info_t t;
        TRY(mi_model_tensor(model, i, &t));
    }
    TRY(check_indices(model, model->inputs, 0, model->tensors.count));
    TRY(check_indices(model, model->outputs, 0, model->tensors.count));
    for (i = 0; i < model->inputs.count; i++) TRY(check_writable(model, mi_model_i32(model, model->inputs, i)));
    for (i = 0; i < model->operators.count; i++) {
        mi_op_info_t op;
        uint32_t k;
        TRY(mi_model_op(model, i, &op));
        for (k = 0; k < op.outputs.count; k++) TRY(check_writable(model, mi_model_i32(model, op.outputs, k)));
    }
    return MI_OK;
}

uint32_t mi_model_op_calls(const mi_model_t *model, const mi_op_info_t *op, int32_t calls[2])
{
    mi_options_t o;
    if (!MI_ENABLE_SUBGRAPHS) return 0;
    if (op->builtin_code != MI_OP_IF && op->builtin_code != MI_OP_WHILE && op->builtin_code != MI_OP_CALL_ONCE)
        return 0;
    if (mi_model_options(model, op, &o) != MI_OK) return 0;
    calls[0] = o.calls.first;
    calls[1] = o.calls.second;
    return op->builtin_code == MI_OP_CALL_ONCE ? 1u : 2u;
}

/* model.py check_subgraph_calls, as the bounded walk TFLM's lifetime marking makes from
 * subgraph `index`: every called subgraph exists, the walk is at most
 * MI_MAX_SUBGRAPH_DEPTH subgraphs deep (recursion never ends, so it is refused here
 * too) and visits at most MI_MAX_SUBGRAPH_VISITS subgraphs. The recursion of this
 * function is bounded by the depth check. */
static mi_status_t check_calls(const mi_model_t *model, uint32_t index, uint32_t depth, uint32_t *visits)
{
    mi_model_t m = *model;
    uint32_t i, k, n;
    if (depth > MI_MAX_SUBGRAPH_DEPTH || ++*visits > MI_MAX_SUBGRAPH_VISITS) return MI_ERR_MODEL_INVALID;
    TRY(mi_model_select(&m, index));
    for (i = 0; i < m.operators.count; i++) {
        mi_op_info_t op;
        int32_t calls[2];
        TRY(mi_model_op(&m, i, &op));
        n = mi_model_op_calls(&m, &op, calls);
        for (k = 0; k < n; k++) {
            if (calls[k] < 0 || (uint32_t)calls[k] >= m.subgraphs.count) return MI_ERR_MODEL_INVALID;
            TRY(check_calls(&m, (uint32_t)calls[k], depth + 1, visits));
        }
    }
    return MI_OK;
}

static const vec_field_t model_vectors[4] = {
    VEC(MODEL_OPERATOR_CODES, 2, mi_model_t, opcodes), VEC(MODEL_SUBGRAPHS, 2, mi_model_t, subgraphs),
    VEC(MODEL_BUFFERS, 2, mi_model_t, buffers), VEC(MODEL_METADATA, 2, mi_model_t, metadata)};

mi_status_t mi_model_init(mi_model_t *model, const void *data, size_t size)
{
    fb_table_t root, tbl;
    mi_vec_t subgraphs;
    uint32_t i;
    if (!model || !data) return MI_ERR_NULL_ARG;
    memset(model, 0, sizeof *model);
    if (size < 8) return MI_ERR_MODEL_TRUNCATED;
    if (size > MI_MODEL_MAX_SIZE) return MI_ERR_MODEL_TOO_LARGE;
    model->data = (const uint8_t *)data;
    model->size = (uint32_t)size;
    /* "TFL3", as one little-endian word: no memcmp call (newlib's is 96 B of a KWS image) */
    if (rd32(model->data + 4) != 0x334C4654u) return MI_ERR_MODEL_IDENTIFIER;
    if (!fb_has(model, rd32(model->data), 4)) return MI_ERR_MODEL_TRUNCATED;
    TRY(fb_table_at(model, rd32(model->data), &root));
    TRY(fb_vectors(model, &root, model_vectors, 4, model));
    subgraphs = model->subgraphs;
    if (subgraphs.count == 0) return MI_ERR_MODEL_INVALID;

    for (i = 0; i < model->opcodes.count; i++) {
        mi_vec_t name;
        TRY(fb_vec_table(model, model->opcodes, i, &tbl));
        TRY(fb_vector(model, &tbl, OPCODE_CUSTOM_CODE, 0, &name));
    }
    for (i = 0; i < model->buffers.count; i++) {
        const uint8_t *blob;
        uint32_t len;
        TRY(buffer_bytes(model, i, &blob, &len));
    }
    for (i = 0; i < model->metadata.count; i++) {
        uint32_t buffer;
        mi_vec_t name;
        TRY(metadata_entry(model, i, &name, &buffer));
        /* built without metadata: refuse a model that has some the port reads, rather
         * than run it otherwise */
        if (!MI_ENABLE_METADATA && (name_is(model, name, MI_OFFLINE_PLAN_NAME, sizeof MI_OFFLINE_PLAN_NAME - 1u) ||
                                    name_is(model, name, MI_AOT_NAME, sizeof MI_AOT_NAME - 1u)))
            return MI_ERR_UNSUPPORTED_OP;
    }

    if (subgraphs.count > MI_MAX_SUBGRAPHS) return MI_ERR_MODEL_TOO_LARGE;
    if (!MI_ENABLE_SUBGRAPHS && subgraphs.count > 1) return MI_ERR_UNSUPPORTED_OP; /* built without them */
    for (i = subgraphs.count; i-- > 0;) TRY(check_subgraph(model, i)); /* ends on subgraph 0 */
    for (i = 0; MI_ENABLE_SUBGRAPHS && i < subgraphs.count; i++) {
        uint32_t visits = 0;
        TRY(check_calls(model, i, 1, &visits));
    }
    return MI_OK;
}
