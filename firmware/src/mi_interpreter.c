/* The interpreter: allocation phases and the invoke loop (C twin of
 * src/microinterp/interpreter.py). mi_interpreter_allocate() reads as a list
 * of phases, top to bottom: tables -> resolve -> prepare -> plan -> bind.
 *
 * A model with several subgraphs (control flow: IF, WHILE, CALL_ONCE) gets one
 * mi_graph_t per subgraph; every phase runs subgraph by subgraph, as TFLM's,
 * with it->tensors / it->nodes / it->model pointing at the one being handled
 * (use_graph), so kernels see their own subgraph. The plan covers every
 * subgraph's tensors with TFLM's lifetimes through control flow (graph_walk,
 * twin of memory/planner.py graph_lifetimes); mi_invoke_subgraph runs one. */
#include "mi/mi_interpreter.h"

#include <string.h>

#include "mi/mi_kernels.h"
#include "mi/mi_planner.h"

const uint32_t mi_struct_sizes[5] = {
    (uint32_t)sizeof(mi_tensor_t), (uint32_t)sizeof(mi_node_t), (uint32_t)sizeof(mi_scratch_t),
    (uint32_t)sizeof(mi_plan_buffer_t), (uint32_t)sizeof(mi_graph_t)};

enum { STATE_EMPTY = 0, STATE_INITIALIZED, STATE_PREPARING, STATE_READY, STATE_FAILED };

#define TRY(expr)                           \
    do {                                    \
        mi_status_t try_s_ = (expr);        \
        if (try_s_ != MI_OK) return try_s_; \
    } while (0)

/* ------------------------------------------------------------------ init */

mi_status_t mi_interpreter_init(mi_interpreter_t *it, const void *model, size_t model_size, void *arena,
                                size_t arena_size)
{
    mi_status_t s;
    if (!it) return MI_ERR_NULL_ARG;
    memset(it, 0, sizeof *it);
    it->current_op = -1;
    it->failed_op = -1;
    if (!model || !arena) return MI_ERR_NULL_ARG;
    s = mi_model_init(&it->model, model, model_size);
    if (s != MI_OK) {
#if MI_ENABLE_LOG
        mi_logf("model rejected: %s", mi_status_str(s));
#endif
        return s;
    }
    TRY(mi_arena_init(&it->arena, arena, arena_size));
    it->resolver = &mi_builtin_resolver;
    it->num_tensors = it->model.tensors.count;
    it->num_nodes = it->model.operators.count;
    it->state = STATE_INITIALIZED;
    return MI_OK;
}

mi_status_t mi_interpreter_set_resolver(mi_interpreter_t *it, const mi_resolver_t *resolver)
{
    if (!it || !resolver) return MI_ERR_NULL_ARG;
    if (it->state != STATE_INITIALIZED) return MI_ERR_BAD_STATE;
    it->resolver = resolver;
    return MI_OK;
}

/* ------------------------------------------------------------------ allocate phases */

static mi_status_t too_small(mi_interpreter_t *it)
{
#if MI_ENABLE_LOG
    mi_logf("arena too small: %u bytes available, at least %u needed", (unsigned)it->arena.size,
            (unsigned)it->arena.needed);
#else
    (void)it;
#endif
    return MI_ERR_ARENA_TOO_SMALL;
}

/* Called from every phase: kept out of line, it is flash the single-subgraph models pay for. */
#if defined(__GNUC__)
#define MI_NOINLINE __attribute__((noinline))
#else
#define MI_NOINLINE
#endif

/* Point tensors/nodes/model at subgraph `s` (no-op for single-subgraph models). */
static MI_NOINLINE void use_graph(mi_interpreter_t *it, uint32_t s)
{
    uint32_t k;
    if (!MI_ENABLE_SUBGRAPHS || !it->graphs) return;
    it->current_graph = s;
    it->tensors = it->graphs[s].tensors;
    it->nodes = it->graphs[s].nodes;
    it->num_tensors = it->graphs[s].num_tensors;
    it->num_nodes = it->graphs[s].num_nodes;
    it->node_base = 0;
    for (k = 0; k < s; k++) it->node_base += it->graphs[k].num_nodes;
    (void)mi_model_select(&it->model, s); /* validated by mi_model_init */
}

/* How many mi_graph_t the phases walk: 1 for a single-subgraph model (and always,
 * without MI_ENABLE_SUBGRAPHS, so the compiler drops the multi-subgraph code). */
static uint32_t graph_count(const mi_interpreter_t *it)
{
    return MI_ENABLE_SUBGRAPHS && it->graphs ? it->num_graphs : 1u;
}

/* Tensor and node tables, then variable tensors, all in the tail: for every subgraph in
 * turn, after the graph table when there are several. */
static mi_status_t build_graph_tables(mi_interpreter_t *it);

static mi_status_t build_tables(mi_interpreter_t *it)
{
    uint32_t s, n;
    if (!MI_ENABLE_SUBGRAPHS) return build_graph_tables(it);
    n = mi_model_num_subgraphs(&it->model);
    if (n == 1) return build_graph_tables(it);
    it->graphs = (mi_graph_t *)mi_arena_alloc_persistent(&it->arena, (uint32_t)(n * sizeof(mi_graph_t)), 0);
    if (!it->graphs) return too_small(it);
    memset(it->graphs, 0, n * sizeof(mi_graph_t));
    it->num_graphs = n;
    for (s = 0; s < n; s++) {
        mi_graph_t *g = &it->graphs[s];
        TRY(mi_model_select(&it->model, s));
        it->num_tensors = it->model.tensors.count;
        it->num_nodes = it->model.operators.count;
        TRY(build_graph_tables(it));
        g->tensors = it->tensors;
        g->nodes = it->nodes;
        g->num_tensors = it->num_tensors;
        g->num_nodes = it->num_nodes;
    }
    use_graph(it, 0);
    return MI_OK;
}

