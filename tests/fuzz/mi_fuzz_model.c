/* libFuzzer target over the C port's reader, allocation and invoke.
 *
 * The C twin of tests/fuzz/harness.py (the atheris fuzzer's property): every
 * input is taken as a .tflite model; mi_interpreter_init and
 * mi_interpreter_allocate must either succeed or return a status, and an
 * allocated model must invoke, reset and invoke again, all without a fault,
 * an out-of-bounds access or undefined behaviour (the build adds
 * AddressSanitizer and UBSan, which turn either into a finding).
 *
 * The model bytes are copied into a heap block of exactly their size, so any
 * read past the end is caught; the arena is one static block (a global, with
 * ASan redzones around it: a fresh heap megabyte per case would cost more
 * than the case itself). Inputs are
 * filled from the model bytes themselves. When allocation succeeds, the same
 * model is also allocated once more in an arena one byte too small, which must
 * fail with MI_ERR_ARENA_TOO_SMALL (the refusal path of every planner phase).
 *
 * Built and run by scripts/fuzz.sh c (clang -fsanitize=fuzzer,address,undefined). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mi/mi_interpreter.h"
#include "mi/mi_port.h"

/* twin of harness.INVOKE_ARENA_BYTES: bigger models are refused (arena too small) */
#ifndef MI_FUZZ_ARENA_BYTES
#define MI_FUZZ_ARENA_BYTES (1u << 20)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t arena[MI_FUZZ_ARENA_BYTES] __attribute__((aligned(16)));

/* The port: silent. A refused model is the expected outcome of most cases, and
 * a log line per refusal would cost more than the case. */
void mi_port_log(const char *message) { (void)message; }
uint32_t mi_port_cycles(void) { return 0; }

static void fill_inputs(mi_interpreter_t *it, const uint8_t *data, size_t size)
{
    uint32_t i, n = mi_interpreter_num_inputs(it);
    for (i = 0; i < n; i++) {
        size_t bytes = 0, k;
        uint8_t *dst = (uint8_t *)mi_interpreter_input_data(it, i, &bytes);
        mi_tensor_info_t info;
        int is_bool = mi_interpreter_input_info(it, i, &info) == MI_OK && info.type == MI_TYPE_BOOL;
        if (!dst) continue;
        for (k = 0; k < bytes; k++) {
            uint8_t v = size ? data[k % size] : 0;
            dst[k] = is_bool ? (uint8_t)(v & 1u) : v;
        }
    }
}

static void too_small(const uint8_t *model, size_t size, size_t used)
{
    mi_interpreter_t it;
    mi_status_t s;
    if (used == 0) return;
    s = mi_interpreter_init(&it, model, size, arena, used - 1);
    if (s == MI_OK) s = mi_interpreter_allocate(&it);
    if (s != MI_ERR_ARENA_TOO_SMALL) abort(); /* a plan that fits in fewer bytes than it reports */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mi_interpreter_t it;
    uint8_t *model = (uint8_t *)malloc(size ? size : 1);
    if (!model) abort();
    if (size) memcpy(model, data, size);
    if (mi_interpreter_init(&it, model, size, arena, MI_FUZZ_ARENA_BYTES) == MI_OK &&
        mi_interpreter_allocate(&it) == MI_OK) {
        size_t used = mi_interpreter_arena_used_bytes(&it);
        fill_inputs(&it, data, size);
        if (mi_interpreter_invoke(&it) == MI_OK && mi_interpreter_reset(&it) == MI_OK)
            (void)mi_interpreter_invoke(&it);
        too_small(model, size, used);
    }
    free(model);
    return 0;
}
