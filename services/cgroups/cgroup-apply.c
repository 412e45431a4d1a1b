/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-apply.h"
#include "cgroup-bpf.h"
#include "cgroup-freeze.h"
#include "cgroup-plan.h"
#include "macros.h"
#include "process-util.h"
#include "systemd-path.h"

/* runc's default device rules, appended after the spec's own (runc specconv: AllowedDevices). */
static const SpecDevice default_devices[] = {
        { true, 'c', -1, -1, "m" },  { true, 'b', -1, -1, "m" },   { true, 'c', 1, 3, "rwm" },
        { true, 'c', 1, 8, "rwm" },  { true, 'c', 1, 7, "rwm" },   { true, 'c', 5, 0, "rwm" },
        { true, 'c', 1, 5, "rwm" },  { true, 'c', 1, 9, "rwm" },   { true, 'c', 136, -1, "rwm" },
        { true, 'c', 5, 2, "rwm" },  { true, 'c', 10, 200, "rwm" },
};

void cgroup_set_done(CgroupSet *s) {
        for (size_t i = 0; i < s->n_entries; i++) {
                free(s->entries[i].key);
                free(s->entries[i].path);
                free(s->entries[i].dir);
                free(s->entries[i].created);
        }
        free(s->unit);
        *s = (CgroupSet) {};
}

/* Squashes "//" and drops a trailing "/", so that saved paths compare equal. */
static void path_simplify(char *s) {
        char *w = s;
        for (char *r = s; *r; r++) {
                if (*r == '/' && w > s && w[-1] == '/')
                        continue;
                *w++ = *r;
        }
        if (w > s + 1 && w[-1] == '/')
                w--;
        *w = 0;
}

int cgroup_resolve_path(const CgroupHierarchy *h, const char *cgroups_path, const char *id, char **ret) {
        const char *rel = cgroups_path && *cgroups_path ? cgroups_path : id;
        _cleanup_free_ char *mapped = NULL;
        const char *reason;
        char *s;
        int n;

        if (cgroups_path_is_systemd(rel)) {
                /* Where systemd would put the scope, made by us in cgroupfs (runc's cgroupfs
                 * reading of the systemd form). */
                n = systemd_cgroups_path(rel, &mapped, &reason);
                if (n < 0)
                        return n;
                rel = mapped;
        }

        if (path_has_component(rel, ".."))
                return -EINVAL;
        if (rel[0] == '/')
                n = asprintf(&s, "%s", rel);
        else
                n = asprintf(&s, "%s%s%s", h->own_path, streq(h->own_path, "/") ? "" : "/", rel);
        if (n < 0)
                return -ENOMEM;
        path_simplify(s);
        if (!*s || streq(s, "/")) {
                free(s);
                return -EINVAL; /* the root of a hierarchy is never a container's cgroup */
        }
        *ret = s;
        return 0;
}

/* mkdir -p; remembers the first directory it had to make, for rollback. */
static int mkdir_parents(const char *dir, size_t base_len, char **ret_created) {
        _cleanup_free_ char *p = strdup(dir);
        char *created = NULL;

        if (!p)
                return -ENOMEM;
        for (char *s = p + base_len;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char c = *s;
                *s = 0;
                if (s > p + base_len) {
                        if (mkdir(p, 0755) == 0) {
                                if (!created && !(created = strdup(p)))
                                        return -ENOMEM;
                        } else if (errno != EEXIST) {
                                int r = negative_errno();
                                free(created);
                                return r;
                        }
                }
                *s = c;
                if (!c)
                        break;
        }
        *ret_created = created;
        return 0;
}

int cgroup_file_write(const char *dir, const char *file, const char *value) {
        char path[4400];
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(value);

        snprintf(path, sizeof path, "%s/%s", dir, file);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        if (write(fd, value, n) != (ssize_t) n)
                return negative_errno();
        return 0;
}

int cgroup_file_read(const char *dir, const char *file, char *buf, size_t size) {
        char path[4400];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        snprintf(path, sizeof path, "%s/%s", dir, file);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        n = read(fd, buf, size - 1);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return (int) n;
}

/* A new v1 cpuset starts with no cpus and no mems, and refuses tasks until they are set: copy
 * them down from the parent, as the kernel's clone_children would. */