static mi_status_t build_graph_tables(mi_interpreter_t *it)
{
    uint32_t i;
    it->tensors = (mi_tensor_t *)mi_arena_alloc_persistent(
        &it->arena, (uint32_t)(it->num_tensors * sizeof(mi_tensor_t)), 0);
    if (!it->tensors) return too_small(it); /* (0 bytes never fail) */
    it->nodes = (mi_node_t *)mi_arena_alloc_persistent(&it->arena, (uint32_t)(it->num_nodes * sizeof(mi_node_t)),
                                                       0);
    if (!it->nodes) return too_small(it);
    /* a VAR_HANDLE's outputs point at the resource id in its op data (mi_var_handle.c,
     * TFLM's): never planned, as memory/requests.py */
    for (i = 0; MI_ENABLE_VARIABLES && i < it->num_nodes; i++) {
        mi_op_info_t op;
        uint32_t k;
        if (mi_model_op(&it->model, i, &op) != MI_OK || op.builtin_code != MI_OP_VAR_HANDLE) continue;
        for (k = 0; k < op.outputs.count; k++) {
            const int32_t t = mi_model_i32(&it->model, op.outputs, k);
            if (t >= 0 && (uint32_t)t < it->num_tensors) it->tensors[t].flags = MI_TENSOR_BOUND;
        }
    }
    for (i = 0; i < it->num_tensors; i++) {
        mi_tensor_info_t info;
        mi_tensor_t *t = &it->tensors[i];
        TRY(mi_model_tensor(&it->model, i, &info));
        t->type = info.type;
        t->bytes = info.bytes;
        int constant = info.data != NULL && !info.is_variable;
        if (!constant && info.bytes == 0 && mi_type_size(info.type) == 0 && info.type != MI_TYPE_STRING) {
#if MI_ENABLE_LOG
            mi_logf("tensor %u has unsupported type %u", (unsigned)i, (unsigned)info.type);
#endif
            return MI_ERR_UNSUPPORTED_TYPE;
        }
        if (t->flags == MI_TENSOR_BOUND) {
            continue; /* a VAR_HANDLE output, above */
        } else if (info.is_variable) {
            if (!MI_ENABLE_VARIABLES) return MI_ERR_UNSUPPORTED_TYPE; /* built without them */
            /* state: persistent and cleared on reset, buffer data or not (as TFLM) */
            t->flags = MI_TENSOR_VARIABLE;
        } else if (constant) {
            t->flags = MI_TENSOR_CONSTANT;
            t->data = (void *)(uintptr_t)info.data; /* kernels only read inputs */
        } else if (info.bytes > 0) {
            if (it->num_planned > 0xFFFFu) return MI_ERR_MODEL_TOO_LARGE; /* 16-bit plan indices */
            t->flags = MI_TENSOR_PLANNED;
            t->plan_index = (uint16_t)it->num_planned++;
        }
    }
    /* variable (state) tensors first in the tail, MI_BUFFER_ALIGN each, like
     * interpreter.py's persistent region */
    for (i = 0; MI_ENABLE_VARIABLES && i < it->num_tensors; i++) {
        mi_tensor_t *t = &it->tensors[i];
        if (t->flags != MI_TENSOR_VARIABLE) continue;
        t->data = mi_arena_alloc_persistent(&it->arena, mi_align_up(t->bytes, MI_BUFFER_ALIGN), MI_BUFFER_ALIGN);
        if (!t->data) return too_small(it);
    }
    return MI_OK;
}

static void log_op(const mi_interpreter_t *it, uint32_t index, const mi_op_info_t *op, const char *what,
                   mi_status_t s)
{
#if MI_ENABLE_LOG
    if (op->builtin_code == MI_OP_CUSTOM) {
        char name[48];
        uint32_t n = op->custom_code.count < sizeof name - 1u ? op->custom_code.count : (uint32_t)sizeof name - 1u;
        memcpy(name, it->model.data + op->custom_code.pos, n);
        name[n] = '\0';
        mi_logf("operator %u (CUSTOM:%s): %s: %s", (unsigned)index, name, what, mi_status_str(s));
    } else {
        mi_logf("operator %u (%s, code %d): %s: %s", (unsigned)index, mi_op_name(op->builtin_code),
                (int)op->builtin_code, what, mi_status_str(s));
    }
#else
    (void)it; (void)index; (void)op; (void)what; (void)s;
#endif
}

/* Every op gets a registration; all missing ops are reported before failing. */
static mi_status_t resolve_graph(mi_interpreter_t *it)
{
    uint32_t i;
    mi_status_t result = MI_OK;
    for (i = 0; i < it->num_nodes; i++) {
        mi_op_info_t op;
        mi_node_t *node = &it->nodes[i];
        TRY(mi_model_op(&it->model, i, &op));
        node->inputs = op.inputs;
        node->outputs = op.outputs;
        node->registration = mi_resolver_find(it->resolver, &it->model, &op);
        if (!node->registration) {
            log_op(it, i, &op, "no kernel", MI_ERR_UNSUPPORTED_OP);
            if (result == MI_OK) it->failed_op = (int32_t)i;
            result = MI_ERR_UNSUPPORTED_OP;
        }
    }
    return result;
}

