/* The public API of the C port: load a model, allocate, run.
 *
 *     static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));
 *     mi_interpreter_t it;
 *     mi_status_t s = mi_interpreter_init(&it, model_bytes, model_len, arena, sizeof arena);
 *     if (s == MI_OK) s = mi_interpreter_allocate(&it);
 *     if (s == MI_OK) s = mi_interpreter_set_input(&it, 0, input, input_len);
 *     if (s == MI_OK) s = mi_interpreter_invoke(&it);
 *     if (s == MI_OK) s = mi_interpreter_get_output(&it, 0, output, output_len);
 *     if (s != MI_OK) puts(mi_status_str(s));
 *
 * Allocation reads as TFLM's AllocateTensors(): parse (init) -> resolve ->
 * prepare (kernels compute multipliers once, into the arena's tail) -> plan
 * (mi_planner, same offsets as memory/planner.py) -> bind. Nothing is ever
 * malloc'ed: the interpreter struct is the caller's, everything else lives in
 * the arena. `microinterp plan MODEL` predicts mi_interpreter_arena_used_bytes()
 * for each target. */
#ifndef MI_INTERPRETER_H
#define MI_INTERPRETER_H

#include <stddef.h>
#include <stdint.h>

#include "mi_arena.h"
#include "mi_config.h"
#include "mi_model.h"
#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mi_registration;
struct mi_resolver;
struct mi_interpreter;

/* Runtime view of one tensor of the main subgraph (lives in the arena tail). */
typedef struct mi_tensor {
    void *data;           /* arena bytes, constant bytes in the model, or NULL */
    uint32_t bytes;
    uint8_t type;         /* MI_TYPE_* */
    uint8_t flags;        /* MI_TENSOR_* */
    uint16_t plan_index;  /* index of its buffer in the memory plan (planned tensors) */
} mi_tensor_t;

/* MI_TENSOR_BOUND: its kernel pointed it at its own op data in prepare (VAR_HANDLE's
 * resource id, as TFLM's): neither planned nor rebound. */
enum { MI_TENSOR_CONSTANT = 1, MI_TENSOR_VARIABLE = 2, MI_TENSOR_PLANNED = 4, MI_TENSOR_BOUND = 8 };

/* One operator at run time (lives in the arena tail). */
typedef struct mi_node {
    const struct mi_registration *registration;
    void *op_data;        /* the kernel's prepared data (arena tail) */
    mi_vec_t inputs;      /* int32 tensor indices inside the model */
    mi_vec_t outputs;
} mi_node_t;

/* A scratch buffer a kernel asked for in prepare (lives in the arena tail). */
typedef struct mi_scratch {
    struct mi_scratch *next;
    uint32_t bytes;
    uint32_t offset;      /* head offset, set by the plan */
    uint32_t node;
} mi_scratch_t;

/* One subgraph's runtime tables (multi-subgraph models only; lives in the arena tail).
 * The interpreter's tensors/nodes/model point at the subgraph being prepared or run. */
typedef struct mi_graph {
    mi_tensor_t *tensors;
    mi_node_t *nodes;
    uint32_t num_tensors;
    uint32_t num_nodes;
} mi_graph_t;

/* State a kernel keeps across invokes (TFLM kernels' reset(), e.g. a noise
 * estimate): persistent bytes mi_interpreter_reset fills with `fill` (0 unless
 * the kernel sets it: a resource variable's default byte). The link lives in
 * the kernel's op data, so a state costs no arena bytes beyond its own. */
typedef struct mi_state {
    struct mi_state *next;
    void *data;
    uint32_t bytes;
    uint32_t fill;  /* the byte reset writes; also keeps 2 pointers + 2 words on 64-bit hosts */
} mi_state_t;

struct mi_resource_variables;

#if MI_ENABLE_OP_HOOK
/* Called after operator `op_index` ran (layer dumps, per-op profiling). */
typedef void (*mi_op_hook_t)(void *user, const struct mi_interpreter *it, uint32_t op_index);
#endif

