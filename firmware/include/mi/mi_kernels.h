/* What a kernel sees (C twin of src/microinterp/context.py) and the static
 * op registry.
 *
 * A kernel is a registration of prepare/invoke, one per file
 * src/kernels/mi_<stem>.c with the same stem as kernels/<stem>.py:
 *   - prepare(ctx, node, options) runs once in mi_interpreter_allocate():
 *     it validates types and shapes from the model (mi_node_*_info), computes
 *     every scale-derived value once through mi_quant, stores them in op data
 *     it allocates with mi_alloc_persistent(), and may request scratch;
 *   - invoke(ctx, node) runs per inference on arena pointers only
 *     (mi_node_input_data / mi_node_output_data): no float math on integer
 *     paths, no allocation, no flatbuffer reading. */
#ifndef MI_KERNELS_H
#define MI_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "mi_interpreter.h"
#include "mi_model.h"
#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef mi_interpreter_t mi_context_t;

typedef mi_status_t (*mi_prepare_fn)(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options);
typedef mi_status_t (*mi_invoke_fn)(mi_context_t *ctx, const mi_node_t *node);

/* The first two fields are 32-bit so that tools can read op_data_size from
 * an object file at a fixed offset on every target (tests/firmware). */
typedef struct mi_registration {
    int32_t builtin_code;   /* MI_OP_*; MI_OP_CUSTOM for custom ops */
    uint32_t op_data_size;  /* bytes of op data the interpreter allocates (zeroed) before
                               prepare into node->op_data; 0 for none */
    const char *name;       /* "CONV_2D", or the custom op's custom_code */
    mi_prepare_fn prepare;
    mi_invoke_fn invoke;
} mi_registration_t;

/* A static table of registrations (TFLM's MicroMutableOpResolver, fixed). */
typedef struct mi_resolver {
    const mi_registration_t *const *registrations;
    uint32_t count;
} mi_resolver_t;

/* Every kernel the port ships (src/mi_resolver.c lists them explicitly). */
extern const mi_resolver_t mi_builtin_resolver;

/* The registration for an operator, or NULL. */
const mi_registration_t *mi_resolver_find(const mi_resolver_t *resolver, const mi_model_t *model,
                                          const mi_op_info_t *op);

/* ---- prepare time */
uint32_t mi_node_num_inputs(const mi_node_t *node);
uint32_t mi_node_num_outputs(const mi_node_t *node);
/* Tensor index of input `i` (-1: optional input absent or i out of range). */
int32_t mi_node_input_index(const mi_context_t *ctx, const mi_node_t *node, uint32_t i);
int32_t mi_node_output_index(const mi_context_t *ctx, const mi_node_t *node, uint32_t i);
/* Model metadata of input/output `i`; MI_ERR_BAD_INDEX when missing. */
mi_status_t mi_node_input_info(const mi_context_t *ctx, const mi_node_t *node, uint32_t i,
                               mi_tensor_info_t *info);
mi_status_t mi_node_output_info(const mi_context_t *ctx, const mi_node_t *node, uint32_t i,
                                mi_tensor_info_t *info);
/* Per-channel quantization parameters of a tensor. */
float mi_info_scale(const mi_context_t *ctx, const mi_tensor_info_t *info, uint32_t channel);
int32_t mi_info_zero_point(const mi_context_t *ctx, const mi_tensor_info_t *info, uint32_t channel);
/* Zero-filled persistent bytes (arena tail); NULL when the arena is full. */
void *mi_alloc_persistent(mi_context_t *ctx, size_t bytes);
/* Zero-filled persistent bytes kept across invokes and zero-filled again by
 * mi_interpreter_reset (TFLM's reset()); `link` lives in the op data. NULL when
 * the arena is full. */
void *mi_alloc_state(mi_context_t *ctx, mi_state_t *link, size_t bytes);
/* Ask for `bytes` of head memory live only while this op runs. */
mi_status_t mi_request_scratch(mi_context_t *ctx, uint32_t bytes, mi_scratch_t **handle);
/* Declare that this op's output 0 may start `distance` bytes (or more) before input
 * `input` and run on over it, when that input dies at this op: call it only where
 * the kernel's write order never overwrites an input byte it still has to read
 * (memory/overlap.py argues it for the sliding windows), on every path and core.
 * The framework applies it only where it is safe to (one subgraph, the input read
 * once by this op, no graph input or output), and the planner only when the input
 * dies here; the Python twin is the kernel's OpMemory.c_overlap. */
void mi_allow_overlap(mi_context_t *ctx, const mi_node_t *node, uint32_t input, uint32_t distance);
/* (`input` and output 0 must exist: call it after checking the op's tensors; distance
 * below the output's bytes, else it would keep more than the output clear.) */

