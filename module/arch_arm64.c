// SPDX-License-Identifier: GPL-2.0
/* arm64: the kernel half's areas and table. */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/fixmap.h>
#include <asm/memory.h>
#include <asm/pgtable.h>
#include <asm/sysreg.h>

#include "arch.h"

void ptscope_arch_init(void)
{
}

/* 6.4 grew the fixmap by FIX_BTMAPS below FIXADDR_START: FIXADDR_TOT_START. */
#ifdef FIXADDR_TOT_START
#define FIXMAP_START FIXADDR_TOT_START
#else
#define FIXMAP_START FIXADDR_START
#endif

/* Documentation/arch/arm64/memory.rst; the linear map's start moves with the VA size. */
unsigned int ptscope_arch_kernel_areas(struct ptscope_kernel_area *a)
{
	unsigned int n = 0;

	a[n++] = (struct ptscope_kernel_area){ "linear map", _PAGE_OFFSET(vabits_actual),
					       PAGE_END - 1 };
#ifdef CONFIG_KASAN
	a[n++] = (struct ptscope_kernel_area){ "kasan shadow", KASAN_SHADOW_START,
					       KASAN_SHADOW_END - 1 };
#endif
	a[n++] = (struct ptscope_kernel_area){ "modules", MODULES_VADDR, MODULES_END - 1 };
	a[n++] = (struct ptscope_kernel_area){ "vmalloc", VMALLOC_START, VMALLOC_END - 1 };
	a[n++] = (struct ptscope_kernel_area){ "vmemmap", VMEMMAP_START, VMEMMAP_END - 1 };
	a[n++] = (struct ptscope_kernel_area){ "PCI I/O", PCI_IO_START, PCI_IO_END - 1 };
	a[n++] = (struct ptscope_kernel_area){ "fixmap", FIXMAP_START, FIXADDR_TOP - 1 };
	return n;
}

/*
 * The kernel half is not in the mm's table but in the one TTBR1_EL1 holds
 * (swapper_pg_dir; neither it nor init_mm is exported).  Its base address
 * field keeps physical address bits 51:48 in bits 5:2 where addresses are
 * 52 bits wide (phys_to_ttbr()).  A 52-bit kernel without LPA2 that runs
 * 48 bits wide points TTBR1 at the entry for the lowest 48-bit address,
 * TTBR1_BADDR_4852_OFFSET into the table (offset_ttbr1); the walk indexes
 * with pgd_index(), which counts from the table's start.
 */
pgd_t *ptscope_arch_kernel_pgd(struct mm_struct *mm)
{
	u64 ttbr = read_sysreg(ttbr1_el1);
	phys_addr_t pa;

#ifdef CONFIG_ARM64_PA_BITS_52
	pa = (ttbr & GENMASK_ULL(47, 6)) | ((ttbr & GENMASK_ULL(5, 2)) << 46);
#else
	pa = ttbr & GENMASK_ULL(47, 1);
#endif
#if defined(CONFIG_ARM64_VA_BITS_52) && !defined(CONFIG_ARM64_LPA2)
	pa &= ~(phys_addr_t)TTBR1_BADDR_4852_OFFSET;
#endif
	return (pgd_t *)__va(pa);
}
