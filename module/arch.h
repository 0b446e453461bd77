/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture layer: what an entry of the page tables means.  The
 * walk, run merging, regions and netlink are common; each architecture
 * says, in arch_<arch>.h (inline: the walk decodes every entry through it)
 * and arch_<arch>.c:
 *
 *	PTSCOPE_ARCH				enum ptscope_arch
 *	ptscope_pte_bits(pte), _pmd_bits(pmd), _pud_bits(pud)
 *		the attribute bits of a leaf entry that its flags, memory type
 *		and protection key are decoded from: two entries have equal
 *		decoded fields exactly when these are equal (the walk's fast
 *		paths compare them undecoded)
 *	ptscope_arch_flags(bits)		enum ptscope_flag, hardware part
 *	ptscope_arch_pkey(bits)			protection key, or 0
 *	ptscope_arch_mem_type(bits)		enum ptscope_mem_type
 *	ptscope_pud_present(pud)		present to the kernel, as
 *						pmd_present() tests a PMD
 *	ptscope_user_end()			the end of the user half
 *	ptscope_kernel_start()			the start of the kernel half
 *	ptscope_arch_kernel_pgd(mm)		the table the kernel half's
 *						top-level entries are in
 *	ptscope_arch_kernel_areas(areas)	the kernel's areas, named
 *
 * Present, none, leaf, PFN and swap entries are the kernel's own
 * accessors (pte_present(), pmd_leaf(), pte_pfn(), pte_to_swp_entry()),
 * never masks of raw bits: arm64's LPA2 keeps physical address bits
 * among the attributes.
 */
#ifndef _PTSCOPE_ARCH_H
#define _PTSCOPE_ARCH_H

#include <linux/mm_types.h>

struct ptscope_kernel_area {
	const char *name;
	unsigned long start;
	unsigned long end;	/* inclusive */
};

#define PTSCOPE_KERNEL_AREAS_MAX 12

unsigned int ptscope_arch_kernel_areas(struct ptscope_kernel_area *areas);
pgd_t *ptscope_arch_kernel_pgd(struct mm_struct *mm);
void ptscope_arch_init(void);

#if defined(CONFIG_X86_64)
#include "arch_x86.h"
#elif defined(CONFIG_ARM64)
#include "arch_arm64.h"
#else
#error "ptscope reads the page tables of x86-64 and arm64"
#endif

/* Whether an address is one: the bits above the address space all equal. */
static inline bool ptscope_is_canonical(unsigned long addr)
{
	unsigned long top = addr & ~(ptscope_user_end() - 1);

	return !top || top == ptscope_kernel_start();
}

#endif /* _PTSCOPE_ARCH_H */
