/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-errors.h"
#include "create-options.h"
#include "macros.h"

int create_options_append(sd_bus_message *m, const CreateOptions *o) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && o->no_pivot)
                r = sd_bus_message_append(m, "{sv}", "noPivot", "b", 1);
        if (r >= 0 && o->ignore_paused)
                r = sd_bus_message_append(m, "{sv}", "ignorePaused", "b", 1);
        if (r >= 0 && o->rootless != ROOTLESS_AUTO)
                r = sd_bus_message_append(m, "{sv}", "rootless", "b", o->rootless == ROOTLESS_TRUE);
        if (r >= 0 && o->notify_socket)
                r = sd_bus_message_append(m, "{sv}", "notifySocket", "b", 1);
        if (r >= 0 && o->systemd_cgroup)
                r = sd_bus_message_append(m, "{sv}", "systemdCgroup", "b", 1);
        if (r >= 0 && o->no_new_keyring)
                r = sd_bus_message_append(m, "{sv}", "noNewKeyring", "b", 1);
        if (r >= 0 && o->console_socket >= 0)
                r = sd_bus_message_append(m, "{sv}", "consoleSocket", "h", o->console_socket);
        if (r >= 0 && o->console_if_terminal)
                r = sd_bus_message_append(m, "{sv}", "consoleIfTerminal", "b", 1);
        if (r >= 0 && o->container_id)
                r = sd_bus_message_append(m, "{sv}", "containerId", "s", o->container_id);
        if (r >= 0 && o->bundle)
                r = sd_bus_message_append(m, "{sv}", "bundle", "s", o->bundle);
        if (r >= 0 && o->listen_fds > 0)
                r = sd_bus_message_append(m, "{sv}", "listenFds", "u", o->listen_fds);
        if (r >= 0 && o->n_mount_source_fds > 0) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "mountSourceFds");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "a(uh)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(uh)");
                for (size_t i = 0; r >= 0 && i < o->n_mount_source_fds; i++)
                        r = sd_bus_message_append(m, "(uh)", o->mount_source_fds[i].index, o->mount_source_fds[i].fd);
                for (int k = 0; r >= 0 && k < 3; k++)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0 && o->n_preserve_fds > 0) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "preserveFds");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "ah");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "h");
                for (size_t i = 0; r >= 0 && i < o->n_preserve_fds; i++)
                        r = sd_bus_message_append(m, "h", o->preserve_fds[i]);
                for (int k = 0; r >= 0 && k < 3; k++)
                        r = sd_bus_message_close_container(m);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int create_options_read(sd_bus_message *m, CreateOptions *ret, sd_bus_error *error) {
        CreateOptions o = CREATE_OPTIONS_INIT;
        const char *key;
        int r, b;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "noPivot")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.no_pivot = b;
                } else if (streq(key, "ignorePaused")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.ignore_paused = b;
                } else if (streq(key, "rootless")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.rootless = b ? ROOTLESS_TRUE : ROOTLESS_FALSE;
                } else if (streq(key, "notifySocket")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.notify_socket = b;
                } else if (streq(key, "systemdCgroup")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.systemd_cgroup = b;
                } else if (streq(key, "noNewKeyring")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.no_new_keyring = b;
                } else if (streq(key, "consoleIfTerminal")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.console_if_terminal = b;
                } else if (streq(key, "consoleSocket"))
                        /* Owned by the message: valid while the caller handles it. */
                        r = sd_bus_message_read(m, "v", "h", &o.console_socket);
                else if (streq(key, "containerId"))
                        r = sd_bus_message_read(m, "v", "s", &o.container_id);
                else if (streq(key, "bundle"))
                        r = sd_bus_message_read(m, "v", "s", &o.bundle);
                else if (streq(key, "listenFds"))
                        r = sd_bus_message_read(m, "v", "u", &o.listen_fds);
                else if (streq(key, "preserveFds")) {
                        r = sd_bus_message_enter_container(m, 'v', "ah");
                        if (r >= 0)
                                r = sd_bus_message_enter_container(m, 'a', "h");
                        while (r >= 0 && (r = sd_bus_message_read(m, "h", &o.preserve_fds[o.n_preserve_fds])) > 0)
                                if (++o.n_preserve_fds >= PRESERVE_FDS_MAX)
                                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                                 "preserveFds: more than %d", PRESERVE_FDS_MAX - 1);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                }
                else if (streq(key, "mountSourceFds")) {
                        unsigned index;
                        int fd;
                        r = sd_bus_message_enter_container(m, 'v', "a(uh)");
                        if (r >= 0)
                                r = sd_bus_message_enter_container(m, 'a', "(uh)");
                        while (r >= 0 && (r = sd_bus_message_read(m, "(uh)", &index, &fd)) > 0) {
                                if (o.n_mount_source_fds >= MOUNT_SOURCE_FDS_MAX)
                                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                                 "mountSourceFds: more than %d", MOUNT_SOURCE_FDS_MAX);
                                o.mount_source_fds[o.n_mount_source_fds].index = index;
                                o.mount_source_fds[o.n_mount_source_fds++].fd = fd;
                        }
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                } else
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "unknown option \"%s\"", key);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = o;
        return 0;
}
