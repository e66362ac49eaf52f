/*
 * mi_qemu_plugin_api.h - the few declarations of QEMU's TCG plugin API (version 1,
 * as exported by qemu-system-arm 7.x) that insncount.c uses.
 *
 * Why this file exists: Debian's QEMU exports the qemu_plugin_* functions from its
 * binaries but ships no header. The declarations below are written from the
 * documented API (QEMU docs/devel/tcg-plugins.rst) and checked against the symbols
 * `nm -D qemu-system-arm` lists; they cover only what this project needs.
 * Plugin API version 1 is the one where the inline ops take a plain pointer
 * (version 2, QEMU 9.0, replaced them by per-vCPU scoreboards).
 */
#ifndef MI_QEMU_PLUGIN_API_H
#define MI_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MI_QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

/* The API level this plugin is built against (QEMU checks it on load). */
#define MI_QEMU_PLUGIN_VERSION 1

typedef uint64_t qemu_plugin_id_t;

typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

struct qemu_plugin_tb;   /* opaque: a translation block */
struct qemu_plugin_insn; /* opaque: one guest instruction in a block */

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

/* Provided by QEMU. */
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

/* Provided by the plugin. */
extern MI_QEMU_PLUGIN_EXPORT int qemu_plugin_version;
MI_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                              char **argv);

#endif /* MI_QEMU_PLUGIN_API_H */
