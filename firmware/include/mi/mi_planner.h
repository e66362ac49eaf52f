/* Memory planning on plain integers: the C twin of src/microinterp/memory/planner.py.
 *
 * Why separate and model-free: the plan decides every tensor's offset, and
 * the Python side predicts the firmware arena from it, so the two planners
 * must agree exactly. Keeping this file to integers lets the unit test feed
 * both the same lifetime sets and compare offsets one by one. */
#ifndef MI_PLANNER_H
#define MI_PLANNER_H

#include <stdint.h>

#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MI_PLAN_ONLINE (-1) /* TFLM's kOnlinePlannedBuffer */

/* One buffer to place: `size` bytes live from `first_use` to `last_use`
 * inclusive. `offset` is an input (MI_PLAN_ONLINE, or an offline offset) and
 * receives the placed offset. `overlaps` (-1: none) names the buffer of an
 * input of the operator that creates this one, at which that input dies: this
 * buffer may then start up to `distance` bytes before it and run on over it
 * (its kernel writes forward and never overwrites an input byte it still has
 * to read; memory/planner.py overlap_extent). `distance` >= 0. */
typedef struct mi_plan_buffer {
    int32_t size;
    int32_t first_use;
    int32_t last_use;
    int32_t offset;
    int32_t overlaps;
    int32_t distance;
} mi_plan_buffer_t;

/* `n` rounded up to a multiple of `alignment` (a power of two). */
uint32_t mi_align_up(uint32_t n, uint32_t alignment);

/* Bytes of `work` that mi_plan_greedy needs for `count` buffers. */
#define MI_PLAN_WORK_BYTES(count) (2u * 4u * (uint32_t)(count))

/* TFLM's GreedyMemoryPlanner (memory/planner.py plan_greedy): offline buffers first,
 * then online ones by size, largest first, ties broken with the later buffer
 * first; each placed at the lowest gap among the already placed buffers that
 * overlap it in time (an output may share bytes with its input as `overlaps`
 * allows; none set: TFLM's plan). `work` holds 2 * count int32 values (an order list and
 * the offset-sorted list of placed buffers). *size receives the bytes from 0
 * to the end of the highest buffer. MI_ERR_MODEL_TOO_LARGE if an offset would
 * not fit in 31 bits. */
mi_status_t mi_plan_greedy(mi_plan_buffer_t *buffers, uint32_t count, int32_t *work, uint32_t *size);

#ifdef __cplusplus
}
#endif

#endif /* MI_PLANNER_H */
