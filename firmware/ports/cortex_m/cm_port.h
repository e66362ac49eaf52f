/*
 * cm_port.h - what the Cortex-M port offers the rest of the firmware.
 *
 * The startup code (cm_startup.c) copies .data, zeroes .bss, paints the stack,
 * enables the FPU on hard-float builds, reads the semihosting command line into
 * argc/argv and calls main(). When main returns, cm_exit() reports the stack
 * high-water mark and ends the emulation with main's return value.
 */
#ifndef CM_PORT_H
#define CM_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Exit code of the fault handler: distinct from every code the runner uses, and
 * from 134/139 (QEMU's own abort/segfault), so the host can tell a HardFault from
 * a mismatch, an emulator crash or a timeout. Mirrored in
 * src/microinterp/fw/emulator.py (HARDFAULT_EXIT_CODE). */
#define CM_EXIT_HARDFAULT 250

/* Every console line the port itself prints starts with this tag. */
#define CM_LOG_TAG "[cm] "

/* Marker functions bounding one measured region (one inference). The QEMU
 * instruction-counting plugin is given their addresses; they do nothing else. */
void cm_mark_start(void);
void cm_mark_stop(void);

/* Console output through semihosting (no UART needed). */
void cm_puts(const char *text);
/* Formats an unsigned value as decimal or 0x-hex into buf (>= 12 bytes). */
char *cm_fmt_u32(char *buf, uint32_t value, int hex);

/* Ends the run: prints the stack high-water mark and exits with `code`. */
void cm_exit(int code) __attribute__((noreturn));

/* Bytes of the reserved stack ever used so far (from the painted pattern). */
size_t cm_stack_used(void);
size_t cm_stack_size(void);

/* The model linked into flash by cm_model.S (absent when built without one). */
extern const uint8_t cm_model_data[];
extern const uint8_t cm_model_end[];

#endif /* CM_PORT_H */
