// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel half of an address space: the top-level entries of the table
 * that maps it, and which kernel areas each one maps (the architecture
 * names them: arch_*.c).  Kernel top-level entries are set up at boot and
 * shared by every process; they are read without locks, as ptdump does.
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "arch.h"
#include "ptscope.h"

static void name_areas(struct ptscope_kernel_entry *e)
{
	struct ptscope_kernel_area areas[PTSCOPE_KERNEL_AREAS_MAX];
	unsigned int i, n = ptscope_arch_kernel_areas(areas);
	unsigned long last = e->end - 1;	/* 0 - 1 for the top entry */
	size_t len = 0;

	e->areas[0] = '\0';
	for (i = 0; i < n; i++) {
		if (areas[i].end < e->start || areas[i].start > last)
			continue;
		len += scnprintf(e->areas + len, sizeof(e->areas) - len, "%s%s",
				 len ? ", " : "", areas[i].name);
	}
}

/*
 * The top-level entry mapping @addr, in the table at @base, and the shift
 * of what one entry maps: the first level that is not folded, at build
 * time (pgtable-nop4d.h) or at boot (x86 without LA57, arm64 without
 * LPA2), which then lives in the page of the level above.
 */
static u64 *top_entry(struct mm_struct *mm, pgd_t *base, unsigned long addr,
		      unsigned int *shift)
{
	pgd_t *pgdp = pgd_offset_pgd(base, addr);
	p4d_t *p4dp;

	*shift = PGDIR_SHIFT;
	if (!mm_p4d_folded(mm))
		return (u64 *)pgdp;
	p4dp = p4d_offset(pgdp, addr);
	*shift = P4D_SHIFT;
	if (!mm_pud_folded(mm))
		return (u64 *)p4dp;
	*shift = PUD_SHIFT;
	return (u64 *)pud_offset(p4dp, addr);
}

/**
 * ptscope_kernel_next() - the next present top-level entry of the kernel half
 * @mm: pinned with mmgrab(); its pgd lives until mmdrop()
 * @index: the entry to look at first, counted from the kernel half's
 *	start; on success, moved past the entry
 * @e: filled in on success
 *
 * Return: 0, or 1 when no entry is left.
 */
int ptscope_kernel_next(struct mm_struct *mm, unsigned int *index,
			struct ptscope_kernel_entry *e)
{
	pgd_t *base = ptscope_arch_kernel_pgd(mm);
	unsigned long start = ptscope_kernel_start(), addr;
	unsigned int i = *index, shift;
	u64 *entry, val;

	top_entry(mm, base, start, &shift);
	for (; (addr = start + ((unsigned long)i << shift)) >= start; i++) {
		entry = top_entry(mm, base, addr, &shift);
		/* Not pgd_none(): with the level folded it is constant false. */
		val = READ_ONCE(*entry);
		if (!val)
			continue;
		e->index = ((unsigned long)entry & ~PAGE_MASK) / sizeof(*entry);
		e->entry = val;
		e->start = addr;
		e->end = addr + (1UL << shift);
		name_areas(e);
		*index = i + 1;
		return 0;
	}
	*index = i;
	return 1;
}
