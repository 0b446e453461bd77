/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's VMAs as REGIONS_GET reports them, kept to find the file and
 * region of an address, and to tell whether the VMAs changed between two
 * reads.
 */
#ifndef PTSCOPE_VMAS_H
#define PTSCOPE_VMAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct vma_info {
	uint64_t start, end, offset, resident;	/* resident: 4 KiB pages */
	uint32_t perms, region;
	char *path;		/* NULL: anonymous */
};

struct vma_table {
	struct vma_info *v;	/* in address order */
	size_t n, cap;
	char comm[32];
};

/*
 * Read @pid's VMAs over @nl into @t (emptied first).  Returns 0, or -1
 * with errno the kernel's error, as ptscope_nl_query().
 */
int vmas_read(struct ptscope_nl *nl, uint32_t pid, struct vma_table *t);
void vmas_free(struct vma_table *t);
/* The VMA holding @va, or NULL. */
const struct vma_info *vmas_find(const struct vma_table *t, uint64_t va);
/* The same VMAs: bounds, permissions, offsets and files. */
bool vmas_equal(const struct vma_table *a, const struct vma_table *b);
/* The resident pages of them all (4 KiB units). */
uint64_t vmas_resident(const struct vma_table *t);

#endif
