/*
 * cm_semihost.h - ARM semihosting calls for the Cortex-M port (v6-M and v7-M).
 *
 * Why semihosting: under QEMU (and Renode, or a debug probe) it gives the firmware
 * the host's console, files, command line and exit code without any UART driver,
 * so one emulator run can read many input vectors and write every output.
 * A call is `bkpt 0xAB` with the operation in r0 and a pointer to an argument
 * block in r1 (ARM "Semihosting for AArch32 and AArch64", v2).
 */
#ifndef CM_SEMIHOST_H
#define CM_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

enum {
    CM_SH_SYS_OPEN = 0x01,
    CM_SH_SYS_CLOSE = 0x02,
    CM_SH_SYS_WRITE0 = 0x04,
    CM_SH_SYS_WRITE = 0x05,
    CM_SH_SYS_READ = 0x06,
    CM_SH_SYS_FLEN = 0x0C,
    CM_SH_SYS_GET_CMDLINE = 0x15,
    CM_SH_SYS_EXIT = 0x18,
    CM_SH_SYS_EXIT_EXTENDED = 0x20,
};

/* SYS_OPEN modes (fopen equivalents). */
enum {
    CM_SH_MODE_RB = 1,
    CM_SH_MODE_WB = 5,
    CM_SH_MODE_AB = 9,
};

/* Raw call: returns r0 as the host left it. */
int32_t cm_sh_call(uint32_t op, void *arg);

/* Convenience wrappers. Handles are >= 0; -1 means failure. */
int32_t cm_sh_open(const char *path, uint32_t mode);
int32_t cm_sh_close(int32_t handle);
/* Returns the number of bytes actually transferred. */
size_t cm_sh_read(int32_t handle, void *buf, size_t len);
size_t cm_sh_write(int32_t handle, const void *buf, size_t len);
int32_t cm_sh_flen(int32_t handle);
void cm_sh_write0(const char *text);
/* Fills buf with the command line (NUL-terminated); returns its length or -1. */
int32_t cm_sh_cmdline(char *buf, size_t cap);
/* Ends the emulation with an exit code (0..255 reach the host). Never returns. */
void cm_sh_exit(int code) __attribute__((noreturn));

#endif /* CM_SEMIHOST_H */
