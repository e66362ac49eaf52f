/* Read-only, bounds-checked reader for the subset of the .tflite flatbuffer
 * schema the port runs (C twin of src/microinterp/model.py).
 *
 * Why hand-written: the generated flatbuffers C code trusts its input, and a
 * firmware must survive any bytes it is given. Every offset, length and index
 * read here is checked against the model size before use; scalars are read
 * byte by byte (little-endian), so the model may sit at any address and an
 * unaligned or truncated file can never fault. mi_model_init() validates the
 * whole main subgraph once and returns a status; the accessors re-check what
 * they read, so they stay safe even if called on an unvalidated model.
 *
 * Nothing is copied: all results point into the caller's model bytes, which
 * must stay alive and unchanged while the model is used. */
#ifndef MI_MODEL_H
#define MI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mi_config.h"
#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A validated flatbuffer vector: `count` elements starting at byte `pos`. */
typedef struct mi_vec {
    uint32_t pos;
    uint32_t count;
} mi_vec_t;

/* The model: the bytes plus the positions of one subgraph's tables: subgraph 0
 * (what TFLM invokes), or the one mi_model_select() chose (control flow). */
typedef struct mi_model {
    const uint8_t *data;
    uint32_t size;
    uint32_t subgraph;   /* table position of the selected subgraph */
    mi_vec_t subgraphs;  /* tables */
    uint32_t selected;   /* index of the selected subgraph */
    mi_vec_t opcodes;    /* tables */
    mi_vec_t buffers;    /* tables */
    mi_vec_t tensors;    /* tables */
    mi_vec_t operators;  /* tables */
    mi_vec_t inputs;     /* int32 tensor indices */
    mi_vec_t outputs;    /* int32 tensor indices */
    mi_vec_t metadata;   /* tables (name, buffer) */
} mi_model_t;

/* Tensor element types: the schema's TensorType values. */
enum {
    MI_TYPE_FLOAT32 = 0, MI_TYPE_FLOAT16 = 1, MI_TYPE_INT32 = 2, MI_TYPE_UINT8 = 3,
    MI_TYPE_INT64 = 4, MI_TYPE_STRING = 5, MI_TYPE_BOOL = 6, MI_TYPE_INT16 = 7,
    MI_TYPE_COMPLEX64 = 8, MI_TYPE_INT8 = 9, MI_TYPE_FLOAT64 = 10, MI_TYPE_COMPLEX128 = 11,
    MI_TYPE_UINT64 = 12, MI_TYPE_RESOURCE = 13, MI_TYPE_VARIANT = 14, MI_TYPE_UINT32 = 15,
    MI_TYPE_UINT16 = 16, MI_TYPE_INT4 = 17, MI_TYPE_BFLOAT16 = 18
};