static int cpuset_inherit(const char *dir, size_t base_len) {
        _cleanup_free_ char *p = strdup(dir);
        char buf[4096], parent[4096];

        if (!p)
                return -ENOMEM;
        for (char *s = p + base_len + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char c = *s;
                *s = 0;
                snprintf(parent, sizeof parent, "%s", p);
                *strrchr(parent, '/') = 0;
                for (const char *f = "cpuset.cpus"; f; f = streq(f, "cpuset.cpus") ? "cpuset.mems" : NULL) {
                        if (cgroup_file_read(p, f, buf, sizeof buf) > 1)
                                continue;
                        if (cgroup_file_read(parent, f, buf, sizeof buf) < 0)
                                return negative_errno();
                        (void) cgroup_file_write(p, f, buf);
                }
                *s = c;
                if (!c)
                        break;
        }
        return 0;
}

CgroupEntry *cgroup_set_find(const CgroupSet *s, const CgroupHierarchy *h) {
        for (size_t i = 0; h && i < s->n_entries; i++)
                if (s->entries[i].v2 == h->v2 && streq(s->entries[i].key, h->key))
                        return (CgroupEntry *) &s->entries[i];
        return NULL;
}

/* Whether word is one of the space-separated words of list ("cpu io memory pids\n"). */
static bool word_in_list(const char *list, const char *word) {
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == 0))
                        return true;
        return false;
}

/* On v2 a controller works in a child only when every ancestor lists it in subtree_control. */
static int v2_enable_controller(const CgroupHierarchy *h, const CgroupEntry *e, const char *controller) {
        _cleanup_free_ char *p = strdup(e->dir);
        char value[64];
        size_t base = strlen(h->mountpoint);

        if (!p)
                return -ENOMEM;
        snprintf(value, sizeof value, "+%s", controller);
        for (char *s = p + base;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                if (*s == 0)
                        break; /* the leaf itself needs no subtree_control */
                *s = 0;
                /* Written only where missing: above a delegated subtree (rootless, or a systemd
                 * scope's parents) the files are not ours to write, and already say it. */
                char enabled[512];
                int r = cgroup_file_read(p, "cgroup.subtree_control", enabled, sizeof enabled);
                if (r < 0 || !word_in_list(enabled, controller))
                        r = cgroup_file_write(p, "cgroup.subtree_control", value);
                *s = '/';
                if (r < 0 && r != -EBUSY)
                        return r;
        }
        return 0;
}

void cgroup_format_device_rule(const SpecDevice *d, char *buf, size_t size) {
        char major[24] = "*", minor[24] = "*";
        if (d->major >= 0)
                snprintf(major, sizeof major, "%" PRIi64, d->major);
        if (d->minor >= 0)
                snprintf(minor, sizeof minor, "%" PRIi64, d->minor);
        snprintf(buf, size, "%c %s:%s %s", d->type, major, minor, d->access);
}

/* The spec's rules, then runc's defaults: as devices.allow/deny lines on v1, as an eBPF program
 * on v2. */
static int apply_devices(const CgroupLayout *l, const CgroupSet *s, const SpecResources *res, const char *base,
                         Error *err) {
        const CgroupHierarchy *h = cgroup_layout_find(l, "devices");
        const CgroupEntry *e = cgroup_set_find(s, h);
        size_t n = res->n_devices + ELEMENTSOF(default_devices);
        _cleanup_free_ SpecDevice *rules = calloc(n, sizeof(SpecDevice));
        char rule[96];
        int r;

        if (!rules)
                return -ENOMEM;
        memcpy(rules, res->devices, res->n_devices * sizeof(SpecDevice));
        memcpy(rules + res->n_devices, default_devices, sizeof default_devices);
        if (!e) {
                static char log[65536];
                for (size_t i = 0; i < s->n_entries && !e; i++)
                        if (s->entries[i].v2)
                                e = &s->entries[i];
                if (!e)
                        return error_set_complete(err, -EOPNOTSUPP, "%sdevices: the host has neither a v1 devices controller nor cgroup v2",
                                    base);
                r = cgroup_device_filter_attach(e->dir, rules, n, log, sizeof log);
                if (r < 0)
                        return error_set_complete(err, r, "%sdevices: cannot attach the eBPF device filter to %s: %s%s%.300s", base,
                                    e->dir, strerror(-r), *log ? ": " : "", log);
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                const SpecDevice *d = &rules[i];
                cgroup_format_device_rule(d, rule, sizeof rule);
                if (d->type == 'a')
                        snprintf(rule, sizeof rule, "a");
                r = cgroup_file_write(e->dir, d->allow ? "devices.allow" : "devices.deny", rule);
                if (r < 0) {
                        if (i < res->n_devices)
                                return error_set_complete(err, r, "%sdevices[%zu]: cannot apply \"%s\": %s", base, i, rule,
                                            strerror(-r));
                        return error_set_complete(err, r, "default device rule \"%s\": %s", rule, strerror(-r));
                }
        }
        return 0;
}

