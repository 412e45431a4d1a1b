/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the spec's D-Bus codec (spec-bus.h is its interface): the entry and value helpers that
 * spec-bus.c (the field table), spec-bus-sections.c and spec-bus-resources.c share. An entry is
 * one {sv} of the a{sv}: the key is the JSON path, the variant holds the value. Readers are
 * bounded like every caller-controlled input (SPEC_MAX_STRINGS, SPEC_MAX_STRING_LENGTH). */
#pragma once

#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "spec.h"

/* Writing: {key: variant(sig)} around the value, or a whole entry at once. */
int open_entry(sd_bus_message *m, const char *key, const char *sig);
int close_entry(sd_bus_message *m);
int append_entry(sd_bus_message *m, const char *key, const char *sig, ...);
/* The a(uuu) itself: linux.uidMappings and a mount's idmap alike. */
int append_id_mappings(sd_bus_message *m, const SpecIdMapping *l, size_t n);
/* The a{ss} itself. */
int append_pairs(sd_bus_message *m, const StringPair *pairs, size_t n);

/* Reading: enters one {sv} entry and reads its key (the variant is next). */
int read_entry_key(sd_bus_message *m, const char **ret_key);
/* Reading values (the variant already entered). */
int read_string(sd_bus_message *m, char **ret);
int read_optional_string(sd_bus_message *m, char **ret); /* "" stands for unset */
int read_strv(sd_bus_message *m, char ***ret);
/* Enters a{T}, calls item() once per element, leaves; returns 0 (not sd-bus's 1), so steps
 * chain with ?:. */
int read_array(sd_bus_message *m, const char *contents, int (*item)(sd_bus_message *m, void *userdata),
               void *userdata);
int read_pairs(sd_bus_message *m, StringPair **pairs, size_t *n);
int read_id_mappings(sd_bus_message *m, SpecIdMapping **mappings, size_t *n);

/* Appends one zeroed element to a heap array, returns it (NULL: out of memory). */
#define GROW(array, n)                                                               \
        ({                                                                           \
                typeof(array) _a = realloc((array), ((n) + 1) * sizeof(*(array)));   \
                if (_a) {                                                            \
                        (array) = _a;                                                \
                        memset(&(array)[(n)], 0, sizeof(*(array)));                  \
                }                                                                    \
                _a ? &(array)[(n)++] : NULL;                                         \
        })

/* Inside read_entry-style code with `int r` and `m` in scope: enter the variant (0 on success,
 * for chaining with ?:) and leave it. */
#define ENTER(sig) ((r = sd_bus_message_enter_container(m, 'v', sig)) < 0 ? r : 0)
#define EXIT() sd_bus_message_exit_container(m)
