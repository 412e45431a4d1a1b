/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ocictl-registry: the registry on its own, as the bus starts it (ocictl forks the same code). */
#include "service-mains.h"

int main(void) {
        return registry_service_main();
}