/* ---- invoke time */
const void *mi_node_input_data(const mi_context_t *ctx, const mi_node_t *node, uint32_t i);

/* Control flow (mi_if.c, mi_while.c, mi_call_once.c): subgraph `s`'s inputs or outputs
 * (`outputs` 0 or 1): how many, tensor `k`'s info (at prepare) and bytes (at invoke),
 * and running it (TFLM's MicroGraph). */
uint32_t mi_subgraph_count(const mi_context_t *ctx);
uint32_t mi_subgraph_num_io(const mi_context_t *ctx, uint32_t s, int outputs);
mi_status_t mi_subgraph_io_info(const mi_context_t *ctx, uint32_t s, int outputs, uint32_t k,
                                mi_tensor_info_t *info);
void *mi_subgraph_io_data(const mi_context_t *ctx, uint32_t s, int outputs, uint32_t k);
mi_status_t mi_invoke_subgraph(mi_context_t *ctx, uint32_t s);

/* Tensors moved between an operator and a subgraph (graph.py check_copies / copy_bytes,
 * TFLM's CopyOpInputsToSubgraphInputs & co.): a node's inputs from `first` or its
 * outputs, or a subgraph's inputs or outputs. */
typedef struct mi_tensor_list {
    const mi_node_t *node;  /* NULL: subgraph `subgraph`'s tensors */
    uint32_t subgraph;
    uint32_t first;
    int outputs;
} mi_tensor_list_t;

uint32_t mi_list_count(const mi_context_t *ctx, mi_tensor_list_t list);
/* Prepare: equal counts, and every pair of one type and byte length (else MI_ERR_BAD_PARAM). */
mi_status_t mi_check_copies(const mi_context_t *ctx, mi_tensor_list_t src, mi_tensor_list_t dst);
/* Invoke: memcpy each pair, skipped when both are the same bytes. */
void mi_copy_tensors(const mi_context_t *ctx, mi_tensor_list_t dst, mi_tensor_list_t src);
void *mi_node_output_data(const mi_context_t *ctx, const mi_node_t *node, uint32_t i);
void *mi_scratch_data(const mi_context_t *ctx, const mi_scratch_t *scratch);
/* End the current invoke, successfully, after this operator (TFLM's kTfLiteAbort,
 * e.g. CIRCULAR_BUFFER between periods): the later operators keep their outputs. */
void mi_end_invoke(mi_context_t *ctx);

/* ---- diagnostics (MI_ENABLE_LOG): printf-like, supports %s %d %u %ld %lu %% */
void mi_logf(const char *format, ...);

/* sizeof of the runtime structures, in this order: mi_tensor_t, mi_node_t,
 * mi_scratch_t, mi_plan_buffer_t (memory/firmware_arena.py predicts them per target). */
extern const uint32_t mi_struct_sizes[5];