static mi_status_t resolve(mi_interpreter_t *it)
{
    uint32_t s, n = graph_count(it);
    mi_status_t result = MI_OK;
    for (s = 0; s < n; s++) {
        mi_status_t r;
        use_graph(it, s);
        r = resolve_graph(it);
        if (result == MI_OK) result = r;
    }
    use_graph(it, 0);
    return result;
}

static mi_status_t prepare_graph(mi_interpreter_t *it);

/* TFLM's PrepareSubgraphs: subgraph by subgraph, operator by operator. */
static mi_status_t prepare(mi_interpreter_t *it)
{
    uint32_t s, n = graph_count(it);
    for (s = 0; s < n; s++) {
        use_graph(it, s);
        TRY(prepare_graph(it));
    }
    use_graph(it, 0);
    return MI_OK;
}

static mi_status_t prepare_graph(mi_interpreter_t *it)
{
    uint32_t i;
    for (i = 0; i < it->num_nodes; i++) {
        mi_op_info_t op;
        mi_options_t options;
        mi_node_t *node = &it->nodes[i];
        mi_status_t s;
        TRY(mi_model_op(&it->model, i, &op));
        s = mi_model_options(&it->model, &op, &options);
        it->current_op = (int32_t)i;
        if (s == MI_OK && node->registration->op_data_size) {
            /* TFLM's init(): the op data, zero-filled, before prepare fills it */
            node->op_data = mi_arena_alloc_persistent(&it->arena, node->registration->op_data_size, 0);
            if (!node->op_data) s = MI_ERR_ARENA_TOO_SMALL;
        }
        if (s == MI_OK) s = node->registration->prepare(it, node, &options);
        it->current_op = -1;
        if (s != MI_OK) {
            it->failed_op = (int32_t)i;
            if (s == MI_ERR_ARENA_TOO_SMALL) return too_small(it);
            log_op(it, i, &op, "prepare failed", s);
            return s;
        }
    }
    return MI_OK;
}

/* memory/planner.py graph_lifetimes (TFLM's MarkAllocationLifetimes), for the planned
 * tensors and the scratch buffers: a subgraph's inputs are created when it is entered,
 * each operator advances the scope, creates its outputs, walks the subgraphs it calls
 * (one scope further each), then uses its inputs and outputs; the subgraph's outputs
 * live to its end. With one subgraph: inputs at 0, operator i at i + 1. The recursion
 * is bounded by mi_model_init's MI_MAX_SUBGRAPH_DEPTH check. */
static mi_plan_buffer_t *plan_of(const mi_tensor_t *tensors, uint32_t num_tensors, mi_plan_buffer_t *buffers,
                                 int32_t t)
{
    if (t < 0 || (uint32_t)t >= num_tensors || tensors[t].flags != MI_TENSOR_PLANNED) return NULL;
    return &buffers[tensors[t].plan_index];
}

/* One subgraph's tensors, as the walk sees them. */
typedef struct walk_graph {
    const mi_model_t *model;
    const mi_tensor_t *tensors;
    uint32_t num_tensors;
    mi_plan_buffer_t *buffers;
} walk_graph_t;

/* The one vector walk of the lifetimes: every planned tensor of `v` is created at
 * `first` unless it already was (first < 0: not now) and used at `last` (< 0: not now). */
static void touch(const walk_graph_t *w, mi_vec_t v, int32_t first, int32_t last)
{
    uint32_t k;
    for (k = 0; k < v.count; k++) {
        mi_plan_buffer_t *b = plan_of(w->tensors, w->num_tensors, w->buffers, mi_model_i32(w->model, v, k));
        if (!b) continue;
        if (first >= 0 && b->first_use == -1) b->first_use = first;
        if (last >= 0) b->last_use = last;
    }
}

static void graph_walk(const mi_interpreter_t *it, mi_plan_buffer_t *buffers, uint32_t first_scratch, uint32_t s,
                       int32_t *scope)
{
    mi_model_t m;
    const mi_graph_t *g = MI_ENABLE_SUBGRAPHS && it->graphs ? &it->graphs[s] : NULL;
    const mi_node_t *nodes = g ? g->nodes : it->nodes;
    uint32_t num_nodes = g ? g->num_nodes : it->num_nodes;
    uint32_t i, k, base = 0;
    walk_graph_t w;
    mi_scratch_t *sc;
    w.model = &it->model; /* subgraph 0, selected */
    w.tensors = g ? g->tensors : it->tensors;
    w.num_tensors = g ? g->num_tensors : it->num_tensors;
    w.buffers = buffers;
    if (g) {
        m = it->model;
        (void)mi_model_select(&m, s);
        w.model = &m;
        for (k = 0; k < s; k++) base += it->graphs[k].num_nodes;
    }
    touch(&w, w.model->inputs, *scope, *scope);
    for (i = 0; i < num_nodes; i++) {
        const mi_node_t *node = &nodes[i];
        mi_op_info_t op;
        int32_t calls[2], start;
        uint32_t n = 0;
        start = ++*scope;
        touch(&w, node->outputs, start, -1);
        if (g && mi_model_op(w.model, i, &op) == MI_OK) n = mi_model_op_calls(w.model, &op, calls);
        for (k = 0; k < n; k++) {
            *scope += 1;
            graph_walk(it, buffers, first_scratch, (uint32_t)calls[k], scope);
        }
        touch(&w, node->inputs, -1, *scope);
        touch(&w, node->outputs, -1, *scope);
        for (sc = it->scratch_first, k = first_scratch; sc; sc = sc->next, k++) {
            if (sc->node != base + i) continue;
            if (buffers[k].first_use == -1) buffers[k].first_use = start;
            buffers[k].last_use = *scope;
        }
    }
    /* the main subgraph's outputs are read after the invoke: one step more, so no
     * output of the last operator may overlap one of them (firmware_arena.py
     * head_requests) */
    touch(&w, w.model->outputs, *scope, *scope + (MI_ENABLE_OVERLAP && s == 0));
}

