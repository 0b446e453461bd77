// SPDX-License-Identifier: GPL-2.0
/*
 * Frame info: what a mapped frame is, read from its struct page.
 *
 * The walk holds no page-table lock and no reference on the page, so the
 * folio may be split, freed or reused while it is read, exactly as for
 * /proc/kpageflags and /proc/kpagecount (stable_page_flags() in
 * fs/proc/page.c): every field is one snapshot read, and nothing is
 * dereferenced beyond the struct page and its folio, which stay valid
 * memory for as long as the pfn is online.  folio->mapping is only tested
 * for its type bits and for NULL, never followed.
 */

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <uapi/linux/ptscope.h>

#include "compat.h"
#include "ptscope.h"

static u8 frame_backing(struct folio *folio, unsigned long pfn, unsigned int shift)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);

	if (is_zero_pfn(pfn))
		return PTSCOPE_BACKING_ZERO;
	if (mapping & PAGE_MAPPING_ANON)
		return (mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM ?
		       PTSCOPE_BACKING_KSM : PTSCOPE_BACKING_ANON;
	if (mapping)
		return folio_test_swapbacked(folio) ? PTSCOPE_BACKING_SHMEM :
		       PTSCOPE_BACKING_FILE;
	/*
	 * huge_zero_folio is not exported.  A PMD leaf whose large folio is
	 * neither anonymous nor page cache can only be it: THP, shmem and
	 * hugetlb folios all have a mapping while they are mapped, and a
	 * driver's pages are mapped by PTEs.
	 */
	if (shift == PMD_SHIFT && folio_test_large(folio) && !folio_test_hugetlb(folio))
		return PTSCOPE_BACKING_HUGE_ZERO;
	return PTSCOPE_BACKING_KERNEL;
}

/*
 * How far from @addr towards @end the frames @pfn, @pfn + 1, ... are
 * mapped in order: @addr itself if it does not map @pfn.  Entries are read
 * as the walk reads them, without the page-table lock, a PTE table inside
 * an RCU section (khugepaged frees them after a grace period).
 */
static unsigned long mapped_in_order(struct mm_struct *mm, unsigned long addr,
				     unsigned long end, unsigned long pfn)
{
	pgd_t *pgdp = pgd_offset(mm, addr), pgd = READ_ONCE(*pgdp);
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	if (pgd_none(pgd) || pgd_bad(pgd))
		return addr;
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d))
		return addr;
	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !ptscope_pud_present(pud))
		return addr;
	if (pud_leaf(pud))
		return pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT) == pfn ?
		       pud_addr_end(addr, end) : addr;
	if (pud_bad(pud))
		return addr;
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_none(pmd) || !pmd_present(pmd))
		return addr;
	if (pmd_leaf(pmd))
		return pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT) == pfn ?
		       pmd_addr_end(addr, end) : addr;
	if (pmd_bad(pmd))
		return addr;
	end = pmd_addr_end(addr, end);
	rcu_read_lock();
	ptep = pte_offset_kernel(&pmd, addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++, pfn++) {
		pte = ptep_get(ptep);
		if (!pte_present(pte) || pte_pfn(pte) != pfn)
			break;
	}
	rcu_read_unlock();
	return addr;
}

/*
 * How @seen's VMA maps the folio of @nr pages from @head whose page @pfn
 * is mapped at @va (enum ptscope_folio_map).  Adds the entries read to
 * @read.
 */
static u8 folio_map(struct ptscope_folio_seen *seen, unsigned long head, unsigned long nr,
		    unsigned long pfn, unsigned long va, unsigned int *read)
{
	unsigned long size = nr << PAGE_SHIFT, start, addr, next;

	/* Snapshot reads of a folio being split or freed may not add up. */
	if (pfn < head || pfn - head >= nr)
		return PTSCOPE_FOLIO_MAP_NONE;
	start = va - ((pfn - head) << PAGE_SHIFT);
	if (seen->head_pfn == head && seen->start == start)
		return seen->map;
	seen->head_pfn = head;
	seen->start = start;
	seen->map = PTSCOPE_FOLIO_MAP_PARTIAL;
	if (start > va || start < seen->vma_start || size > seen->vma_end - start)
		return seen->map;
	for (addr = start; addr < start + size; addr = next) {
		next = mapped_in_order(seen->mm, addr, start + size,
				       head + ((addr - start) >> PAGE_SHIFT));
		*read += 1 + ((next - addr) >> PAGE_SHIFT);
		if (next == addr)
			return seen->map;
	}
	seen->map = start & (size - 1) ? PTSCOPE_FOLIO_MAP_UNALIGNED : PTSCOPE_FOLIO_MAP_ALIGNED;
	return seen->map;
}

/**
 * ptscope_frame_info() - fill in the frame info of a present leaf
 * @leaf: decoded by ptscope_decode_leaf(), state PTSCOPE_STATE_PRESENT,
 *	with its va
 * @pfn: a frame of the leaf: the one frame info is of
 * @seen: the VMA holding the leaf, and the last large folio looked at
 *
 * Called with the target's mmap_lock held for read (and a hugetlb VMA's
 * i_mmap_rwsem), inside or outside an RCU section; takes no lock and never
 * sleeps.  Returns how many page-table entries it read beside the leaf's.
 */
unsigned int ptscope_frame_info(struct ptscope_run *leaf, unsigned long pfn,
				struct ptscope_folio_seen *seen)
{
	struct page *page = pfn_to_online_page(pfn);
	unsigned long head, va = leaf->va + PFN_PHYS(pfn) - leaf->pa;
	struct folio *folio;
	unsigned int read = 0;

	if (!page) {
		leaf->backing = PTSCOPE_BACKING_NO_PAGE;
		return 0;
	}
	folio = page_folio(page);
	leaf->node = page_to_nid(page);
	leaf->backing = frame_backing(folio, pfn, leaf->page_shift);
	leaf->folio_order = folio_order(folio);
	/* The zero pages are not counted: kpagecount says 0 for them too. */
	leaf->mapcount = ptscope_page_mapcount(page, folio);
	if (!leaf->folio_order || leaf->folio_order > PUD_SHIFT - PAGE_SHIFT)
		return 0;
	/* A leaf that maps its folio alone needs no look around. */
	head = page_to_pfn(&folio->page);
	if (PHYS_PFN(leaf->pa) == head && leaf->size == PAGE_SIZE << leaf->folio_order)
		leaf->folio_map = PTSCOPE_FOLIO_MAP_ALIGNED;
	else
		leaf->folio_map = folio_map(seen, head, 1UL << leaf->folio_order, pfn, va, &read);
	return read;
}