/* ---- the kernels, one per file (same stems as src/microinterp/kernels/) */
extern const mi_registration_t mi_registration_abs;
extern const mi_registration_t mi_registration_add;
extern const mi_registration_t mi_registration_add_n;
extern const mi_registration_t mi_registration_assign_variable;
extern const mi_registration_t mi_registration_arg_max;
extern const mi_registration_t mi_registration_arg_min;
extern const mi_registration_t mi_registration_average_pool_2d;
extern const mi_registration_t mi_registration_batch_matmul;
extern const mi_registration_t mi_registration_batch_to_space_nd;
extern const mi_registration_t mi_registration_broadcast_args;
extern const mi_registration_t mi_registration_broadcast_to;
extern const mi_registration_t mi_registration_call_once;
extern const mi_registration_t mi_registration_cast;
extern const mi_registration_t mi_registration_ceil;
extern const mi_registration_t mi_registration_circular_buffer;
extern const mi_registration_t mi_registration_concatenation;
extern const mi_registration_t mi_registration_conv_2d;
extern const mi_registration_t mi_registration_cos;
extern const mi_registration_t mi_registration_cumsum;
extern const mi_registration_t mi_registration_decode;
extern const mi_registration_t mi_registration_depth_to_space;
extern const mi_registration_t mi_registration_depthwise_conv_2d;
extern const mi_registration_t mi_registration_dequantize;
extern const mi_registration_t mi_registration_detection_postprocess;
extern const mi_registration_t mi_registration_div;
extern const mi_registration_t mi_registration_dynamic_update_slice;
extern const mi_registration_t mi_registration_elu;
extern const mi_registration_t mi_registration_embedding_lookup;
extern const mi_registration_t mi_registration_equal;
extern const mi_registration_t mi_registration_exp;
extern const mi_registration_t mi_registration_expand_dims;
extern const mi_registration_t mi_registration_fill;
extern const mi_registration_t mi_registration_floor;
extern const mi_registration_t mi_registration_floor_div;
extern const mi_registration_t mi_registration_floor_mod;
extern const mi_registration_t mi_registration_fully_connected;
extern const mi_registration_t mi_registration_gather;
extern const mi_registration_t mi_registration_gather_nd;
extern const mi_registration_t mi_registration_greater;
extern const mi_registration_t mi_registration_greater_equal;
extern const mi_registration_t mi_registration_hard_swish;
extern const mi_registration_t mi_registration_if;
extern const mi_registration_t mi_registration_l2_normalization;
extern const mi_registration_t mi_registration_l2_pool_2d;
extern const mi_registration_t mi_registration_leaky_relu;
extern const mi_registration_t mi_registration_less;
extern const mi_registration_t mi_registration_less_equal;
extern const mi_registration_t mi_registration_log;
extern const mi_registration_t mi_registration_log_softmax;
extern const mi_registration_t mi_registration_logical_and;
extern const mi_registration_t mi_registration_logical_not;
extern const mi_registration_t mi_registration_logical_or;
extern const mi_registration_t mi_registration_logistic;
extern const mi_registration_t mi_registration_max_pool_2d;
extern const mi_registration_t mi_registration_maximum;
extern const mi_registration_t mi_registration_mean;
extern const mi_registration_t mi_registration_minimum;
extern const mi_registration_t mi_registration_mirror_pad;
extern const mi_registration_t mi_registration_mul;
extern const mi_registration_t mi_registration_neg;
extern const mi_registration_t mi_registration_not_equal;
extern const mi_registration_t mi_registration_pack;
extern const mi_registration_t mi_registration_pad;
extern const mi_registration_t mi_registration_padv2;
extern const mi_registration_t mi_registration_prelu;
extern const mi_registration_t mi_registration_quantize;
extern const mi_registration_t mi_registration_read_variable;
extern const mi_registration_t mi_registration_reduce_all;
extern const mi_registration_t mi_registration_reduce_max;
extern const mi_registration_t mi_registration_reduce_min;
extern const mi_registration_t mi_registration_relu;
extern const mi_registration_t mi_registration_relu6;
extern const mi_registration_t mi_registration_reshape;
extern const mi_registration_t mi_registration_resize_bilinear;
extern const mi_registration_t mi_registration_resize_nearest_neighbor;
extern const mi_registration_t mi_registration_reverse_v2;
extern const mi_registration_t mi_registration_round;
extern const mi_registration_t mi_registration_rsqrt;
extern const mi_registration_t mi_registration_select_v2;
extern const mi_registration_t mi_registration_shape;
extern const mi_registration_t mi_registration_signal_delay;
extern const mi_registration_t mi_registration_signal_energy;
extern const mi_registration_t mi_registration_signal_fft_auto_scale;
extern const mi_registration_t mi_registration_signal_filter_bank;
extern const mi_registration_t mi_registration_signal_filter_bank_log;
extern const mi_registration_t mi_registration_signal_filter_bank_spectral_subtraction;
extern const mi_registration_t mi_registration_signal_filter_bank_square_root;
extern const mi_registration_t mi_registration_signal_framer;
extern const mi_registration_t mi_registration_signal_irfft;
extern const mi_registration_t mi_registration_signal_overlap_add;
extern const mi_registration_t mi_registration_signal_pcan;
extern const mi_registration_t mi_registration_signal_rfft;
extern const mi_registration_t mi_registration_signal_stacker;
extern const mi_registration_t mi_registration_signal_window;
extern const mi_registration_t mi_registration_sin;
extern const mi_registration_t mi_registration_slice;
extern const mi_registration_t mi_registration_softmax;
extern const mi_registration_t mi_registration_space_to_batch_nd;
extern const mi_registration_t mi_registration_space_to_depth;
extern const mi_registration_t mi_registration_split;
extern const mi_registration_t mi_registration_split_v;
extern const mi_registration_t mi_registration_sqrt;
extern const mi_registration_t mi_registration_square;
extern const mi_registration_t mi_registration_squared_difference;
extern const mi_registration_t mi_registration_squeeze;
extern const mi_registration_t mi_registration_strided_slice;
extern const mi_registration_t mi_registration_sub;
extern const mi_registration_t mi_registration_sum;
extern const mi_registration_t mi_registration_svdf;
extern const mi_registration_t mi_registration_tanh;
extern const mi_registration_t mi_registration_transpose;
extern const mi_registration_t mi_registration_transpose_conv;
extern const mi_registration_t mi_registration_unidirectional_sequence_lstm;
extern const mi_registration_t mi_registration_unpack;
extern const mi_registration_t mi_registration_var_handle;
extern const mi_registration_t mi_registration_while;
extern const mi_registration_t mi_registration_zeros_like;

#ifdef __cplusplus
}
#endif

#endif /* MI_KERNELS_H */
