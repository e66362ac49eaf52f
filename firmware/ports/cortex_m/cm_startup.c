/*
 * cm_startup.c - vector table, reset handler and fault handler for ARMv6-M
 * (Cortex-M0+) and ARMv7E-M (Cortex-M4/M4F), in C with a little inline asm.
 *
 * Why one file for both cores: the differences are small and explicit here
 * (FPU enable and the v7-M fault status registers, both behind #if), and the asm
 * is restricted to Thumb-1 instructions so the same text assembles for v6-M.
 *
 * Layout symbols come from the linker scripts (cm_*.ld):
 *   _sidata (load address of .data), _sdata/_edata, _sbss/_ebss,
 *   _sstack/_estack (the reserved stack), _sfstack/_efstack (fault stack).
 */
#include <stddef.h>
#include <stdint.h>

#include "cm_port.h"
#include "cm_semihost.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];
extern uint32_t _sstack[], _estack[], _efstack[], __cm_ram_end[];

int main(int argc, char **argv);

void Reset_Handler(void);
void cm_fault_entry(void);
void cm_fault_report(const uint32_t *frame, uint32_t exc_return);

#define CM_STACK_PAINT 0xA5C3E10Fu
/* The lowest 32 bytes of the stack are a guard: never painted or measured, and on
 * ARMv7-M made inaccessible through the MPU, so an overflow faults at once
 * instead of running into whatever lies below RAM. (ARMv6-M here has no MPU, but
 * the stack sits at the bottom of RAM and on the microbit machine nothing is
 * mapped below it, so an overflow faults there too.) */
#define CM_STACK_GUARD 32u
#define CM_MAX_ARGS 16
#define CM_CMDLINE_CAP 512

/* The vector table itself is in cm_vectors.S (plain data, no casts needed). */

/* ---- reset ------------------------------------------------------------------ */

void cm_start_c(void) __attribute__((noreturn));

/* Naked so that no compiler-generated code (which on a hard-float build may use
 * FPU registers) runs before CP10/CP11 are enabled. */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "ldr r0, =_estack\n\t"
        "mov sp, r0\n\t"
#if defined(__ARM_FP) && !defined(CM_SKIP_FPU_ENABLE)
        /* (CM_SKIP_FPU_ENABLE exists only for the test proving this is needed.)
         * CPACR (0xE000ED88): full access to CP10 and CP11, then barriers so the
         * next instruction sees the FPU enabled. */
        "ldr r0, =0xE000ED88\n\t"
        "ldr r1, [r0]\n\t"
        "ldr r2, =0x00F00000\n\t"
        "orrs r1, r1, r2\n\t"
        "str r1, [r0]\n\t"
        "dsb\n\t"
        "isb\n\t"
#endif
        "bl cm_start_c\n\t"
        ".ltorg\n\t");
}

static char cm_cmdline[CM_CMDLINE_CAP];
static char *cm_argv[CM_MAX_ARGS + 1];

static int cm_split_cmdline(void)
{
    int argc = 0;
    char *p = cm_cmdline;
    if (cm_sh_cmdline(cm_cmdline, sizeof cm_cmdline) < 0) {
        return 0;
    }
    while (*p && argc < CM_MAX_ARGS) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (!*p) {
            break;
        }
        cm_argv[argc++] = p;
        while (*p && *p != ' ') {
            p++;
        }
    }
    cm_argv[argc] = NULL;
    return argc;
}

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
/* MPU region 0 = the stack guard, no access; PRIVDEFENA keeps the default map for
 * everything else, and the fault handler (HardFault, HFNMIENA=0) ignores the MPU. */
static void cm_enable_stack_guard(void)
{
    volatile uint32_t *const mpu_type = (volatile uint32_t *)0xE000ED90u;
    volatile uint32_t *const mpu_ctrl = (volatile uint32_t *)0xE000ED94u;
    volatile uint32_t *const mpu_rbar = (volatile uint32_t *)0xE000ED9Cu;
    volatile uint32_t *const mpu_rasr = (volatile uint32_t *)0xE000EDA0u;
    if (((*mpu_type >> 8) & 0xFFu) == 0u) {
        return; /* no MPU regions on this core */
    }
    *mpu_rbar = (uint32_t)(uintptr_t)_sstack | 0x10u; /* VALID, region 0 */
    /* XN | AP=000 (no access) | SIZE=4 (2^(4+1) = 32 bytes) | ENABLE */
    *mpu_rasr = (1u << 28) | (0u << 24) | (4u << 1) | 1u;
    *mpu_ctrl = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}
#else
static void cm_enable_stack_guard(void)
{
}
#endif

void cm_start_c(void)
{
    uint32_t *dst;
    const uint32_t *src;
    uint32_t *sp_now;
    int argc;

    for (src = _sidata, dst = _sdata; dst < _edata;) {
        *dst++ = *src++;
    }
    for (dst = _sbss; dst < _ebss;) {
        *dst++ = 0;
    }
    /* Paint the unused part of the stack to measure its high-water mark later.
     * Stop 64 bytes below the live stack pointer to leave this frame alone. */
    __asm__ volatile("mov %0, sp" : "=r"(sp_now));
    for (dst = _sstack + CM_STACK_GUARD / 4u; dst + 16 < sp_now;) {
        *dst++ = CM_STACK_PAINT;
    }
    cm_enable_stack_guard();

    argc = cm_split_cmdline();
    cm_exit(main(argc, cm_argv));
}