/* Builtin operator codes the port knows by name (schema BuiltinOperator). */
enum {
    MI_OP_ADD = 0, MI_OP_AVERAGE_POOL_2D = 1, MI_OP_CONV_2D = 3, MI_OP_DEPTHWISE_CONV_2D = 4,
    MI_OP_DEQUANTIZE = 6, MI_OP_FULLY_CONNECTED = 9, MI_OP_MAX_POOL_2D = 17, MI_OP_RESHAPE = 22,
    MI_OP_SOFTMAX = 25, MI_OP_CUSTOM = 32, MI_OP_QUANTIZE = 114,
    /* c2 kernels */
    MI_OP_SVDF = 27, MI_OP_UNIDIRECTIONAL_SEQUENCE_LSTM = 44,
    MI_OP_SQUEEZE = 43, MI_OP_EXPAND_DIMS = 70, MI_OP_PACK = 83,
    MI_OP_UNPACK = 88, MI_OP_SPLIT = 49, MI_OP_SPLIT_V = 102,
    MI_OP_SLICE = 65, MI_OP_GATHER = 36, MI_OP_GATHER_ND = 107,
    MI_OP_BATCH_TO_SPACE_ND = 37, MI_OP_SPACE_TO_BATCH_ND = 38, MI_OP_DEPTH_TO_SPACE = 5,
    MI_OP_SPACE_TO_DEPTH = 26, MI_OP_REVERSE_V2 = 105, MI_OP_BROADCAST_TO = 130,
    MI_OP_BROADCAST_ARGS = 145, MI_OP_EMBEDDING_LOOKUP = 7, MI_OP_CAST = 53,
    MI_OP_ARG_MAX = 56, MI_OP_ARG_MIN = 79, MI_OP_CUMSUM = 128,
    MI_OP_BATCH_MATMUL = 126, MI_OP_IF = 118, MI_OP_WHILE = 119, MI_OP_CALL_ONCE = 129,
    /* element-wise, unary, comparison and logical ops */
    MI_OP_FLOOR = 8, MI_OP_DIV = 42, MI_OP_EXP = 47, MI_OP_MAXIMUM = 55, MI_OP_MINIMUM = 57, MI_OP_LESS = 58,
    MI_OP_NEG = 59, MI_OP_GREATER = 61, MI_OP_GREATER_EQUAL = 62, MI_OP_LESS_EQUAL = 63, MI_OP_SIN = 66,
    MI_OP_EQUAL = 71, MI_OP_NOT_EQUAL = 72, MI_OP_LOG = 73, MI_OP_SQRT = 75, MI_OP_RSQRT = 76, MI_OP_SHAPE = 77,
    MI_OP_LOGICAL_OR = 84, MI_OP_LOGICAL_AND = 86, MI_OP_LOGICAL_NOT = 87, MI_OP_FLOOR_DIV = 90,
    MI_OP_SQUARE = 92, MI_OP_ZEROS_LIKE = 93, MI_OP_FILL = 94, MI_OP_FLOOR_MOD = 95,
    MI_OP_SQUARED_DIFFERENCE = 99, MI_OP_ABS = 101, MI_OP_CEIL = 104, MI_OP_ADD_N = 106, MI_OP_COS = 108,
    MI_OP_ELU = 111, MI_OP_ROUND = 116, MI_OP_SELECT_V2 = 123,
    /* c1 kernels */
    MI_OP_CONCATENATION = 2, MI_OP_L2_NORMALIZATION = 11, MI_OP_L2_POOL_2D = 12, MI_OP_LOGISTIC = 14,
    MI_OP_MUL = 18, MI_OP_RELU = 19, MI_OP_RELU6 = 21, MI_OP_RESIZE_BILINEAR = 23, MI_OP_TANH = 28,
    MI_OP_PAD = 34, MI_OP_TRANSPOSE = 39, MI_OP_MEAN = 40, MI_OP_SUB = 41, MI_OP_STRIDED_SLICE = 45,
    MI_OP_LOG_SOFTMAX = 50, MI_OP_PRELU = 54, MI_OP_PADV2 = 60, MI_OP_TRANSPOSE_CONV = 67, MI_OP_SUM = 74,
    MI_OP_REDUCE_MAX = 82, MI_OP_REDUCE_MIN = 89, MI_OP_RESIZE_NEAREST_NEIGHBOR = 97, MI_OP_LEAKY_RELU = 98,
    MI_OP_MIRROR_PAD = 100, MI_OP_HARD_SWISH = 117,
    /* issue 15 builtins */
    MI_OP_REDUCE_ALL = 140, MI_OP_DYNAMIC_UPDATE_SLICE = 151,
    MI_OP_VAR_HANDLE = 142, MI_OP_READ_VARIABLE = 143, MI_OP_ASSIGN_VARIABLE = 144
};

/* Schema enums used by the options. */
enum { MI_PADDING_SAME = 0, MI_PADDING_VALID = 1 };
enum {
    MI_ACT_NONE = 0, MI_ACT_RELU = 1, MI_ACT_RELU_N1_TO_1 = 2, MI_ACT_RELU6 = 3,
    MI_ACT_TANH = 4, MI_ACT_SIGN_BIT = 5
};

/* One tensor as the model declares it. */
typedef struct mi_tensor_info {
    const uint8_t *data;        /* constant bytes inside the model, or NULL */
    uint32_t count;             /* number of elements (1 for a scalar) */
    uint32_t bytes;             /* count * element size; 0 for types the port cannot hold */
    int32_t dims[MI_MAX_DIMS];
    uint8_t rank;
    uint8_t type;               /* MI_TYPE_* */
    uint8_t is_variable;
    uint8_t reserved;
    uint32_t buffer;            /* buffer index */
    int32_t quantized_dimension;
    mi_vec_t scales;            /* float32; count 0 = not quantized */
    mi_vec_t zero_points;       /* int64; count 0 (all zero) or scales.count */
    mi_vec_t name;              /* UTF-8 bytes, not NUL-terminated */
} mi_tensor_info_t;

/* One operator as the model declares it. */
typedef struct mi_op_info {
    int32_t builtin_code;       /* MI_OP_* (max of builtin_code and the deprecated byte) */
    int32_t version;
    mi_vec_t inputs;            /* int32 tensor indices, -1 = optional input absent */
    mi_vec_t outputs;           /* int32 tensor indices */
    mi_vec_t intermediates;     /* int32 tensor indices */
    mi_vec_t custom_code;       /* bytes of the custom op name (count 0 for builtins) */
    mi_vec_t custom_options;    /* bytes of a custom op's options (a FlexBuffer map, mi_flexbuffer.h) */
    uint32_t options;           /* table position of the builtin options, 0 if absent */
    uint8_t options_type;       /* schema BuiltinOptions union type */
} mi_op_info_t;

