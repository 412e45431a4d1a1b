/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "state-file.h"
#include "state-resources.h"

/* One budget for what is written and what is read back: everything the state holds comes from
 * a config.json of at most SPEC_JSON_MAX_SIZE bytes, escaping at most quadruples it, and the
 * rest (ids, paths, numbers) is small. save refuses more, so that no state is ever written that
 * load could not read. */
#define STATE_FILE_MAX (4 * SPEC_JSON_MAX_SIZE + 64 * 1024)

void container_state_done(ContainerState *s) {
        free(s->id);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        string_pairs_free(s->cgroups, s->n_cgroups);
        free(s->systemd_unit);
        string_pairs_free(s->annotations, s->n_annotations);
        string_pairs_free(s->net_devices, s->n_net_devices);
        resources_done(&s->resources);
        free(s->legacy_resources_json);
        *s = (ContainerState) {};
}

char *state_escape(const char *s) {
        char *out = malloc(strlen(s) * 4 + 1), *o = out;
        if (!out)
                return NULL;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '\\') {
                        *o++ = '\\';
                        *o++ = '\\';
                } else if (*p == '\n') {
                        *o++ = '\\';
                        *o++ = 'n';
                } else if (*p == ' ') {
                        *o++ = '\\';
                        *o++ = 's';
                } else if (*p < 0x20 || *p == 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        }
        *o = 0;
        return out;
}

char *state_unescape(const char *s) {
        char *out = malloc(strlen(s) + 1), *o = out;
        if (!out)
                return NULL;
        for (const char *p = s; *p; p++) {
                if (*p != '\\') {
                        *o++ = *p;
                        continue;
                }
                p++;
                if (*p == '\\')
                        *o++ = '\\';
                else if (*p == 'n')
                        *o++ = '\n';
                else if (*p == 's')
                        *o++ = ' ';
                else if (*p == 'x' && p[1] && p[2]) {
                        unsigned v;
                        if (sscanf(p + 1, "%2x", &v) != 1) {
                                free(out);
                                return NULL;
                        }
                        *o++ = (char) v;
                        p += 2;
                } else {
                        free(out);
                        return NULL;
                }
        }
        *o = 0;
        return out;
}

static int write_field(FILE *f, const char *key, const char *value) {
        _cleanup_free_ char *e = state_escape(value ?: "");
        if (!e)
                return -ENOMEM;
        fprintf(f, "%s %s\n", key, e);
        return 0;
}

static int write_pairs(FILE *f, const char *name, const StringPair *pairs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *k = state_escape(pairs[i].key);
                _cleanup_free_ char *v = state_escape(pairs[i].value);
                if (!k || !v)
                        return -ENOMEM;
                fprintf(f, "%s %s %s\n", name, k, v);
        }
        return 0;
}

