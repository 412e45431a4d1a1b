/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the spec parser (spec-json.h is its interface): what its section files share. Each
 * parse_X() fills p->spec from one part of config.json and fails with fail(), whose message
 * starts with the JSON path of what is wrong. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "json-reader.h"
#include "spec.h"

typedef struct Parser {
        Spec *spec;
        Error *error; /* the first failure, named by its JSON path */
} Parser;

typedef struct NamedValue {
        const char *name;
        uint64_t value;
} NamedValue;

/* spec-json-parser.c */
int fail(Parser *p, const char *path, const char *fmt, ...) _printf_(3, 4);
const char *node_type_name(JsonValue *n);
char *join(const char *path, const char *name);
char *join_index(const char *path, size_t i);
JsonValue *member(JsonValue *o, const char *name);
int want_object(Parser *p, JsonValue *n, const char *path, JsonValue **ret);
int want_array(Parser *p, JsonValue *n, const char *path, JsonValue **ret);
int want_string(Parser *p, JsonValue *n, const char *path, char **ret);
int want_bool(Parser *p, JsonValue *n, const char *path, bool *ret);
int want_int(Parser *p, JsonValue *n, const char *path, int64_t min, int64_t max, int64_t *ret);
int want_uint64(Parser *p, JsonValue *n, const char *path, uint64_t *ret);
int want_strv(Parser *p, JsonValue *n, const char *path, char ***ret);
int want_named(Parser *p, JsonValue *o, const char *key, const char *path, const char *kind,
               const NamedValue *table, size_t n_table, uint64_t *ret);
int want_flags(Parser *p, JsonValue *n, const char *path, const NamedValue *table, size_t n_table,
               uint64_t *ret);
int refuse_unsupported(Parser *p, JsonValue *o, const char *path, const char *const *names);
bool path_is_absolute(const char *s);
bool cpu_list_is_valid(const char *s);
int parse_string_map(Parser *p, JsonValue *n, const char *base, size_t max_size, StringPair **ret,
                     size_t *ret_n);

/* spec-json-process.c */
int parse_lsm_label(Parser *p, JsonValue *n, const char *path, const char *lsm_dir, const char *lsm);
int parse_process(Parser *p, JsonValue *n);

/* spec-json-mounts.c */
int parse_mounts(Parser *p, JsonValue *n);
int check_idmapped_mounts(Parser *p);

/* spec-json-seccomp.c */
int parse_seccomp(Parser *p, JsonValue *n);

/* spec-json-resources.c */
int parse_resources(Parser *p, JsonValue *n);
int parse_resources_document(Parser *p, JsonValue *root);

/* spec-json-linux.c */
int parse_id_mappings(Parser *p, JsonValue *n, const char *base, SpecIdMapping **ret, size_t *ret_n);
int parse_linux(Parser *p, JsonValue *n);
NamespaceType sysctl_namespace(const char *key);
