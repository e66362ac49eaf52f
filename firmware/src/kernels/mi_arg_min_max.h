/* The prepare and invoke steps ARG_MAX and ARG_MIN share (twin of
 * kernels/arg_min_max.py). Internal header. */
#ifndef MI_ARG_MIN_MAX_H
#define MI_ARG_MIN_MAX_H

#include "mi_kernel_util.h"

mi_status_t mi_arg_min_max_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options);

/* ARG_MAX (largest != 0) or ARG_MIN along the axis input. */
mi_status_t mi_arg_min_max_invoke(mi_context_t *ctx, const mi_node_t *node, int largest);

#endif /* MI_ARG_MIN_MAX_H */