int state_file_write(int dir_fd, const ContainerState *s) {
        _cleanup_close_ int fd = -EBADF;
        char num[64];
        FILE *f;
        int r = 0;

        (void) unlinkat(dir_fd, STATE_FILE ".tmp", 0);
        fd = openat(dir_fd, STATE_FILE ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        f = fdopen(fd, "w");
        if (!f)
                return negative_errno();
        TAKE_FD(fd);

        r = write_field(f, "id", s->id);
        snprintf(num, sizeof num, "%d", (int) s->pid);
        if (r >= 0)
                r = write_field(f, "pid", num);
        snprintf(num, sizeof num, "%" PRIu64, s->start_time);
        if (r >= 0)
                r = write_field(f, "start_time", num);
        if (r >= 0)
                r = write_field(f, "bundle", s->bundle);
        if (r >= 0)
                r = write_field(f, "rootfs", s->rootfs);
        if (r >= 0)
                r = write_field(f, "created", s->created);
        snprintf(num, sizeof num, "%u", (unsigned) s->owner);
        if (r >= 0)
                r = write_field(f, "owner", num);
        snprintf(num, sizeof num, "%u", s->hooks);
        if (r >= 0 && s->hooks)
                r = write_field(f, "hooks", num);
        if (r >= 0)
                r = write_pairs(f, "annotation", s->annotations, s->n_annotations);
        if (r >= 0)
                r = write_pairs(f, "netdevice", s->net_devices, s->n_net_devices);
        if (r >= 0)
                r = write_pairs(f, "cgroup", s->cgroups, s->n_cgroups);
        if (r >= 0 && s->systemd_unit)
                r = write_field(f, "systemd_unit", s->systemd_unit);
        if (r >= 0 && s->paused)
                r = write_field(f, "paused", "1");
        if (r >= 0 && s->no_new_keyring)
                r = write_field(f, "no_new_keyring", "1");
        if (r >= 0)
                r = state_write_resources(f, &s->resources);
        if (r >= 0 && s->legacy_resources_json)
                r = write_field(f, "resources", s->legacy_resources_json);
        if (r >= 0 && fflush(f) != 0)
                r = negative_errno();
        if (r >= 0 && ftell(f) > STATE_FILE_MAX)
                r = -EFBIG;
        if (r >= 0 && fsync(fileno(f)) < 0)
                r = negative_errno();
        fclose(f);
        if (r >= 0 && renameat(dir_fd, STATE_FILE ".tmp", dir_fd, STATE_FILE) < 0)
                r = negative_errno();
        if (r < 0)
                (void) unlinkat(dir_fd, STATE_FILE ".tmp", 0);
        return r;
}

static int set_string(char **field, const char *escaped) {
        char *v = state_unescape(escaped);
        if (!v)
                return -EBADMSG;
        free(*field);
        *field = v;
        return 0;
}

/* "KEY VALUE", both escaped, appended to a list of pairs. */
static int read_pair(char *text, StringPair **pairs, size_t *n) {
        char *v = strchr(text, ' ');
        StringPair *a;

        if (!v)
                return -EBADMSG;
        *v++ = 0;
        a = realloc(*pairs, (*n + 1) * sizeof *a);
        if (!a)
                return -ENOMEM;
        *pairs = a;
        a = &a[(*n)++];
        *a = (StringPair) { state_unescape(text), state_unescape(v) };
        return a->key && a->value ? 0 : -EBADMSG;
}

int state_file_read(int dir_fd, ContainerState *ret) {
        ContainerState s = {};
        _cleanup_close_ int fd = -EBADF;
        char *line = NULL;
        size_t cap = 0;
        FILE *f;
        int r = 0;

        fd = openat(dir_fd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        f = fdopen(fd, "r");
        if (!f)
                return negative_errno();
        TAKE_FD(fd);

        for (size_t total = 0; r >= 0;) {
                ssize_t n = getline(&line, &cap, f);
                char *value;

                if (n < 0)
                        break;
                total += (size_t) n;
                if (total > STATE_FILE_MAX) {
                        r = -EFBIG;
                        break;
                }
                if (n > 0 && line[n - 1] == '\n')
                        line[n - 1] = 0;
                value = strchr(line, ' ');
                if (!value) {
                        r = -EBADMSG;
                        break;
                }
                *value++ = 0;
                if (streq(line, "id"))
                        r = set_string(&s.id, value);
                else if (streq(line, "pid"))
                        s.pid = atoi(value);
                else if (streq(line, "start_time"))
                        s.start_time = strtoull(value, NULL, 10);
                else if (streq(line, "bundle"))
                        r = set_string(&s.bundle, value);
                else if (streq(line, "rootfs"))
                        r = set_string(&s.rootfs, value);
                else if (streq(line, "created"))
                        r = set_string(&s.created, value);
                else if (streq(line, "owner"))
                        s.owner = (uid_t) strtoul(value, NULL, 10);
                else if (streq(line, "hooks"))
                        s.hooks = (unsigned) strtoul(value, NULL, 10);
                else if (streq(line, "annotation"))
                        r = read_pair(value, &s.annotations, &s.n_annotations);
                else if (streq(line, "netdevice"))
                        r = read_pair(value, &s.net_devices, &s.n_net_devices);
                else if (streq(line, "cgroup"))
                        r = read_pair(value, &s.cgroups, &s.n_cgroups);
                else if (streq(line, "systemd_unit"))
                        r = set_string(&s.systemd_unit, value);
                else if (streq(line, "paused"))
                        s.paused = streq(value, "1");
                else if (streq(line, "no_new_keyring"))
                        s.no_new_keyring = streq(value, "1");
                else if (streq(line, "resources"))
                        r = set_string(&s.legacy_resources_json, value);
                else if (strneq(line, "resource", strlen("resource")))
                        r = state_read_resource(line, value, &s.resources);
                /* Unknown keys come from a newer ocictl: keep going, they are not ours to judge. */
        }
        free(line);
        fclose(f);
        if (r >= 0 && !s.id)
                r = -EBADMSG;
        if (r < 0) {
                container_state_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}
