// SPDX-License-Identifier: GPL-2.0
/* /proc/kcore's program headers and contents: see kcore.h. */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcore.h"

int kcore_open(struct kcore *k)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	unsigned int i;
	size_t len;

	memset(k, 0, sizeof(*k));
	k->fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (k->fd < 0)
		return -1;
	if (pread(k->fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(*ph))
		goto bad;
	len = (size_t)eh.e_phnum * sizeof(*ph);
	ph = malloc(len ? len : 1);
	k->seg = calloc(eh.e_phnum ? eh.e_phnum : 1, sizeof(*k->seg));
	if (!ph || !k->seg || pread(k->fd, ph, len, eh.e_phoff) != (ssize_t)len)
		goto bad;
	for (i = 0; i < eh.e_phnum; i++) {
		/* vmalloc, modules and the like have no physical address: -1. */
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == ~(Elf64_Addr)0)
			continue;
		k->seg[k->n++] = (struct kcore_segment){
			.va = ph[i].p_vaddr, .pa = ph[i].p_paddr, .size = ph[i].p_memsz,
			.offset = ph[i].p_offset,
		};
	}
	free(ph);
	return 0;
bad:
	free(ph);
	kcore_close(k);
	errno = errno ? errno : EINVAL;
	return -1;
}

void kcore_close(struct kcore *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->seg);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

int kcore_read(const struct kcore *k, uint64_t va, void *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		const struct kcore_segment *s = &k->seg[i];

		if (va < s->va || va - s->va + len > s->size)
			continue;
		return pread(k->fd, buf, len, s->offset + (va - s->va)) == (ssize_t)len ? 0 : -1;
	}
	errno = EFAULT;
	return -1;
}

int kcore_read_pa(const struct kcore *k, uint64_t pa, void *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		const struct kcore_segment *s = &k->seg[i];

		if (pa >= s->pa && pa - s->pa + len <= s->size)
			return kcore_read(k, s->va + (pa - s->pa), buf, len);
	}
	errno = EFAULT;
	return -1;
}
