/* Fast-path helpers of the int8 kernels (CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED): int8 dot products with the input offset, exact in int32
 * wrap-around arithmetic. Internal header, no Python twin: the reference loops
 * in each kernel file are the twins of the Python kernels, and every function
 * here computes exactly what those loops compute (the same products, summed
 * modulo 2**32, so the order of the sums does not matter).
 *
 * Two builds, chosen at compile time:
 *   __ARM_FEATURE_DSP (Cortex-M4/M7/M33 with DSP): four int8 values per 32-bit
 *     load, sign-extended in pairs to int16 lanes with SXTB16 (weights) and
 *     SXTAB16 (inputs, adding the input offset in the same instruction), then
 *     two 16x16 multiply-accumulates per SMLAD. SMLAD/SMLABB wrap modulo 2**32
 *     (they only set the Q flag), as the reference's unsigned sums do. The
 *     inputs plus offset must fit int16: callers check mi_simd_offset_ok().
 *   otherwise (Cortex-M0+, the host): plain C over pointers, the offset added
 *     once per input value and shared by four output channels. */
#ifndef MI_SIMD_H
#define MI_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define MI_SIMD_DSP 1
#else
#define MI_SIMD_DSP 0
#endif

/* x + offset stays inside int16 for every int8 x (the DSP lanes are 16-bit). */
static inline int mi_simd_offset_ok(int32_t offset) { return offset >= -32640 && offset <= 32640; }

