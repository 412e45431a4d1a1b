/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "macros.h"
#include "spec-bus-codec.h"

int open_entry(sd_bus_message *m, const char *key, const char *sig) {
        int r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', sig);
        return r;
}

int close_entry(sd_bus_message *m) {
        int r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int append_entry(sd_bus_message *m, const char *key, const char *sig, ...) {
        va_list ap;
        int r = open_entry(m, key, sig);
        if (r < 0)
                return r;
        va_start(ap, sig);
        r = sd_bus_message_appendv(m, sig, ap);
        va_end(ap);
        return r < 0 ? r : close_entry(m);
}

int append_id_mappings(sd_bus_message *m, const SpecIdMapping *l, size_t n) {
        int r = sd_bus_message_open_container(m, 'a', "(uuu)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(uuu)", l[i].container_id, l[i].host_id, l[i].size);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int append_pairs(sd_bus_message *m, const StringPair *pairs, size_t n) {
        int r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "{ss}", pairs[i].key, pairs[i].value);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int read_entry_key(sd_bus_message *m, const char **ret_key) {
        int r = sd_bus_message_enter_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_read(m, "s", ret_key);
        return r < 0 ? r : 0;
}

int read_string(sd_bus_message *m, char **ret) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        if (strlen(v) > SPEC_MAX_STRING_LENGTH)
                return -E2BIG;
        free(*ret);
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

int read_optional_string(sd_bus_message *m, char **ret) {
        int r = read_string(m, ret);
        if (r >= 0 && **ret == 0) {
                free(*ret);
                *ret = NULL;
        }
        return r;
}

int read_strv(sd_bus_message *m, char ***ret) {
        char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        if (strv_length(l) > SPEC_MAX_STRINGS) {
                strv_free(l);
                return -E2BIG;
        }
        strv_free(*ret);
        *ret = l;
        return 0;
}

int read_array(sd_bus_message *m, const char *contents, int (*item)(sd_bus_message *m, void *userdata),
               void *userdata) {
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', contents);
        if (r < 0)
                return r;
        /* peek_type() answers 0 at the end of the array. */
        while ((r = sd_bus_message_peek_type(m, NULL, NULL)) > 0) {
                if (++n > SPEC_MAX_STRINGS)
                        return -E2BIG;
                r = item(m, userdata);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 0;
}

typedef struct PairList {
        StringPair **pairs;
        size_t *n;
} PairList;

static int read_pair(sd_bus_message *m, void *userdata) {
        PairList *l = userdata;
        StringPair *a = GROW(*l->pairs, *l->n);
        const char *k, *v;
        int r;

        if (!a)
                return -ENOMEM;
        r = sd_bus_message_read(m, "{ss}", &k, &v);
        if (r < 0)
                return r;
        a->key = strdup(k);
        a->value = strdup(v);
        return a->key && a->value ? 0 : -ENOMEM;
}

int read_pairs(sd_bus_message *m, StringPair **pairs, size_t *n) {
        return read_array(m, "{ss}", read_pair, &(PairList) { pairs, n });
}

typedef struct IdMappingList {
        SpecIdMapping **mappings;
        size_t *n;
} IdMappingList;

static int read_id_mapping(sd_bus_message *m, void *userdata) {
        IdMappingList *l = userdata;
        SpecIdMapping *e;
        if (*l->n >= SPEC_ID_MAPPINGS_MAX)
                return -E2BIG;
        e = GROW(*l->mappings, *l->n);
        if (!e)
                return -ENOMEM;
        return sd_bus_message_read(m, "(uuu)", &e->container_id, &e->host_id, &e->size);
}

int read_id_mappings(sd_bus_message *m, SpecIdMapping **mappings, size_t *n) {
        return read_array(m, "(uuu)", read_id_mapping, &(IdMappingList) { mappings, n });
}
