/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <time.h>

#include "cgroup-freeze.h"
#include "macros.h"

/* The file that freezes, the values for frozen and thawed, and how the kernel reports that it
 * has finished: v1 reads back "FROZEN" (after "FREEZING"); v2 says "frozen 1" in cgroup.events. */
typedef struct Freezer {
        const CgroupEntry *entry;
        bool v2;
} Freezer;

static bool find_freezer(const CgroupLayout *l, const CgroupSet *s, Freezer *ret) {
        const CgroupEntry *e = cgroup_set_find(s, cgroup_layout_find(l, "freezer"));
        if (e && !e->v2) {
                *ret = (Freezer) { e, false };
                return true;
        }
        for (size_t i = 0; i < s->n_entries; i++)
                if (s->entries[i].v2) {
                        *ret = (Freezer) { &s->entries[i], true };
                        return true;
                }
        return false;
}

static bool reached(const Freezer *f, bool frozen) {
        char buf[512];

        if (!f->v2) {
                if (cgroup_file_read(f->entry->dir, "freezer.state", buf, sizeof buf) < 0)
                        return false;
                return strneq(buf, frozen ? "FROZEN" : "THAWED", 6);
        }
        if (cgroup_file_read(f->entry->dir, "cgroup.events", buf, sizeof buf) < 0)
                return false;
        return strstr(buf, frozen ? "frozen 1" : "frozen 0") != NULL;
}

int cgroup_freeze(const CgroupLayout *l, const CgroupSet *s, bool frozen, Error *err) {
        const struct timespec tick = { 0, 1000 * 1000 };
        Freezer f;
        const char *file, *value;
        int r;

        if (!find_freezer(l, s, &f)) {
                return error_set_complete(err, -EOPNOTSUPP, "the host has no freezer cgroup controller");
        }
        file = f.v2 ? "cgroup.freeze" : "freezer.state";
        value = f.v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
        /* v1 may stay in FREEZING while a task is busy in the kernel: write again until it
         * settles, as runc does. */
        for (int i = 0; i < 5000; i++) {
                if (i % 100 == 0 && (r = cgroup_file_write(f.entry->dir, file, value)) < 0) {
                        return error_set(err, r, "cannot write %s to %s/%s", value, f.entry->dir, file);
                }
                if (reached(&f, frozen))
                        return 0;
                nanosleep(&tick, NULL);
        }
        if (frozen)
                (void) cgroup_file_write(f.entry->dir, file, f.v2 ? "0" : "THAWED");
        return error_set_complete(err, -ETIMEDOUT, "the cgroup did not %s within 5 s", frozen ? "freeze" : "thaw");
}

bool cgroup_is_frozen(const CgroupLayout *l, const CgroupSet *s) {
        Freezer f;
        return find_freezer(l, s, &f) && reached(&f, true);
}
