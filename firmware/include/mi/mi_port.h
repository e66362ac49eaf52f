/* The narrow platform interface of the core: everything the interpreter needs
 * from the machine it runs on. A port (ports/<name>/) implements these two
 * functions; the core calls nothing else outside <string.h> and <math.h>. */
#ifndef MI_PORT_H
#define MI_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Emit one line of diagnostic text (no trailing newline in `message`).
 * Called only when MI_ENABLE_LOG is 1, and only on errors. */
void mi_port_log(const char *message);

/* A free-running counter for profiling (cycles, instructions or ticks);
 * return 0 if the platform has none. Wrap-around is fine: callers subtract. */
uint32_t mi_port_cycles(void);

#ifdef __cplusplus
}
#endif

#endif /* MI_PORT_H */
