/* mi_runner: run a model on input vectors read from a file and write every
 * output (and optionally every operator's outputs) to files, so that the
 * Python side can compare them byte for byte with microinterp.Interpreter.
 *
 *   mi_runner [--model PATH] --inputs PATH --outputs PATH [--dump PATH]
 *             [--arena BYTES] [--plan] [--sizes]
 *
 * Files are raw bytes, no header:
 *   inputs : for each vector, each model input's bytes in input order;
 *   outputs: for each vector, each model output's bytes in output order;
 *   dump   : for each vector, for each operator in order, each of its
 *            output tensors' bytes (written right after the operator ran).
 * Console lines start with "mi: " and are key=value pairs (see fw/runner.py).
 * All I/O goes through mi_runner_port.h, so a semihosting port runs the same
 * code inside an emulator. No malloc: the model (when not linked into the
 * image) and the arena are static buffers. */
#include <string.h>

#include "mi/mi_interpreter.h"
#include "mi/mi_kernels.h"
#include "mi/mi_port.h"
#include "mi_runner_port.h"

#ifndef MI_RUNNER_ARENA_BYTES
#define MI_RUNNER_ARENA_BYTES (8u * 1024u * 1024u)
#endif
#ifndef MI_RUNNER_MODEL_BYTES
#define MI_RUNNER_MODEL_BYTES (4u * 1024u * 1024u) /* 0: the model must be linked in */
#endif

/* Exit codes (mirrored in src/microinterp/fw/runner.py). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 2,
    EXIT_IO = 3,
    EXIT_MODEL = 4,
    EXIT_ALLOCATE = 5,
    EXIT_INVOKE = 6,
    EXIT_INPUT_SIZE = 7
};

static uint8_t arena[MI_RUNNER_ARENA_BYTES] __attribute__((aligned(16)));
#if MI_RUNNER_MODEL_BYTES > 0
static uint8_t model_buffer[MI_RUNNER_MODEL_BYTES] __attribute__((aligned(16)));
#endif
static mi_interpreter_t interpreter;

/* ------------------------------------------------------------------ console lines */

typedef struct line {
    char text[200];
    unsigned n;
} line_t;

static void add_str(line_t *l, const char *s)
{
    while (s && *s && l->n + 1u < sizeof l->text) l->text[l->n++] = *s++;
    l->text[l->n] = '\0';
}

static void add_uint(line_t *l, unsigned long v)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v && k < (int)sizeof digits);
    while (k && l->n + 1u < sizeof l->text) l->text[l->n++] = digits[--k];
    l->text[l->n] = '\0';
}

static void add_int(line_t *l, long v)
{
    if (v < 0) {
        add_str(l, "-");
        add_uint(l, (unsigned long)(-(v + 1)) + 1u);
    } else {
        add_uint(l, (unsigned long)v);
    }
}

static void say_kv(const char *key, unsigned long value)
{
    line_t l = {{0}, 0};
    add_str(&l, "mi: ");
    add_str(&l, key);
    add_str(&l, "=");
    add_uint(&l, value);
    mi_rp_print(l.text);
}

static int fail(int code, const char *stage, mi_status_t status)
{
    line_t l = {{0}, 0};
    add_str(&l, "mi: error stage=");
    add_str(&l, stage);
    add_str(&l, " status=");
    add_uint(&l, (unsigned long)status);
    add_str(&l, " failed_op=");
    add_int(&l, (long)mi_interpreter_failed_op(&interpreter));
    add_str(&l, " message=");
    add_str(&l, mi_status_str(status));
    mi_rp_print(l.text);
    return code;
}

/* ------------------------------------------------------------------ I/O helpers */

/* Read exactly `len` bytes; returns len, 0 at a clean end of file, -1 otherwise. */
static long read_full(int h, void *buf, unsigned long len)
{
    unsigned long got = 0;
    while (got < len) {
        long r = mi_rp_read(h, (uint8_t *)buf + got, len - got);
        if (r < 0) return -1;
        if (r == 0) return got == 0 ? 0 : -1;
        got += (unsigned long)r;
    }
    return (long)len;
}

static int write_full(int h, const void *buf, unsigned long len)
{
    unsigned long done = 0;
    while (done < len) {
        long w = mi_rp_write(h, (const uint8_t *)buf + done, len - done);
        if (w <= 0) return -1;
        done += (unsigned long)w;
    }
    return 0;
}

