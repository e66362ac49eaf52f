/* FLOOR_MOD (TFLM: kernels/floor_mod.cc, reference_ops::FloorMod; Python twin:
 * kernels/floor_mod.py).
 *
 * float32 only: r = fmod(x, y) (exact), then r + y (a float32 addition) when
 * r != 0 and r and y differ in sign, broadcast as in mi_elementwise. y == 0
 * gives NaN, with no division-by-zero check.
 *
 * NaN payloads follow the oracle build, which inlines fmod as the x87 fprem
 * instruction (floor_mod.py x87_fprem): both operands are quieted, of two
 * NaNs the one with the larger significand wins (on a tie, negative only if
 * both are), and an invalid remainder (x infinite or y zero) is the x87
 * "indefinite" NaN 0xFFC00000. Written out on bit patterns here, so every
 * target gives the same bits. */
#include <math.h>
#include <string.h>

#include "mi_elementwise.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

#define QUIET_BIT 0x00400000u
#define SIGN_BIT 0x80000000u
#define X87_INDEFINITE 0xFFC00000u

/* op data layout (kernels/floor_mod.py MEMORY): mi_broadcast_t (19 words) */
typedef struct op_data {
    mi_broadcast_t bc;
} op_data_t;

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static int is_nan(uint32_t u) { return (u & ~SIGN_BIT) > 0x7F800000u; }

static float x87_fprem(float a, float b)
{
    uint32_t ua = bits_of(a), ub = bits_of(b), sig_a, sig_b;
    int nan_a = is_nan(ua), nan_b = is_nan(ub);
    int invalid = !nan_a && !nan_b && ((ua & ~SIGN_BIT) == 0x7F800000u || (ub & ~SIGN_BIT) == 0);
    if (!nan_a && !nan_b && !invalid) return fmodf(a, b);
    if (invalid) return float_of(X87_INDEFINITE);
    ua |= QUIET_BIT;
    ub |= QUIET_BIT;
    if (!nan_b) return float_of(ua);
    if (!nan_a) return float_of(ub);
    sig_a = ua & ~SIGN_BIT;
    sig_b = ub & ~SIGN_BIT;
    return float_of(sig_a > sig_b ? ua : sig_b > sig_a ? ub : (ua & ub));
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    (void)options;
    return mi_elementwise_prepare_unquantized(ctx, node, MI_TYPE_BIT(MI_TYPE_FLOAT32), &d->bc);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const float *a = (const float *)mi_node_input_data(ctx, node, INPUT1);
    const float *b = (const float *)mi_node_input_data(ctx, node, INPUT2);
    float *y = (float *)mi_node_output_data(ctx, node, OUTPUT);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < d->bc.count; i++) {
        float divisor = b[it.offset[1]];
        float trunc_mod = x87_fprem(a[it.offset[0]], divisor);
        y[i] = (trunc_mod != 0.0f && ((divisor < 0.0f) != (trunc_mod < 0.0f))) ? trunc_mod + divisor : trunc_mod;
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_floor_mod = {MI_OP_FLOOR_MOD, (uint32_t)sizeof(op_data_t), "FLOOR_MOD",
                                                     prepare, invoke};
