/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ocictl-cgroups: the cgroup manager on its own, as the bus starts it (ocictl forks the same
 * code). */
#include "service-mains.h"

int main(void) {
        return cgroups_service_main();
}
