/* Resource variables in the C port (internal header of mi_var_handle.c,
 * mi_read_variable.c, mi_assign_variable.c; C twin of graph.py's
 * ResourceVariables, TFLM's MicroResourceVariables).
 *
 * One table per interpreter (it->resources), allocated in the persistent tail
 * by the first VAR_HANDLE prepared, with room for one slot per VAR_HANDLE of the
 * model and a capacity of one variable per unique shared name over them (what the
 * TFLM Python interpreter creates).
 * A variable is found by (container, shared name): a handle without a
 * container matches any. Its buffer is a kernel state (mi_state_t), allocated
 * by the first ASSIGN_VARIABLE whose id is known at prepare and refilled with
 * its default byte (the value's int8 zero point) by mi_interpreter_reset.
 * memory/firmware_arena.py predicts the table and the buffers. */
#ifndef MI_RESOURCE_VARIABLES_H
#define MI_RESOURCE_VARIABLES_H

#include "mi_kernel_util.h"

/* layout (memory/firmware_arena.py RESOURCE_VARIABLE): 2 pointers, 6 words */
typedef struct mi_resource_variable {
    mi_state_t buffer;   /* data NULL until an ASSIGN_VARIABLE sizes it; fill = its default byte */
    mi_vec_t container;  /* bytes in the model; count 0: none */
    mi_vec_t shared_name;
} mi_resource_variable_t;

/* layout (memory/firmware_arena.py RESOURCE_TABLE): 2 words, then one variable per VAR_HANDLE op */
typedef struct mi_resource_variables {
    uint32_t count, capacity;
    mi_resource_variable_t variables[];
} mi_resource_variables_t;

/* The buffer of variable `id` when it exists, is sized and holds exactly `bytes`
 * (graph.py ResourceVariables.variable); NULL otherwise (TFLM reads a null buffer
 * or out of bounds there). */
static inline uint8_t *mi_resource_buffer(const mi_context_t *ctx, int32_t id, uint32_t bytes)
{
    const mi_resource_variables_t *r = ctx->resources;
    const mi_resource_variable_t *v;
    if (!r || id < 0 || (uint32_t)id >= r->count) return NULL;
    v = &r->variables[id];
    if (!v->buffer.data || v->buffer.bytes != bytes) return NULL;
    return (uint8_t *)v->buffer.data;
}

#endif /* MI_RESOURCE_VARIABLES_H */