typedef struct mi_interpreter {
    mi_model_t model;
    mi_arena_t arena;
    const struct mi_resolver *resolver;
    mi_tensor_t *tensors;
    mi_node_t *nodes;
    mi_scratch_t *scratch_first;
    mi_scratch_t *scratch_last;
    mi_state_t *state_first;  /* kernel states, refilled by mi_interpreter_reset */
    struct mi_resource_variables *resources; /* VAR_HANDLE's table (mi_var_handle.c), NULL if none */
    uint32_t num_tensors;
    uint32_t num_nodes;
    uint32_t num_scratch;
    uint32_t num_planned;   /* planned tensors of every subgraph: their plan indices 0.. in order */
    mi_graph_t *graphs;   /* one per subgraph when the model has several, else NULL */
    uint32_t num_graphs;
    uint32_t current_graph; /* the subgraph tensors/nodes/model point at */
    uint32_t node_base;   /* operators of the subgraphs before it (scratch owners count globally) */
    int32_t current_op;   /* operator being prepared or invoked, -1 otherwise */
    int32_t failed_op;    /* operator whose kernel failed, -1 if none */
    uint8_t state;
    uint8_t end_invoke;   /* set by mi_end_invoke: the current invoke stops after this op */
    uint8_t overlap;      /* the model opted into outputs over dying inputs (MI_OVERLAP_NAME) */
#if MI_ENABLE_OP_HOOK
    mi_op_hook_t op_hook;
    void *op_hook_user;
#endif
} mi_interpreter_t;

/* Validate the model and take the arena. The model bytes and the arena must
 * outlive the interpreter. */
mi_status_t mi_interpreter_init(mi_interpreter_t *it, const void *model, size_t model_size, void *arena,
                                size_t arena_size);

/* Use another op resolver than the builtin one (before allocate). */
mi_status_t mi_interpreter_set_resolver(mi_interpreter_t *it, const struct mi_resolver *resolver);

/* Resolve, prepare, plan and bind. On MI_ERR_ARENA_TOO_SMALL,
 * mi_interpreter_arena_needed_bytes() gives a lower bound of the size. */
mi_status_t mi_interpreter_allocate(mi_interpreter_t *it);

uint32_t mi_interpreter_num_inputs(const mi_interpreter_t *it);
uint32_t mi_interpreter_num_outputs(const mi_interpreter_t *it);

/* Copy exactly the tensor's byte size into input `index`. */
mi_status_t mi_interpreter_set_input(mi_interpreter_t *it, uint32_t index, const void *data, size_t bytes);

/* Zero-copy access: the arena bytes of input/output `index` (NULL on error). */
void *mi_interpreter_input_data(mi_interpreter_t *it, uint32_t index, size_t *bytes);
const void *mi_interpreter_output_data(const mi_interpreter_t *it, uint32_t index, size_t *bytes);

/* Tensor info (shape, type, quantization) of input/output `index`. */
mi_status_t mi_interpreter_input_info(const mi_interpreter_t *it, uint32_t index, mi_tensor_info_t *info);
mi_status_t mi_interpreter_output_info(const mi_interpreter_t *it, uint32_t index, mi_tensor_info_t *info);

/* Run every operator once, in order. */
mi_status_t mi_interpreter_invoke(mi_interpreter_t *it);

/* Copy output `index` (exactly its byte size) out. */
mi_status_t mi_interpreter_get_output(const mi_interpreter_t *it, uint32_t index, void *data, size_t bytes);

/* Put variable (state) tensors back to their initial values, as TFLM's reset. */
mi_status_t mi_interpreter_reset(mi_interpreter_t *it);

/* Arena bytes the allocated plan uses (head + tail); what to reserve. */
size_t mi_interpreter_arena_used_bytes(const mi_interpreter_t *it);

/* After MI_ERR_ARENA_TOO_SMALL: at least this many bytes are needed. */
size_t mi_interpreter_arena_needed_bytes(const mi_interpreter_t *it);

/* Arena offset of tensor `index` when the plan placed it in the head
 * (MI_ERR_BAD_INDEX for constants, variables and empty tensors). The same
 * offsets as memory/firmware_arena.py tensor_offsets for the model. */
mi_status_t mi_interpreter_tensor_offset(const mi_interpreter_t *it, uint32_t index, uint32_t *offset);

/* Index of the operator whose kernel failed, or -1. */
int32_t mi_interpreter_failed_op(const mi_interpreter_t *it);

uint32_t mi_interpreter_num_ops(const mi_interpreter_t *it);

/* Output `k` of operator `op` after it ran (for layer dumps). */
mi_status_t mi_interpreter_op_output(const mi_interpreter_t *it, uint32_t op, uint32_t k, const void **data,
                                     size_t *bytes, int32_t *tensor_index);
uint32_t mi_interpreter_op_num_outputs(const mi_interpreter_t *it, uint32_t op);

#if MI_ENABLE_OP_HOOK
void mi_interpreter_set_op_hook(mi_interpreter_t *it, mi_op_hook_t hook, void *user);
#endif

#ifdef __cplusplus
}
#endif

#endif /* MI_INTERPRETER_H */
