// SPDX-License-Identifier: GPL-2.0
/* x86-64: the kernel half's areas and table, and the PAT's memory types. */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>
#include <asm/msr.h>
#include <asm/pgtable.h>

#include "arch.h"

u8 ptscope_pat_types[8];

/*
 * The PAT MSR's entry types (Intel SDM 12.12.2): what the PAT, PCD and PWT
 * bits of an entry select.  Without PAT they select the legacy types,
 * as PAT's reset value does.
 */
void ptscope_arch_init(void)
{
	static const u8 types[8] = {
		[0] = PTSCOPE_MEM_TYPE_UNCACHED,
		[1] = PTSCOPE_MEM_TYPE_WRITE_COMBINING,
		[4] = PTSCOPE_MEM_TYPE_WRITE_THROUGH,
		[5] = PTSCOPE_MEM_TYPE_WRITE_PROTECT,
		[6] = PTSCOPE_MEM_TYPE_WRITE_BACK,
		[7] = PTSCOPE_MEM_TYPE_UNCACHED,	/* UC-: UC unless MTRRs say WC */
	};
	u64 pat = 0x0007040600070406ULL;	/* the reset value */
	unsigned int i;

	if (boot_cpu_has(X86_FEATURE_PAT))
		rdmsrl(MSR_IA32_CR_PAT, pat);
	for (i = 0; i < 8; i++)
		ptscope_pat_types[i] = types[(pat >> (8 * i)) & 7];
}

/* Documentation/arch/x86/x86_64/mm.rst; with KASLR the bases move at boot. */
unsigned int ptscope_arch_kernel_areas(struct ptscope_kernel_area *a)
{
	unsigned int n = 0;

	a[n++] = (struct ptscope_kernel_area){ "direct map", PAGE_OFFSET, VMALLOC_START - 1 };
	a[n++] = (struct ptscope_kernel_area){ "vmalloc", VMALLOC_START, VMALLOC_END };
	a[n++] = (struct ptscope_kernel_area){ "vmemmap", VMEMMAP_START,
		VMEMMAP_START + (sizeof(struct page) << (MAX_PHYSMEM_BITS - PAGE_SHIFT)) - 1 };
	a[n++] = (struct ptscope_kernel_area){ "espfix", ESPFIX_BASE_ADDR,
					       ESPFIX_BASE_ADDR + P4D_SIZE - 1 };
	a[n++] = (struct ptscope_kernel_area){ "cpu entry area", CPU_ENTRY_AREA_BASE,
		CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_MAP_SIZE - 1 };
	a[n++] = (struct ptscope_kernel_area){ "kernel text", __START_KERNEL_map,
		__START_KERNEL_map + KERNEL_IMAGE_SIZE - 1 };
	a[n++] = (struct ptscope_kernel_area){ "modules", MODULES_VADDR, MODULES_END - 1 };
	a[n++] = (struct ptscope_kernel_area){ "fixmap", FIXADDR_START,
					       FIXADDR_TOP + PAGE_SIZE - 1 };
	return n;
}

/* One table for both halves: the kernel's entries are copied into every pgd. */
pgd_t *ptscope_arch_kernel_pgd(struct mm_struct *mm)
{
	return mm->pgd;
}
