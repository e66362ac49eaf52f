/* TFLM-equivalent greedy planner: line-for-line twin of memory/planner.py plan_greedy
 * (_tflm_order + _place with first fit). */
#include "mi/mi_planner.h"

#include <string.h>

uint32_t mi_align_up(uint32_t n, uint32_t alignment) { return (n + alignment - 1u) & ~(alignment - 1u); }

static int overlaps_in_time(const mi_plan_buffer_t *a, const mi_plan_buffer_t *b)
{
    return !(a->first_use > b->last_use || b->first_use > a->last_use);
}

mi_status_t mi_plan_greedy(mi_plan_buffer_t *buffers, uint32_t count, int32_t *work, uint32_t *size)
{
    int32_t *order = work;          /* count entries */
    int32_t *placed = work + count; /* count entries, sorted by offset */
    uint32_t n_order = 0, n_placed = 0, i, j, first_online;
    int64_t extent = 0;
    *size = 0;
    if (count == 0) return MI_OK;
    if (!buffers || !work) return MI_ERR_NULL_ARG;

    /* _tflm_order: offline buffers in index order, then online buffers taken
     * from the tail (reverse order) and stably sorted by size, descending. */
    for (i = 0; i < count; i++)
        if (buffers[i].offset != MI_PLAN_ONLINE) order[n_order++] = (int32_t)i;
    first_online = n_order;
    for (i = count; i-- > 0;)
        if (buffers[i].offset == MI_PLAN_ONLINE) order[n_order++] = (int32_t)i;
    for (i = first_online + 1; i < n_order; i++) { /* stable insertion sort */
        int32_t b = order[i];
        j = i;
        while (j > first_online && buffers[order[j - 1]].size < buffers[b].size) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = b;
    }

    /* _place, first fit */
    for (i = 0; i < n_order; i++) {
        mi_plan_buffer_t *req = &buffers[order[i]];
        int64_t candidate;
        uint32_t at;
        if (req->offset != MI_PLAN_ONLINE && i < first_online) {
            candidate = req->offset;
        } else {
            candidate = 0;
            for (j = 0; j < n_placed; j++) {
                const mi_plan_buffer_t *other = &buffers[placed[j]];
                int64_t end;
                if (!overlaps_in_time(req, other)) continue;
                if ((int64_t)other->offset - candidate >= req->size) break; /* the gap is big enough */
                end = (int64_t)other->offset + other->size;
                if (end > candidate) candidate = end;
            }
        }
        if (candidate > 0x7FFFFFFF - (int64_t)req->size) return MI_ERR_MODEL_TOO_LARGE;
        req->offset = (int32_t)candidate;
        /* insert after every entry with offset <= candidate (TFLM's list insert) */
        at = n_placed;
        for (j = 0; j < n_placed; j++) {
            if (buffers[placed[j]].offset > req->offset) {
                at = j;
                break;
            }
        }
        memmove(&placed[at + 1], &placed[at], (n_placed - at) * sizeof placed[0]);
        placed[at] = order[i];
        n_placed++;
    }
    for (i = 0; i < count; i++) {
        int64_t end = (int64_t)buffers[i].offset + buffers[i].size;
        if (end > extent) extent = end;
    }
    *size = (uint32_t)extent;
    return MI_OK;
}
