/*
 * cm_runner_port.c - the Cortex-M implementation of the core's port
 * (include/mi/mi_port.h) and of the runner's I/O port (runner/mi_runner_port.h).
 *
 * Files are host files reached through semihosting, relative to the directory
 * the emulator runs in; the console is the semihosting console; the model is the
 * one cm_model.S linked into flash; the measure hooks are the markers the QEMU
 * instruction-counting plugin (and the Renode hooks) watch.
 */
#include <stdint.h>

#include "cm_port.h"
#include "cm_semihost.h"
#include "mi/mi_port.h"
#include "mi_runner_port.h"

/* ---- mi_port.h ----------------------------------------------------------- */

void mi_port_log(const char *message)
{
    cm_puts("mi: log ");
    cm_puts(message);
    cm_puts("\n");
}

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
/* DWT->CYCCNT: counts cycles on silicon. QEMU does not model it (reads 0), which
 * is why the emulator counts instructions with a plugin instead. */
uint32_t mi_port_cycles(void)
{
    volatile uint32_t *const demcr = (volatile uint32_t *)0xE000EDFCu;
    volatile uint32_t *const dwt_ctrl = (volatile uint32_t *)0xE0001000u;
    volatile uint32_t *const dwt_cyccnt = (volatile uint32_t *)0xE0001004u;
    if ((*dwt_ctrl & 1u) == 0u) {
        *demcr |= 1u << 24;  /* TRCENA */
        *dwt_ctrl |= 1u;     /* CYCCNTENA */
    }
    return *dwt_cyccnt;
}
#else
/* ARMv6-M has no cycle counter. */
uint32_t mi_port_cycles(void)
{
    return 0u;
}
#endif

/* ---- mi_runner_port.h ---------------------------------------------------- */

int mi_rp_open(const char *path, int for_writing)
{
    int32_t h = cm_sh_open(path, for_writing ? CM_SH_MODE_WB : CM_SH_MODE_RB);
    return h < 0 ? -1 : (int)h;
}

long mi_rp_read(int handle, void *buf, unsigned long len)
{
    return (long)cm_sh_read((int32_t)handle, buf, (size_t)len);
}

long mi_rp_write(int handle, const void *buf, unsigned long len)
{
    size_t n = cm_sh_write((int32_t)handle, buf, (size_t)len);
    return n == 0 && len > 0 ? -1 : (long)n;
}

void mi_rp_close(int handle)
{
    cm_sh_close((int32_t)handle);
}

void mi_rp_print(const char *text)
{
    cm_puts(text);
    cm_puts("\n");
}

int mi_rp_linked_model(const unsigned char **data, unsigned long *size)
{
    unsigned long n = (unsigned long)(cm_model_end - cm_model_data);
    if (n == 0u) {
        return 0;
    }
    *data = cm_model_data;
    *size = n;
    return 1;
}

void mi_rp_measure_begin(void)
{
    cm_mark_start();
#ifdef CM_TEST_FAULT_IN_INVOKE
    /* Test builds only (tests/firmware/test_cortex_m.py): a word load from an
     * address with nothing behind it, inside the measured region, to prove the
     * host reports a HardFault with its pc rather than waiting for a timeout. */
    {
        uint32_t v;
        __asm__ volatile(".syntax unified\n\tldr %0, [%1]" : "=l"(v) : "l"(0x30000000u) : "memory");
        (void)v;
    }
#endif
}

void mi_rp_measure_end(void)
{
    cm_mark_stop();
}