/* Builtin options, parsed (kernels never read the flatbuffer). Fields keep
 * the schema's names and defaults. */
/* CONV_2D; TRANSPOSE_CONV fills padding, strides and activation (dilations 1) */
typedef struct mi_conv_options {
    int32_t stride_w, stride_h, dilation_w_factor, dilation_h_factor;
    uint8_t padding, fused_activation_function, quantized_bias_type;
} mi_conv_options_t;

typedef struct mi_depthwise_options {
    int32_t stride_w, stride_h, depth_multiplier, dilation_w_factor, dilation_h_factor;
    uint8_t padding, fused_activation_function;
} mi_depthwise_options_t;

typedef struct mi_pool_options {
    int32_t stride_w, stride_h, filter_width, filter_height;
    uint8_t padding, fused_activation_function;
} mi_pool_options_t;

typedef struct mi_fully_connected_options {
    uint8_t fused_activation_function, weights_format, keep_num_dims,
        asymmetric_quantize_inputs, quantized_bias_type;
} mi_fully_connected_options_t;

typedef struct mi_softmax_options {
    float beta;
} mi_softmax_options_t;

/* ADD; SUB; MUL and L2_NORMALIZATION fill fused_activation_function only */
typedef struct mi_add_options {
    uint8_t fused_activation_function, pot_scale_int16;
} mi_add_options_t;

typedef struct mi_svdf_options {
    int32_t rank;
    uint8_t fused_activation_function, asymmetric_quantize_inputs;
} mi_svdf_options_t;

typedef struct mi_sequence_lstm_options {
    float cell_clip, proj_clip;
    uint8_t fused_activation_function, time_major, asymmetric_quantize_inputs, diagonal_recurrent_tensors;
} mi_sequence_lstm_options_t;

typedef struct mi_div_options {
    uint8_t fused_activation_function;
} mi_div_options_t;

typedef struct mi_strided_slice_options {
    int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
    uint8_t offset;
} mi_strided_slice_options_t;

typedef struct mi_leaky_relu_options {
    float alpha;
} mi_leaky_relu_options_t;

typedef struct mi_mirror_pad_options {
    uint8_t mode; /* 0 REFLECT, 1 SYMMETRIC */
} mi_mirror_pad_options_t;

typedef struct mi_concatenation_options {
    int32_t axis;
    uint8_t fused_activation_function;
} mi_concatenation_options_t;

/* RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR */
typedef struct mi_resize_options {
    uint8_t align_corners, half_pixel_centers;
} mi_resize_options_t;

typedef struct mi_reducer_options {
    uint8_t keep_dims;
} mi_reducer_options_t;

typedef struct mi_squeeze_options {
    mi_vec_t squeeze_dims; /* int32 vector inside the model */
} mi_squeeze_options_t;

typedef struct mi_pack_options {
    int32_t values_count, axis;
} mi_pack_options_t;

typedef struct mi_unpack_options {
    int32_t num, axis;
} mi_unpack_options_t;

typedef struct mi_gather_options {
    int32_t axis, batch_dims;
} mi_gather_options_t;

typedef struct mi_block_options {
    int32_t block_size;
} mi_block_options_t;

typedef struct mi_cumsum_options {
    uint8_t exclusive, reverse;
} mi_cumsum_options_t;

typedef struct mi_batch_matmul_options {
    uint8_t adj_x, adj_y, asymmetric_quantize_inputs;
} mi_batch_matmul_options_t;

/* IF (then, else), WHILE (cond, body), CALL_ONCE (init, -1): the subgraphs it runs */
typedef struct mi_calls_options {
    int32_t first, second;
} mi_calls_options_t;

/* VAR_HANDLE: the variable's name, bytes inside the model (count 0: absent or empty) */
typedef struct mi_var_handle_options {
    mi_vec_t container, shared_name;
} mi_var_handle_options_t;

/* CUSTOM: the custom options bytes inside the model, read with mi_flexbuffer.h */
typedef struct mi_custom_options {
    const uint8_t *data;
    uint32_t size;
} mi_custom_options_t;