typedef struct VersionLookup {
        const CgroupLayout *layout;
        const CgroupSet *set;
} VersionLookup;

static int version_of(const char *controller, void *userdata) {
        const VersionLookup *v = userdata;
        const CgroupHierarchy *h = cgroup_layout_find(v->layout, controller);
        if (!h || (v->set && !cgroup_set_find(v->set, h)))
                return 0;
        return h->v2 ? 2 : 1;
}

/* The value a file had, to put back if a later write fails; only one-line files can be written
 * back as they read. */
typedef struct SavedValue {
        const char *dir, *file;
        char value[256];
} SavedValue;

static void restore(const SavedValue *saved, size_t n) {
        while (n > 0) {
                n--;
                (void) cgroup_file_write(saved[n].dir, saved[n].file, saved[n].value);
        }
}

static int write_planned(const CgroupLayout *l, const CgroupSet *s, const CgroupWrite *w, const char *base,
                         SavedValue *saved, size_t *n_saved, Error *err) {
        const CgroupHierarchy *h = cgroup_layout_find(l, w->controller);
        const CgroupEntry *e = cgroup_set_find(s, h);
        const char *file = w->file, *value = w->value;
        char path[4400], old[256];
        int n, r;

        if (!e)
                return error_set_complete(err, -EOPNOTSUPP, "%s%s: the host has no %s cgroup controller", base, w->field, w->controller);
        if (e->v2 && (r = v2_enable_controller(h, e, w->controller)) < 0)
                return error_set(err, r, "%s%s: cannot enable the %s controller", base, w->field, w->controller);
        snprintf(path, sizeof path, "%s/%s", e->dir, file);
        if (access(path, F_OK) < 0 && w->alt_file) {
                file = w->alt_file;
                value = w->alt_value;
                snprintf(path, sizeof path, "%s/%s", e->dir, file);
        }
        if (access(path, F_OK) < 0)
                return error_set_complete(err, -EOPNOTSUPP, "%s%s: this kernel has no %s%s%s in its %s controller", base, w->field,
                            w->file, w->alt_file ? " or " : "", w->alt_file ?: "", w->controller);
        n = cgroup_file_read(e->dir, file, old, sizeof old);
        if (n > 0 && (size_t) n < sizeof old - 1 && !memchr(old, '\n', n - 1) && *n_saved < CGROUP_PLAN_MAX_SAVED) {
                SavedValue *sv = &saved[(*n_saved)++];
                *sv = (SavedValue) { e->dir, file };
                memcpy(sv->value, old, n + 1);
        }
        r = cgroup_file_write(e->dir, file, value);
        if (r < 0)
                return error_set_complete(err, r, "%s%s: cannot write \"%s\" to %s: %s%s", base, w->field, value, path, strerror(-r),
                            r == -EBUSY && streq(w->controller, "memory") ? " (the container uses more than that)" : "");
        return 0;
}

/* memory.checkBeforeUpdate: refuse a limit below what the cgroup uses now. */
static int check_memory_usage(const CgroupLayout *l, const CgroupSet *s, const SpecResources *res, const char *base,
                              Error *err) {
        const CgroupEntry *e = cgroup_set_find(s, cgroup_layout_find(l, "memory"));
        int64_t limit = res->value[RES_MEMORY_LIMIT];
        char buf[64];

        if (!e || limit < 0 || cgroup_file_read(e->dir, e->v2 ? "memory.current" : "memory.usage_in_bytes", buf, sizeof buf) < 0)
                return 0;
        if (limit < strtoll(buf, NULL, 10))
                return error_set_complete(err, -EBUSY, "%smemory.limit: %" PRIi64 " is below the current usage (%lld bytes)", base,
                            limit, strtoll(buf, NULL, 10));
        return 0;
}

