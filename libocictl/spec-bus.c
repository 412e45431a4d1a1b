/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec as D-Bus data, driven by one table: each row is a key (the field's JSON path), its
 * D-Bus signature and where the value lives in Spec; values that are more than a string, a
 * string list, a map or a number name their writer and reader pair (spec-bus-sections.c). The
 * writer and the reader both walk this table, and test-spec-bus checks it against the Spec1
 * interface's documentation, so a field is added in one place here. */
#include <assert.h>
#include <stddef.h>

#include "macros.h"
#include "spec-bus-codec.h"
#include "spec-bus-sections.h"
#include "spec-bus.h"

typedef enum SpecBusType {
        BUS_STRING, /* char *, written when set */
        BUS_STRV,   /* char **, written when set */
        BUS_BOOL,   /* bool, always written */
        BUS_UINT32, /* uint32_t (uid_t, gid_t, mode_t), always written unless optional */
        BUS_INT32,  /* int, likewise */
        BUS_PAIRS,  /* StringPair * with its count at aux, written when not empty */
        BUS_SECTION,
} SpecBusType;

typedef struct SpecBusField {
        const char *key;
        const char *signature;
        SpecBusType type;
        size_t offset;
        size_t aux;    /* BUS_PAIRS: the count; an optional number: the bool that says it is set */
        bool optional; /* a number written only when the bool at aux is true */
        const SpecBusSection *section;
        int index; /* passed to the section's functions */
} SpecBusField;

static_assert(sizeof(uid_t) == sizeof(uint32_t) && sizeof(gid_t) == sizeof(uint32_t) &&
                      sizeof(mode_t) == sizeof(uint32_t),
              "uid_t, gid_t and mode_t travel as u");

#define STRING(k, f) { k, "s", BUS_STRING, offsetof(Spec, f) }
#define STRV(k, f) { k, "as", BUS_STRV, offsetof(Spec, f) }
#define BOOL(k, f) { k, "b", BUS_BOOL, offsetof(Spec, f) }
#define UINT32(k, f) { k, "u", BUS_UINT32, offsetof(Spec, f) }
#define OPTIONAL(k, sig, type, f, has) { k, sig, type, offsetof(Spec, f), offsetof(Spec, has), true }
#define PAIRS(k, f, n) { k, "a{ss}", BUS_PAIRS, offsetof(Spec, f), offsetof(Spec, n) }
#define SECTION(k, sig, s, i) { k, sig, BUS_SECTION, .section = &(s), .index = (i) }

static const SpecBusField fields[] = {
        STRING("ociVersion", oci_version),
        STRING("root.path", root_path),
        BOOL("root.readonly", root_readonly),
        BOOL("process.terminal", terminal),
        SECTION("process.consoleSize", "(uu)", section_console_size, 0),
        UINT32("process.user.uid", uid),
        UINT32("process.user.gid", gid),
        OPTIONAL("process.user.umask", "u", BUS_UINT32, umask, has_umask),
        SECTION("process.user.additionalGids", "au", section_additional_gids, 0),
        STRV("process.args", args),
        STRV("process.env", env),
        STRING("process.cwd", cwd),
        SECTION("process.capabilities", "(ttttt)", section_capabilities, 0),
        SECTION("process.rlimits", "a(itt)", section_rlimits, 0),
        BOOL("process.noNewPrivileges", no_new_privileges),
        OPTIONAL("process.oomScoreAdj", "i", BUS_INT32, oom_score_adj, has_oom_score_adj),
        SECTION("process.ioPriority", "(uu)", section_io_priority, 0),
        SECTION("process.scheduler", "(uiutttt)", section_scheduler, 0),
        STRING("process.execCPUAffinity.initial", cpu_affinity_initial),
        STRING("process.execCPUAffinity.final", cpu_affinity_final),
        STRING("hostname", hostname),
        STRING("domainname", domainname),
        SECTION("mounts", "a" MOUNT_SIGNATURE, section_mounts, 0),
        PAIRS("annotations", annotations, n_annotations),
        SECTION("hooks.prestart", "a(sasasi)", section_hooks, HOOK_PRESTART),
        SECTION("hooks.createRuntime", "a(sasasi)", section_hooks, HOOK_CREATE_RUNTIME),
        SECTION("hooks.createContainer", "a(sasasi)", section_hooks, HOOK_CREATE_CONTAINER),
        SECTION("hooks.startContainer", "a(sasasi)", section_hooks, HOOK_START_CONTAINER),
        SECTION("hooks.poststart", "a(sasasi)", section_hooks, HOOK_POSTSTART),
        SECTION("hooks.poststop", "a(sasasi)", section_hooks, HOOK_POSTSTOP),
        SECTION("linux.namespaces", "a(ss)", section_namespaces, 0),
        SECTION("linux.uidMappings", "a(uuu)", section_id_mappings, 0),
        SECTION("linux.gidMappings", "a(uuu)", section_id_mappings, 1),
        STRV("linux.maskedPaths", masked_paths),
        STRV("linux.readonlyPaths", readonly_paths),
        STRING("linux.cgroupsPath", cgroups_path),
        STRING("linux.rootfsPropagation", rootfs_propagation),
        OPTIONAL("linux.personality", "u", BUS_UINT32, personality, has_personality),
        PAIRS("linux.sysctl", sysctls, n_sysctls),
        PAIRS("linux.netDevices", net_devices, n_net_devices),
        SECTION("linux.timeOffsets", "(xuxu)", section_time_offsets, 0),
        SECTION("linux.memoryPolicy", "(us)", section_memory_policy, 0),
        SECTION("linux.devices", "a" DEVICE_SIGNATURE, section_devices, 0),
        SECTION("linux.seccomp", SECCOMP_SIGNATURE, section_seccomp, 0),
        SECTION("linux.resources", "a{sv}", section_resources, 0),
};

const char *spec_bus_key(size_t i, const char **ret_signature) {
        if (i >= ELEMENTSOF(fields))
                return NULL;
        if (ret_signature)
                *ret_signature = fields[i].signature;
        return fields[i].key;
}

#define AT(s, off, type) ((type *) ((char *) (s) + (off)))
#define AT_CONST(s, off, type) ((const type *) ((const char *) (s) + (off)))

static bool field_present(const SpecBusField *f, const Spec *s) {
        switch (f->type) {
        case BUS_STRING:
                return *AT_CONST(s, f->offset, char *) != NULL;
        case BUS_STRV:
                return *AT_CONST(s, f->offset, char **) != NULL;
        case BUS_PAIRS:
                return *AT_CONST(s, f->aux, size_t) > 0;
        case BUS_SECTION:
                return f->section->present(s, f->index);
        default:
                return !f->optional || *AT_CONST(s, f->aux, bool);
        }
}

static int field_append(sd_bus_message *m, const SpecBusField *f, const Spec *s) {
        switch (f->type) {
        case BUS_STRING:
                return sd_bus_message_append(m, "s", *AT_CONST(s, f->offset, char *));
        case BUS_STRV:
                return sd_bus_message_append_strv(m, *(char **const *) AT_CONST(s, f->offset, char *));
        case BUS_BOOL:
                return sd_bus_message_append(m, "b", (int) *AT_CONST(s, f->offset, bool));
        case BUS_UINT32:
                return sd_bus_message_append(m, "u", *AT_CONST(s, f->offset, uint32_t));
        case BUS_INT32:
                return sd_bus_message_append(m, "i", *AT_CONST(s, f->offset, int));
        case BUS_PAIRS:
                return append_pairs(m, *AT_CONST(s, f->offset, StringPair *), *AT_CONST(s, f->aux, size_t));
        case BUS_SECTION:
                return f->section->append(m, s, f->index);
        }
        return -EINVAL;
}

static int field_read(sd_bus_message *m, const SpecBusField *f, Spec *s) {
        int b, r;

        switch (f->type) {
        case BUS_STRING:
                return read_string(m, AT(s, f->offset, char *));
        case BUS_STRV:
                return read_strv(m, AT(s, f->offset, char **));
        case BUS_BOOL:
                r = sd_bus_message_read(m, "b", &b);
                *AT(s, f->offset, bool) = b;
                return r;
        case BUS_UINT32:
        case BUS_INT32:
                r = sd_bus_message_read_basic(m, f->type == BUS_UINT32 ? 'u' : 'i', AT(s, f->offset, uint32_t));
                if (f->optional)
                        *AT(s, f->aux, bool) = true;
                return r;
        case BUS_PAIRS:
                return read_pairs(m, AT(s, f->offset, StringPair *), AT(s, f->aux, size_t));
        case BUS_SECTION:
                return f->section->read(m, s, f->index);
        }
        return -EINVAL;
}

int spec_bus_append(sd_bus_message *m, const Spec *s) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(fields); i++) {
                if (!field_present(&fields[i], s))
                        continue;
                r = open_entry(m, fields[i].key, fields[i].signature);
                if (r >= 0)
                        r = field_append(m, &fields[i], s);
                if (r >= 0)
                        r = close_entry(m);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int read_entry(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        const SpecBusField *f = NULL;
        const char *key;
        int r;

        r = read_entry_key(m, &key);
        if (r < 0)
                return r;
        for (size_t i = 0; !f && i < ELEMENTSOF(fields); i++)
                if (streq(key, fields[i].key))
                        f = &fields[i];
        if (!f) /* a key we do not know: a newer sender; refuse rather than drop it (spec-bus.h) */
                return -EBADMSG;
        r = ENTER(f->signature) ?: field_read(m, f, s);
        if (r >= 0)
                r = EXIT();
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 0;
}

int spec_bus_read(sd_bus_message *m, Spec *s) {
        return read_array(m, "{sv}", read_entry, s);
}