#if MI_SIMD_DSP
static inline uint32_t mi_read_u32(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4); /* one LDR: the M4 allows unaligned word loads */
    return v;
}
static inline uint32_t mi_sxtb16(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(v));
    return r;
}
static inline uint32_t mi_sxtb16_ror8(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}
static inline uint32_t mi_sxtab16(uint32_t a, uint32_t v)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(v));
    return r;
}
static inline uint32_t mi_sxtab16_ror8(uint32_t a, uint32_t v)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
    return r;
}
static inline uint32_t mi_smlad(uint32_t a, uint32_t b, uint32_t acc)
{
    uint32_t r;
    __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
static inline uint32_t mi_smlabb(uint32_t a, uint32_t b, uint32_t acc)
{
    uint32_t r;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
static inline uint32_t mi_smlatt(uint32_t a, uint32_t b, uint32_t acc)
{
    uint32_t r;
    __asm__("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
/* the input offset in both 16-bit lanes */
static inline uint32_t mi_offset2(int32_t offset) { return ((uint32_t)offset & 0xFFFFu) * 0x10001u; }
#endif

/* The assembly loops below need 13 or 14 of the 14 allocatable registers:
 * inlined into a busy caller, gcc may find no allocation ("impossible
 * constraints", seen with the hard-float ABI), so they stay out of line. */
#if MI_SIMD_DSP
#define MI_SIMD_ASM_FN static __attribute__((noinline, unused))
#else
#define MI_SIMD_ASM_FN static inline /* plain C: inlined, as gcc likes it on ARMv6-M */
#endif

/* acc[j] += sum_{k<n} w[j * stride + k] * (x[k] + offset) for j < 4 (wrapping).
 * On a DSP core CONV_2D and FULLY_CONNECTED both call it: a weak external
 * definition instead of a static one, so an image that links both keeps one
 * copy (the linker binds every call to one of them; --gc-sections drops the
 * others, 288 B on a Cortex-M4). */
#if MI_SIMD_DSP
#define MI_SIMD_SHARED_FN __attribute__((noinline, weak))
void mi_dot4_int8(const int8_t *x, const int8_t *w, size_t stride, int32_t n, int32_t offset, uint32_t acc[4]);
#else
#define MI_SIMD_SHARED_FN MI_SIMD_ASM_FN
#endif
MI_SIMD_SHARED_FN void mi_dot4_int8(const int8_t *x, const int8_t *w, size_t stride, int32_t n, int32_t offset,
                                uint32_t acc[4])
{
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w + 2 * stride, *w3 = w + 3 * stride;
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t k = 0;
#if MI_SIMD_DSP
    if (n >= 4) {
        /* Four taps of four channels per iteration: 1 + 4 loads, 2 SXTAB16,
         * 8 SXTB16, 8 SMLAD. In assembly because the loop needs 14 registers
         * (the M4 has 14 allocatable ones) and gcc spills at that pressure.
         * wa steps through channel 0 (channel 1 at +stride), wb through
         * channel 2 (channel 3 at +stride). */
        const uint32_t off2 = mi_offset2(offset);
        const int8_t *xp = x, *wa = w0, *wb = w2;
        const int8_t *const xend = x + (n & ~3);
        uint32_t xe, xo, wv, t;
        __asm__("1:\n\t"
                "ldr %[t], [%[xp]], #4\n\t"
                "sxtab16 %[xe], %[off2], %[t]\n\t"
                "sxtab16 %[xo], %[off2], %[t], ror #8\n\t"
                "ldr %[wv], [%[wa], %[s]]\n\t"
                "sxtb16 %[t], %[wv]\n\t"
                "smlad %[a1], %[xe], %[t], %[a1]\n\t"
                "sxtb16 %[wv], %[wv], ror #8\n\t"
                "smlad %[a1], %[xo], %[wv], %[a1]\n\t"
                "ldr %[wv], [%[wa]], #4\n\t"
                "sxtb16 %[t], %[wv]\n\t"
                "smlad %[a0], %[xe], %[t], %[a0]\n\t"
                "sxtb16 %[wv], %[wv], ror #8\n\t"
                "smlad %[a0], %[xo], %[wv], %[a0]\n\t"
                "ldr %[wv], [%[wb], %[s]]\n\t"
                "sxtb16 %[t], %[wv]\n\t"
                "smlad %[a3], %[xe], %[t], %[a3]\n\t"
                "sxtb16 %[wv], %[wv], ror #8\n\t"
                "smlad %[a3], %[xo], %[wv], %[a3]\n\t"
                "ldr %[wv], [%[wb]], #4\n\t"
                "sxtb16 %[t], %[wv]\n\t"
                "smlad %[a2], %[xe], %[t], %[a2]\n\t"
                "sxtb16 %[wv], %[wv], ror #8\n\t"
                "smlad %[a2], %[xo], %[wv], %[a2]\n\t"
                "cmp %[xp], %[xend]\n\t"
                "bne 1b"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [wa] "+r"(wa),
                  [wb] "+r"(wb), [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [t] "=&r"(t)
                : [xend] "r"(xend), [s] "r"(stride), [off2] "r"(off2)
                : "cc", "memory");
        k = n & ~3;
    }
#endif
    for (; k < n; k++) {
        const int32_t xo = (int32_t)x[k] + offset;
        a0 += (uint32_t)(xo * w0[k]);
        a1 += (uint32_t)(xo * w1[k]);
        a2 += (uint32_t)(xo * w2[k]);
        a3 += (uint32_t)(xo * w3[k]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* sum_{k<n} w[k] * (x[k] + offset) (wrapping). */
static inline uint32_t mi_dot1_int8(const int8_t *x, const int8_t *w, int32_t n, int32_t offset)
{
    uint32_t a = 0;
    int32_t k = 0;
#if MI_SIMD_DSP
    const uint32_t off2 = mi_offset2(offset);
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = mi_read_u32(x + k), wv = mi_read_u32(w + k);
        a = mi_smlad(mi_sxtab16(off2, xv), mi_sxtb16(wv), a);
        a = mi_smlad(mi_sxtab16_ror8(off2, xv), mi_sxtb16_ror8(wv), a);
    }
#endif
    for (; k < n; k++) a += (uint32_t)(((int32_t)x[k] + offset) * w[k]);
    return a;
}

#if MI_SIMD_DSP
/* Two input rows of n values (n a multiple of 4), offset added, as int16 lanes
 * interleaved for mi_dot2x2: per four values, row 0's (x0, x2) and (x1, x3)
 * words, then row 1's. */
static inline void mi_pack2_int16(const int8_t *x0, const int8_t *x1, int32_t n, int32_t offset, uint32_t *buf)
{
    const uint32_t off2 = mi_offset2(offset);
    int32_t k;
    for (k = 0; k < n; k += 4, buf += 4) {
        const uint32_t v0 = mi_read_u32(x0 + k), v1 = mi_read_u32(x1 + k);
        buf[0] = mi_sxtab16(off2, v0);
        buf[1] = mi_sxtab16_ror8(off2, v0);
        buf[2] = mi_sxtab16(off2, v1);
        buf[3] = mi_sxtab16_ror8(off2, v1);
    }
}

/* One row into slot s (0 or 1) of a mi_pack2_int16 layout (the other slot
 * untouched): the im2col path packs a pixel's column as soon as it is built. */
static inline void mi_pack1_int16(const int8_t *x, int32_t n, int32_t offset, uint32_t *buf, int slot)
{
    const uint32_t off2 = mi_offset2(offset);
    int32_t k;
    buf += 2 * slot;
    for (k = 0; k < n; k += 4, buf += 4) {
        const uint32_t v = mi_read_u32(x + k);
        buf[0] = mi_sxtab16(off2, v);
        buf[1] = mi_sxtab16_ror8(off2, v);
    }
}

/* sum_k w[k] * (x[k] + offset) for the row in slot s of a packed buffer. */
static inline uint32_t mi_dot1_packed(const uint32_t *buf, int slot, const int8_t *w, int32_t n)
{
    uint32_t a = 0;
    int32_t k;
    buf += 2 * slot;
    for (k = 0; k < n; k += 4, buf += 4) {
        const uint32_t wv = mi_read_u32(w + k);
        a = mi_smlad(buf[0], mi_sxtb16(wv), a);
        a = mi_smlad(buf[1], mi_sxtb16_ror8(wv), a);
    }
    return a;
}

/* acc[2p + j] += sum_k w[j * stride + k] * (x_p[k] + offset) for rows p < 2 of
 * a mi_pack2_int16 buffer and channels j < 2; n a multiple of 4, n > 0. Per
 * four taps: two LDRD of packed inputs, two weight words, four SXTB16 and
 * eight SMLAD (14 registers: in assembly, as mi_dot4_int8). */
MI_SIMD_ASM_FN void mi_dot2x2(const uint32_t *buf, const int8_t *w, size_t stride, int32_t n, uint32_t acc[4])
{
    uint32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3], x0e, x0o, x1e, x1o, t0, t1;
    const uint32_t *xp = buf, *const xend = buf + n;
    const int8_t *wa = w;
    __asm__("1:\n\t"
            "ldrd %[x1e], %[x1o], [%[xp], #8]\n\t"
            "ldrd %[x0e], %[x0o], [%[xp]], #16\n\t"
            "ldr %[t0], [%[wa], %[s]]\n\t"
            "sxtb16 %[t1], %[t0]\n\t"
            "sxtb16 %[t0], %[t0], ror #8\n\t"
            "smlad %[a01], %[x0e], %[t1], %[a01]\n\t"
            "smlad %[a01], %[x0o], %[t0], %[a01]\n\t"
            "smlad %[a11], %[x1e], %[t1], %[a11]\n\t"
            "smlad %[a11], %[x1o], %[t0], %[a11]\n\t"
            "ldr %[t0], [%[wa]], #4\n\t"
            "sxtb16 %[t1], %[t0]\n\t"
            "sxtb16 %[t0], %[t0], ror #8\n\t"
            "smlad %[a00], %[x0e], %[t1], %[a00]\n\t"
            "smlad %[a00], %[x0o], %[t0], %[a00]\n\t"
            "smlad %[a10], %[x1e], %[t1], %[a10]\n\t"
            "smlad %[a10], %[x1o], %[t0], %[a10]\n\t"
            "cmp %[xp], %[xend]\n\t"
            "bne 1b"
            : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [xp] "+r"(xp), [wa] "+r"(wa),
              [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e), [x1o] "=&r"(x1o), [t0] "=&r"(t0),
              [t1] "=&r"(t1)
            : [xend] "r"(xend), [s] "r"(stride)
            : "cc", "memory");
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}
#endif

#endif /* MI_SIMD_H */
