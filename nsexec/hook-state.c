/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hook-state.h"
#include "json-writer.h"

char *hook_state_json(const char *id, const char *status, pid_t pid, const char *bundle, const Spec *s) {
        JsonWriter w = {};

        json_begin_object(&w);
        json_key_string(&w, "ociVersion", s->oci_version ?: "1.3.0");
        json_key_string(&w, "id", id ?: "");
        json_key_string(&w, "status", status);
        if (pid > 0)
                json_key_int(&w, "pid", pid);
        json_key_string(&w, "bundle", bundle ?: "");
        json_key(&w, "annotations");
        json_begin_object(&w);
        for (size_t i = 0; i < s->n_annotations; i++)
                json_key_string(&w, s->annotations[i].key, s->annotations[i].value);
        json_end_object(&w);
        json_end_object(&w);
        return json_writer_steal(&w);
}

