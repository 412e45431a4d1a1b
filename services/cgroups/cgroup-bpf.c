/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-bpf.h"
#include "macros.h"

#define MAX_INSNS 4096

typedef struct Program {
        struct bpf_insn insns[MAX_INSNS];
        size_t n;
        bool overflow;
} Program;

static size_t emit(Program *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        if (p->n >= MAX_INSNS) {
                p->overflow = true;
                return p->n;
        }
        p->insns[p->n] = (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
        return p->n++;
}

/* A conditional jump to the end of the current rule, patched once its length is known. */
static size_t jump_out(Program *p, uint8_t op, uint8_t reg, int32_t imm) {
        return emit(p, BPF_JMP32 | op | BPF_K, reg, 0, 0, imm);
}

static int access_bits(const char *access) {
        int bits = 0;
        for (const char *a = access; *a; a++)
                bits |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
        return bits;
}

/* Registers: r2 access bits, r3 device type, r4 major, r5 minor (from struct bpf_cgroup_dev_ctx);
 * r1 scratch. The rules are tried from the last to the first and the first that matches
 * decides, which is how the v1 devices.allow/deny lists read; no match allows, as a v1 cgroup
 * without a deny-all rule does. */
int cgroup_device_program(const SpecDevice *rules, size_t n, struct bpf_insn **ret, size_t *ret_n) {
        Program *p = calloc(1, sizeof(Program));

        if (!p)
                return -ENOMEM;
        emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
        emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
        emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_3, 0, 0, 0xffff);
        emit(p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_2, 0, 0, 16);
        emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
        emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
        for (size_t i = n; i > 0; i--) {
                const SpecDevice *d = &rules[i - 1];
                size_t jumps[4], n_jumps = 0;
                int bits = access_bits(d->access);

                if (d->type != 'a')
                        jumps[n_jumps++] = jump_out(p, BPF_JNE, BPF_REG_3,
                                                    d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
                /* allow: every access asked for is granted; deny: any access asked for is refused. */
                emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0);
                emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, d->allow ? ~bits & 7 : bits);
                jumps[n_jumps++] = jump_out(p, d->allow ? BPF_JNE : BPF_JEQ, BPF_REG_1, 0);
                if (d->major >= 0)
                        jumps[n_jumps++] = jump_out(p, BPF_JNE, BPF_REG_4, (int32_t) d->major);
                if (d->minor >= 0)
                        jumps[n_jumps++] = jump_out(p, BPF_JNE, BPF_REG_5, (int32_t) d->minor);
                emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, d->allow ? 1 : 0);
                emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
                for (size_t j = 0; j < n_jumps && !p->overflow; j++)
                        p->insns[jumps[j]].off = (int16_t) (p->n - jumps[j] - 1);
        }
        emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
        emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        if (p->overflow) {
                free(p);
                return -E2BIG;
        }
        *ret = memdup(p->insns, p->n * sizeof(struct bpf_insn));
        *ret_n = p->n;
        free(p);
        return *ret ? 0 : -ENOMEM;
}

static int bpf(int cmd, union bpf_attr *attr) {
        long r = syscall(SYS_bpf, cmd, attr, sizeof *attr);
        return r < 0 ? negative_errno() : (int) r;
}

/* The ids of the device programs attached to the cgroup now. */
static int attached_programs(int cgroup_fd, uint32_t *ids, uint32_t max) {
        union bpf_attr attr = {
                .query.target_fd = (uint32_t) cgroup_fd,
                .query.attach_type = BPF_CGROUP_DEVICE,
                .query.prog_ids = (uint64_t) (uintptr_t) ids,
                .query.prog_cnt = max,
        };
        int r = bpf(BPF_PROG_QUERY, &attr);
        return r < 0 ? r : (int) attr.query.prog_cnt;
}

int cgroup_device_filter_attach(const char *dir, const SpecDevice *rules, size_t n, char *log, size_t log_size) {
        _cleanup_free_ struct bpf_insn *insns = NULL;
        _cleanup_close_ int cgroup_fd = -EBADF, prog_fd = -EBADF;
        uint32_t old[64];
        size_t n_insns = 0;
        int n_old, r;

        r = cgroup_device_program(rules, n, &insns, &n_insns);
        if (r < 0)
                return r;
        cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cgroup_fd < 0)
                return negative_errno();
        union bpf_attr load = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = (uint64_t) (uintptr_t) insns,
                .insn_cnt = (uint32_t) n_insns,
                .license = (uint64_t) (uintptr_t) "GPL",
                .log_buf = (uint64_t) (uintptr_t) log,
                .log_size = (uint32_t) log_size,
                .log_level = log_size > 0 ? 1 : 0,
        };
        if (log_size > 0)
                log[0] = 0;
        prog_fd = bpf(BPF_PROG_LOAD, &load);
        if (prog_fd < 0)
                return prog_fd;
        /* update replaces the filter: attach the new one first (ALLOW_MULTI, so there is never a
         * moment without one), then detach what was there before. */
        n_old = attached_programs(cgroup_fd, old, ELEMENTSOF(old));
        union bpf_attr attach = {
                .target_fd = (uint32_t) cgroup_fd,
                .attach_bpf_fd = (uint32_t) prog_fd,
                .attach_type = BPF_CGROUP_DEVICE,
                .attach_flags = BPF_F_ALLOW_MULTI,
        };
        r = bpf(BPF_PROG_ATTACH, &attach);
        if (r < 0)
                return r;
        for (int i = 0; i < n_old; i++) {
                union bpf_attr get = { .prog_id = old[i] };
                int fd = bpf(BPF_PROG_GET_FD_BY_ID, &get);
                if (fd < 0)
                        continue;
                union bpf_attr detach = {
                        .target_fd = (uint32_t) cgroup_fd,
                        .attach_bpf_fd = (uint32_t) fd,
                        .attach_type = BPF_CGROUP_DEVICE,
                };
                (void) bpf(BPF_PROG_DETACH, &detach);
                safe_close(fd);
        }
        return 0;
}
