/* Unit tests of the bounds-checked .tflite reader (mi_model.c).
 *
 *   test_reader selftest      hand-made malformed flatbuffers, expected statuses
 *   test_reader check FILE    init / allocate / invoke (zero inputs) one file;
 *                             prints "init=S allocate=S invoke=S" (status codes)
 *   test_reader mutate FILE   every truncation, every byte flipped, every
 *                             32-bit word overwritten with hostile values: the
 *                             reader must return a status and never read out
 *                             of bounds (run under ASan/UBSan)
 *
 * Test code may use malloc (the port itself never does): each mutated model
 * gets a buffer of exactly its size so that any over-read is caught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi/mi_interpreter.h"

static int failures;

#define EXPECT(cond, what)                                    \
    do {                                                      \
        if (!(cond)) {                                        \
            printf("FAIL %s (line %d)\n", what, __LINE__);    \
            failures++;                                       \
        }                                                     \
    } while (0)

static void put16(uint8_t *b, unsigned at, unsigned v)
{
    b[at] = (uint8_t)v;
    b[at + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, unsigned at, uint32_t v)
{
    put16(b, at, v & 0xFFFFu);
    put16(b, at + 2, v >> 16);
}

/* A minimal model table: vtable at 8 (version, operator_codes, subgraphs),
 * table at 20, subgraphs vector at 32 with `count` entries (no room for any). */
static unsigned minimal(uint8_t *b, uint32_t subgraph_count)
{
    memset(b, 0, 64);
    put32(b, 0, 20);          /* root table offset */
    memcpy(b + 4, "TFL3", 4); /* identifier */
    put16(b, 8, 10);          /* vtable: 4 + 3 fields */
    put16(b, 10, 12);         /* table size */
    put16(b, 12, 4);          /* field 0 version at +4 */
    put16(b, 14, 0);          /* field 1 operator_codes absent */
    put16(b, 16, 8);          /* field 2 subgraphs at +8 */
    put32(b, 20, 12);         /* soffset: vtable = 20 - 12 = 8 */
    put32(b, 24, 3);          /* version */
    put32(b, 28, 4);          /* subgraphs -> 32 */
    put32(b, 32, subgraph_count);
    return 36;
}

static mi_status_t init_copy(const uint8_t *src, size_t len)
{
    mi_model_t m;
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    mi_status_t s;
    if (!copy) return MI_ERR_NULL_ARG;
    if (len) memcpy(copy, src, len);
    s = mi_model_init(&m, copy, len);
    free(copy);
    return s;
}

static int selftest(void)
{
    uint8_t b[64] = {0};
    mi_model_t m;
    unsigned n;

    EXPECT(mi_model_init(NULL, b, 8) == MI_ERR_NULL_ARG, "NULL model struct");
    EXPECT(mi_model_init(&m, NULL, 8) == MI_ERR_NULL_ARG, "NULL data");
    n = minimal(b, 0);
    EXPECT(init_copy(b, 0) == MI_ERR_MODEL_TRUNCATED, "empty file");
    EXPECT(init_copy(b, 7) == MI_ERR_MODEL_TRUNCATED, "7-byte file");
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_INVALID, "no subgraphs");

    memcpy(b + 4, "TFL2", 4);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_IDENTIFIER, "wrong identifier");
    memcpy(b + 4, "\0\0\0\0", 4);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_IDENTIFIER, "zero identifier");

    n = minimal(b, 0);
    put32(b, 0, 1000);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_TRUNCATED, "root offset past the end");
    put32(b, 0, n - 2);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_TRUNCATED, "root table straddles the end");

    n = minimal(b, 0);
    put32(b, 20, 0x7FFFFFF0u);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vtable before the start");
    put32(b, 20, 0xFFFFFF00u); /* negative soffset: vtable after the end */
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vtable past the end");

    n = minimal(b, 0);
    put16(b, 8, 11);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "odd vtable size");
    put16(b, 8, 0xFFFE);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vtable larger than the file");
    n = minimal(b, 0);
    put16(b, 10, 0xFFF0);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "table larger than the file");
    n = minimal(b, 0);
    put16(b, 16, 0xFFF0);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "field offset outside its table");

    n = minimal(b, 0xFFFFFFFFu);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "huge vector length");
    n = minimal(b, 0x40000000u); /* * 4 bytes wraps a 32-bit product to 0 */
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vector length overflowing 32 bits");
    n = minimal(b, 1);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vector element past the end");

    n = minimal(b, 0);
    put32(b, 28, 0xFFFFFFF0u);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "vector offset past the end (wraps 32 bits)");
    put32(b, 28, 0);
    EXPECT(init_copy(b, n) == MI_ERR_MODEL_CORRUPT, "zero offset");

    printf("selftest failures=%d\n", failures);
    return failures ? 1 : 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (uint8_t *)malloc(n > 0 ? (size_t)n : 1u);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#define ARENA_BYTES (1u << 20)
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));

