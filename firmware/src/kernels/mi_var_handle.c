/* VAR_HANDLE (TFLM: kernels/var_handle.cc, micro_resource_variable.cc; Python twin:
 * kernels/var_handle.py).
 *
 * Finds or creates, in prepare, the resource variable named by its options
 * (container, shared name) in the interpreter's table (mi_resource_variables.h,
 * created here by the first VAR_HANDLE prepared) and points its output, one
 * RESOURCE (an int32), at the id in its op data, as TFLM does: the output is
 * never planned (mi_interpreter.c marks it MI_TENSOR_BOUND when it builds the tables). Refused as the Python twin: an output that is
 * not one RESOURCE, no shared name, more variables than the table holds. */
#include "mi_resource_variables.h"

#define OUTPUT 0

/* op data layout (kernels/var_handle.py MEMORY): 1 word */
typedef struct {
    int32_t resource_id;
} var_handle_op_data_t;

static int same_bytes(const mi_context_t *ctx, mi_vec_t a, mi_vec_t b)
{
    return a.count == b.count && (a.count == 0 || memcmp(ctx->model.data + a.pos, ctx->model.data + b.pos, a.count) == 0);
}

/* The names of every VAR_HANDLE of every subgraph, in model order, to `visit`. */
static void each_handle(const mi_context_t *ctx, mi_resource_variables_t *r,
                        void (*visit)(const mi_context_t *, mi_resource_variables_t *, mi_vec_t))
{
    uint32_t s, i;
    mi_model_t m = ctx->model;
    for (s = 0; s < mi_model_num_subgraphs(&ctx->model); s++) {
        if (mi_model_select(&m, s) != MI_OK) continue;
        for (i = 0; i < m.operators.count; i++) {
            mi_op_info_t op;
            mi_options_t o;
            if (mi_model_op(&m, i, &op) != MI_OK || op.builtin_code != MI_OP_VAR_HANDLE) continue;
            if (mi_model_options(&m, &op, &o) != MI_OK) continue;
            visit(ctx, r, o.var_handle.shared_name);
        }
    }
}

static void count_handle(const mi_context_t *ctx, mi_resource_variables_t *r, mi_vec_t name)
{
    (void)ctx;
    (void)name;
    r->capacity++;
}

static void add_name(const mi_context_t *ctx, mi_resource_variables_t *r, mi_vec_t name)
{
    uint32_t k;
    for (k = 0; k < r->count; k++)
        if (same_bytes(ctx, name, r->variables[k].shared_name)) return;
    r->variables[r->count++].shared_name = name;
}

/* The table, with one slot per VAR_HANDLE of the model (each op is parsed twice, never
 * once per pair), its capacity then cut to the unique shared names (graph.py
 * count_resource_variables: what the TFLM Python interpreter creates). */
static mi_resource_variables_t *create_table(mi_context_t *ctx)
{
    mi_resource_variables_t probe = {0, 0}, *r;
    each_handle(ctx, &probe, count_handle);
    r = (mi_resource_variables_t *)mi_alloc_persistent(
        ctx, sizeof(mi_resource_variables_t) + (size_t)probe.capacity * sizeof(mi_resource_variable_t));
    if (!r) return NULL;
    each_handle(ctx, r, add_name); /* the slots hold each unique name once, for counting */
    r->capacity = r->count;
    r->count = 0;
    memset(r->variables, 0, (size_t)probe.capacity * sizeof(mi_resource_variable_t));
    return r;
}

/* MicroResourceVariables::CreateIdIfNoneFound: -1 when the table is full. */
static int32_t create_id(mi_resource_variables_t *r, const mi_context_t *ctx, mi_vec_t container, mi_vec_t name)
{
    uint32_t i;
    for (i = 0; i < r->count; i++) {
        const mi_resource_variable_t *v = &r->variables[i];
        if ((container.count == 0 || same_bytes(ctx, container, v->container)) && same_bytes(ctx, name, v->shared_name))
            return (int32_t)i;
    }
    if (r->count == r->capacity) return -1;
    r->variables[r->count].container = container;
    r->variables[r->count].shared_name = name;
    return (int32_t)r->count++;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    var_handle_op_data_t *d = (var_handle_op_data_t *)node->op_data;
    mi_tensor_info_t out;
    int32_t t = mi_node_output_index(ctx, node, OUTPUT);
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (out.type != MI_TYPE_RESOURCE || out.count != 1) return MI_ERR_BAD_PARAM;
    if (options->var_handle.shared_name.count == 0) return MI_ERR_BAD_PARAM;
    if (!ctx->resources) {
        ctx->resources = create_table(ctx);
        if (!ctx->resources) return MI_ERR_ARENA_TOO_SMALL;
    }
    d->resource_id = create_id(ctx->resources, ctx, options->var_handle.container, options->var_handle.shared_name);
    if (d->resource_id < 0) return MI_ERR_BAD_PARAM;
    /* TFLM's output->data.i32 = &op_data->resource_id: read by a later ASSIGN_VARIABLE's prepare
     * (the tables left it unplanned: MI_TENSOR_BOUND) */
    if (ctx->tensors[t].flags != MI_TENSOR_BOUND) return MI_ERR_BAD_STATE;
    ctx->tensors[t].data = &d->resource_id;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    (void)ctx;
    (void)node; /* the output already points at the id */
    return MI_OK;
}

const mi_registration_t mi_registration_var_handle = {MI_OP_VAR_HANDLE, (uint32_t)sizeof(var_handle_op_data_t),
                                                      "VAR_HANDLE", prepare, invoke};
