/* ARG_MIN (TFLM: kernels/arg_min_max.cc; Python twin: kernels/arg_min.py).
 * Index of the smallest float32 or int8 value along an int32 axis, as int32;
 * prepare and invoke are shared with ARG_MAX (mi_arg_min_max.c). */
#include "mi_arg_min_max.h"

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node) { return mi_arg_min_max_invoke(ctx, node, 0); }

const mi_registration_t mi_registration_arg_min = {MI_OP_ARG_MIN, 0, "ARG_MIN", mi_arg_min_max_prepare, invoke};
