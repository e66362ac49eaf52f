/* Shared pieces of the comparison kernels (C twin of
 * src/microinterp/kernels/comparisons.py; TFLM: kernels/comparisons.cc).
 * Not a kernel: no registration.
 *
 * The output is bool. float32, int32 and int64 (and bool for EQUAL /
 * NOT_EQUAL) are compared as they are, broadcast as in mi_elementwise. int8 is
 * compared after rescaling each input on its *own* scale:
 * MultiplyByQuantizedMultiplierSmallerThanOneExp((x - zp) << 8, m, s) with
 * (m, s) from that scale, which must lie in (0, 1) (TFLM's CHECK aborts
 * otherwise; refused here with MI_ERR_UNSUPPORTED_TYPE, as is an unquantized
 * int8 input). */
#ifndef MI_COMPARISONS_H
#define MI_COMPARISONS_H

#include "mi_elementwise.h"

#define MI_COMPARISONS_ORDERED_TYPES                                                              \
    (MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) | MI_TYPE_BIT(MI_TYPE_INT64) | \
     MI_TYPE_BIT(MI_TYPE_INT8))
#define MI_COMPARISONS_EQUALITY_TYPES (MI_TYPE_BIT(MI_TYPE_BOOL) | MI_COMPARISONS_ORDERED_TYPES)

typedef enum {
    MI_COMPARE_EQUAL, MI_COMPARE_NOT_EQUAL, MI_COMPARE_GREATER, MI_COMPARE_GREATER_EQUAL, MI_COMPARE_LESS,
    MI_COMPARE_LESS_EQUAL
} mi_compare_t;

/* comparisons.py OpData. Op data layout (kernels/comparisons.py C_OP_DATA): 0 pointers, 19 + 6 words, 1 byte */
typedef struct mi_comparisons_op_data {
    mi_broadcast_t bc;
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    uint8_t type;
} mi_comparisons_op_data_t;

/* comparisons.py prepare: `types` is an MI_TYPE_BIT mask. */
mi_status_t mi_comparisons_prepare(mi_context_t *ctx, mi_node_t *node, uint32_t types);

/* comparisons.py invoke with the comparison `compare`. */
mi_status_t mi_comparisons_invoke(mi_context_t *ctx, const mi_node_t *node, mi_compare_t compare);

#endif /* MI_COMPARISONS_H */
