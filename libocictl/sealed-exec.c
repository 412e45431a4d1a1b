/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "macros.h"
#include "sealed-exec.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

/* Nothing may change the copy; F_SEAL_SEAL so that no seal can be taken off or added later. */
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

int sealed_copy_of(const char *path, int *ret_fd) {
        _cleanup_close_ int src = -EBADF, mem = -EBADF;
        struct stat st;
        off_t done = 0;

        src = open(path, O_RDONLY | O_CLOEXEC);
        if (src < 0 || fstat(src, &st) < 0)
                return -errno;
        /* MFD_EXEC says so where vm.memfd_noexec would otherwise make memfds non-executable;
         * kernels before 6.3 do not know the flag and refuse it. */
        mem = memfd_create("ocictl-spawner", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (mem < 0 && errno == EINVAL)
                mem = memfd_create("ocictl-spawner", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mem < 0)
                return -errno;
        while (done < st.st_size) {
                ssize_t n = sendfile(mem, src, NULL, (size_t) (st.st_size - done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                done += n;
        }
        if (fcntl(mem, F_ADD_SEALS, SEALS) < 0)
                return -errno;
        *ret_fd = TAKE_FD(mem);
        return 0;
}

bool sealed_is_sealed(int fd) {
        int seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & SEALS) == SEALS;
}

int sealed_reexec_self(char **argv) {
        _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), copy = -EBADF;
        int r;

        if (self < 0)
                return -errno;
        if (sealed_is_sealed(self))
                return 0;
        r = sealed_copy_of("/proc/self/exe", &copy);
        if (r < 0)
                return r;
        /* execveat(AT_EMPTY_PATH) of a close-on-exec fd is fine for an ELF image: the kernel
         * holds the file itself once the exec has begun. */
        (void) syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
        return -errno;
}
