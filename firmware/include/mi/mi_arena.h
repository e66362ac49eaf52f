/* The tensor arena: one caller-provided byte buffer, never malloc.
 *
 * Layout, as TFLM's: the *planned head* [0, head) holds every tensor and
 * scratch buffer at the offsets mi_planner computes; the *persistent tail*
 * [tail, size) grows downward and holds what lives as long as the
 * interpreter (tensor and node tables, kernel op data, per-channel
 * multipliers, variable tensors). Before planning, the head is free and lends
 * itself to temporary allocations (the planner's work lists).
 *
 * Bytes used = max(head, temporary peak) + tail rounded up to
 * MI_BUFFER_ALIGN. memory/firmware_arena.py computes the same number in Python. */
#ifndef MI_ARENA_H
#define MI_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "mi_config.h"
#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mi_arena {
    uint8_t *base;      /* first MI_BUFFER_ALIGN-aligned byte of the caller's buffer */
    uint32_t size;      /* usable bytes from base, a multiple of MI_BUFFER_ALIGN */
    uint32_t tail;      /* offset of the lowest persistent byte (== size when empty) */
    uint32_t head;      /* bytes of the planned head region */
    uint32_t temp_peak; /* largest temporary allocation made at the head */
    uint32_t needed;    /* after MI_ERR_ARENA_TOO_SMALL: bytes that request needed (a lower bound) */
} mi_arena_t;

/* Use `bytes` at `memory`. Aligns the start up to MI_BUFFER_ALIGN (declare the
 * buffer with that alignment to lose nothing) and the size down to it. */
mi_status_t mi_arena_init(mi_arena_t *arena, void *memory, size_t bytes);

/* `bytes` rounded up to MI_PERSISTENT_ALIGN (or `align`, the larger), from the
 * tail; zero-filled. NULL when the arena is too small (arena->needed is set). */
void *mi_arena_alloc_persistent(mi_arena_t *arena, uint32_t bytes, uint32_t align);

/* `bytes` at the head, valid until the head is planned; NULL if too small. */
void *mi_arena_alloc_temp(mi_arena_t *arena, uint32_t bytes);

/* Fix the planned head at `bytes`; MI_ERR_ARENA_TOO_SMALL if it meets the tail. */
mi_status_t mi_arena_set_head(mi_arena_t *arena, uint32_t bytes);

/* Bytes this arena needs for what was allocated so far. */
uint32_t mi_arena_used_bytes(const mi_arena_t *arena);

#ifdef __cplusplus
}
#endif

#endif /* MI_ARENA_H */