static unsigned long parse_uint(const char *s, int *ok)
{
    unsigned long v = 0;
    *ok = s && *s;
    while (s && *s) {
        if (*s < '0' || *s > '9') {
            *ok = 0;
            break;
        }
        v = v * 10u + (unsigned long)(*s++ - '0');
    }
    return v;
}

/* ------------------------------------------------------------------ per-op dump */

typedef struct dump_state {
    int handle;
    int failed;
} dump_state_t;

#if MI_ENABLE_OP_HOOK
static void dump_op(void *user, const mi_interpreter_t *it, uint32_t op)
{
    dump_state_t *d = (dump_state_t *)user;
    const void *data;
    size_t bytes;
    uint32_t k;
    for (k = 0; mi_interpreter_op_output(it, op, k, &data, &bytes, NULL) == MI_OK; k++) /* until BAD_INDEX */
        if (write_full(d->handle, data, (unsigned long)bytes) != 0) d->failed = 1;
}
#endif

static void print_sizes(void)
{
    static const char *const names[5] = {"sizeof_tensor", "sizeof_node", "sizeof_scratch", "sizeof_plan_buffer",
                                         "sizeof_graph"};
    uint32_t i;
    for (i = 0; i < 5; i++) say_kv(names[i], mi_struct_sizes[i]);
    for (i = 0; i < mi_builtin_resolver.count; i++) {
        line_t l = {{0}, 0};
        add_str(&l, "mi: op_data_size ");
        add_str(&l, mi_builtin_resolver.registrations[i]->name);
        add_str(&l, "=");
        add_uint(&l, mi_builtin_resolver.registrations[i]->op_data_size);
        mi_rp_print(l.text);
    }
    say_kv("sizeof_pointer", (unsigned long)sizeof(void *));
}

/* ------------------------------------------------------------------ main */

/* a == b: the runner's own loop, so an image links no libc strcmp for its options
 * (on a Cortex-M4 newlib's word-at-a-time strcmp is 732 B of flash) */
