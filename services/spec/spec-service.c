/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.ocictl.Spec1: the only process that reads config.json. It runs sandboxed (sandbox.c)
 * and answers with the validated spec as typed D-Bus data. */
#include <seccomp.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "log.h"
#include "runtime-features.h"
#include "sandbox.h"
#include "service-capabilities.h"
#include "service-run.h"
#include "services.h"
#include "spec-bus.h"
#include "spec-json.h"

static int read_config(int fd, const char *what, char **ret, size_t *ret_size, sd_bus_error *error) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        struct stat st;

        /* A FIFO or socket could block the service forever: only a regular file will do. */
        if (fstat(fd, &st) < 0)
                return sd_bus_error_set_errnof(error, errno, "%s: %m", what);
        if (!S_ISREG(st.st_mode))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "%s: not a regular file", what);
        if (st.st_size > SPEC_JSON_MAX_SIZE)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "%s: larger than %d bytes", what,
                                         SPEC_JSON_MAX_SIZE);
        buf = malloc(SPEC_JSON_MAX_SIZE + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = pread(fd, buf + size, SPEC_JSON_MAX_SIZE + 1 - size, (off_t) size);
                if (n < 0)
                        return sd_bus_error_set_errnof(error, errno, "%s: %m", what);
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > SPEC_JSON_MAX_SIZE)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC,
                                                 "%s: larger than %d bytes", what, SPEC_JSON_MAX_SIZE);
        }
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

/* Safe for any caller: it only reads the descriptor it was given, and holds no privilege. */
static int parse_fd(sd_bus_message *m, const char *what, int (*parse)(const char *, size_t, Spec *, Error *),
                    sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *data = NULL;
        _cleanup_(spec_done) Spec spec = {};
        Error e = {};
        size_t size = 0;
        int fd, r;

        r = sd_bus_message_read(m, "h", &fd);
        if (r < 0)
                return r;
        r = read_config(fd, what, &data, &size, error);
        if (r < 0)
                return r;
        r = parse(data, size, &spec, &e);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                error_wrap(&e, r, "%s", what);
                return bus_error_set_from(error, OCICTL_ERROR_INVALID_SPEC, &e, r);
        }

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = spec_bus_append(reply, &spec);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_parse(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return parse_fd(m, "config.json", spec_from_json, error);
}

static int method_parse_process(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return parse_fd(m, "process.json", spec_process_from_json, error);
}

/* A LinuxResources object as text (update's flags and -r file): the resources a{sv} alone. */
static int method_parse_resources(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(spec_done) Spec spec = {};
        Error e = {};
        const char *json;
        int r;

        r = sd_bus_message_read(m, "s", &json);
        if (r < 0)
                return r;
        r = spec_resources_from_json(json, strlen(json), &spec, &e);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return bus_error_set_from(error, OCICTL_ERROR_INVALID_SPEC, &e, r);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = spec_bus_append_resources(reply, &spec.resources);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_features(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *json = features_json();
        if (!json)
                return -ENOMEM;
        return sd_bus_reply_method_return(m, "s", json);
}

static const sd_bus_vtable spec_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Parse", SD_BUS_ARGS("h", config), SD_BUS_RESULT("a{sv}", spec), method_parse,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ParseProcess", SD_BUS_ARGS("h", process), SD_BUS_RESULT("a{sv}", spec),
                                method_parse_process, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ParseResources", SD_BUS_ARGS("s", resources), SD_BUS_RESULT("a{sv}", resources),
                                method_parse_resources, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Features", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", features), method_features,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static int setup(sd_bus *bus, sd_event *event, void *userdata) {
        int r;
        /* libseccomp probes the kernel once; our own filter below would change its answer. */
        (void) seccomp_api_get();
        r = sandbox_enter();
        if (r < 0)
                return log_error_errno(r, "Failed to enter the sandbox: %m");
        return 0;
}

int main(void) {
        const ServiceDefinition def = {
                .id = SERVICE_SPEC,
                .vtable = spec_vtable,
                .setup = setup,
                .capabilities = SPEC_CAPABILITIES, /* service-capabilities.h; sandbox.c drops them */
        };
        return service_run(&def);
}
