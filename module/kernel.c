// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel half of an address space: the top-level entries every process
 * shares, and which kernel areas each one maps (Documentation/arch/x86/
 * x86_64/mm.rst).  Kernel top-level entries are set up at boot and copied
 * into every new pgd; they are read without locks, as ptdump does.
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>
#include <asm/pgtable.h>

#include "ptscope.h"

struct kernel_area {
	const char *name;
	unsigned long start;
	unsigned long end;	/* inclusive */
};

/* Filled at each call: with KASLR the bases are only known at runtime. */
static unsigned int kernel_areas(struct kernel_area *a)
{
	unsigned int n = 0;

	a[n++] = (struct kernel_area){ "direct map", PAGE_OFFSET, VMALLOC_START - 1 };
	a[n++] = (struct kernel_area){ "vmalloc", VMALLOC_START, VMALLOC_END };
	a[n++] = (struct kernel_area){ "vmemmap", VMEMMAP_START,
				       VMEMMAP_START + (1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT)) *
				       sizeof(struct page) - 1 };
	a[n++] = (struct kernel_area){ "espfix", ESPFIX_BASE_ADDR,
				       ESPFIX_BASE_ADDR + P4D_SIZE - 1 };
	a[n++] = (struct kernel_area){ "cpu entry area", CPU_ENTRY_AREA_BASE,
				       CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_MAP_SIZE - 1 };
	a[n++] = (struct kernel_area){ "kernel text", __START_KERNEL_map,
				       __START_KERNEL_map + KERNEL_IMAGE_SIZE - 1 };
	a[n++] = (struct kernel_area){ "modules", MODULES_VADDR, MODULES_END - 1 };
	a[n++] = (struct kernel_area){ "fixmap", FIXADDR_START, FIXADDR_TOP + PAGE_SIZE - 1 };
	return n;
}

/* The first address of the kernel half: the top of the canonical hole. */
unsigned long ptscope_kernel_start(void)
{
	return ~((1UL << __VIRTUAL_MASK_SHIFT) - 1);
}

static void name_areas(struct ptscope_kernel_entry *e)
{
	struct kernel_area areas[10];
	unsigned int i, n = kernel_areas(areas);
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

/**
 * ptscope_kernel_next() - the next present top-level entry of the kernel half
 * @mm: pinned with mmgrab(); its pgd lives until mmdrop()
 * @index: where to look; on success, moved past the entry
 * @e: filled in on success
 *
 * Return: 0, or 1 when no entry is left.
 */
int ptscope_kernel_next(struct mm_struct *mm, unsigned int *index,
			struct ptscope_kernel_entry *e)
{
	unsigned int i = max_t(unsigned int, *index, pgd_index(ptscope_kernel_start()));
	pgd_t pgd;

	for (; i < PTRS_PER_PGD; i++) {
		pgd = READ_ONCE(mm->pgd[i]);
		/* Not pgd_none(): with 4 levels it is constant false (p4d folded). */
		if (!pgd_val(pgd))
			continue;
		e->index = i;
		e->entry = pgd_val(pgd);
		/* The kernel half is the top of the sign-extended space. */
		e->start = ptscope_kernel_start() | ((unsigned long)i << PGDIR_SHIFT);
		e->end = e->start + (1UL << PGDIR_SHIFT);
		name_areas(e);
		*index = i + 1;
		return 0;
	}
	*index = i;
	return 1;
}