static uint32_t total_tensors(const mi_interpreter_t *it)
{
    uint32_t s, n = 0;
    if (graph_count(it) == 1u) return it->num_tensors;
    for (s = 0; s < it->num_graphs; s++) n += it->graphs[s].num_tensors;
    return n;
}

/* TFLM's OfflineMemoryAllocation metadata: int32 [version 0, subgraphs, n,
 * offset per tensor of every subgraph (main first), -1 = plan online].
 * Returns the position of tensor 0's offset, 0 when the model has no plan. */
static mi_status_t offline_plan(const mi_interpreter_t *it, const uint8_t **offsets)
{
    const uint8_t *data;
    uint32_t size, n;
    mi_status_t s;
    *offsets = NULL;
    if (!MI_ENABLE_METADATA) return MI_OK; /* mi_model_init refused a model with one */
    s = mi_model_metadata(&it->model, MI_OFFLINE_PLAN_NAME, &data, &size);
    if (s == MI_ERR_BAD_INDEX) return MI_OK;
    if (s != MI_OK) return s;
    if (size < 12 || size % 4) return MI_ERR_MODEL_INVALID;
    n = (uint32_t)data[8] | ((uint32_t)data[9] << 8) | ((uint32_t)data[10] << 16) | ((uint32_t)data[11] << 24);
    if (n != size / 4 - 3 || n < total_tensors(it)) return MI_ERR_MODEL_INVALID;
    *offsets = data + 12;
    return MI_OK;
}

static int32_t offline_offset(const uint8_t *offsets, uint32_t t)
{
    const uint8_t *p = offsets + 4u * t;
    uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + (-2147483647 - 1) : (int32_t)u;
}

/* For a model that opts into outputs over dying inputs (a MI_OVERLAP_NAME metadata
 * entry, memory/overlap.py with_overlap: they cost the image the code that plans
 * them): the plan's tensor entries (plan indices 0..num_planned), at the head before
 * prepare and reserved there (the head is set over them), so that a kernel's prepare
 * can mark the input its output may overlap (mi_allow_overlap); plan_and_bind appends
 * the scratch entries and the work lists to them at the same place. All bytes 0xFF:
 * every field -1 (no lifetime, online, no overlap) until set. */
static mi_status_t begin_plan(mi_interpreter_t *it)
{
    const uint32_t bytes = it->num_planned * (uint32_t)sizeof(mi_plan_buffer_t);
    const uint8_t *entry;
    uint32_t entry_bytes;
    void *buffers;
    if (mi_model_metadata(&it->model, MI_OVERLAP_NAME, &entry, &entry_bytes) != MI_OK) return MI_OK;
    buffers = mi_arena_alloc_temp(&it->arena, bytes);
    if (!buffers || mi_arena_set_head(&it->arena, bytes) != MI_OK) return too_small(it);
    memset(buffers, 0xFF, bytes);
    it->overlap = 1;
    return MI_OK;
}

void mi_allow_overlap(mi_context_t *ctx, const mi_node_t *node, uint32_t input, uint32_t distance)
{
    mi_plan_buffer_t *buffers = (mi_plan_buffer_t *)(void *)ctx->arena.base; /* begin_plan's */
    const int32_t x = mi_node_input_index(ctx, node, input), y = mi_node_output_index(ctx, node, 0);
    /* (memory/firmware_arena.py _overlapping) one subgraph, two planned tensors; the
     * planner applies it only if x dies where y is created (a graph output lives one
     * step longer: graph_walk) */
    if (!MI_ENABLE_OVERLAP || !ctx->overlap || (MI_ENABLE_SUBGRAPHS && ctx->graphs) ||
        (ctx->tensors[x].flags & ctx->tensors[y].flags) != MI_TENSOR_PLANNED)
        return;
    buffers += ctx->tensors[y].plan_index;
    buffers->overlaps = ctx->tensors[x].plan_index;
    buffers->distance = (int32_t)mi_align_up(distance, MI_BUFFER_ALIGN);
}

/* Requests in interpreter.py's order (planned tensors subgraph by subgraph by index,
 * then scratch by node), greedy plan, head = plan size rounded up, then bind pointers. */
