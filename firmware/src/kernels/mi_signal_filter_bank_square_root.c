/* SignalFilterBankSquareRoot (TFLM: signal/micro/kernels/filter_bank_square_root.cc,
 * signal/src/filter_bank_square_root.cc, square_root_32.cc, square_root_64.cc;
 * Python twin: kernels/signal_filter_bank_square_root.py). A scale-bits input
 * outside 0..31 is refused when the op runs (MI_ERR_BAD_PARAM). */
#include "mi_signal_common.h"

#define INPUT 0
#define SCALE_BITS 1
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t x, bits, y;
    (void)options;
    if (mi_node_num_inputs(node) != 2 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_input_info(ctx, node, SCALE_BITS, &bits));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.rank != 1 || bits.rank != 0 || y.rank != 1) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.type != MI_TYPE_UINT64 || bits.type != MI_TYPE_INT32 || y.type != MI_TYPE_UINT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    return y.count == x.count ? MI_OK : MI_ERR_BAD_PARAM;
}

static uint32_t sqrt32(uint32_t num)
{
    uint32_t res = 0, bit;
    int32_t max_bit, iterations;
    if (num == 0) return 0;
    max_bit = (int32_t)(32 - mi_signal_msb32(num)) | 1;
    bit = 1u << (31 - max_bit);
    iterations = (31 - max_bit) / 2 + 1;
    while (iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1u) + bit;
        } else {
            res >>= 1u;
        }
        bit >>= 2u;
    }
    if (num > res && res != 0xFFFFu) ++res;
    return res;
}

static uint32_t sqrt64(uint64_t num)
{
    uint64_t res = 0, bit;
    int32_t max_bit, iterations;
    if ((num >> 32) == 0) return sqrt32((uint32_t)num);
    max_bit = (int32_t)(64 - mi_signal_msb64(num)) | 1;
    bit = (uint64_t)1 << (63 - max_bit);
    iterations = (63 - max_bit) / 2 + 1;
    while (iterations--) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1u) + bit;
        } else {
            res >>= 1u;
        }
        bit >>= 2u;
    }
    if (num > res && res != 0xFFFFFFFFu) ++res;
    return (uint32_t)res;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const uint64_t *x = (const uint64_t *)mi_node_input_data(ctx, node, INPUT);
    const int32_t bits = *(const int32_t *)mi_node_input_data(ctx, node, SCALE_BITS);
    uint32_t *y = (uint32_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint32_t n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / 4u, i;
    if (bits < 0 || bits > 31) return MI_ERR_BAD_PARAM;
    for (i = 0; i < n; i++) y[i] = sqrt64(x[i]) >> bits;
    return MI_OK;
}

const mi_registration_t mi_registration_signal_filter_bank_square_root = {
    MI_OP_CUSTOM, 0, "SignalFilterBankSquareRoot", prepare, invoke};
