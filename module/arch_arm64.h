/* SPDX-License-Identifier: GPL-2.0 */
/* arm64 (ARMv8-A) page-table entries, any granule (see arch.h). */
#ifndef _PTSCOPE_ARCH_ARM64_H
#define _PTSCOPE_ARCH_ARM64_H

#include <linux/pgtable.h>
#include <asm/memory.h>
#include <uapi/linux/ptscope.h>

#define PTSCOPE_ARCH PTSCOPE_ARCH_ARM64

/* Not every kernel has them: uffd-wp came in 6.10, 6.9 moved PROT_NONE to nG. */
#ifndef PTE_UFFD_WP
#define PTE_UFFD_WP 0
#endif
#ifdef PTE_PROT_NONE
#define PTSCOPE_PROT_NONE_BIT PTE_PROT_NONE
#else
#define PTSCOPE_PROT_NONE_BIT 0
#endif

/*
 * Block and page descriptors share their attributes' places.  Bits 8-9
 * (shareability) are left out: under LPA2 they hold address bits.
 */
#define PTSCOPE_ARCH_BITS (PTE_VALID | PTE_USER | PTE_RDONLY | PTE_AF | PTE_NG | PTE_GP | \
			   PTE_DBM | PTE_CONT | PTE_PXN | PTE_UXN | PTE_DIRTY | \
			   PTE_ATTRINDX_MASK | PTE_UFFD_WP | PTSCOPE_PROT_NONE_BIT)

static __always_inline u64 ptscope_pte_bits(pte_t pte)
{
	return pte_val(pte) & PTSCOPE_ARCH_BITS;
}

static inline u64 ptscope_pmd_bits(pmd_t pmd)
{
	return pmd_val(pmd) & PTSCOPE_ARCH_BITS;
}

static inline u64 ptscope_pud_bits(pud_t pud)
{
	return pud_val(pud) & PTSCOPE_ARCH_BITS;
}

/*
 * The flags of an entry present to the kernel, through the kernel's own
 * accessors where it has them: writable is pte_write() (DBM, which lets
 * the MMU clear AP[2] on the first write), dirty is pte_dirty() (the
 * software bit, or DBM with AP[2] clear).  Without PTE_VALID it is a
 * PROT_NONE or NUMA-hinting entry, whose nG bit says so (6.9+).
 */
static __always_inline u32 ptscope_arch_flags(u64 bits)
{
	pte_t pte = __pte(bits);
	u32 flags = 0;

	if (bits & PTE_VALID)
		flags |= PTSCOPE_FLAG_PRESENT;
	else
		flags |= PTSCOPE_FLAG_PROTNONE;
	if (pte_write(pte))
		flags |= PTSCOPE_FLAG_WRITE;
	if (pte_user(pte) || pte_user_exec(pte))
		flags |= PTSCOPE_FLAG_USER;
	if (pte_young(pte))
		flags |= PTSCOPE_FLAG_ACCESSED;
	if (pte_dirty(pte))
		flags |= PTSCOPE_FLAG_DIRTY;
	if ((bits & (PTE_VALID | PTE_NG)) == PTE_VALID)
		flags |= PTSCOPE_FLAG_GLOBAL;
	if (bits & PTE_UXN)
		flags |= PTSCOPE_FLAG_NX;
	if (bits & PTE_UFFD_WP)
		flags |= PTSCOPE_FLAG_UFFD_WP;
	if (bits & PTE_CONT)
		flags |= PTSCOPE_FLAG_CONT;
	if (bits & PTE_GP)
		flags |= PTSCOPE_FLAG_GUARDED;
	return flags;
}

/* Permission overlays (POE) are not in the CPUs and kernels ptscope runs on. */
static inline u8 ptscope_arch_pkey(u64 bits)
{
	return 0;
}

/* AttrIndx, through MAIR_EL1 as Linux programs it (asm/memory.h). */
static inline u8 ptscope_arch_mem_type(u64 bits)
{
	switch ((bits & PTE_ATTRINDX_MASK) >> 2) {
	case MT_NORMAL:
		return PTSCOPE_MEM_TYPE_WRITE_BACK;
	case MT_NORMAL_TAGGED:
		return PTSCOPE_MEM_TYPE_TAGGED;
	case MT_NORMAL_NC:
		return PTSCOPE_MEM_TYPE_NON_CACHEABLE;
	case MT_DEVICE_nGnRnE:
	case MT_DEVICE_nGnRE:
		return PTSCOPE_MEM_TYPE_DEVICE;
	default:
		return PTSCOPE_MEM_TYPE_UNKNOWN;
	}
}

static inline bool ptscope_pud_present(pud_t pud)
{
	return pud_present(pud);
}

/* TTBR0 maps the user half, TTBR1 the kernel half; vabits_actual wide each. */
static inline unsigned long ptscope_user_end(void)
{
	return 1UL << vabits_actual;
}

static inline unsigned long ptscope_kernel_start(void)
{
	return _PAGE_OFFSET(vabits_actual);
}

#endif /* _PTSCOPE_ARCH_ARM64_H */