int cgroup_plan_for_layout(const CgroupLayout *l, const SpecResources *res, const char *base, CgroupPlan *ret,
                           Error *err) {
        return cgroup_plan(res, base, version_of, &(VersionLookup) { l, NULL }, ret, err);
}

int cgroup_apply(const CgroupLayout *l, const CgroupSet *s, const SpecResources *res, const char *base,
                 Error *err) {
        _cleanup_(cgroup_plan_done) CgroupPlan plan = {};
        _cleanup_free_ SavedValue *saved = NULL;
        _cleanup_free_ size_t *again = NULL;
        size_t n_saved = 0, n_again = 0;
        char prefix[64];
        int r;

        snprintf(prefix, sizeof prefix, "%s%s", base, *base ? "." : "");
        r = cgroup_plan(res, base, version_of, &(VersionLookup) { l, s }, &plan, err);
        if (r < 0)
                return r;
        if (plan.check_memory_usage && (r = check_memory_usage(l, s, res, prefix, err)) < 0)
                return r;
        saved = calloc(CGROUP_PLAN_MAX_SAVED, sizeof(SavedValue));
        again = calloc(plan.n_writes + 1, sizeof(size_t));
        if (!saved || !again)
                return -ENOMEM;
        /* Some values depend on others (memsw ≥ memory limit, rt runtime ≤ period, quota vs
         * period): a write the kernel refuses now is tried once more after the rest. */
        for (size_t i = 0; i < plan.n_writes; i++) {
                r = write_planned(l, s, &plan.writes[i], prefix, saved, &n_saved, err);
                if (r == -EOPNOTSUPP)
                        break;
                if (r < 0)
                        again[n_again++] = i;
                r = 0;
        }
        for (size_t i = 0; r >= 0 && i < n_again; i++)
                r = write_planned(l, s, &plan.writes[again[i]], prefix, saved, &n_saved, err);
        if (r < 0) {
                restore(saved, n_saved);
                return r;
        }
        if (res->n_devices > 0)
                return apply_devices(l, s, res, prefix, err);
        return 0;
}

static int remove_dir(const char *dir) {
        const struct timespec tick = { 0, 10 * 1000 * 1000 };

        /* Killed tasks leave their cgroup only when they have finished exiting: retry EBUSY. */
        for (int i = 0; i < 300; i++) {
                if (rmdir(dir) >= 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY)
                        return negative_errno();
                nanosleep(&tick, NULL);
        }
        return -EBUSY;
}

/* As runc: a cgroup that already holds processes belongs to something else, whose limits,
 * pause and kill would become this container's (and ours its); a frozen one would hang init. */
static int check_usable(const CgroupLayout *l, const CgroupSet *s, const char *cgroups_path, pid_t placeholder,
                        Error *err) {
        for (size_t i = 0; i < s->n_entries; i++) {
                const CgroupEntry *e = &s->entries[i];
                char pids[64];
                /* One this create made is empty; one that was there may not be, in any hierarchy. */
                if (e->created || cgroup_file_read(e->dir, "cgroup.procs", pids, sizeof pids) <= 0)
                        continue;
                for (char *save = NULL, *w = strtok_r(pids, "\n", &save); w; w = strtok_r(NULL, "\n", &save))
                        if (atoi(w) != placeholder)
                                return error_set_complete(err, -EBUSY,
                                            "linux.cgroupsPath: \"%s\": the cgroup %s already holds processes (pid %d); "
                                            "a container needs a cgroup of its own", strna(cgroups_path), e->dir, atoi(w));
        }
        if (cgroup_is_frozen(l, s))
                return error_set_complete(err, -EBUSY, "linux.cgroupsPath: \"%s\": the cgroup is frozen", strna(cgroups_path));
        return 0;
}

/* rmdir() of what cgroup_create() made: the directory, and its parents up to the topmost
 * one it made. */
static int remove_created(const CgroupEntry *e) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (!e->created)
                return 0;
        r = remove_dir(e->dir);
        if (r < 0)
                return r;
        p = strdup(e->dir);
        while (p) {
                *strrchr(p, '/') = 0;
                if (strlen(p) < strlen(e->created))
                        break;
                (void) rmdir(p);
        }
        return 0;
}

