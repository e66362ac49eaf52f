/* What the Signal-library kernels share (C twin of kernels/signal_common.py;
 * TFLM: signal/src/msb_32.cc, msb_64.cc and the FlexbufferWrapper reads of
 * the signal/micro/kernels sources). */
#include "mi_signal_common.h"

mi_status_t mi_signal_options(const mi_options_t *options, mi_flexmap_t *map)
{
    mi_status_t s;
    if (!options) return MI_ERR_NULL_ARG;
    s = mi_flexmap_open(map, options->custom.data, options->custom.size);
    return s == MI_OK ? MI_OK : MI_ERR_BAD_PARAM;
}

mi_status_t mi_signal_int(const mi_flexmap_t *map, const char *key, int32_t *out)
{
    return mi_flexmap_int(map, key, out) == MI_OK ? MI_OK : MI_ERR_BAD_PARAM;
}

mi_status_t mi_signal_shift(const mi_flexmap_t *map, const char *key, uint32_t width, uint32_t *out)
{
    int32_t v;
    MI_TRY(mi_signal_int(map, key, &v));
    if (v < 0 || (uint32_t)v >= width) return MI_ERR_BAD_PARAM;
    *out = (uint32_t)v;
    return MI_OK;
}

uint32_t mi_signal_msb32(uint32_t x)
{
    uint32_t n = 0;
    if (x == 0) return 32;
    while (x) {
        x >>= 1;
        n++;
    }
    return n;
}

uint32_t mi_signal_msb64(uint64_t x)
{
    if (x == 0) return 64;
    if (x >> 32) return 32 + mi_signal_msb32((uint32_t)(x >> 32));
    return mi_signal_msb32((uint32_t)x);
}

static mi_status_t vector(mi_status_t s, const mi_tensor_info_t *info, uint8_t type)
{
    if (s != MI_OK) return s;
    if (info->type != type) return MI_ERR_UNSUPPORTED_TYPE;
    return info->rank == 1 ? MI_OK : MI_ERR_UNSUPPORTED_SHAPE;
}

mi_status_t mi_signal_vector_in(const mi_context_t *ctx, const mi_node_t *node, uint32_t i, uint8_t type,
                                mi_tensor_info_t *info)
{
    return vector(mi_node_input_info(ctx, node, i, info), info, type);
}

mi_status_t mi_signal_vector_out(const mi_context_t *ctx, const mi_node_t *node, uint32_t i, uint8_t type,
                                 mi_tensor_info_t *info)
{
    return vector(mi_node_output_info(ctx, node, i, info), info, type);
}
