/* Public API contract tests (mi_interpreter.h) on a model file:
 * argument checks, call order, sizes, exact arena sizing, misaligned arenas.
 *   test_api MODEL   -> prints "api failures=N"; exit status 1 on failure */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi/mi_interpreter.h"

static int failures;

#define EXPECT(cond, what)                                 \
    do {                                                   \
        if (!(cond)) {                                     \
            printf("FAIL %s (line %d)\n", what, __LINE__); \
            failures++;                                    \
        }                                                  \
    } while (0)

#define ARENA_BYTES (4u << 20)
static uint8_t arena[ARENA_BYTES + 64] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
    FILE *f;
    long n;
    uint8_t *model;
    mi_interpreter_t it;
    size_t used, bytes;
    uint8_t buf[64];
    if (argc < 2 || !(f = fopen(argv[1], "rb"))) return 2;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    model = (uint8_t *)malloc((size_t)n);
    if (!model || fread(model, 1, (size_t)n, f) != (size_t)n) return 2;
    fclose(f);

    EXPECT(mi_interpreter_init(NULL, model, (size_t)n, arena, ARENA_BYTES) == MI_ERR_NULL_ARG, "init NULL it");
    EXPECT(mi_interpreter_init(&it, NULL, (size_t)n, arena, ARENA_BYTES) == MI_ERR_NULL_ARG, "init NULL model");
    EXPECT(mi_interpreter_init(&it, model, (size_t)n, NULL, ARENA_BYTES) == MI_ERR_NULL_ARG, "init NULL arena");
    EXPECT(mi_interpreter_allocate(&it) == MI_ERR_BAD_STATE, "allocate after a failed init");
    EXPECT(mi_interpreter_invoke(NULL) == MI_ERR_NULL_ARG, "invoke NULL");

    EXPECT(mi_interpreter_init(&it, model, (size_t)n, arena, ARENA_BYTES) == MI_OK, "init");
    EXPECT(mi_interpreter_invoke(&it) == MI_ERR_BAD_STATE, "invoke before allocate");
    EXPECT(mi_interpreter_set_input(&it, 0, buf, 1) == MI_ERR_BAD_STATE, "set_input before allocate");
    EXPECT(mi_interpreter_allocate(&it) == MI_OK, "allocate");
    EXPECT(mi_interpreter_allocate(&it) == MI_ERR_BAD_STATE, "allocate twice");
    used = mi_interpreter_arena_used_bytes(&it);
    EXPECT(used > 0 && used % 16 == 0, "used bytes a positive multiple of 16");
    EXPECT(mi_interpreter_input_data(&it, 0, &bytes) != NULL, "input pointer");
    EXPECT(mi_interpreter_set_input(&it, 0, buf, bytes + 1) == MI_ERR_BAD_SIZE, "set_input wrong size");
    EXPECT(mi_interpreter_set_input(&it, mi_interpreter_num_inputs(&it), buf, bytes) == MI_ERR_BAD_INDEX,
           "set_input index out of range");
    EXPECT(mi_interpreter_set_input(&it, 0, NULL, bytes) == MI_ERR_NULL_ARG, "set_input NULL data");
    EXPECT(mi_interpreter_invoke(&it) == MI_OK, "invoke");
    EXPECT(mi_interpreter_output_data(&it, 0, &bytes) != NULL, "output pointer");
    EXPECT(bytes <= sizeof buf, "small output for this test");
    EXPECT(mi_interpreter_get_output(&it, 0, buf, bytes) == MI_OK, "get_output");
    EXPECT(mi_interpreter_get_output(&it, 0, buf, bytes + 1) == MI_ERR_BAD_SIZE, "get_output wrong size");
    EXPECT(mi_interpreter_get_output(&it, 99, buf, bytes) == MI_ERR_BAD_INDEX, "get_output bad index");
    EXPECT(mi_interpreter_failed_op(&it) == -1, "no failed op");
    EXPECT(mi_interpreter_reset(&it) == MI_OK, "reset");

    /* exactly `used` bytes suffice; 16 fewer do not, and the error says so */
    EXPECT(mi_interpreter_init(&it, model, (size_t)n, arena, used) == MI_OK, "init exact");
    EXPECT(mi_interpreter_allocate(&it) == MI_OK, "allocate with exactly the used bytes");
    EXPECT(mi_interpreter_arena_used_bytes(&it) == used, "same used bytes with an exact arena");
    EXPECT(mi_interpreter_init(&it, model, (size_t)n, arena, used - 16) == MI_OK, "init short");
    EXPECT(mi_interpreter_allocate(&it) == MI_ERR_ARENA_TOO_SMALL, "allocate 16 bytes short");
    EXPECT(mi_interpreter_arena_needed_bytes(&it) > used - 16, "needed bytes reported");
    EXPECT(mi_interpreter_invoke(&it) == MI_ERR_BAD_STATE, "invoke after a failed allocate");

    /* a misaligned arena start costs at most 15 bytes and is handled */
    EXPECT(mi_interpreter_init(&it, model, (size_t)n, arena + 3, used + 13) == MI_OK, "init misaligned");
    EXPECT(mi_interpreter_allocate(&it) == MI_OK, "allocate in a misaligned arena");
    EXPECT(mi_interpreter_arena_used_bytes(&it) == used, "misaligned arena, same plan");
    EXPECT(mi_interpreter_invoke(&it) == MI_OK, "invoke in a misaligned arena");
    EXPECT(mi_interpreter_init(&it, model, (size_t)n, arena + 3, used + 12) == MI_OK, "init misaligned short");
    EXPECT(mi_interpreter_allocate(&it) == MI_ERR_ARENA_TOO_SMALL, "misaligned and one byte short");

    EXPECT(strcmp(mi_status_str(MI_OK), "ok") == 0, "status string");
    EXPECT(mi_status_str((mi_status_t)999) != NULL, "unknown status string");
    printf("api failures=%d used=%lu\n", failures, (unsigned long)used);
    free(model);
    return failures ? 1 : 0;
}
