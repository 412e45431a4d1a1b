/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* runc's `features` JSON; caller frees; NULL when out of memory. */
char *features_json(void);