static mi_status_t plan_and_bind(mi_interpreter_t *it)
{
    uint32_t i, s, n_tensors, count, plan_size = 0, bytes, base = 0;
    uint32_t n_graphs = graph_count(it);
    int32_t scope = 0;
    mi_plan_buffer_t *buffers;
    mi_scratch_t *sc;
    const uint8_t *offline;
    TRY(offline_plan(it, &offline));
    n_tensors = it->num_planned; /* plan indices given by build_graph_tables, subgraph by subgraph */
    count = n_tensors + it->num_scratch;
    bytes = mi_align_up(count * (uint32_t)sizeof(mi_plan_buffer_t) + MI_PLAN_WORK_BYTES(count), MI_BUFFER_ALIGN);
    buffers = (mi_plan_buffer_t *)mi_arena_alloc_temp(&it->arena, bytes);
    if (!buffers) return too_small(it);
    /* every field -1 (no lifetime, online, no overlap) until set; the tensors' entries
     * are begin_plan's already (with prepare's overlaps) */
    i = MI_ENABLE_OVERLAP && it->overlap ? n_tensors : 0;
    memset(buffers + i, 0xFF, (count - i) * (uint32_t)sizeof(mi_plan_buffer_t));
    for (s = 0; s < n_graphs; s++) {
        use_graph(it, s);
        for (i = 0; i < it->num_tensors; i++) {
            const mi_tensor_t *t = &it->tensors[i];
            if (t->flags != MI_TENSOR_PLANNED) continue;
            buffers[t->plan_index].size = (int32_t)mi_align_up(t->bytes, MI_BUFFER_ALIGN);
            if (offline) {
                /* an offline offset pins the tensor (the planner keeps it there) */
                int32_t at = offline_offset(offline, base + i);
                if (at < MI_PLAN_ONLINE || (at >= 0 && at % 4)) return MI_ERR_MODEL_INVALID;
                buffers[t->plan_index].offset = at;
            }
        }
        base += it->num_tensors;
    }
    for (sc = it->scratch_first, i = n_tensors; sc; sc = sc->next, i++)
        buffers[i].size = (int32_t)mi_align_up(sc->bytes, MI_BUFFER_ALIGN);
    use_graph(it, 0);
    graph_walk(it, buffers, n_tensors, 0, &scope);
    TRY(mi_plan_greedy(buffers, count, (int32_t *)(void *)(buffers + count), &plan_size));
    if (mi_arena_set_head(&it->arena, mi_align_up(plan_size, MI_BUFFER_ALIGN)) != MI_OK) return too_small(it);
    /* bind: the work lists at the head are read before any tensor is written */
    for (s = 0; s < n_graphs; s++) {
        use_graph(it, s);
        for (i = 0; i < it->num_tensors; i++) {
            mi_tensor_t *t = &it->tensors[i];
            if (t->flags == MI_TENSOR_PLANNED) {
                t->data = it->arena.base + buffers[t->plan_index].offset;
            } else if (t->flags == 0) {
                t->data = it->arena.base; /* zero bytes: any valid pointer */
            }
        }
    }
    use_graph(it, 0);
    for (sc = it->scratch_first, i = n_tensors; sc; sc = sc->next, i++) sc->offset = (uint32_t)buffers[i].offset;
    return MI_OK;
}

mi_status_t mi_interpreter_allocate(mi_interpreter_t *it)
{
    mi_status_t s;
    if (!it) return MI_ERR_NULL_ARG;
    if (it->state != STATE_INITIALIZED) return MI_ERR_BAD_STATE;
    it->state = STATE_PREPARING;
    s = build_tables(it);
    if (s == MI_OK) s = resolve(it);
    if (MI_ENABLE_OVERLAP && MI_ENABLE_METADATA && s == MI_OK) s = begin_plan(it);
    if (s == MI_OK) s = prepare(it);
    if (s == MI_OK) s = plan_and_bind(it);
    if (s != MI_OK) {
        it->state = STATE_FAILED;
        return s;
    }
    /* the planned head starts zeroed, as the Python interpreter's arena does (the
     * planner's work lists were there): an output an op leaves unwritten
     * (SignalFramer, SignalStacker before their first whole frame) reads the same */
    memset(it->arena.base, 0, it->arena.head);
    it->state = STATE_READY;
    return mi_interpreter_reset(it);
}

/* ------------------------------------------------------------------ kernel context */

uint32_t mi_node_num_inputs(const mi_node_t *node) { return node->inputs.count; }
uint32_t mi_node_num_outputs(const mi_node_t *node) { return node->outputs.count; }

int32_t mi_node_input_index(const mi_context_t *ctx, const mi_node_t *node, uint32_t i)
{
    int32_t t = mi_model_i32(&ctx->model, node->inputs, i);
    return t < 0 ? -1 : t;
}

int32_t mi_node_output_index(const mi_context_t *ctx, const mi_node_t *node, uint32_t i)
{
    int32_t t = mi_model_i32(&ctx->model, node->outputs, i);
    return t < 0 ? -1 : t;
}

mi_status_t mi_node_input_info(const mi_context_t *ctx, const mi_node_t *node, uint32_t i, mi_tensor_info_t *info)
{
    int32_t t = mi_node_input_index(ctx, node, i);
    if (t < 0) return MI_ERR_BAD_INDEX;
    return mi_model_tensor(&ctx->model, (uint32_t)t, info);
}

mi_status_t mi_node_output_info(const mi_context_t *ctx, const mi_node_t *node, uint32_t i,
                                mi_tensor_info_t *info)
{
    int32_t t = mi_node_output_index(ctx, node, i);
    if (t < 0) return MI_ERR_BAD_INDEX;
    return mi_model_tensor(&ctx->model, (uint32_t)t, info);
}

float mi_info_scale(const mi_context_t *ctx, const mi_tensor_info_t *info, uint32_t channel)
{
    return mi_model_scale(&ctx->model, info, channel);
}

