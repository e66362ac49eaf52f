/*
 * cm_semihost.c - ARM semihosting over `bkpt 0xAB`, usable on ARMv6-M and ARMv7-M.
 */
#include "cm_semihost.h"

#include <string.h>

/* ADP_Stopped_ApplicationExit: the "reason" that makes the exit code meaningful. */
#define CM_SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* noinline: one fixed address for every semihosting call, so an emulator without
 * full semihosting (Renode) can service the calls with a hook on this function
 * (firmware/ports/renode/semihost_hook.py). */
__attribute__((noinline)) int32_t cm_sh_call(uint32_t op, void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile(".syntax unified\n\tbkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int32_t cm_sh_open(const char *path, uint32_t mode)
{
    const volatile char *p = path; /* volatile: gcc would turn the loop back into a strlen call */
    uint32_t block[3], n = 0;
    while (p[n]) n++; /* strlen, without pulling newlib's (220 B on a Cortex-M4) */
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = mode;
    block[2] = n;
    return cm_sh_call(CM_SH_SYS_OPEN, block);
}

int32_t cm_sh_close(int32_t handle)
{
    uint32_t block[1];
    block[0] = (uint32_t)handle;
    return cm_sh_call(CM_SH_SYS_CLOSE, block);
}

size_t cm_sh_read(int32_t handle, void *buf, size_t len)
{
    uint32_t block[3];
    int32_t not_read;
    block[0] = (uint32_t)handle;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)len;
    not_read = cm_sh_call(CM_SH_SYS_READ, block); /* returns bytes NOT read */
    if (not_read < 0 || (size_t)not_read > len) {
        return 0;
    }
    return len - (size_t)not_read;
}

size_t cm_sh_write(int32_t handle, const void *buf, size_t len)
{
    uint32_t block[3];
    int32_t not_written;
    block[0] = (uint32_t)handle;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)len;
    not_written = cm_sh_call(CM_SH_SYS_WRITE, block); /* returns bytes NOT written */
    if (not_written < 0 || (size_t)not_written > len) {
        return 0;
    }
    return len - (size_t)not_written;
}

int32_t cm_sh_flen(int32_t handle)
{
    uint32_t block[1];
    block[0] = (uint32_t)handle;
    return cm_sh_call(CM_SH_SYS_FLEN, block);
}

void cm_sh_write0(const char *text)
{
    cm_sh_call(CM_SH_SYS_WRITE0, (void *)(uintptr_t)text);
}

int32_t cm_sh_cmdline(char *buf, size_t cap)
{
    uint32_t block[2];
    if (cap == 0) {
        return -1;
    }
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = (uint32_t)cap;
    if (cm_sh_call(CM_SH_SYS_GET_CMDLINE, block) != 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[cap - 1] = '\0';
    return (int32_t)block[1];
}

void cm_sh_exit(int code)
{
    uint32_t block[2];
    block[0] = CM_SH_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    cm_sh_call(CM_SH_SYS_EXIT_EXTENDED, block);
    /* A host without SYS_EXIT_EXTENDED: fall back to SYS_EXIT, which on AArch32
     * takes the reason itself in r1 and can only say success or failure
     * (ADP_Stopped_RunTimeErrorUnknown = 0x20023). */
    cm_sh_call(CM_SH_SYS_EXIT,
               (void *)(uintptr_t)(code == 0 ? CM_SH_ADP_STOPPED_APPLICATION_EXIT : 0x20023u));
    for (;;) {
    }
}
