#define _POSIX_C_SOURCE 199309L
/* Host port of the core: diagnostics to stderr, the x86 time-stamp counter
 * (or a monotonic clock) as the cycle counter. */
#include <stdio.h>
#include <time.h>

#include "mi/mi_port.h"

void mi_port_log(const char *message) { fprintf(stderr, "mi: log %s\n", message); }

uint32_t mi_port_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return (uint32_t)__builtin_ia32_rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
#endif
}