typedef union mi_options {
    mi_conv_options_t conv;
    mi_depthwise_options_t depthwise;
    mi_pool_options_t pool;
    mi_fully_connected_options_t fully_connected;
    mi_softmax_options_t softmax;
    mi_add_options_t add;
    mi_svdf_options_t svdf;
    mi_sequence_lstm_options_t sequence_lstm;
    mi_div_options_t div;
    mi_strided_slice_options_t strided_slice;
    mi_leaky_relu_options_t leaky_relu;
    mi_mirror_pad_options_t mirror_pad;
    mi_reducer_options_t reducer;
    mi_concatenation_options_t concatenation;
    mi_resize_options_t resize;
    mi_squeeze_options_t squeeze;
    mi_pack_options_t pack;
    mi_unpack_options_t unpack;
    mi_gather_options_t gather;
    mi_block_options_t block;    /* DEPTH_TO_SPACE, SPACE_TO_DEPTH */
    mi_cumsum_options_t cumsum;
    mi_batch_matmul_options_t batch_matmul;
    mi_calls_options_t calls;    /* IF, WHILE, CALL_ONCE */
    mi_var_handle_options_t var_handle;
    mi_custom_options_t custom;  /* every CUSTOM op */
} mi_options_t;

/* Validate `size` bytes at `data` as a .tflite model and index its main
 * subgraph. Checks the identifier, every table, vector and string reachable
 * from every subgraph, every tensor/buffer/opcode index, shapes against
 * constant data sizes, quantization vector lengths, and control flow (called
 * subgraphs exist; no recursion; nesting and fan-out bounded, as model.py's
 * check_subgraph_calls). */
mi_status_t mi_model_init(mi_model_t *model, const void *data, size_t size);

/* Number of subgraphs; make subgraph `index` the one the accessors below read. */
uint32_t mi_model_num_subgraphs(const mi_model_t *model);
mi_status_t mi_model_select(mi_model_t *model, uint32_t index);

/* The subgraphs operator `op` runs (IF: then, else; WHILE: cond, body; CALL_ONCE:
 * init) into calls[0..1]; returns how many (0 for other ops or bad options). */
uint32_t mi_model_op_calls(const mi_model_t *model, const mi_op_info_t *op, int32_t calls[2]);

/* Size in bytes of one element of `type`; 0 for types the port cannot hold
 * (string, resource, variant, int4, bfloat16), as model.py's dtype None. */
uint32_t mi_type_size(uint32_t type);

/* Tensor `index` of the selected subgraph. */
mi_status_t mi_model_tensor(const mi_model_t *model, uint32_t index, mi_tensor_info_t *out);

/* Scale / zero point of `channel` (the only one for per-tensor params).
 * Out-of-range channels and unquantized tensors give 0. Zero points are
 * saturated to +-(2**31 - 1), so negating one is always defined. */
float mi_model_scale(const mi_model_t *model, const mi_tensor_info_t *tensor, uint32_t channel);
int32_t mi_model_zero_point(const mi_model_t *model, const mi_tensor_info_t *tensor, uint32_t channel);

/* Operator `index` of the selected subgraph. */
mi_status_t mi_model_op(const mi_model_t *model, uint32_t index, mi_op_info_t *out);

/* The custom code of TFLM's weight decompression op (kernels/mi_decode.c). */
#define MI_DECODE_CODE "TFLM_DECODE"

/* 1 when `tensor` is an output of a TFLM_DECODE op of the selected subgraph: its
 * values are the decoded constants (context.py _with_decoded), so a consumer that
 * needs constant weights accepts it. */
int mi_model_decoded(const mi_model_t *model, int32_t tensor);

/* Element `i` of a validated int32 vector (INT32_MIN if out of range). */
int32_t mi_model_i32(const mi_model_t *model, mi_vec_t vec, uint32_t i);

/* The builtin options of an operator with schema defaults for absent ones. */
mi_status_t mi_model_options(const mi_model_t *model, const mi_op_info_t *op, mi_options_t *out);

/* The metadata entries the port reads: TFLM's offline memory plan, and the
 * ahead-of-time per-channel constants of fw/aot.py (kernels/mi_convolution.c). */
#define MI_OFFLINE_PLAN_NAME "OfflineMemoryAllocation"
#define MI_AOT_NAME "microinterp_aot"
#define MI_OVERLAP_NAME "microinterp_overlap" /* opts the model into outputs over dying inputs */

/* The bytes of the metadata entry called `name` (e.g. MI_OFFLINE_PLAN_NAME);
 * MI_ERR_BAD_INDEX when the model has none (always, without MI_ENABLE_METADATA). */
mi_status_t mi_model_metadata(const mi_model_t *model, const char *name, const uint8_t **data, uint32_t *size);

/* "CONV_2D" etc. for the ops the port knows, "BUILTIN" otherwise. */
const char *mi_op_name(int32_t builtin_code);

#ifdef __cplusplus
}
#endif

#endif /* MI_MODEL_H */
