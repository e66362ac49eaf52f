/* TFLM-equivalent greedy planner: line-for-line twin of memory/planner.py plan_greedy
 * (_tflm_order + _place with first fit). */
#include "mi/mi_planner.h"

#include "mi/mi_config.h"

uint32_t mi_align_up(uint32_t n, uint32_t alignment) { return (n + alignment - 1u) & ~(alignment - 1u); }

static int overlaps_in_time(const mi_plan_buffer_t *a, const mi_plan_buffer_t *b)
{
    return !(a->first_use > b->last_use || b->first_use > a->last_use);
}

/* memory/planner.py overlap_extent: the bytes of buffer a that buffer b must keep
 * clear of, from a's start: a's size, or only its first `distance` bytes when a is
 * the output that may overlap its input b and b is last used when a is created
 * (the caller keeps `distance` below a's size). */
static int32_t overlap_extent(const mi_plan_buffer_t *buffers, int32_t a, int32_t b)
{
    const mi_plan_buffer_t *p = &buffers[a];
    return MI_ENABLE_OVERLAP && p->overlaps == b && buffers[b].last_use == p->first_use ? p->distance : p->size;
}

#if defined(__GNUC__)
#define MI_NOINLINE __attribute__((noinline)) /* called twice: one copy */
#else
#define MI_NOINLINE
#endif

/* Insert buffer `b` into the sorted run list[lo..n), after every entry that must stay
 * before it: a larger size (the order, stable) or an offset not above its own (the
 * placed list, TFLM's list insert). One loop for both sorted insertions. */
static MI_NOINLINE void insert_sorted(int32_t *list, uint32_t lo, uint32_t n, int32_t b, const mi_plan_buffer_t *buffers,
                          int by_offset)
{
    while (n > lo && (by_offset ? buffers[list[n - 1]].offset > buffers[b].offset
                                : buffers[list[n - 1]].size < buffers[b].size)) {
        list[n] = list[n - 1];
        n--;
    }
    list[n] = b;
}

mi_status_t mi_plan_greedy(mi_plan_buffer_t *buffers, uint32_t count, int32_t *work, uint32_t *size)
{
    int32_t *order = work;          /* count entries */
    int32_t *placed = work + count; /* count entries, sorted by offset */
    uint32_t n_order = 0, n_placed = 0, i, j, first_online, extent = 0;
    *size = 0;
    if (count == 0) return MI_OK;
    if (!buffers || !work) return MI_ERR_NULL_ARG;

    /* _tflm_order: offline buffers in index order, then online buffers taken
     * from the tail (reverse order) and stably sorted by size, descending. */
    /* (offline offsets only come from model metadata: none without MI_ENABLE_METADATA) */
    for (i = 0; MI_ENABLE_METADATA && i < count; i++)
        if (buffers[i].offset != MI_PLAN_ONLINE) order[n_order++] = (int32_t)i;
    first_online = n_order;
    for (i = count; i-- > 0;)
        if (buffers[i].offset == MI_PLAN_ONLINE) order[n_order++] = (int32_t)i;
    for (i = first_online + 1; i < n_order; i++) insert_sorted(order, first_online, i, order[i], buffers, 0);

    /* _place, first fit */
    for (i = 0; i < n_order; i++) {
        /* 32-bit unsigned arithmetic throughout (no 64-bit helpers on Cortex-M0+): sizes
         * and placed offsets lie in [0, 2**31), so an end offset is below 2**32 */
        mi_plan_buffer_t *req = &buffers[order[i]];
        uint32_t candidate;
        if (req->size < 0) return MI_ERR_MODEL_TOO_LARGE;
        if (MI_ENABLE_METADATA && req->offset != MI_PLAN_ONLINE && i < first_online) {
            candidate = (uint32_t)req->offset; /* offline: >= 0, checked by the caller */
        } else {
            /* first fit (planner.py _first_fit): the lowest offset clear of every live
             * placed buffer, scanning them by offset as TFLM does; a skipped input this
             * buffer may overlap can conflict again once the candidate moves: rescan */
            int skipped = 0;
            candidate = 0;
            for (j = 0; j < n_placed; j++) {
                const mi_plan_buffer_t *other = &buffers[placed[j]];
                const uint32_t at = (uint32_t)other->offset;
                uint32_t end;
                if (!overlaps_in_time(req, other)) continue;
                if (at >= candidate) {
                    if (at - candidate >= (uint32_t)req->size) break; /* the gap is big enough */
                    if (at - candidate >= (uint32_t)overlap_extent(buffers, order[i], placed[j])) {
                        skipped = 1;
                        continue;
                    }
                }
                end = at + (uint32_t)overlap_extent(buffers, placed[j], order[i]);
                if (end > candidate) {
                    candidate = end;
                    if (skipped) j = (uint32_t)-1, skipped = 0; /* scan again from the lowest */
                }
            }
        }
        if (candidate > 0x7FFFFFFFu - (uint32_t)req->size) return MI_ERR_MODEL_TOO_LARGE;
        req->offset = (int32_t)candidate;
        candidate += (uint32_t)req->size;
        if (candidate > extent) extent = candidate;
        insert_sorted(placed, 0, n_placed++, order[i], buffers, 1);
    }
    *size = extent;
    return MI_OK;
}