/* init, allocate, invoke with zeroed inputs; statuses out. */
static void run_model(const uint8_t *src, size_t len, mi_status_t st[3])
{
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    mi_interpreter_t it;
    uint32_t k;
    st[0] = st[1] = st[2] = MI_ERR_BAD_STATE;
    if (!copy) goto done;
    if (len) memcpy(copy, src, len);
    st[0] = mi_interpreter_init(&it, copy, len, arena, ARENA_BYTES);
    if (st[0] != MI_OK) goto done;
    st[1] = mi_interpreter_allocate(&it);
    if (st[1] != MI_OK) goto done;
    for (k = 0; k < mi_interpreter_num_inputs(&it); k++) {
        size_t bytes;
        void *p = mi_interpreter_input_data(&it, k, &bytes);
        if (p) memset(p, 0, bytes);
    }
    st[2] = mi_interpreter_invoke(&it);
done:
    free(copy);
}

static int mutate(const char *path)
{
    size_t len, i;
    uint8_t *model = read_file(path, &len), *work;
    static const uint32_t hostile[] = {0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x0000FFFFu, 0x00010000u,
                                       0u, 1u, 2u, 3u, 0x100u, 0x7FFFu};
    static const uint8_t hostile_bytes[] = {0x00u, 0x01u, 0x7Fu, 0x80u, 0xFFu};
    unsigned trunc_ok = 0, runs = 0, inits_ok = 0, allocs_ok = 0;
    mi_status_t st[3];
    if (!model) {
        printf("cannot read %s\n", path);
        return 2;
    }
    run_model(model, len, st);
    printf("base init=%d allocate=%d invoke=%d\n", st[0], st[1], st[2]);
    for (i = 0; i < len; i++) { /* every truncation must be refused */
        run_model(model, i, st);
        if (st[0] == MI_OK) trunc_ok++;
    }
    work = (uint8_t *)malloc(len);
    for (i = 0; i < len; i++) { /* every byte flipped, and set to edge values */
        unsigned v;
        memcpy(work, model, len);
        work[i] ^= 0xFFu;
        run_model(work, len, st);
        runs++;
        inits_ok += st[0] == MI_OK;
        allocs_ok += st[1] == MI_OK;
        for (v = 0; v < sizeof hostile_bytes; v++) {
            memcpy(work, model, len);
            work[i] = hostile_bytes[v];
            run_model(work, len, st);
            runs++;
            inits_ok += st[0] == MI_OK;
            allocs_ok += st[1] == MI_OK;
        }
    }
    for (i = 0; i + 4 <= len; i += 2) { /* hostile 32-bit values at every even offset */
        unsigned v;
        for (v = 0; v < sizeof hostile / sizeof hostile[0]; v++) {
            memcpy(work, model, len);
            put32(work, (unsigned)i, hostile[v]);
            run_model(work, len, st);
            runs++;
            inits_ok += st[0] == MI_OK;
            allocs_ok += st[1] == MI_OK;
        }
    }
    free(work);
    free(model);
    printf("mutate truncations=%u truncations_accepted=%u runs=%u inits_ok=%u allocates_ok=%u\n", (unsigned)len,
           trunc_ok, runs, inits_ok, allocs_ok);
    return trunc_ok ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "selftest")) return selftest();
    if (argc >= 3 && !strcmp(argv[1], "check")) {
        size_t len;
        uint8_t *model = read_file(argv[2], &len);
        mi_status_t st[3];
        if (!model) return 2;
        run_model(model, len, st);
        printf("init=%d allocate=%d invoke=%d\n", st[0], st[1], st[2]);
        free(model);
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "mutate")) return mutate(argv[2]);
    fprintf(stderr, "usage: test_reader selftest | check FILE | mutate FILE\n");
    return 2;
}