/* ---- helpers ---------------------------------------------------------------- */

volatile uint32_t cm_region_state;

/* Distinct bodies keep the linker/IPA from folding the two markers into one
 * address; noinline/noclone keep a real call that the plugin can see. */
__attribute__((noinline, noclone)) void cm_mark_start(void)
{
    cm_region_state = 1u;
}

__attribute__((noinline, noclone)) void cm_mark_stop(void)
{
    cm_region_state = 2u;
}

void cm_puts(const char *text)
{
    cm_sh_write0(text);
}

char *cm_fmt_u32(char *buf, uint32_t value, int hex)
{
    char tmp[12];
    int n = 0;
    char *out = buf;
    if (hex) {
        *out++ = '0';
        *out++ = 'x';
        for (int shift = 28; shift >= 0; shift -= 4) {
            *out++ = "0123456789abcdef"[(value >> shift) & 0xFu];
        }
        *out = '\0';
        return buf;
    }
    do {
        tmp[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value);
    while (n) {
        *out++ = tmp[--n];
    }
    *out = '\0';
    return buf;
}

size_t cm_stack_size(void)
{
    return (size_t)((uintptr_t)_estack - (uintptr_t)_sstack) - CM_STACK_GUARD;
}

size_t cm_stack_used(void)
{
    const uint32_t *p = _sstack + CM_STACK_GUARD / 4u;
    while (p < _estack && *p == CM_STACK_PAINT) {
        p++;
    }
    return (size_t)((uintptr_t)_estack - (uintptr_t)p);
}

void cm_exit(int code)
{
    char num[12];
    cm_puts(CM_LOG_TAG "stack_used ");
    cm_puts(cm_fmt_u32(num, (uint32_t)cm_stack_used(), 0));
    cm_puts(" of ");
    cm_puts(cm_fmt_u32(num, (uint32_t)cm_stack_size(), 0));
    cm_puts("\n");
    cm_sh_exit(code);
}

/* ---- faults ----------------------------------------------------------------- */

/* Every unexpected exception lands here. Pick the stacked frame (MSP or PSP, from
 * bit 2 of EXC_RETURN), move to a dedicated fault stack (the main one may be the
 * cause), and report in C. Thumb-1 only, so it assembles for v6-M. */
__attribute__((naked)) void cm_fault_entry(void)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "mov r1, lr\n\t"
        "movs r2, #4\n\t"
        "tst r1, r2\n\t"
        "bne 1f\n\t"
        "mrs r0, msp\n\t"
        "b 2f\n"
        "1:\n\t"
        "mrs r0, psp\n"
        "2:\n\t"
        "ldr r2, =_efstack\n\t"
        "mov sp, r2\n\t"
        "ldr r2, =cm_fault_report\n\t"
        "bx r2\n\t"
        ".ltorg\n\t");
}

static const char *cm_exception_name(uint32_t n)
{
    switch (n) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    case 11: return "SVCall";
    case 14: return "PendSV";
    case 15: return "SysTick";
    default: return n >= 16 ? "IRQ" : "reserved";
    }
}

static void cm_put_field(const char *name, uint32_t value)
{
    char num[12];
    cm_puts(name);
    cm_puts(cm_fmt_u32(num, value, 1));
}

void cm_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    char num[12];
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    /* One line, always starting with "HardFault" so the host can find it; the
     * exception actually taken is named after it. */
    cm_puts("HardFault: exception ");
    cm_puts(cm_fmt_u32(num, ipsr, 0));
    cm_puts(" (");
    cm_puts(cm_exception_name(ipsr));
    cm_puts(")");
    if ((uintptr_t)frame < (uintptr_t)_sstack + CM_STACK_GUARD ||
        (uintptr_t)frame + 32u > (uintptr_t)__cm_ram_end) {
        /* The frame is not in RAM we own: reading it could fault again (and a
         * fault in this handler locks the core up), so name the likely cause. */
        cm_put_field(" sp=", (uint32_t)(uintptr_t)frame);
        cm_puts(" (outside the stack: stack overflow?)");
    } else {
        cm_put_field(" pc=", frame[6]);
        cm_put_field(" lr=", frame[5]);
        cm_put_field(" xpsr=", frame[7]);
        cm_put_field(" sp=", (uint32_t)(uintptr_t)frame);
    }
    cm_put_field(" exc_return=", exc_return);
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    {
        volatile const uint32_t *scb = (volatile const uint32_t *)0xE000ED28u;
        cm_put_field(" cfsr=", scb[0]);  /* 0xE000ED28 */
        cm_put_field(" hfsr=", scb[1]);  /* 0xE000ED2C */
        cm_put_field(" mmfar=", scb[3]); /* 0xE000ED34 */
        cm_put_field(" bfar=", scb[4]);  /* 0xE000ED38 */
    }
#endif
    cm_puts("\n");
    cm_sh_exit(CM_EXIT_HARDFAULT);
}
