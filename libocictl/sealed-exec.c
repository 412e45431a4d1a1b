/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
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

/* How much of the ELF file at fd the kernel and the dynamic loader read: its headers and what its
 * program headers point to (the segments). The rest (debug information, the symbol table, the
 * section headers) is never mapped, and in a build with debug information it is most of the
 * file: a copy without it takes a quarter of the time and memory. 0: not an ELF file of ours,
 * copy it whole. *ehdr is the header, for the copy to drop its section headers from. */
static off_t loaded_extent(int fd, off_t file_size, ElfW(Ehdr) *ehdr) {
        ElfW(Phdr) phdrs[64];
        off_t end;

        if (pread(fd, ehdr, sizeof *ehdr, 0) != (ssize_t) sizeof *ehdr || memcmp(ehdr->e_ident, ELFMAG, SELFMAG) != 0 ||
            ehdr->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
            ehdr->e_phentsize != sizeof phdrs[0] || ehdr->e_phnum == 0 || ehdr->e_phnum > ELEMENTSOF(phdrs))
                return 0;
        if (pread(fd, phdrs, ehdr->e_phnum * sizeof phdrs[0], (off_t) ehdr->e_phoff) !=
            (ssize_t) (ehdr->e_phnum * sizeof phdrs[0]))
                return 0;
        end = (off_t) (ehdr->e_phoff + ehdr->e_phnum * sizeof phdrs[0]);
        for (size_t i = 0; i < ehdr->e_phnum; i++)
                if ((off_t) (phdrs[i].p_offset + phdrs[i].p_filesz) > end)
                        end = (off_t) (phdrs[i].p_offset + phdrs[i].p_filesz);
        return end <= file_size ? end : 0;
}

int sealed_copy_of(const char *path, int *ret_fd) {
        _cleanup_close_ int src = -EBADF, mem = -EBADF;
        ElfW(Ehdr) ehdr;
        struct stat st;
        off_t done = 0, size;

        src = open(path, O_RDONLY | O_CLOEXEC);
        if (src < 0 || fstat(src, &st) < 0)
                return -errno;
        size = loaded_extent(src, st.st_size, &ehdr) ?: st.st_size;
        /* MFD_EXEC says so where vm.memfd_noexec would otherwise make memfds non-executable;
         * kernels before 6.3 do not know the flag and refuse it. */
        mem = memfd_create("ocictl-spawner", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (mem < 0 && errno == EINVAL)
                mem = memfd_create("ocictl-spawner", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mem < 0)
                return -errno;
        while (done < size) {
                ssize_t n = sendfile(mem, src, NULL, (size_t) (size - done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                done += n;
        }
        if (size < st.st_size) {
                /* The section headers were left behind: say there are none, as strip would. */
                ehdr.e_shoff = 0;
                ehdr.e_shnum = 0;
                ehdr.e_shstrndx = SHN_UNDEF;
                if (pwrite(mem, &ehdr, sizeof ehdr, 0) != (ssize_t) sizeof ehdr)
                        return errno ? -errno : -EIO;
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