/* Every cgroup Create makes (or takes over) for a container carries the container's id in this
 * attribute: the other methods act only on such a cgroup or one below it, never on any path a
 * caller names (the host's /system.slice, say). trusted.*: only the host's root can set it, so
 * no container, even with its own cgroup namespace and user namespace, can forge it. */
#define CGROUP_OWNER_XATTR "trusted.ocictl.container"
/* Rootless, the service may not set trusted.* (it needs CAP_SYS_ADMIN on the host), and may only
 * ever act on the cgroups the kernel lets its user write: a user.* mark (cgroupfs has them since
 * Linux 5.7) tells its containers' cgroups from the rest of that user's subtree. Forging it
 * gains nothing the user does not already have. */
#define CGROUP_OWNER_XATTR_ROOTLESS "user.ocictl.container"

static const char *owner_xattr(void) {
        static int rootless = -1;
        if (rootless < 0)
                rootless = running_rootless();
        return rootless ? CGROUP_OWNER_XATTR_ROOTLESS : CGROUP_OWNER_XATTR;
}

static int mark_owner(const char *dir, const char *id) {
        if (setxattr(dir, owner_xattr(), id, strlen(id), 0) < 0 && errno != EOPNOTSUPP)
                return negative_errno();
        return 0; /* a hierarchy without xattrs (old kernels) cannot be told apart: see below */
}

/* 1 if the entry's directory, or one above it inside its hierarchy, is a container's cgroup. */
static int entry_is_owned(const CgroupEntry *e) {
        size_t base = strlen(e->dir) - strlen(e->path);
        _cleanup_free_ char *d = strdup(e->dir);

        if (!d)
                return -ENOMEM;
        while (strlen(d) > base) {
                if (getxattr(d, owner_xattr(), NULL, 0) >= 0)
                        return 1;
                if (errno == EOPNOTSUPP)
                        return 1;
                if (errno != ENODATA)
                        return negative_errno();
                *strrchr(d, '/') = 0;
        }
        return 0;
}

int cgroup_set_check_owned(const CgroupSet *s, Error *err) {
        for (size_t i = 0; i < s->n_entries; i++) {
                int r = entry_is_owned(&s->entries[i]);
                if (r < 0)
                        return error_set(err, r, "cgroup %s", s->entries[i].dir);
                if (r == 0)
                        return error_set_complete(err, -EPERM, "cgroup %s is not one ocictl made for a container", s->entries[i].dir);
        }
        return 0;
}

