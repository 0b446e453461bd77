/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel maps a physical address, from /proc/kcore: its ELF
 * program headers give, for each range of RAM, the kernel virtual address
 * (p_vaddr) of the physical address (p_paddr) - in the direct map, and
 * for the kernel image also in the kernel-text mapping.  The module
 * reports top-level entries only (KERNEL_GET), not the base of the direct
 * map, which KASLR moves in steps of 1 GiB inside them.  The same file
 * then reads the kernel's page tables, to say how each is mapped.
 */
#ifndef PTSCOPE_KCORE_H
#define PTSCOPE_KCORE_H

#include <stdbool.h>
#include <stdint.h>

struct kcore_segment {
	uint64_t va, pa, size, offset;	/* offset: in /proc/kcore */
};

struct kcore {
	int fd;
	struct kcore_segment *seg;	/* the segments with a physical address */
	unsigned int n;
};

/* 0, or -1 with errno (EPERM without CAP_SYS_RAWIO or under lockdown). */
int kcore_open(struct kcore *k);
void kcore_close(struct kcore *k);
/* Read @len bytes at kernel address @va: 0, or -1 when no segment has them all. */
int kcore_read(const struct kcore *k, uint64_t va, void *buf, size_t len);

/* The same at physical address @pa, through whichever segment maps it. */
int kcore_read_pa(const struct kcore *k, uint64_t pa, void *buf, size_t len);

#endif
