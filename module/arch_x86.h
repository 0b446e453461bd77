/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 page-table entries (see arch.h). */
#ifndef _PTSCOPE_ARCH_X86_H
#define _PTSCOPE_ARCH_X86_H

#include <linux/pgtable.h>
#include <uapi/linux/ptscope.h>

#define PTSCOPE_ARCH PTSCOPE_ARCH_X86_64

/*
 * Dirty as pte_dirty() reads it.  Since 6.6, where a CPU may run shadow
 * stacks (their entries are Write=0,Dirty=1), the kernel moves the dirty
 * bit of every other entry it write-protects - at fork(), mprotect(),
 * uffd-wp - to the software bit _PAGE_SAVED_DIRTY, on every CPU.
 */
#ifdef _PAGE_SAVED_DIRTY
#define PTSCOPE_DIRTY_BITS (_PAGE_DIRTY | _PAGE_SAVED_DIRTY)
#else
#define PTSCOPE_DIRTY_BITS _PAGE_DIRTY
#endif

/* The memory type: PAT, PCD and PWT index the PAT MSR (bit 7 in a 4 KiB entry). */
#define PTSCOPE_CACHE_BITS (_PAGE_PAT | _PAGE_PCD | _PAGE_PWT)

#define PTSCOPE_ARCH_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
			   PTSCOPE_DIRTY_BITS | _PAGE_GLOBAL | _PAGE_NX | _PAGE_SOFT_DIRTY | \
			   _PAGE_PROTNONE | _PAGE_UFFD_WP | _PAGE_PKEY_MASK | PTSCOPE_CACHE_BITS)

static __always_inline u64 ptscope_pte_bits(pte_t pte)
{
	return pte_flags(pte) & PTSCOPE_ARCH_BITS;
}

/* A huge leaf's PAT bit is bit 12; bit 7 says it is a leaf. */
static __always_inline u64 ptscope_huge_bits(pteval_t flags)
{
	flags &= ~_PAGE_PSE;
	if (flags & _PAGE_PAT_LARGE)
		flags |= _PAGE_PAT;
	return flags & PTSCOPE_ARCH_BITS;
}

static inline u64 ptscope_pmd_bits(pmd_t pmd)
{
	return ptscope_huge_bits(pmd_flags(pmd));
}

static inline u64 ptscope_pud_bits(pud_t pud)
{
	return ptscope_huge_bits(pud_flags(pud));
}

/* A shadow-stack entry, as pte_shstk() tells one (never before 6.6). */
static __always_inline bool ptscope_shadow_stack(u64 bits)
{
#ifdef _PAGE_SAVED_DIRTY
	return cpu_feature_enabled(X86_FEATURE_SHSTK) &&
	       (bits & (_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY)) == (_PAGE_PRESENT | _PAGE_DIRTY);
#else
	return false;
#endif
}

/*
 * The flags of an entry present to the kernel.  Without _PAGE_PRESENT it
 * is a PROT_NONE or NUMA-hinting entry, in which x86 reuses _PAGE_GLOBAL as
 * _PAGE_PROTNONE: dump_pagetables.c, too, reads GLOBAL only when present.
 */
static __always_inline u32 ptscope_arch_flags(u64 bits)
{
	u32 flags = 0;

	if (bits & _PAGE_PRESENT)
		flags |= PTSCOPE_FLAG_PRESENT;
	else
		flags |= PTSCOPE_FLAG_PROTNONE;
	if (bits & _PAGE_RW)
		flags |= PTSCOPE_FLAG_WRITE;
	if (bits & _PAGE_USER)
		flags |= PTSCOPE_FLAG_USER;
	if (bits & _PAGE_ACCESSED)
		flags |= PTSCOPE_FLAG_ACCESSED;
	if (bits & PTSCOPE_DIRTY_BITS)
		flags |= PTSCOPE_FLAG_DIRTY;
	if (ptscope_shadow_stack(bits))
		flags |= PTSCOPE_FLAG_SHADOW_STACK;
	if ((bits & (_PAGE_PRESENT | _PAGE_GLOBAL)) == (_PAGE_PRESENT | _PAGE_GLOBAL))
		flags |= PTSCOPE_FLAG_GLOBAL;
	if (bits & _PAGE_NX)
		flags |= PTSCOPE_FLAG_NX;
	if (bits & _PAGE_SOFT_DIRTY)
		flags |= PTSCOPE_FLAG_SOFT_DIRTY;
	if (bits & _PAGE_UFFD_WP)
		flags |= PTSCOPE_FLAG_UFFD_WP;
	return flags;
}

static inline u8 ptscope_arch_pkey(u64 bits)
{
	return pte_flags_pkey(bits);
}

/* The PAT MSR's eight types, as enum ptscope_mem_type (arch_x86.c). */
extern u8 ptscope_pat_types[8];

static inline u8 ptscope_arch_mem_type(u64 bits)
{
	return ptscope_pat_types[(bits & _PAGE_PAT ? 4 : 0) | (bits & _PAGE_PCD ? 2 : 0) |
				 (bits & _PAGE_PWT ? 1 : 0)];
}

/*
 * pud_present() on x86 tests _PAGE_PRESENT only, unlike pmd_present(): a
 * PROT_NONE 1 GiB page (present to the kernel, _PAGE_PROTNONE instead of
 * _PAGE_PRESENT) would read as a swap entry.  Test what pmd_present()
 * tests, as pagemap's hugetlb path (pte_present()) does.
 */
static inline bool ptscope_pud_present(pud_t pud)
{
	return pud_flags(pud) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

/* The canonical hole splits the halves: 47 or, with 5 levels, 56 bits. */
static inline unsigned long ptscope_user_end(void)
{
	return 1UL << __VIRTUAL_MASK_SHIFT;
}

static inline unsigned long ptscope_kernel_start(void)
{
	return ~((1UL << __VIRTUAL_MASK_SHIFT) - 1);
}

#endif /* _PTSCOPE_ARCH_X86_H */
