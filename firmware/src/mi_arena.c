/* Head/tail arena (see mi_arena.h). */
#include "mi/mi_arena.h"

#include <string.h>

#include "mi/mi_planner.h"

#define MI_ARENA_MAX 0x7FFFFFF0u

mi_status_t mi_arena_init(mi_arena_t *arena, void *memory, size_t bytes)
{
    uintptr_t start, aligned;
    size_t lost;
    if (!arena || !memory) return MI_ERR_NULL_ARG;
    memset(arena, 0, sizeof *arena);
    start = (uintptr_t)memory;
    aligned = (start + (MI_BUFFER_ALIGN - 1u)) & ~(uintptr_t)(MI_BUFFER_ALIGN - 1u);
    lost = (size_t)(aligned - start);
    if (bytes < lost) bytes = lost;
    bytes -= lost;
    if (bytes > MI_ARENA_MAX) bytes = MI_ARENA_MAX;
    arena->base = (uint8_t *)memory + lost;
    arena->size = (uint32_t)bytes & ~(uint32_t)(MI_BUFFER_ALIGN - 1u);
    arena->tail = arena->size;
    return MI_OK;
}

static uint32_t used_with(const mi_arena_t *arena, uint32_t head, uint32_t tail_bytes)
{
    uint32_t low = head > arena->temp_peak ? head : arena->temp_peak;
    return low + mi_align_up(tail_bytes, MI_BUFFER_ALIGN);
}

void *mi_arena_alloc_persistent(mi_arena_t *arena, uint32_t bytes, uint32_t align)
{
    uint32_t rounded, tail_bytes;
    if (align < MI_PERSISTENT_ALIGN) align = MI_PERSISTENT_ALIGN;
    if (bytes > MI_ARENA_MAX) bytes = MI_ARENA_MAX;
    rounded = mi_align_up(bytes, align);
    tail_bytes = arena->size - arena->tail;
    /* the tail's lowest byte must stay `align`-aligned: pad below it if needed */
    tail_bytes = mi_align_up(tail_bytes + rounded, align);
    if (tail_bytes > arena->size || arena->size - tail_bytes < arena->head) {
        arena->needed = used_with(arena, arena->head, tail_bytes);
        return NULL;
    }
    arena->tail = arena->size - tail_bytes;
    memset(arena->base + arena->tail, 0, rounded);
    return arena->base + arena->tail;
}

void *mi_arena_alloc_temp(mi_arena_t *arena, uint32_t bytes)
{
    if (bytes > arena->tail) {
        arena->needed = used_with(arena, bytes, arena->size - arena->tail);
        return NULL;
    }
    if (bytes > arena->temp_peak) arena->temp_peak = bytes;
    return arena->base;
}

mi_status_t mi_arena_set_head(mi_arena_t *arena, uint32_t bytes)
{
    if (bytes > arena->tail) {
        arena->needed = used_with(arena, bytes, arena->size - arena->tail);
        return MI_ERR_ARENA_TOO_SMALL;
    }
    arena->head = bytes;
    return MI_OK;
}

uint32_t mi_arena_used_bytes(const mi_arena_t *arena)
{
    return used_with(arena, arena->head, arena->size - arena->tail);
}
