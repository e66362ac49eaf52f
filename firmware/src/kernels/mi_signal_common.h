/* What the Signal-library kernels share (internal header; C twin of
 * kernels/signal_common.py, which explains each helper). */
#ifndef MI_SIGNAL_COMMON_H
#define MI_SIGNAL_COMMON_H

#include <stdint.h>

#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"

/* The op's custom options as a FlexBuffer map (signal_common.options). */
mi_status_t mi_signal_options(const mi_options_t *options, mi_flexmap_t *map);
/* An int32 option (FlexMap.int). */
mi_status_t mi_signal_int(const mi_flexmap_t *map, const char *key, int32_t *out);
/* A shift-count option for a `width`-bit value: 0 .. width - 1 (shift_in_range). */
mi_status_t mi_signal_shift(const mi_flexmap_t *map, const char *key, uint32_t width, uint32_t *out);
/* MostSignificantBit32 as TFLM's GCC build computes it: 32 for 0 (msb32). */
uint32_t mi_signal_msb32(uint32_t x);
/* MostSignificantBit64: 64 for 0 (msb64). */
uint32_t mi_signal_msb64(uint64_t x);
/* Input/output `i` is a 1-D tensor of `type` (its info in *info). */
mi_status_t mi_signal_vector_in(const mi_context_t *ctx, const mi_node_t *node, uint32_t i, uint8_t type,
                                mi_tensor_info_t *info);
mi_status_t mi_signal_vector_out(const mi_context_t *ctx, const mi_node_t *node, uint32_t i, uint8_t type,
                                 mi_tensor_info_t *info);

/* A value stored into int16_t (C conversion, modulo 2**16 on every target; wrap16). */
static inline int16_t mi_signal_wrap16(int32_t x)
{
    uint16_t u = (uint16_t)(uint32_t)x;
    return u < 0x8000u ? (int16_t)u : (int16_t)((int32_t)u - 65536);
}

#endif /* MI_SIGNAL_COMMON_H */
