/*
 * cm_selftest.c - a tiny firmware that exercises the Cortex-M port on its own,
 * without the interpreter: semihosting files and console, exit codes, the
 * instruction-count markers, the FPU enable, and the fault handler.
 * tests/firmware/test_cortex_m.py runs it in QEMU on every core.
 *
 *   cm_selftest copy IN OUT     copy file IN to OUT (each byte + 1), via semihosting
 *   cm_selftest loop N          N iterations of a 4-instruction loop between the markers
 *   cm_selftest exit N          return N from main
 *   cm_selftest fpu             a float computation (hard-float: needs CP10/CP11)
 *   cm_selftest fault-bad-ptr [ADDR]  word load from an unmapped address
 *   cm_selftest fault-unaligned word load from an odd address (faults on ARMv6-M)
 *   cm_selftest fault-undef     execute a permanently undefined instruction
 *   cm_selftest hang            spin forever (for the host's timeout)
 *   cm_selftest lockup          (ARMv7-M) fault with FAULTMASK set: the fault cannot be
 *                               taken, the core locks up and QEMU aborts (rc 134)
 *   cm_selftest stack N         use about N bytes of stack (for the high-water mark)
 */
#include <stdint.h>
#include <string.h>

#include "cm_port.h"
#include "cm_semihost.h"

#ifndef CM_SELFTEST_BAD_ADDR
#define CM_SELFTEST_BAD_ADDR 0x30000000u
#endif

static uint8_t buffer[4096];

/* Decimal, or hex with a 0x prefix. */
static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (s += 2;; s++) {
            uint32_t d;
            if (*s >= '0' && *s <= '9') {
                d = (uint32_t)(*s - '0');
            } else if (*s >= 'a' && *s <= 'f') {
                d = (uint32_t)(*s - 'a' + 10);
            } else {
                return v;
            }
            v = v * 16u + d;
        }
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint32_t)(*s++ - '0');
    }
    return v;
}

/* A real word load from `addr` (asm, so the compiler cannot split it into byte
 * loads when it can see the address is misaligned). */
static uint32_t __attribute__((noinline)) load_word(uintptr_t addr)
{
    uint32_t v;
    __asm__ volatile(".syntax unified\n\tldr %0, [%1]" : "=l"(v) : "l"(addr) : "memory");
    return v;
}

static int do_copy(const char *in_path, const char *out_path)
{
    int32_t in = cm_sh_open(in_path, CM_SH_MODE_RB);
    int32_t out = cm_sh_open(out_path, CM_SH_MODE_WB);
    int32_t len;
    size_t n;
    if (in < 0 || out < 0) {
        cm_puts("copy: cannot open files\n");
        return 3;
    }
    len = cm_sh_flen(in);
    if (len < 0 || (size_t)len > sizeof buffer) {
        cm_puts("copy: bad length\n");
        return 4;
    }
    n = cm_sh_read(in, buffer, (size_t)len);
    for (size_t i = 0; i < n; i++) {
        buffer[i] = (uint8_t)(buffer[i] + 1u);
    }
    if (cm_sh_write(out, buffer, n) != n) {
        return 5;
    }
    cm_sh_close(in);
    cm_sh_close(out);
    return 0;
}

/* Exactly 4 instructions per iteration (adds, adds, subs, bne): the host checks
 * that count(2N) - count(N) == 4N. */
static void __attribute__((noinline)) counted_loop(uint32_t n)
{
    uint32_t acc = 0;
    cm_mark_start();
    __asm__ volatile(
        ".syntax unified\n\t"
        "cmp %[n], #0\n\t"
        "beq 2f\n"
        "1:\n\t"
        "adds %[acc], %[acc], #3\n\t"
        "adds %[acc], %[acc], %[n]\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b\n"
        "2:\n\t"
        : [n] "+l"(n), [acc] "+l"(acc)
        :
        : "cc");
    cm_mark_stop();
    buffer[0] = (uint8_t)acc;
}

static volatile float fpu_in = 1.5f;

static int do_fpu(void)
{
    float x = fpu_in;
    for (int i = 0; i < 10; i++) {
        x = x * 1.25f + 0.5f;
    }
    /* 1.5 -> ... exact value is irrelevant; it must be finite and > 1 */
    return (x > 1.0f && x < 1.0e6f) ? 0 : 6;
}

static uint32_t __attribute__((noinline)) burn_stack(uint32_t n)
{
    volatile uint8_t chunk[256];
    chunk[0] = (uint8_t)n;
    if (n <= sizeof chunk) {
        return chunk[0];
    }
    return burn_stack(n - (uint32_t)sizeof chunk) + chunk[0];
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    cm_puts("selftest: ");
    cm_puts(cmd);
    cm_puts("\n");
    if (strcmp(cmd, "copy") == 0 && argc > 3) {
        return do_copy(argv[2], argv[3]);
    }
    if (strcmp(cmd, "loop") == 0 && argc > 2) {
        counted_loop(parse_u32(argv[2]));
        return 0;
    }
    if (strcmp(cmd, "exit") == 0 && argc > 2) {
        return (int)parse_u32(argv[2]);
    }
    if (strcmp(cmd, "fpu") == 0) {
        return do_fpu();
    }
    if (strcmp(cmd, "fault-bad-ptr") == 0) {
        /* Defaults to an address with nothing mapped on either machine. */
        return (int)load_word(argc > 2 ? parse_u32(argv[2]) : CM_SELFTEST_BAD_ADDR);
    }
    if (strcmp(cmd, "fault-unaligned") == 0) {
        return (int)load_word((uintptr_t)buffer + 1u);
    }
    if (strcmp(cmd, "fault-undef") == 0) {
        __asm__ volatile(".syntax unified\n\tudf #0");
        return 7;
    }
    if (strcmp(cmd, "hang") == 0) {
        for (;;) {
            __asm__ volatile("");
        }
    }
    if (strcmp(cmd, "lockup") == 0) {
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
        __asm__ volatile(".syntax unified\n\tcpsid f\n\tudf #1" ::: "memory");
        return 8;
#else
        cm_puts("selftest: lockup needs FAULTMASK (ARMv7-M)\n");
        return 9;
#endif
    }
    if (strcmp(cmd, "stack") == 0 && argc > 2) {
        return (int)(burn_stack(parse_u32(argv[2])) & 0) ;
    }
    cm_puts("selftest: unknown command\n");
    return 2;
}
