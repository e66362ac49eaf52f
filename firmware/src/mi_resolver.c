/* The static op registry: every kernel the port ships, listed explicitly
 * (twin of src/microinterp/kernels/__init__.py). Nothing registers itself. */
#include <string.h>

#include "mi/mi_kernels.h"

static const mi_registration_t *const builtin_kernels[] = {
    &mi_registration_abs,
    &mi_registration_add,
    &mi_registration_add_n,
    &mi_registration_assign_variable,
    &mi_registration_arg_max,
    &mi_registration_arg_min,
    &mi_registration_average_pool_2d,
    &mi_registration_batch_matmul,
    &mi_registration_batch_to_space_nd,
    &mi_registration_broadcast_args,
    &mi_registration_broadcast_to,
    &mi_registration_call_once,
    &mi_registration_cast,
    &mi_registration_ceil,
    &mi_registration_circular_buffer,
    &mi_registration_concatenation,
    &mi_registration_conv_2d,
    &mi_registration_cos,
    &mi_registration_cumsum,
    &mi_registration_decode,
    &mi_registration_depth_to_space,
    &mi_registration_depthwise_conv_2d,
    &mi_registration_dequantize,
    &mi_registration_detection_postprocess,
    &mi_registration_div,
    &mi_registration_dynamic_update_slice,
    &mi_registration_elu,
    &mi_registration_embedding_lookup,
    &mi_registration_equal,
    &mi_registration_exp,
    &mi_registration_expand_dims,
    &mi_registration_fill,
    &mi_registration_floor,
    &mi_registration_floor_div,
    &mi_registration_floor_mod,
    &mi_registration_fully_connected,
    &mi_registration_gather,
    &mi_registration_gather_nd,
    &mi_registration_greater,
    &mi_registration_greater_equal,
    &mi_registration_hard_swish,
    &mi_registration_if,
    &mi_registration_l2_normalization,
    &mi_registration_l2_pool_2d,
    &mi_registration_leaky_relu,
    &mi_registration_less,
    &mi_registration_less_equal,
    &mi_registration_log,
    &mi_registration_log_softmax,
    &mi_registration_logical_and,
    &mi_registration_logical_not,
    &mi_registration_logical_or,
    &mi_registration_logistic,
    &mi_registration_max_pool_2d,
    &mi_registration_maximum,
    &mi_registration_mean,
    &mi_registration_minimum,
    &mi_registration_mirror_pad,
    &mi_registration_mul,
    &mi_registration_neg,
    &mi_registration_not_equal,
    &mi_registration_pack,
    &mi_registration_pad,
    &mi_registration_padv2,
    &mi_registration_prelu,
    &mi_registration_quantize,
    &mi_registration_read_variable,
    &mi_registration_reduce_all,
    &mi_registration_reduce_max,
    &mi_registration_reduce_min,
    &mi_registration_relu,
    &mi_registration_relu6,
    &mi_registration_reshape,
    &mi_registration_resize_bilinear,
    &mi_registration_resize_nearest_neighbor,
    &mi_registration_reverse_v2,
    &mi_registration_round,
    &mi_registration_rsqrt,
    &mi_registration_select_v2,
    &mi_registration_shape,
    &mi_registration_signal_delay,
    &mi_registration_signal_energy,
    &mi_registration_signal_fft_auto_scale,
    &mi_registration_signal_filter_bank,
    &mi_registration_signal_filter_bank_log,
    &mi_registration_signal_filter_bank_spectral_subtraction,
    &mi_registration_signal_filter_bank_square_root,
    &mi_registration_signal_framer,
    &mi_registration_signal_irfft,
    &mi_registration_signal_overlap_add,
    &mi_registration_signal_pcan,
    &mi_registration_signal_rfft,
    &mi_registration_signal_stacker,
    &mi_registration_signal_window,
    &mi_registration_sin,
    &mi_registration_slice,
    &mi_registration_softmax,
    &mi_registration_space_to_batch_nd,
    &mi_registration_space_to_depth,
    &mi_registration_split,
    &mi_registration_split_v,
    &mi_registration_sqrt,
    &mi_registration_square,
    &mi_registration_squared_difference,
    &mi_registration_squeeze,
    &mi_registration_strided_slice,
    &mi_registration_sub,
    &mi_registration_sum,
    &mi_registration_svdf,
    &mi_registration_tanh,
    &mi_registration_transpose,
    &mi_registration_transpose_conv,
    &mi_registration_unidirectional_sequence_lstm,
    &mi_registration_unpack,
    &mi_registration_var_handle,
    &mi_registration_while,
    &mi_registration_zeros_like,
};

/* Weak: an image built for one model links a generated resolver listing only
 * the kernels that model uses (fw/kernel_select.py, make RESOLVER=...), whose
 * strong definition replaces this one, so --gc-sections drops the rest. */
#if defined(__GNUC__) && !defined(_WIN32)
#define MI_WEAK __attribute__((weak))
#else
#define MI_WEAK
#endif

MI_WEAK const mi_resolver_t mi_builtin_resolver = {
    builtin_kernels, (uint32_t)(sizeof builtin_kernels / sizeof builtin_kernels[0])};

const mi_registration_t *mi_resolver_find(const mi_resolver_t *resolver, const mi_model_t *model,
                                          const mi_op_info_t *op)
{
    uint32_t i;
    if (!resolver || !model || !op) return NULL;
    for (i = 0; i < resolver->count; i++) {
        const mi_registration_t *reg = resolver->registrations[i];
        if (!reg || reg->builtin_code != op->builtin_code) continue;
        if (op->builtin_code != MI_OP_CUSTOM) return reg;
        if (!MI_ENABLE_CUSTOM) return NULL; /* built without custom operators */
        /* custom op: match its custom_code (bounded compare, not NUL-terminated) */
        if (reg->name && strlen(reg->name) == op->custom_code.count &&
            memcmp(reg->name, model->data + op->custom_code.pos, op->custom_code.count) == 0)
            return reg;
    }
    return NULL;
}