int32_t mi_info_zero_point(const mi_context_t *ctx, const mi_tensor_info_t *info, uint32_t channel)
{
    return mi_model_zero_point(&ctx->model, info, channel);
}

void *mi_alloc_persistent(mi_context_t *ctx, size_t bytes)
{
    if (ctx->state != STATE_PREPARING || bytes > 0x7FFFFFF0u) return NULL;
    return mi_arena_alloc_persistent(&ctx->arena, (uint32_t)bytes, 0);
}

void *mi_alloc_state(mi_context_t *ctx, mi_state_t *link, size_t bytes)
{
    void *data;
    if (!link) return NULL;
    data = mi_alloc_persistent(ctx, bytes);
    if (!data) return NULL;
    link->data = data;
    link->bytes = (uint32_t)bytes;
    link->next = ctx->state_first;
    ctx->state_first = link;
    return data;
}

mi_status_t mi_request_scratch(mi_context_t *ctx, uint32_t bytes, mi_scratch_t **handle)
{
    mi_scratch_t *sc;
    if (!handle) return MI_ERR_NULL_ARG;
    *handle = NULL;
    if (ctx->state != STATE_PREPARING || ctx->current_op < 0) return MI_ERR_BAD_STATE;
    sc = (mi_scratch_t *)mi_arena_alloc_persistent(&ctx->arena, (uint32_t)sizeof *sc, 0);
    if (!sc) return MI_ERR_ARENA_TOO_SMALL;
    sc->bytes = bytes;
    sc->node = ctx->node_base + (uint32_t)ctx->current_op;
    if (ctx->scratch_last) ctx->scratch_last->next = sc;
    else ctx->scratch_first = sc;
    ctx->scratch_last = sc;
    ctx->num_scratch++;
    *handle = sc;
    return MI_OK;
}

const void *mi_node_input_data(const mi_context_t *ctx, const mi_node_t *node, uint32_t i)
{
    int32_t t = mi_node_input_index(ctx, node, i);
    return t < 0 ? NULL : ctx->tensors[t].data;
}

void *mi_node_output_data(const mi_context_t *ctx, const mi_node_t *node, uint32_t i)
{
    int32_t t = mi_node_output_index(ctx, node, i);
    return t < 0 ? NULL : ctx->tensors[t].data;
}

void *mi_scratch_data(const mi_context_t *ctx, const mi_scratch_t *scratch)
{
    return ctx->arena.base + scratch->offset;
}

uint32_t mi_subgraph_count(const mi_context_t *ctx) { return mi_model_num_subgraphs(&ctx->model); }

uint32_t mi_subgraph_num_io(const mi_context_t *ctx, uint32_t s, int outputs)
{
    mi_model_t m = ctx->model;
    if (mi_model_select(&m, s) != MI_OK) return 0;
    return outputs ? m.outputs.count : m.inputs.count;
}

static int32_t subgraph_io_index(const mi_model_t *m, int outputs, uint32_t k)
{
    mi_vec_t v = outputs ? m->outputs : m->inputs;
    return k < v.count ? mi_model_i32(m, v, k) : -1;
}

mi_status_t mi_subgraph_io_info(const mi_context_t *ctx, uint32_t s, int outputs, uint32_t k,
                                mi_tensor_info_t *info)
{
    mi_model_t m = ctx->model;
    int32_t t;
    TRY(mi_model_select(&m, s));
    t = subgraph_io_index(&m, outputs, k);
    if (t < 0) return MI_ERR_BAD_INDEX;
    return mi_model_tensor(&m, (uint32_t)t, info);
}

void *mi_subgraph_io_data(const mi_context_t *ctx, uint32_t s, int outputs, uint32_t k)
{
    mi_model_t m = ctx->model;
    int32_t t;
    if (!ctx->graphs || s >= ctx->num_graphs || mi_model_select(&m, s) != MI_OK) return NULL;
    t = subgraph_io_index(&m, outputs, k);
    if (t < 0 || (uint32_t)t >= ctx->graphs[s].num_tensors) return NULL;
    return ctx->graphs[s].tensors[t].data;
}

uint32_t mi_list_count(const mi_context_t *ctx, mi_tensor_list_t list)
{
    uint32_t n;
    if (!list.node) return mi_subgraph_num_io(ctx, list.subgraph, list.outputs);
    n = list.outputs ? list.node->outputs.count : list.node->inputs.count;
    return n > list.first ? n - list.first : 0;
}

static mi_status_t list_info(const mi_context_t *ctx, mi_tensor_list_t list, uint32_t k, mi_tensor_info_t *info)
{
    if (!list.node) return mi_subgraph_io_info(ctx, list.subgraph, list.outputs, k, info);
    return list.outputs ? mi_node_output_info(ctx, list.node, list.first + k, info)
                        : mi_node_input_info(ctx, list.node, list.first + k, info);
}

/* The runtime tensor behind element `k` of `list` (NULL if out of range). */
static const mi_tensor_t *list_tensor(const mi_context_t *ctx, mi_tensor_list_t list, uint32_t k)
{
    mi_model_t m = ctx->model;
    const mi_tensor_t *tensors = ctx->tensors;
    uint32_t num = ctx->num_tensors;
    int32_t t;
    if (list.node) {
        t = list.outputs ? mi_node_output_index(ctx, list.node, list.first + k)
                         : mi_node_input_index(ctx, list.node, list.first + k);
    } else {
        if (!ctx->graphs || list.subgraph >= ctx->num_graphs || mi_model_select(&m, list.subgraph) != MI_OK)
            return NULL;
        t = subgraph_io_index(&m, list.outputs, k);
        tensors = ctx->graphs[list.subgraph].tensors;
        num = ctx->graphs[list.subgraph].num_tensors;
    }
    return t < 0 || (uint32_t)t >= num ? NULL : &tensors[t];
}

