/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "macros.h"
#include "systemd-path.h"

bool cgroups_path_is_systemd(const char *path) {
        return path && strchr(path, ':');
}

static bool valid_unit_part(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] == '/' || s[i] == ':' || (unsigned char) s[i] < 0x20)
                        return false;
        return n > 0 && !(n == 2 && strneq(s, "..", 2)) && !(n == 1 && s[0] == '.');
}

int systemd_cgroups_path(const char *spec, char **ret, const char **reason) {
        const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        size_t slice_len, prefix_len;
        const char *slice, *prefix, *name;
        char *path, *w;

        if (!c1 || !c2 || strchr(c2 + 1, ':')) {
                *reason = "the systemd form is slice:prefix:name";
                return -EINVAL;
        }
        slice = spec;
        slice_len = (size_t) (c1 - spec);
        prefix = c1 + 1;
        prefix_len = (size_t) (c2 - prefix);
        name = c2 + 1;
        if (slice_len == 0) {
                slice = "system.slice"; /* runc's default for root */
                slice_len = strlen(slice);
        }
        bool root = slice_len == 7 && strneq(slice, "-.slice", 7); /* the root slice is the root itself */
        if (!root && (!valid_unit_part(slice, slice_len) || slice_len < 7 || !strneq(slice + slice_len - 6, ".slice", 6) ||
            slice[0] == '-' || memmem(slice, slice_len, "--", 2) || (slice_len > 7 && slice[slice_len - 7] == '-'))) {
                *reason = "the slice must be a systemd slice name (\"system.slice\", \"a-b.slice\")";
                return -EINVAL;
        }
        if ((prefix_len > 0 && !valid_unit_part(prefix, prefix_len)) || !valid_unit_part(name, strlen(name))) {
                *reason = "prefix and name must not contain '/' or ':'";
                return -EINVAL;
        }
        /* Each '-' of the slice name starts a parent: "a-b.slice" lives in "a.slice". */
        path = malloc(2 * slice_len + 16 + prefix_len + strlen(name) + 16);
        if (!path)
                return -ENOMEM;
        w = path;
        *w = 0;
        if (!root) {
                for (size_t i = 0; i < slice_len - 6; i++)
                        if (slice[i] == '-')
                                w += sprintf(w, "/%.*s.slice", (int) i, slice);
                w += sprintf(w, "/%.*s", (int) slice_len, slice);
        }
        if (strlen(name) > 6 && streq(name + strlen(name) - 6, ".slice"))
                sprintf(w, "/%s", name); /* a slice of its own */
        else if (prefix_len > 0)
                sprintf(w, "/%.*s-%s.scope", (int) prefix_len, prefix, name);
        else
                sprintf(w, "/%s.scope", name);
        *ret = path;
        return 0;
}

int systemd_cgroups_unit(const char *spec, char **ret_slice, char **ret_scope, const char **reason) {
        _cleanup_free_ char *path = NULL, *slice = NULL, *scope = NULL;
        const char *c1, *c2, *name;
        int r;

        r = systemd_cgroups_path(spec, &path, reason); /* validates every part */
        if (r < 0)
                return r;
        c1 = strchr(spec, ':');
        c2 = strchr(c1 + 1, ':');
        name = c2 + 1;
        if (strlen(name) > 6 && streq(name + strlen(name) - 6, ".slice")) {
                *reason = "the systemd cgroup driver puts a container in a scope; the name must not be a slice";
                return -EINVAL;
        }
        slice = c1 == spec ? strdup("system.slice") : strndup(spec, (size_t) (c1 - spec));
        scope = strdup(strrchr(path, '/') + 1); /* the scope's name is its cgroup's */
        if (!slice || !scope)
                return -ENOMEM;
        *ret_slice = TAKE_PTR(slice);
        *ret_scope = TAKE_PTR(scope);
        return 0;
}