int cgroup_create(const CgroupLayout *l, const char *cgroups_path, const char *id, const SpecResources *res,
                  pid_t placeholder, CgroupSet *ret, Error *err) {
        CgroupSet s = {};
        int r = 0;

        for (size_t i = 0; i < l->n_hierarchies; i++) {
                const CgroupHierarchy *h = &l->hierarchies[i];
                CgroupEntry *e = &s.entries[s.n_entries];

                *e = (CgroupEntry) { .key = strdup(h->key), .v2 = h->v2 };
                if (!e->key) {
                        r = -ENOMEM;
                        break;
                }
                s.n_entries++;
                r = cgroup_resolve_path(h, cgroups_path, id, &e->path);
                if (r < 0) {
                        error_set_complete(err, r, "linux.cgroupsPath: \"%s\" is not a usable cgroup path", strna(cgroups_path));
                        break;
                }
                if (asprintf(&e->dir, "%s%s", h->mountpoint, e->path) < 0) {
                        e->dir = NULL;
                        r = -ENOMEM;
                        break;
                }
                r = mkdir_parents(e->dir, strlen(h->mountpoint), &e->created);
                if (r < 0) {
                        error_set(err, r, "cannot create cgroup %s", e->dir);
                        break;
                }
                r = mark_owner(e->dir, id);
                if (r < 0) {
                        error_set(err, r, "cannot mark cgroup %s as the container's", e->dir);
                        break;
                }
                if (!h->v2 && cgroup_hierarchy_has_controller(h, "cpuset")) {
                        r = cpuset_inherit(e->dir, strlen(h->mountpoint));
                        if (r < 0) {
                                error_set(err, r, "cannot set up cpuset cgroup %s", e->dir);
                                break;
                        }
                }
        }
        if (r >= 0)
                r = check_usable(l, &s, cgroups_path, placeholder, err);
        if (r >= 0)
                r = cgroup_apply(l, &s, res, "linux.resources", err);
        if (r < 0) {
                /* Nothing was put in it yet: nothing to kill, and what existed before stays. */
                for (size_t i = 0; i < s.n_entries; i++)
                        (void) remove_created(&s.entries[i]);
                cgroup_set_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

int cgroup_open_join(const CgroupSet *s, int *fds, size_t *n_fds) {
        char path[4400];
        size_t n = 0;

        for (size_t i = 0; i < s->n_entries; i++) {
                const CgroupEntry *e = &s->entries[i];
                /* O_PATH: enough for clone3() and for openat(), and nothing more. */
                if (e->v2)
                        fds[n] = open(e->dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                else {
                        /* tasks, not cgroup.procs: the joiner is a single-threaded stage, and
                         * moving one thread (itself) skips the kernel's threadgroup lock, whose
                         * first writer waits out an RCU grace period (about 6 ms here, on
                         * every container start; Linux 6.0's "Optimize single thread
                         * migration"). For a process of one thread the two files move the
                         * same. */
                        snprintf(path, sizeof path, "%s/tasks", e->dir);
                        fds[n] = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
                }
                if (fds[n] < 0) {
                        int r = negative_errno();
                        while (n > 0)
                                safe_close(fds[--n]);
                        return r;
                }
                n++;
        }
        *n_fds = n;
        return 0;
}

/* Sends sig to every pid listed; returns how many there were. */
static int kill_listed(const char *dir, int sig) {
        char buf[65536];
        int n = 0;

        if (cgroup_file_read(dir, "cgroup.procs", buf, sizeof buf) <= 0)
                return 0;
        for (char *save = NULL, *w = strtok_r(buf, "\n", &save); w; w = strtok_r(NULL, "\n", &save)) {
                pid_t pid = atoi(w);
                if (pid > 0 && kill(pid, sig) >= 0)
                        n++;
        }
        return n;
}

/* Whether no process lives in any of the cgroups: a container whose processes have all exited
 * (what `run` and most deletes remove). No process can appear in them from nothing: joining
 * takes a privileged write or one of Open's descriptors, and the registry holds the
 * container's lock. */
static bool all_empty(const CgroupSet *s) {
        for (size_t i = 0; i < s->n_entries; i++) {
                char buf[16];
                if (cgroup_file_read(s->entries[i].dir, "cgroup.procs", buf, sizeof buf) != 0)
                        return false; /* someone is listed, or the list cannot be read: kill */
        }
        return true;
}

void cgroup_kill_all(const CgroupLayout *l, const CgroupSet *all) {
        const struct timespec tick = { 0, 10 * 1000 * 1000 };
        const CgroupHierarchy *freezer = cgroup_layout_find(l, "freezer");
        Error ignored;
        bool frozen = false;
        CgroupSet owned = {}, *s = &owned;

        /* Only a container's cgroup is killed; any other directory named is merely rmdir'ed,
         * which fails while something lives in it. Borrowed pointers: not freed here. */
        for (size_t i = 0; i < all->n_entries; i++)
                if (entry_is_owned(&all->entries[i]) > 0)
                        owned.entries[owned.n_entries++] = all->entries[i];

        /* Nothing to kill, so nothing to freeze: freezing a v1 cgroup switches a static key in
         * the kernel, a text patch on every CPU (about a tenth of a delete's time). */
        if (all_empty(s))
                return;
        for (size_t i = 0; i < s->n_entries; i++)
                if (s->entries[i].v2)
                        (void) cgroup_file_write(s->entries[i].dir, "cgroup.kill", "1");
        /* v1 has no cgroup.kill: freeze, so that nothing forks between reading the list and the
         * signal, kill what is listed, thaw so that the killed can die (as runc does). */
        if (freezer && !freezer->v2 && cgroup_set_find(s, freezer))
                frozen = cgroup_freeze(l, s, true, &ignored) >= 0;
        for (size_t i = 0; i < s->n_entries; i++)
                (void) kill_listed(s->entries[i].dir, SIGKILL);
        if (frozen)
                (void) cgroup_freeze(l, s, false, &ignored);
        /* Without a freezer (v2 kernels before 5.14), a task forking meanwhile shows up in the next
         * round. Bounded: 5 s. */
        for (int round = 0; round < 500; round++) {
                int n = 0;
                for (size_t i = 0; i < s->n_entries; i++)
                        n += kill_listed(s->entries[i].dir, SIGKILL);
                if (n == 0)
                        return;
                nanosleep(&tick, NULL);
        }
}

int cgroup_pids(const CgroupSet *s, pid_t *pids, size_t max) {
        /* Every hierarchy lists the same processes: the first readable list will do. */
        for (size_t i = 0; i < s->n_entries; i++) {
                char path[4400];
                FILE *f;
                int pid;
                size_t n = 0;

                snprintf(path, sizeof path, "%s/cgroup.procs", s->entries[i].dir);
                f = fopen(path, "re");
                if (!f)
                        continue;
                while (n < max && fscanf(f, "%d", &pid) == 1)
                        pids[n++] = pid;
                fclose(f);
                return (int) n;
        }
        return -ENOENT;
}

int cgroup_signal(const CgroupSet *s, int sig) {
        /* Every hierarchy lists the same processes: the first one that has a list will do. */
        for (size_t i = 0; i < s->n_entries; i++) {
                char buf[16];
                if (cgroup_file_read(s->entries[i].dir, "cgroup.procs", buf, sizeof buf) >= 0)
                        return kill_listed(s->entries[i].dir, sig);
        }
        return -ENOENT;
}

int cgroup_remove_dirs(const CgroupSet *s, bool rollback, Error *err) {
        int ret = 0;

        for (size_t i = 0; i < s->n_entries; i++) {
                const CgroupEntry *e = &s->entries[i];
                /* A rollback takes back what the create made; a delete removes the container's
                 * cgroup whoever made it, as runc does. */
                int r = rollback ? remove_created(e) : e->dir ? remove_dir(e->dir) : 0;
                if (r < 0 && ret >= 0)
                        ret = error_set(err, r, "cannot remove cgroup %s", e->dir);
        }
        return ret;
}

int cgroup_destroy(const CgroupLayout *l, const CgroupSet *s, bool rollback, Error *err) {
        cgroup_kill_all(l, s);
        return cgroup_remove_dirs(s, rollback, err);
}

int cgroup_set_from_paths(const CgroupLayout *l, char *const *keys, char *const *paths, char *const *created, size_t n,
                          CgroupSet *ret) {
        CgroupSet s = {};

        for (size_t i = 0; i < n; i++) {
                const CgroupHierarchy *h = NULL;
                for (size_t j = 0; j < l->n_hierarchies && !h; j++)
                        if (streq(l->hierarchies[j].key, keys[i]))
                                h = &l->hierarchies[j];
                if (!h || paths[i][0] != '/' || path_has_component(paths[i], "..") || streq(paths[i], "/")) {
                        cgroup_set_done(&s);
                        return -EINVAL;
                }
                /* What rollback may remove must be the path itself or one of its parents. */
                const char *c = created && created[i][0] ? created[i] : NULL;
                size_t cn = c ? strlen(c) : 0;
                if (c && (!strneq(paths[i], c, cn) || (paths[i][cn] != '/' && paths[i][cn] != 0) || streq(c, "/") ||
                          path_has_component(c, ".."))) {
                        cgroup_set_done(&s);
                        return -EINVAL;
                }
                CgroupEntry *e = &s.entries[s.n_entries++];
                *e = (CgroupEntry) { .key = strdup(keys[i]), .v2 = h->v2, .path = strdup(paths[i]) };
                if (!e->key || !e->path || asprintf(&e->dir, "%s%s", h->mountpoint, paths[i]) < 0 ||
                    (c && asprintf(&e->created, "%s%s", h->mountpoint, c) < 0)) {
                        e->dir = e->created = NULL;
                        cgroup_set_done(&s);
                        return -ENOMEM;
                }
        }
        *ret = s;
        return 0;
}

const char *cgroup_entry_created_path(const CgroupEntry *e, const CgroupLayout *l) {
        if (!e->created)
                return "";
        for (size_t i = 0; i < l->n_hierarchies; i++)
                if (l->hierarchies[i].v2 == e->v2 && streq(l->hierarchies[i].key, e->key))
                        return e->created + strlen(l->hierarchies[i].mountpoint);
        return "";
}