mi_status_t mi_check_copies(const mi_context_t *ctx, mi_tensor_list_t src, mi_tensor_list_t dst)
{
    uint32_t k, n = mi_list_count(ctx, src);
    if (n != mi_list_count(ctx, dst)) return MI_ERR_BAD_PARAM;
    for (k = 0; k < n; k++) {
        mi_tensor_info_t a, b;
        if (list_info(ctx, src, k, &a) != MI_OK || list_info(ctx, dst, k, &b) != MI_OK) return MI_ERR_BAD_PARAM;
        if (a.type != b.type || a.bytes != b.bytes) return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

void mi_copy_tensors(const mi_context_t *ctx, mi_tensor_list_t dst, mi_tensor_list_t src)
{
    uint32_t k, n = mi_list_count(ctx, src);
    for (k = 0; k < n; k++) {
        const mi_tensor_t *to = list_tensor(ctx, dst, k), *from = list_tensor(ctx, src, k);
        /* byte lengths checked equal in prepare */
        if (to && from && to->data != from->data && from->bytes) memcpy(to->data, from->data, from->bytes);
    }
}

/* ------------------------------------------------------------------ running */

mi_status_t mi_interpreter_invoke(mi_interpreter_t *it)
{
    uint32_t i;
    if (!it) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    it->end_invoke = 0;
    for (i = 0; i < it->num_nodes && !it->end_invoke; i++) {
        const mi_node_t *node = &it->nodes[i];
        mi_status_t s;
        it->current_op = (int32_t)i;
        s = node->registration->invoke(it, node);
        it->current_op = -1;
        if (s != MI_OK) {
            it->failed_op = (int32_t)i;
#if MI_ENABLE_LOG
            mi_logf("operator %u (%s): invoke failed: %s", (unsigned)i, node->registration->name,
                    mi_status_str(s));
#endif
            return s;
        }
#if MI_ENABLE_OP_HOOK
        if (it->op_hook) it->op_hook(it->op_hook_user, it, i);
#endif
    }
    return MI_OK;
}

void mi_end_invoke(mi_context_t *ctx) { ctx->end_invoke = 1; }

/* TFLM's MicroGraph::InvokeSubgraph: run subgraph `s`'s operators, then point the
 * interpreter back at the subgraph that called it. */
mi_status_t mi_invoke_subgraph(mi_context_t *ctx, uint32_t s)
{
    uint32_t i, caller = ctx->current_graph;
    int32_t caller_op = ctx->current_op;
    mi_status_t result = MI_OK;
    if (!MI_ENABLE_SUBGRAPHS || !ctx->graphs || s >= ctx->num_graphs) return MI_ERR_BAD_INDEX;
    use_graph(ctx, s);
    for (i = 0; i < ctx->num_nodes; i++) {
        const mi_node_t *node = &ctx->nodes[i];
        ctx->current_op = (int32_t)i;
        result = node->registration->invoke(ctx, node);
        if (result != MI_OK) {
#if MI_ENABLE_LOG
            mi_logf("subgraph %u operator %u (%s): invoke failed: %s", (unsigned)s, (unsigned)i,
                    node->registration->name, mi_status_str(result));
#endif
            break;
        }
    }
    use_graph(ctx, caller);
    ctx->current_op = caller_op;
    return result;
}

static mi_status_t reset_graph(mi_interpreter_t *it);

mi_status_t mi_interpreter_reset(mi_interpreter_t *it)
{
    uint32_t s, n;
    mi_state_t *st;
    if (!it) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    n = graph_count(it);
    for (s = 0; MI_ENABLE_VARIABLES && s < n; s++) {
        mi_status_t r;
        use_graph(it, s);
        r = reset_graph(it);
        if (r != MI_OK) {
            use_graph(it, 0);
            return r;
        }
    }
    use_graph(it, 0);
    for (st = it->state_first; st; st = st->next) memset(st->data, (int)st->fill, st->bytes);
    return MI_OK;
}

static mi_status_t reset_graph(mi_interpreter_t *it)
{
    uint32_t i;
    for (i = 0; i < it->num_tensors; i++) {
        mi_tensor_t *t = &it->tensors[i];
        mi_tensor_info_t info;
        int value = 0;
        if (t->flags != MI_TENSOR_VARIABLE) continue;
        TRY(mi_model_tensor(&it->model, i, &info));
        /* int8 state starts at its zero point, anything else at 0 (interpreter.py reset) */
        if (info.type == MI_TYPE_INT8 && info.scales.count)
            value = (int)(mi_model_zero_point(&it->model, &info, 0) & 0xFF);
        memset(t->data, value, t->bytes);
    }
    return MI_OK;
}

/* ------------------------------------------------------------------ inputs / outputs */

uint32_t mi_interpreter_num_inputs(const mi_interpreter_t *it) { return it ? it->model.inputs.count : 0; }
uint32_t mi_interpreter_num_outputs(const mi_interpreter_t *it) { return it ? it->model.outputs.count : 0; }

static mi_tensor_t *io_tensor(const mi_interpreter_t *it, mi_vec_t vec, uint32_t index)
{
    int32_t t;
    if (!it || it->state != STATE_READY || index >= vec.count) return NULL;
    t = mi_model_i32(&it->model, vec, index);
    if (t < 0 || (uint32_t)t >= it->num_tensors) return NULL;
    return &it->tensors[t];
}

mi_status_t mi_interpreter_set_input(mi_interpreter_t *it, uint32_t index, const void *data, size_t bytes)
{
    mi_tensor_t *t;
    if (!it || !data) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    t = io_tensor(it, it->model.inputs, index);
    if (!t || (t->flags & MI_TENSOR_CONSTANT)) return MI_ERR_BAD_INDEX;
    if (bytes != t->bytes) return MI_ERR_BAD_SIZE;
    if (bytes) memcpy(t->data, data, bytes);
    return MI_OK;
}

void *mi_interpreter_input_data(mi_interpreter_t *it, uint32_t index, size_t *bytes)
{
    mi_tensor_t *t = it ? io_tensor(it, it->model.inputs, index) : NULL;
    if (bytes) *bytes = t ? t->bytes : 0;
    return t && !(t->flags & MI_TENSOR_CONSTANT) ? t->data : NULL;
}

const void *mi_interpreter_output_data(const mi_interpreter_t *it, uint32_t index, size_t *bytes)
{
    const mi_tensor_t *t = it ? io_tensor(it, it->model.outputs, index) : NULL;
    if (bytes) *bytes = t ? t->bytes : 0;
    return t ? t->data : NULL;
}

static mi_status_t io_info(const mi_interpreter_t *it, mi_vec_t vec, uint32_t index, mi_tensor_info_t *info)
{
    int32_t t;
    if (!it || !info) return MI_ERR_NULL_ARG;
    if (it->state == STATE_EMPTY) return MI_ERR_BAD_STATE;
    if (index >= vec.count) return MI_ERR_BAD_INDEX;
    t = mi_model_i32(&it->model, vec, index);
    if (t < 0) return MI_ERR_BAD_INDEX;
    return mi_model_tensor(&it->model, (uint32_t)t, info);
}

mi_status_t mi_interpreter_input_info(const mi_interpreter_t *it, uint32_t index, mi_tensor_info_t *info)
{
    return io_info(it, it ? it->model.inputs : (mi_vec_t){0, 0}, index, info);
}

mi_status_t mi_interpreter_output_info(const mi_interpreter_t *it, uint32_t index, mi_tensor_info_t *info)
{
    return io_info(it, it ? it->model.outputs : (mi_vec_t){0, 0}, index, info);
}

mi_status_t mi_interpreter_get_output(const mi_interpreter_t *it, uint32_t index, void *data, size_t bytes)
{
    const mi_tensor_t *t;
    if (!it || !data) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    t = io_tensor(it, it->model.outputs, index);
    if (!t) return MI_ERR_BAD_INDEX;
    if (bytes != t->bytes) return MI_ERR_BAD_SIZE;
    if (bytes) memcpy(data, t->data, bytes);
    return MI_OK;
}

size_t mi_interpreter_arena_used_bytes(const mi_interpreter_t *it)
{
    return it ? mi_arena_used_bytes(&it->arena) : 0;
}

size_t mi_interpreter_arena_needed_bytes(const mi_interpreter_t *it)
{
    if (!it) return 0;
    return it->arena.needed > mi_arena_used_bytes(&it->arena) ? it->arena.needed : mi_arena_used_bytes(&it->arena);
}

mi_status_t mi_interpreter_tensor_offset(const mi_interpreter_t *it, uint32_t index, uint32_t *offset)
{
    if (!it || !offset) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    if (index >= it->num_tensors || it->tensors[index].flags != MI_TENSOR_PLANNED) return MI_ERR_BAD_INDEX;
    *offset = (uint32_t)((const uint8_t *)it->tensors[index].data - it->arena.base);
    return MI_OK;
}

int32_t mi_interpreter_failed_op(const mi_interpreter_t *it) { return it ? it->failed_op : -1; }

uint32_t mi_interpreter_num_ops(const mi_interpreter_t *it) { return it ? it->num_nodes : 0; }

uint32_t mi_interpreter_op_num_outputs(const mi_interpreter_t *it, uint32_t op)
{
    if (!it || it->state != STATE_READY || op >= it->num_nodes) return 0;
    return it->nodes[op].outputs.count;
}

mi_status_t mi_interpreter_op_output(const mi_interpreter_t *it, uint32_t op, uint32_t k, const void **data,
                                     size_t *bytes, int32_t *tensor_index)
{
    const mi_tensor_t *t;
    if (!it || !data || !bytes) return MI_ERR_NULL_ARG;
    if (it->state != STATE_READY) return MI_ERR_BAD_STATE;
    t = op < it->num_nodes ? io_tensor(it, it->nodes[op].outputs, k) : NULL;
    if (!t) return MI_ERR_BAD_INDEX;
    *data = t->data;
    *bytes = t->bytes;
    if (tensor_index) *tensor_index = (int32_t)(t - it->tensors);
    return MI_OK;
}

#if MI_ENABLE_OP_HOOK
void mi_interpreter_set_op_hook(mi_interpreter_t *it, mi_op_hook_t hook, void *user)
{
    if (!it) return;
    it->op_hook = hook;
    it->op_hook_user = user;
}
#endif
