/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "cgroup-layout.h"
#include "macros.h"

const char *cgroup_layout_type_to_string(CgroupLayoutType t) {
        static const char *const table[_CGROUP_LAYOUT_MAX] = {
                [CGROUP_LAYOUT_V1] = "v1",
                [CGROUP_LAYOUT_V2] = "v2",
                [CGROUP_LAYOUT_HYBRID] = "hybrid",
        };
        return t >= 0 && t < _CGROUP_LAYOUT_MAX ? table[t] : NULL;
}

void cgroup_layout_done(CgroupLayout *l) {
        for (size_t i = 0; i < l->n_hierarchies; i++) {
                free(l->hierarchies[i].key);
                free(l->hierarchies[i].mountpoint);
                free(l->hierarchies[i].own_path);
        }
        *l = (CgroupLayout) {};
}

/* The controller list of a v1 mount's super options ("rw,cpu,cpuacct" → "cpu,cpuacct"), in
 * the same form /proc/self/cgroup uses. */
static char *v1_key_from_options(const char *opts) {
        static const char *const generic[] = { "rw", "ro", "relatime", "noatime", "nosuid", "nodev",
                                               "noexec", "clone_children", "noprefix", "xattr", NULL };
        char *key = calloc(1, strlen(opts) + 1);
        _cleanup_free_ char *copy = strdup(opts);
        char *save = NULL;

        if (!key || !copy) {
                free(key);
                return NULL;
        }
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                bool skip = strneq(o, "release_agent=", 14);
                for (const char *const *g = generic; *g && !skip; g++)
                        skip = streq(o, *g);
                if (skip)
                        continue;
                if (*key)
                        strcat(key, ",");
                strcat(key, o);
        }
        return key;
}

static int add_hierarchy(CgroupLayout *l, const char *key, const char *mountpoint, bool v2) {
        CgroupHierarchy *h;

        for (size_t i = 0; i < l->n_hierarchies; i++)
                if (l->hierarchies[i].v2 == v2 && streq(l->hierarchies[i].key, key))
                        return 0; /* the same hierarchy mounted twice: keep the first */
        if (l->n_hierarchies >= CGROUP_HIERARCHIES_MAX)
                return -E2BIG;
        h = &l->hierarchies[l->n_hierarchies];
        *h = (CgroupHierarchy) { .key = strdup(key), .mountpoint = strdup(mountpoint), .v2 = v2 };
        if (!h->key || !h->mountpoint) {
                free(h->key);
                free(h->mountpoint);
                return -ENOMEM;
        }
        l->n_hierarchies++;
        return 0;
}

static int read_mountinfo(const char *path, CgroupLayout *l) {
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        FILE *f = fopen(path, "re");
        int r = 0;

        if (!f)
                return negative_errno();
        while (r >= 0 && getline(&line, &cap, f) > 0) {
                char mountpoint[4096], fstype[64], source[256], opts[1024];
                char *sep = strstr(line, " - ");

                /* "36 25 0:30 / /sys/fs/cgroup/memory rw,… shared:1 - cgroup cgroup rw,memory" */
                if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mountpoint) != 1 ||
                    sscanf(sep + 3, "%63s %255s %1023s", fstype, source, opts) != 3)
                        continue;
                if (streq(fstype, "cgroup2"))
                        r = add_hierarchy(l, "", mountpoint, true);
                else if (streq(fstype, "cgroup")) {
                        _cleanup_free_ char *key = v1_key_from_options(opts);
                        if (!key)
                                r = -ENOMEM;
                        else if (*key)
                                r = add_hierarchy(l, key, mountpoint, false);
                }
        }
        fclose(f);
        return r;
}

static int read_own_cgroups(const char *path, CgroupLayout *l) {
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        _cleanup_fclose_ FILE *f = fopen(path, "re");

        if (!f)
                return negative_errno();
        while (getline(&line, &cap, f) > 0) {
                char *key, *p;

                /* "4:memory:/user.slice" or "0::/init.scope" */
                line[strcspn(line, "\n")] = 0;
                key = strchr(line, ':');
                if (!key)
                        continue;
                key++;
                p = strchr(key, ':');
                if (!p)
                        continue;
                *p++ = 0;
                for (size_t i = 0; i < l->n_hierarchies; i++) {
                        CgroupHierarchy *h = &l->hierarchies[i];
                        if (h->v2 != (*key == 0) || !streq(h->key, key))
                                continue;
                        free(h->own_path);
                        h->own_path = strdup(p);
                        if (!h->own_path)
                                return -ENOMEM; /* not "/" below: that would be the wrong cgroup */
                }
        }
        for (size_t i = 0; i < l->n_hierarchies; i++)
                if (!l->hierarchies[i].own_path && !(l->hierarchies[i].own_path = strdup("/")))
                        return -ENOMEM;
        return 0;
}

int cgroup_layout_detect_from(const char *mountinfo_path, const char *cgroup_path, CgroupLayout *ret) {
        CgroupLayout l = {};
        bool have_v1 = false, have_v2 = false;
        int r;

        r = read_mountinfo(mountinfo_path, &l);
        if (r >= 0)
                r = read_own_cgroups(cgroup_path, &l);
        if (r < 0) {
                cgroup_layout_done(&l);
                return r;
        }
        for (size_t i = 0; i < l.n_hierarchies; i++) {
                have_v2 = have_v2 || l.hierarchies[i].v2;
                have_v1 = have_v1 || !l.hierarchies[i].v2;
        }
        if (!have_v1 && !have_v2) {
                cgroup_layout_done(&l);
                return -ENOMEDIUM;
        }
        l.type = have_v1 && have_v2 ? CGROUP_LAYOUT_HYBRID : have_v2 ? CGROUP_LAYOUT_V2 : CGROUP_LAYOUT_V1;
        *ret = l;
        return 0;
}

int cgroup_layout_detect(CgroupLayout *ret) {
        return cgroup_layout_detect_from("/proc/self/mountinfo", "/proc/self/cgroup", ret);
}

bool cgroup_hierarchy_has_controller(const CgroupHierarchy *h, const char *controller) {
        char path[4200], buf[1024];
        size_t n = strlen(controller);
        FILE *f;
        bool found = false;

        if (!h->v2) {
                for (const char *k = h->key; *k;) {
                        size_t len = strcspn(k, ",");
                        if (len == n && strneq(k, controller, n))
                                return true;
                        k += len + (k[len] == ',');
                }
                return false;
        }
        snprintf(path, sizeof path, "%s/cgroup.controllers", h->mountpoint);
        f = fopen(path, "re");
        if (!f)
                return false;
        if (fgets(buf, sizeof buf, f))
                for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w && !found; w = strtok_r(NULL, " \n", &save))
                        found = streq(w, controller);
        fclose(f);
        return found;
}

const CgroupHierarchy *cgroup_layout_find(const CgroupLayout *l, const char *controller) {
        for (size_t i = 0; i < l->n_hierarchies; i++)
                if (!l->hierarchies[i].v2 && cgroup_hierarchy_has_controller(&l->hierarchies[i], controller))
                        return &l->hierarchies[i];
        for (size_t i = 0; i < l->n_hierarchies; i++)
                if (l->hierarchies[i].v2 && cgroup_hierarchy_has_controller(&l->hierarchies[i], controller))
                        return &l->hierarchies[i];
        return NULL;
}