static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL, *inputs_path = NULL, *outputs_path = NULL, *dump_path = NULL;
    unsigned long arena_bytes = sizeof arena, model_size = 0, vectors = 0, input_bytes = 0;
    const unsigned char *model = NULL;
    int in_h, out_h, i, ok, print_plan = 0;
    uint32_t k;
    dump_state_t dump = {-1, 0};
    mi_status_t s;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (same(a, "--sizes")) {
            print_sizes();
            return EXIT_OK;
        } else if (same(a, "--plan")) {
            print_plan = 1;
            continue;
        } else if (!v) {
            mi_rp_print("mi: error stage=usage message=missing value after an option");
            return EXIT_USAGE;
        } else if (same(a, "--model")) {
            model_path = v;
        } else if (same(a, "--inputs")) {
            inputs_path = v;
        } else if (same(a, "--outputs")) {
            outputs_path = v;
        } else if (same(a, "--dump")) {
            dump_path = v;
        } else if (same(a, "--arena")) {
            arena_bytes = parse_uint(v, &ok);
            if (!ok || arena_bytes > sizeof arena) {
                mi_rp_print("mi: error stage=usage message=--arena must be a byte count up to the static arena");
                return EXIT_USAGE;
            }
        } else {
            mi_rp_print("mi: error stage=usage message=usage: mi_runner [--model PATH] --inputs PATH "
                        "--outputs PATH [--dump PATH] [--arena BYTES] [--plan] [--sizes]");
            return EXIT_USAGE;
        }
        i++;
    }
    if (!inputs_path || !outputs_path) {
        mi_rp_print("mi: error stage=usage message=--inputs and --outputs are required");
        return EXIT_USAGE;
    }

    /* the model: linked into the image, or read into a static buffer */
    if (!mi_rp_linked_model(&model, &model_size)) {
#if MI_RUNNER_MODEL_BYTES > 0
        int h;
        long r;
        if (!model_path) {
            mi_rp_print("mi: error stage=usage message=no model linked in: pass --model PATH");
            return EXIT_USAGE;
        }
        h = mi_rp_open(model_path, 0);
        if (h < 0) {
            mi_rp_print("mi: error stage=io message=cannot open the model file");
            return EXIT_IO;
        }
        while ((r = mi_rp_read(h, model_buffer + model_size, sizeof model_buffer - model_size)) > 0)
            model_size += (unsigned long)r;
        mi_rp_close(h);
        if (r < 0 || model_size == sizeof model_buffer) {
            mi_rp_print("mi: error stage=io message=cannot read the model file (or larger than MI_RUNNER_MODEL_BYTES)");
            return EXIT_IO;
        }
        model = model_buffer;
#else
        (void)model_path;
        mi_rp_print("mi: error stage=usage message=this image has no linked model and no model buffer");
        return EXIT_USAGE;
#endif
    }
    say_kv("model_bytes", model_size);

    s = mi_interpreter_init(&interpreter, model, model_size, arena, arena_bytes);
    if (s != MI_OK) return fail(EXIT_MODEL, "init", s);
    s = mi_interpreter_allocate(&interpreter);
    if (s != MI_OK) {
        if (s == MI_ERR_ARENA_TOO_SMALL) say_kv("arena_needed_at_least", mi_interpreter_arena_needed_bytes(&interpreter));
        return fail(EXIT_ALLOCATE, "allocate", s);
    }
    say_kv("arena_used_bytes", mi_interpreter_arena_used_bytes(&interpreter));
    say_kv("arena_head_bytes", interpreter.arena.head);
    say_kv("arena_temp_bytes", interpreter.arena.temp_peak);
    say_kv("arena_tail_bytes", interpreter.arena.size - interpreter.arena.tail);
    if (print_plan) {
        for (k = 0; k < interpreter.num_tensors; k++) {
            uint32_t offset;
            line_t l = {{0}, 0};
            if (mi_interpreter_tensor_offset(&interpreter, k, &offset) != MI_OK) continue;
            add_str(&l, "mi: plan tensor=");
            add_uint(&l, k);
            add_str(&l, " offset=");
            add_uint(&l, offset);
            mi_rp_print(l.text);
        }
    }
    for (k = 0; k < mi_interpreter_num_inputs(&interpreter); k++) {
        size_t bytes;
        mi_interpreter_input_data(&interpreter, k, &bytes);
        input_bytes += (unsigned long)bytes;
    }

    in_h = mi_rp_open(inputs_path, 0);
    out_h = mi_rp_open(outputs_path, 1);
    if (in_h < 0 || out_h < 0) {
        mi_rp_print("mi: error stage=io message=cannot open the inputs or outputs file");
        return EXIT_IO;
    }
    if (dump_path) {
#if MI_ENABLE_OP_HOOK
        dump.handle = mi_rp_open(dump_path, 1);
        if (dump.handle < 0) {
            mi_rp_print("mi: error stage=io message=cannot open the dump file");
            return EXIT_IO;
        }
        mi_interpreter_set_op_hook(&interpreter, dump_op, &dump);
#else
        mi_rp_print("mi: error stage=usage message=--dump needs MI_ENABLE_OP_HOOK=1");
        return EXIT_USAGE;
#endif
    }

    for (;;) {
        int eof = 0;
        uint32_t t0, t1;
        /* one vector: every input, read straight into the arena */
        for (k = 0; k < mi_interpreter_num_inputs(&interpreter); k++) {
            size_t bytes;
            void *dst = mi_interpreter_input_data(&interpreter, k, &bytes);
            if (!dst) return fail(EXIT_INPUT_SIZE, "input", MI_ERR_BAD_INDEX);
            long r = read_full(in_h, dst, (unsigned long)bytes);
            if (r == 0 && k == 0 && bytes > 0) {
                eof = 1; /* clean end of the inputs file */
                break;
            }
            if (r != (long)bytes) return fail(EXIT_INPUT_SIZE, "input", MI_ERR_BAD_SIZE);
        }
        if (eof) break;
        mi_rp_measure_begin();
        t0 = mi_port_cycles();
        s = mi_interpreter_invoke(&interpreter);
        t1 = mi_port_cycles();
        mi_rp_measure_end();
        if (s != MI_OK) return fail(EXIT_INVOKE, "invoke", s);
        if (dump.failed) {
            mi_rp_print("mi: error stage=io message=cannot write the dump file");
            return EXIT_IO;
        }
        for (k = 0; k < mi_interpreter_num_outputs(&interpreter); k++) {
            size_t bytes;
            const void *src = mi_interpreter_output_data(&interpreter, k, &bytes);
            if (!src || write_full(out_h, src, (unsigned long)bytes) != 0) {
                mi_rp_print("mi: error stage=io message=cannot write the outputs file");
                return EXIT_IO;
            }
        }
        vectors++;
        say_kv("invoke_cycles", (unsigned long)(uint32_t)(t1 - t0));
        if (input_bytes == 0) break; /* a model without inputs runs once */
    }
    mi_rp_close(in_h);
    mi_rp_close(out_h);
    if (dump.handle >= 0) mi_rp_close(dump.handle);
    say_kv("vectors", vectors);
    return EXIT_OK;
}
