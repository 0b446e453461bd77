// SPDX-License-Identifier: GPL-2.0
/*
 * One address, level by level: the entry and table at every level of the
 * descent, and the leaf or the level where the walk stopped.  The same
 * descent as walk.c, recording instead of merging.
 */

#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <uapi/linux/ptscope.h>

#include "arch.h"
#include "compat.h"
#include "ptscope.h"

/*
 * Note the entry at @entryp of the table at @table.  Tables below the top
 * are pages; the top one may be smaller and share its page with other
 * processes' (arm64 allocates a pgd of 16 entries, 52-bit addresses with LPA2,
 * or of 2, 16 KiB pages with 47 bits, from a slab cache).
 */
static void note_table_level(struct ptscope_translation *t, u8 level,
			     const void *table, const void *entryp, u64 val)
{
	struct ptscope_level_entry *l = &t->levels[t->nr_levels++];

	l->level = level;
	l->table = virt_to_phys((void *)table);
	l->index = (entryp - table) / sizeof(u64);
	l->entry = val;
}

static void note_level(struct ptscope_translation *t, u8 level, void *entryp, u64 val)
{
	note_table_level(t, level, PTR_ALIGN_DOWN(entryp, PAGE_SIZE), entryp, val);
}

static void stop(struct ptscope_translation *t, u8 level, const char *reason)
{
	t->stop_level = level;
	t->reason = reason;
}

/* Descend under mmap_read_lock; @vma holds @addr. */
static void descend(struct mm_struct *mm, unsigned long addr,
		    struct ptscope_translation *t)
{
	struct ptscope_run *leaf = &t->leaf;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep = NULL, pte = __pte(0);

	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (!mm_p4d_folded(mm)) {
		note_table_level(t, PTSCOPE_LEVEL_PGD, mm->pgd, pgdp, pgd_val(pgd));
		if (pgd_none(pgd) || pgd_bad(pgd))
			return stop(t, PTSCOPE_LEVEL_PGD, "entry is empty");
	}

	/*
	 * A P4D folded away is the top level: at build time the pgd entry
	 * itself, at boot (arm64 without LPA2) the entry at the P4D's index
	 * in the pgd's page.
	 */
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (mm_p4d_folded(mm))
		note_table_level(t, PTSCOPE_LEVEL_PGD, mm->pgd, p4dp, p4d_val(p4d));
	else
		note_level(t, PTSCOPE_LEVEL_P4D, p4dp, p4d_val(p4d));
	if (p4d_none(p4d) || p4d_bad(p4d))
		return stop(t, mm_p4d_folded(mm) ? PTSCOPE_LEVEL_PGD : PTSCOPE_LEVEL_P4D,
			    "entry is empty");

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (!mm_pud_folded(mm))
		note_level(t, PTSCOPE_LEVEL_PUD, pudp, pud_val(pud));
	if (pud_none(pud))
		return stop(t, PTSCOPE_LEVEL_PUD, "entry is empty");
	if (pud_leaf(pud) || !ptscope_pud_present(pud)) {
		ptscope_decode_leaf(leaf, PUD_SHIFT, ptscope_pud_present(pud), pud_val(pud),
				    ptscope_pud_bits(pud), pud_pfn(pud));
		return;
	}
	if (pud_bad(pud))
		return stop(t, PTSCOPE_LEVEL_PUD, "entry is bad");

	/*
	 * See walk.c: the PTE table may be freed after an RCU grace period, so
	 * the PMD entry pointing at it is read inside the section that reads it.
	 */
	pmdp = pmd_offset(pudp, addr);
	rcu_read_lock();
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_present(pmd) && !pmd_leaf(pmd) && !pmd_bad(pmd)) {
		ptep = pte_offset_kernel(&pmd, addr);
		pte = ptep_get(ptep);
	}
	rcu_read_unlock();
	note_level(t, PTSCOPE_LEVEL_PMD, pmdp, pmd_val(pmd));
	if (pmd_none(pmd))
		return stop(t, PTSCOPE_LEVEL_PMD, "entry is empty");
	if (pmd_leaf(pmd) || !pmd_present(pmd)) {
		ptscope_decode_leaf(leaf, PMD_SHIFT, pmd_present(pmd), pmd_val(pmd),
				    ptscope_pmd_bits(pmd), pmd_pfn(pmd));
		return;
	}
	if (pmd_bad(pmd))
		return stop(t, PTSCOPE_LEVEL_PMD, "entry is bad");

	note_level(t, PTSCOPE_LEVEL_PTE, ptep, pte_val(pte));
	if (pte_none(pte))
		return stop(t, PTSCOPE_LEVEL_PTE,
			    "entry is empty: the page was never touched, or was freed");
	ptscope_decode_leaf(leaf, PAGE_SHIFT, pte_present(pte), pte_val(pte),
			    ptscope_pte_bits(pte), pte_pfn(pte));
}

/**
 * ptscope_translate() - look up one user address of an mm
 * @mm: pinned with mmgrab()
 * @addr: a canonical user address
 * @t: the result; on success either t->reason is set (not mapped) or
 *	t->leaf describes the leaf holding @addr
 *
 * Return: 0, -ENODATA when the process has exited, -EINTR on a fatal signal.
 */
int ptscope_translate(struct mm_struct *mm, unsigned long addr,
		      struct ptscope_translation *t)
{
	struct ptscope_region_cache cache = {};
	struct vm_area_struct *vma;
	unsigned int budget;
	int ret, region = 0;

	memset(t, 0, sizeof(*t));
	if (!mmget_not_zero(mm))
		return -ENODATA;
	/* Classifying the VMA may take more than one hold of the lock. */
	for (;;) {
		ret = mmap_read_lock_killable(mm);
		if (ret)
			goto out;
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr)
			break;
		budget = PTSCOPE_WALK_BUDGET;
		region = ptscope_vma_region(vma, &cache, &budget);
		if (region >= 0)
			break;
		mmap_read_unlock(mm);
		cond_resched();
	}

	if (!vma || vma->vm_start > addr) {
		/*
		 * Without a VMA, tables below the top level may be freed under
		 * us (munmap frees them with mmap_lock only held for read).
		 */
		pgd_t *pgdp = pgd_offset(mm, addr);
		u64 *top = mm_p4d_folded(mm) ? (u64 *)p4d_offset(pgdp, addr) : (u64 *)pgdp;

		note_table_level(t, PTSCOPE_LEVEL_PGD, mm->pgd, top, READ_ONCE(*top));
		stop(t, PTSCOPE_LEVEL_NONE, "no VMA holds this address");
	} else {
		struct address_space *hugetlb = ptscope_hugetlb_mapping(vma);

		t->in_vma = true;
		t->leaf.region = region;
		t->leaf.flags = ptscope_vma_flags(vma);
		if (hugetlb)
			i_mmap_lock_read(hugetlb);
		descend(mm, addr, t);
		if (!t->reason)
			t->leaf.va = addr & ~(t->leaf.size - 1);
		/* Of the page holding @addr, which may be a huge leaf's tail. */
		if (!t->reason && t->leaf.state == PTSCOPE_STATE_PRESENT) {
			struct ptscope_folio_seen seen = {
				.mm = mm,
				.vma_start = vma->vm_start,
				.vma_end = vma->vm_end,
			};

			ptscope_frame_info(&t->leaf, PHYS_PFN(t->leaf.pa + addr - t->leaf.va),
					   &seen);
		}
		if (hugetlb)
			i_mmap_unlock_read(hugetlb);
	}
	mmap_read_unlock(mm);
out:
	mmput(mm);
	return ret;
}
