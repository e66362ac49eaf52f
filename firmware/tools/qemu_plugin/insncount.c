/*
 * insncount.c - a QEMU TCG plugin that counts guest instructions exactly between
 * two marker functions, so one inference can be measured in the emulator.
 *
 *   qemu-system-arm ... -plugin libmi_insncount.so,start=0x1234,stop=0x1240,out=counts.txt
 *
 * Why a plugin: DWT->CYCCNT reads 0 in QEMU, and `-icount` only gives a timer on
 * some boards. A plugin sees every translated block and can count exactly.
 *
 * How it counts: every translation block (TB) gets one inline "add n" on a global
 * counter when it starts executing (cheap: no helper call). That over-counts by the
 * instructions of a block that do not run, so the marker instructions get an exec
 * callback that corrects for their position k in a block of n instructions:
 * instructions retired before the marker = total - n + k. The difference of those
 * values at `stop` and `start` is the number of instructions from the first
 * instruction of the start marker up to (not including) the first of the stop
 * marker. This is exact as long as every block between the markers runs to its end,
 * which holds for straight-line firmware code: QEMU takes interrupts only between
 * blocks, and a fault inside the region ends the run anyway.
 *
 * Output (one line per region, flushed at once so a later crash loses nothing):
 *   region <index> <instructions>
 * and at exit:
 *   total <instructions retired in the whole run>
 *
 * Single vCPU only (the Cortex-M machines have one); the counter is not atomic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi_qemu_plugin_api.h"

MI_QEMU_PLUGIN_EXPORT int qemu_plugin_version = MI_QEMU_PLUGIN_VERSION;

enum marker_kind { MARK_START, MARK_STOP };

struct marker_site {
    enum marker_kind kind;
    uint64_t n_in_tb;  /* instructions in the block holding the marker */
    uint64_t index;    /* the marker's position in that block */
};

static uint64_t g_total;         /* bumped inline by every executed block */
static uint64_t g_start_addr = UINT64_MAX;
static uint64_t g_stop_addr = UINT64_MAX;
static uint64_t g_region_begin;  /* retired-instruction count at the start marker */
static int g_in_region;
static unsigned g_regions;
static FILE *g_out;

static void emit(const char *line)
{
    if (g_out) {
        fputs(line, g_out);
        fflush(g_out);
    } else {
        qemu_plugin_outs(line);
    }
}

static void on_marker(unsigned int vcpu_index, void *userdata)
{
    const struct marker_site *site = userdata;
    uint64_t retired_before = g_total - site->n_in_tb + site->index;
    (void)vcpu_index;
    if (site->kind == MARK_START) {
        g_region_begin = retired_before;
        g_in_region = 1;
    } else if (g_in_region) {
        char line[80];
        snprintf(line, sizeof line, "region %u %" PRIu64 "\n", g_regions++, retired_before - g_region_begin);
        emit(line);
        g_in_region = 0;
    }
}

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &g_total, n);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        if (pc == g_start_addr || pc == g_stop_addr) {
            /* One small allocation per translation of a marker; blocks are
             * retranslated rarely (only after a TB flush), so this stays tiny. */
            struct marker_site *site = malloc(sizeof *site);
            if (!site) {
                continue;
            }
            site->kind = pc == g_start_addr ? MARK_START : MARK_STOP;
            site->n_in_tb = n;
            site->index = i;
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, site);
        }
    }
}

static void on_exit(qemu_plugin_id_t id, void *userdata)
{
    char line[80];
    (void)id;
    (void)userdata;
    snprintf(line, sizeof line, "total %" PRIu64 "\n", g_total);
    emit(line);
    if (g_out) {
        fclose(g_out);
        g_out = NULL;
    }
}

static int parse_addr(const char *text, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 0);
    if (end == text || *end != '\0') {
        return -1;
    }
    *out = (uint64_t)v & ~(uint64_t)1; /* Thumb symbols carry bit 0; the PC does not */
    return 0;
}

MI_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                              char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "start=", 6) == 0) {
            if (parse_addr(a + 6, &g_start_addr)) {
                fprintf(stderr, "insncount: bad start address '%s'\n", a + 6);
                return -1;
            }
        } else if (strncmp(a, "stop=", 5) == 0) {
            if (parse_addr(a + 5, &g_stop_addr)) {
                fprintf(stderr, "insncount: bad stop address '%s'\n", a + 5);
                return -1;
            }
        } else if (strncmp(a, "out=", 4) == 0) {
            g_out = fopen(a + 4, "w");
            if (!g_out) {
                fprintf(stderr, "insncount: cannot open '%s' for writing\n", a + 4);
                return -1;
            }
        } else {
            fprintf(stderr, "insncount: unknown argument '%s' (expected start=, stop=, out=)\n", a);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}
