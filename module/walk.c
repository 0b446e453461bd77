// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk: pgd -> p4d -> pud -> pmd -> pte of a user address
 * space, by hand because walk_page_range() is not exported to modules.
 * Modelled on arch/x86/mm/dump_pagetables.c (one step per level, runs of
 * equal neighbours merged as note_page() does) with the locking of
 * mm/pagewalk.c and the lockless PTE-table access of __pte_offset_map().
 *
 * Locking: the walk holds mmap_read_lock and an mm_users reference only for
 * a bounded number of entries, then drops both, reschedules and checks for
 * a fatal signal.  Under mmap_read_lock, page tables above the PTE level
 * under a VMA are never freed (munmap detaches the VMAs before it frees
 * their tables); a PTE table may be freed by khugepaged's collapse without
 * the lock, but only after an RCU grace period, so it is read under
 * rcu_read_lock() from a PMD value read once and checked.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <uapi/linux/ptscope.h>

#include <ptscope_names.h>

#include "compat.h"
#include "ptscope.h"

/*
 * What entering a VMA (find_vma(), classifying it) costs, in entries:
 * make bench's 2,000 one-page VMAs take ~2 us each against ~20 ns per PTE
 * (under TCG).  Without it a hold over many small VMAs ran to 1.5 ms.
 */
#define PTSCOPE_WALK_VMA_COST 64

/*
 * What reading a frame's struct page (frame info) costs, in entries: its
 * cache misses took holds of PTSCOPE_WALK_BUDGET entries from ~0.25 ms to
 * 1-3 ms under TCG (make bench, stat).
 */
#define PTSCOPE_FRAME_INFO_COST 8

/*
 * Frame info for a present leaf, charged to the hold's budget with the
 * entries it read to see how the rest of a large folio is mapped.
 */
static void leaf_frame_info(struct ptscope_walk *walk, struct ptscope_run *leaf,
			    unsigned long pfn)
{
	unsigned int cost = PTSCOPE_FRAME_INFO_COST - 1;

	cost += ptscope_frame_info(leaf, pfn, &walk->folio_seen);
	walk->budget -= min(walk->budget, cost);
}

/**
 * ptscope_walk_init() - start a walk over [@start, @end) of @mm
 * @walk: the cursor
 * @mm: pinned with mmgrab() for as long as the walk is used
 * @start: first address
 * @end: end, exclusive
 * @frames: PTSCOPE_WALK_FRAMES addresses of room for frames records, or
 *	NULL for a walk that only wants runs
 */
void ptscope_walk_init(struct ptscope_walk *walk, struct mm_struct *mm,
		       unsigned long start, unsigned long end, u64 *frames)
{
	*walk = (struct ptscope_walk) {
		.mm = mm,
		.addr = start,
		.end = end,
		.vma_end = start,
		.frames = frames,
	};
}

/* Pin the address space and take mmap_lock for one bounded chunk. */
static int walk_lock(struct ptscope_walk *walk)
{
	unsigned int seq;
	int ret;

	if (!mmget_not_zero(walk->mm))
		return -ENODATA;
	ret = mmap_read_lock_killable(walk->mm);
	if (ret) {
		mmput(walk->mm);
		return ret;
	}
	seq = ptscope_mm_seq(walk->mm);
	if (walk->locked_before && seq != walk->mm_seq)
		walk->mm_changes++;
	walk->mm_seq = seq;
	walk->locked_before = true;
	walk->locked = true;
	walk->locked_at = ktime_get_ns();
	walk->budget = PTSCOPE_WALK_BUDGET;
	return 0;
}

/**
 * ptscope_walk_pause() - let go of the mm until the next ptscope_walk_next()
 * @walk: the walk
 *
 * Callers pause before anything that may sleep on userspace: a copy to
 * user memory, sending a netlink message.
 */
void ptscope_walk_pause(struct ptscope_walk *walk)
{
	if (!walk->locked)
		return;
	ptscope_stats_lock_hold(ktime_get_ns() - walk->locked_at,
				PTSCOPE_WALK_BUDGET - walk->budget);
	mmap_read_unlock(walk->mm);
	mmput(walk->mm);
	walk->locked = false;
	/*
	 * VMAs and the page tables above the PTE level may change now.  The
	 * region cache is kept: see file_group_is_exec().
	 */
	walk->in_vma = false;
	walk->in_table = false;
}

/*
 * Take the mm's mmap_lock if the walk does not hold it, first dropping it
 * for a moment if the budget of this hold is spent.
 */
static int walk_resume(struct ptscope_walk *walk)
{
	if (walk->locked && !walk->budget) {
		ptscope_walk_pause(walk);
		cond_resched();
	}
	if (walk->locked)
		return 0;
	if (fatal_signal_pending(current))
		return -EINTR;
	return walk_lock(walk);
}

/* A PTE marker: no frame, only what the kernel noted in the entry. */
static u32 decode_marker(swp_entry_t entry)
{
	unsigned long marker = swp_offset(entry);
	u32 flags = 0;

	if (marker & PTE_MARKER_UFFD_WP)
		flags |= PTSCOPE_FLAG_UFFD_WP;
	if (marker & PTE_MARKER_POISONED)
		flags |= PTSCOPE_FLAG_POISONED;
#ifdef PTE_MARKER_GUARD
	if (marker & PTE_MARKER_GUARD)
		flags |= PTSCOPE_FLAG_GUARD;
#endif
	return flags;
}

/*
 * A non-present, non-empty entry.  x86 and arm64 encode swap-type entries
 * the same way at every level (hugetlb reads PMD and PUD entries as pte_t
 * too), so the PMD and PUD cases come here as a pte_t.
 */
static void decode_nonpresent(pte_t pte, struct ptscope_run *leaf)
{
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (pte_swp_soft_dirty(pte))
		leaf->flags |= PTSCOPE_FLAG_SOFT_DIRTY;
	if (pte_swp_uffd_wp(pte))
		leaf->flags |= PTSCOPE_FLAG_UFFD_WP;
	if (!non_swap_entry(entry)) {
		leaf->state = PTSCOPE_STATE_SWAP;
		leaf->swap_type = swp_type(entry);
		leaf->swap_offset = swp_offset(entry);
		return;
	}
	if (is_pte_marker_entry(entry)) {
		leaf->state = PTSCOPE_STATE_MARKER;
		leaf->flags |= decode_marker(entry);
		return;
	}
	if (ptscope_is_swapin_error_entry(entry)) {
		leaf->state = PTSCOPE_STATE_MARKER;
		leaf->flags |= PTSCOPE_FLAG_POISONED;
		return;
	}
	if (!is_pfn_swap_entry(entry)) {
		leaf->state = PTSCOPE_STATE_OTHER;
		return;
	}
	leaf->pa = PFN_PHYS(swp_offset_pfn(entry));
	if (is_migration_entry(entry)) {
		leaf->state = PTSCOPE_STATE_MIGRATION;
		if (is_writable_migration_entry(entry))
			leaf->flags |= PTSCOPE_FLAG_WRITE;
	} else if (is_hwpoison_entry(entry)) {
		leaf->state = PTSCOPE_STATE_HWPOISON;
	} else if (is_device_exclusive_entry(entry)) {
		leaf->state = PTSCOPE_STATE_DEVICE_EXCLUSIVE;
	} else {
		leaf->state = PTSCOPE_STATE_DEVICE_PRIVATE;
	}
}

/* Two leaves agree on everything but their addresses. */
static bool same_kind(const struct ptscope_run *run, const struct ptscope_run *leaf)
{
	return run->page_shift == leaf->page_shift && run->flags == leaf->flags &&
	       run->state == leaf->state && run->region == leaf->region &&
	       run->pkey == leaf->pkey && run->mapcount == leaf->mapcount &&
	       run->node == leaf->node && run->folio_order == leaf->folio_order &&
	       run->backing == leaf->backing && run->folio_map == leaf->folio_map &&
	       run->mem_type == leaf->mem_type;
}

static bool run_continues(const struct ptscope_run *run,
			  const struct ptscope_run *leaf)
{
	if (run->va + run->size != leaf->va || !same_kind(run, leaf))
		return false;

	switch (run->state) {
	case PTSCOPE_STATE_PRESENT:
	case PTSCOPE_STATE_MIGRATION:
		return run->pa + run->size == leaf->pa;
	case PTSCOPE_STATE_SWAP:
		return run->swap_type == leaf->swap_type &&
		       run->swap_offset + (run->size >> PAGE_SHIFT) == leaf->swap_offset;
	default:
		return true;
	}
}

/* The pending run is finished: hand it, and its frames if it has them, out. */
static void finish_pending(struct ptscope_walk *walk, struct ptscope_run *out)
{
	*out = walk->pending;
	/* A record of one frame is a run of one page. */
	walk->out_frames = walk->nr_frames > 1 ? walk->frames : NULL;
	walk->nr_frames = 0;
}

/*
 * Add one leaf to the pending run.  Returns true, with the finished run in
 * @out, when the leaf starts a new run.
 */
static bool note_leaf(struct ptscope_walk *walk, const struct ptscope_run *leaf,
		      struct ptscope_run *out)
{
	bool finished = walk->have_pending;

	if (finished && !walk->nr_frames && run_continues(&walk->pending, leaf)) {
		walk->pending.size += leaf->size;
		return false;
	}
	if (finished)
		finish_pending(walk, out);
	walk->pending = *leaf;
	walk->have_pending = true;
	walk->noted = true;
	return finished;
}

/*
 * Frames records: where physical memory is fragmented, neighbouring pages
 * rarely have neighbouring frames, and a record per run (40 bytes) for
 * every page cost several times what pagemap's 8 bytes do.  So a pending
 * run of present 4 KiB pages shorter than PTSCOPE_FRAMES_FROM pages that
 * meets a page whose frame does not follow becomes a frames record: the
 * same run header (va, size, flags, region) with one physical address per
 * page, up to PTSCOPE_WALK_FRAMES pages.  Runs stay what they were: readers
 * cut a frames record into its physically contiguous pieces.
 */
#define PTSCOPE_FRAMES_FROM 4

static bool joins_frames(const struct ptscope_walk *walk, const struct ptscope_run *leaf)
{
	const struct ptscope_run *run = &walk->pending;

	return walk->frames && walk->have_pending && leaf->state == PTSCOPE_STATE_PRESENT &&
	       leaf->page_shift == PAGE_SHIFT && run->va + run->size == leaf->va &&
	       same_kind(run, leaf) &&
	       (walk->nr_frames || run->size < PTSCOPE_FRAMES_FROM * PAGE_SIZE);
}

/*
 * Append a frame to the pending frames record.  True when the record must
 * end: it is full, or its last physically contiguous piece has grown to
 * PTSCOPE_FRAMES_FROM pages, which cost less as a run.
 */
static __always_inline bool add_frame(struct ptscope_walk *walk, u64 pa)
{
	bool follows = pa == walk->frames[walk->nr_frames - 1] + PAGE_SIZE;

	walk->tail = follows ? walk->tail + 1 : 1;
	walk->frames[walk->nr_frames++] = pa;
	walk->pending.size += PAGE_SIZE;
	return walk->tail == PTSCOPE_FRAMES_FROM || walk->nr_frames == PTSCOPE_WALK_FRAMES;
}

/*
 * End the pending frames record before its last piece, which becomes the
 * pending run and may go on growing as one.  So no run is ever split
 * between a record and the next, and readers get exactly the runs there
 * are.  Returns true, with the record in @out, if there was one to end.
 */
static bool cut_frames(struct ptscope_walk *walk, struct ptscope_run *out)
{
	struct ptscope_run *run = &walk->pending;
	unsigned int keep = walk->nr_frames - walk->tail;

	/* All one piece (a record begins at a break, so only defensively). */
	if (!keep) {
		walk->nr_frames = 0;
		return false;
	}
	walk->nr_frames = keep;
	run->size = (u64)keep << PAGE_SHIFT;
	finish_pending(walk, out);
	run->va = out->va + out->size;
	run->pa = walk->frames[keep];
	run->size = (u64)walk->tail << PAGE_SHIFT;
	return true;
}

/* Add a leaf to the pending frames record, making one of a short pending run. */
static bool note_frame(struct ptscope_walk *walk, const struct ptscope_run *leaf,
		       struct ptscope_run *out)
{
	const struct ptscope_run *run = &walk->pending;

	if (!walk->nr_frames) {
		for (; walk->nr_frames < run->size >> PAGE_SHIFT; walk->nr_frames++)
			walk->frames[walk->nr_frames] = run->pa + walk->nr_frames * PAGE_SIZE;
		walk->tail = walk->nr_frames;
	}
	return add_frame(walk, leaf->pa) && cut_frames(walk, out);
}

/**
 * ptscope_decode_leaf() - fill in a run from one leaf entry
 * @leaf: its va, region and the flags its VMA gives (ptscope_vma_flags())
 *	are the caller's; everything else is set here
 * @shift: PAGE_SHIFT, PMD_SHIFT or PUD_SHIFT
 * @present: the level's own present test (present to the kernel: true for
 *	PROT_NONE entries too; pud_present() is not, see ptscope_pud_present())
 * @val: the raw entry
 * @bits: the entry's attribute bits, from ptscope_pte_bits() and the like
 *	(arch.h)
 * @pfn: from pte_pfn()/pmd_pfn()/pud_pfn(), which undo the L1TF inversion
 *	and the memory-encryption bit that masking the raw value would keep
 */
void ptscope_decode_leaf(struct ptscope_run *leaf, unsigned int shift,
			 bool present, u64 val, u64 bits, unsigned long pfn)
{
	/* The leaf may be a reused one: every field but the caller's is set. */
	leaf->size = 1UL << shift;
	leaf->page_shift = shift;
	leaf->flags &= PTSCOPE_VMA_FLAGS;
	if (shift > PAGE_SHIFT)
		leaf->flags |= PTSCOPE_FLAG_HUGE;
	leaf->pa = 0;
	leaf->swap_type = 0;
	leaf->swap_offset = 0;
	leaf->mapcount = 0;
	leaf->node = PTSCOPE_NODE_NONE;
	leaf->folio_order = 0;
	leaf->backing = PTSCOPE_BACKING_UNKNOWN;
	leaf->folio_map = PTSCOPE_FOLIO_MAP_NONE;
	leaf->mem_type = PTSCOPE_MEM_TYPE_UNKNOWN;
	leaf->pkey = 0;
	if (present) {
		leaf->state = PTSCOPE_STATE_PRESENT;
		leaf->pa = PFN_PHYS(pfn);
		leaf->flags |= ptscope_arch_flags(bits);
		leaf->pkey = ptscope_arch_pkey(bits);
		leaf->mem_type = ptscope_arch_mem_type(bits);
	} else {
		decode_nonpresent(__pte(val), leaf);
	}
}

/**
 * ptscope_vma_flags() - the flags a VMA gives every leaf in it
 * @vma: the VMA, under mmap_lock
 */
u32 ptscope_vma_flags(const struct vm_area_struct *vma)
{
	u32 flags = 0;

	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PTSCOPE_FLAG_VMA_SOFT_DIRTY;
	/* is_vm_hugetlb_page() takes no const VMA on 6.1. */
	if (vma->vm_flags & VM_HUGETLB)
		flags |= PTSCOPE_FLAG_HUGETLB;
	return flags;
}

/*
 * Move the start of a leaf up to @va, inside it: the rest of a huge page
 * whose beginning the walk has already been past.
 */
static void trim_leaf(struct ptscope_run *leaf, u64 va)
{
	u64 off = va - leaf->va;

	leaf->va = va;
	leaf->size -= off;
	if (ptscope_state_has_frame(leaf->state))
		leaf->pa += off;
	else if (leaf->state == PTSCOPE_STATE_SWAP)
		leaf->swap_offset += off >> PAGE_SHIFT;
}

/*
 * A leaf above the PTE level: one entry for the whole 2 MiB or 1 GiB.  The
 * first leaf of a walk may begin below its start (the huge page holding
 * it); any later one begins where the walk is, so that runs never overlap:
 * while the lock was dropped, khugepaged may have collapsed the PTE table
 * whose first pages were already reported into one huge page.
 */
static bool note_huge(struct ptscope_walk *walk, unsigned long addr,
		      unsigned int shift, u64 val, u64 bits, unsigned long pfn,
		      bool present, struct ptscope_run *out)
{
	struct ptscope_run leaf = {
		.va = addr & ~((1UL << shift) - 1),
		.region = walk->region,
		.flags = walk->vma_flags,
	};

	ptscope_decode_leaf(&leaf, shift, present, val, bits, pfn);
	if (walk->frame_info && leaf.state == PTSCOPE_STATE_PRESENT) {
		leaf_frame_info(walk, &leaf, pfn);
		/* A PTE table waits beside an anonymous THP for its split. */
		if (shift == PMD_SHIFT && !(leaf.flags & PTSCOPE_FLAG_HUGETLB) &&
		    (leaf.backing == PTSCOPE_BACKING_ANON || leaf.backing == PTSCOPE_BACKING_KSM ||
		     leaf.backing == PTSCOPE_BACKING_HUGE_ZERO))
			walk->tables.pte_deposited++;
	}
	if (walk->noted && leaf.va < addr)
		trim_leaf(&leaf, addr);
	walk->addr = leaf.va + leaf.size;
	walk->budget--;
	return note_leaf(walk, &leaf, out);
}

/*
 * The common case, kept out of the general decode: a present 4 KiB page
 * that continues the pending run.
 */
static __always_inline bool extends_pending(const struct ptscope_walk *walk,
					    unsigned long addr, pte_t pte)
{
	const struct ptscope_run *run = &walk->pending;

	return walk->have_pending && !walk->nr_frames && !walk->frame_info && pte_present(pte) &&
	       run->state == PTSCOPE_STATE_PRESENT && run->page_shift == PAGE_SHIFT &&
	       run->va + run->size == addr &&
	       run->pa + run->size == PFN_PHYS(pte_pfn(pte)) &&
	       ptscope_pte_bits(pte) == walk->pending_bits;
}

/*
 * Its counterpart for a pending frames record: a present page that follows
 * it in virtual memory, with the same flags.
 */
static __always_inline bool extends_frames(const struct ptscope_walk *walk,
					   unsigned long addr, pte_t pte)
{
	const struct ptscope_run *run = &walk->pending;

	return walk->nr_frames && !walk->frame_info && pte_present(pte) &&
	       run->va + run->size == addr &&
	       ptscope_pte_bits(pte) == walk->pending_bits;
}

/*
 * Walk the PTE table entered by walk_range() from walk->addr until a run is
 * finished, the table ends or the budget is spent.  The table may have been
 * freed since it was entered (khugepaged's retract_page_tables() frees PTE
 * tables without mmap_lock, after an RCU grace period): it is only read
 * inside an RCU section in which its PMD entry still points at it, as
 * __pte_offset_map() does.
 */
static bool walk_pte_range(struct ptscope_walk *walk, struct ptscope_run *out)
{
	unsigned long addr = walk->addr, end = walk->table_end;
	struct ptscope_run leaf = { .region = walk->region, .flags = walk->vma_flags };
	bool done = false;
	pte_t *ptep;
	pte_t pte;
	pmd_t pmd;

	rcu_read_lock();
	pmd = pmdp_get_lockless(walk->pmdp);
	if (!pmd_same(pmd, walk->pmd)) {
		rcu_read_unlock();
		/* Descend again; a PMD changing under us still costs an entry. */
		walk->in_table = false;
		walk->budget--;
		return false;
	}
	ptep = pte_offset_kernel(&pmd, addr);
	for (; addr < end && walk->budget && !done; addr += PAGE_SIZE, ptep++) {
		walk->budget--;
		pte = ptep_get(ptep);
		if (pte_none(pte))
			continue;
		if (extends_pending(walk, addr, pte)) {
			walk->pending.size += PAGE_SIZE;
			continue;
		}
		if (extends_frames(walk, addr, pte)) {
			if (add_frame(walk, PFN_PHYS(pte_pfn(pte))))
				done = cut_frames(walk, out);
			continue;
		}
		leaf.va = addr;
		ptscope_decode_leaf(&leaf, PAGE_SHIFT, pte_present(pte), pte_val(pte),
				    ptscope_pte_bits(pte), pte_pfn(pte));
		if (walk->frame_info && leaf.state == PTSCOPE_STATE_PRESENT)
			leaf_frame_info(walk, &leaf, pte_pfn(pte));
		if (joins_frames(walk, &leaf))
			done = note_frame(walk, &leaf, out);
		else
			done = note_leaf(walk, &leaf, out);
		/* The leaf is in the pending run now, whose bits the fast paths compare. */
		walk->pending_bits = ptscope_pte_bits(pte);
	}
	rcu_read_unlock();
	walk->addr = addr;
	if (addr >= end)
		walk->in_table = false;
	return done;
}

/*
 * Count the table holding @entry, one level below @upper's table: a level
 * the architecture folds away (p4d under 4-level paging) shares the page
 * of the level above and counts nothing.
 */
static void count_table(u64 *count, phys_addr_t *last, const void *entry, const void *upper)
{
	phys_addr_t table = __pa(entry) & PAGE_MASK;

	if (table == *last || (upper && table == (__pa(upper) & PAGE_MASK)))
		return;
	*last = table;
	(*count)++;
}

/*
 * A PTE table entered for the first time: counted, and whether it maps
 * anything.  The table is known by its address, not by pmd_pfn(), which
 * arm64 masks to a block's alignment: every PTE table in one 2 MiB of
 * physical memory would be one table.
 */
static void count_pte_table(struct ptscope_walk *walk, pmd_t pmd, unsigned long addr)
{
	phys_addr_t table;
	pte_t *ptep;
	unsigned int i;

	rcu_read_lock();
	/* Read from the PMD value walk_range() checked, as walk_pte_range() does. */
	ptep = pte_offset_kernel(&pmd, addr & PMD_MASK);
	table = __pa(ptep);
	if (table != walk->tables.last_pte) {
		walk->tables.last_pte = table;
		walk->tables.pte++;
		for (i = 0; i < PTRS_PER_PTE; i++)
			if (!pte_none(ptep_get(ptep + i)))
				break;
		walk->tables.pte_empty += i == PTRS_PER_PTE;
	}
	rcu_read_unlock();
}

/*
 * Walk from walk->addr towards @end (inside one VMA) until a run is
 * finished or the budget is spent.  Each level either skips an empty
 * entry, reports a leaf, or descends; a PTE table, once entered, is
 * walked on from where the last run ended without descending again.
 */
static bool walk_range(struct ptscope_walk *walk, unsigned long end,
		       struct ptscope_run *out)
{
	unsigned long addr = walk->addr;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;

	/* Entering a VMA may have spent it; every step below costs one. */
	if (!walk->budget)
		return false;
	if (walk->in_table)
		return walk_pte_range(walk, out);

	pgdp = pgd_offset(walk->mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_bad(pgd)) {
		walk->addr = pgd_addr_end(addr, end);
		goto skipped;
	}
	p4dp = p4d_offset(pgdp, addr);
	if (walk->frame_info)
		count_table(&walk->tables.p4d, &walk->tables.last_p4d, p4dp, pgdp);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d)) {
		walk->addr = p4d_addr_end(addr, end);
		goto skipped;
	}
	pudp = pud_offset(p4dp, addr);
	if (walk->frame_info)
		count_table(&walk->tables.pud, &walk->tables.last_pud, pudp, p4dp);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud)) {
		walk->addr = pud_addr_end(addr, end);
		goto skipped;
	}
	if (pud_leaf(pud) || !ptscope_pud_present(pud))
		return note_huge(walk, addr, PUD_SHIFT, pud_val(pud),
				 ptscope_pud_bits(pud), pud_pfn(pud), ptscope_pud_present(pud),
				 out);
	if (pud_bad(pud)) {
		walk->addr = pud_addr_end(addr, end);
		goto skipped;
	}
	pmdp = pmd_offset(pudp, addr);
	if (walk->frame_info)
		count_table(&walk->tables.pmd, &walk->tables.last_pmd, pmdp, pudp);
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_none(pmd)) {
		walk->addr = pmd_addr_end(addr, end);
		goto skipped;
	}
	if (pmd_leaf(pmd) || !pmd_present(pmd))
		return note_huge(walk, addr, PMD_SHIFT, pmd_val(pmd),
				 ptscope_pmd_bits(pmd), pmd_pfn(pmd), pmd_present(pmd), out);
	if (pmd_bad(pmd)) {
		walk->addr = pmd_addr_end(addr, end);
		goto skipped;
	}
	walk->pmdp = pmdp;
	walk->pmd = pmd;
	walk->table_end = pmd_addr_end(addr, end);
	walk->in_table = true;
	if (walk->frame_info)
		count_pte_table(walk, pmd, addr);
	return walk_pte_range(walk, out);

skipped:
	walk->budget--;
	return false;
}

/*
 * hugetlb shares PMD tables between processes mapping the same file, and
 * huge_pmd_unshare() takes one away from an mm under the file's
 * i_mmap_rwsem (for write) without mmap_lock: its last other user may
 * then free it under us.  mm/pagewalk.c holds the hugetlb VMA lock, which
 * modules cannot take; i_mmap_rwsem for read, nested in mmap_lock as
 * huge_pmd_share() nests it, keeps the unshare out as well.
 */
struct address_space *ptscope_hugetlb_mapping(struct vm_area_struct *vma)
{
	return is_vm_hugetlb_page(vma) ? vma->vm_file->f_mapping : NULL;
}

static bool walk_vma_range(struct ptscope_walk *walk, struct ptscope_run *out)
{
	struct address_space *mapping = walk->hugetlb_mapping;
	bool done;

	if (!mapping)
		return walk_range(walk, walk->vma_end, out);
	i_mmap_lock_read(mapping);
	done = walk_range(walk, walk->vma_end, out);
	i_mmap_unlock_read(mapping);
	return done;
}

/* Leave the VMA: its last run is finished. */
static bool flush_pending(struct ptscope_walk *walk, struct ptscope_run *out)
{
	if (!walk->have_pending)
		return false;
	finish_pending(walk, out);
	walk->have_pending = false;
	return true;
}

/*
 * Find the VMA at or above walk->addr.  After the lock was dropped, the
 * VMA the pending run is in may have been split, unmapped, or given other
 * flags: the run goes on only if the VMA now found holds its start, with
 * the same region and flags.  Returns 1, with the pending run in @out,
 * when it ended; 0; -EAGAIN when classifying the VMA spent the budget.
 */
static int enter_vma(struct ptscope_walk *walk, struct ptscope_run *out)
{
	struct vm_area_struct *vma = find_vma(walk->mm, walk->addr);
	const struct ptscope_run *run = &walk->pending;
	bool same;
	int region;

	walk->budget -= min(walk->budget, PTSCOPE_WALK_VMA_COST);
	if (!vma || vma->vm_start >= walk->end) {
		walk->addr = walk->end;
		walk->vma_end = walk->end;
		return flush_pending(walk, out);
	}
	region = ptscope_vma_region(vma, &walk->region_cache, &walk->budget);
	if (region < 0)
		return region;
	/* The VMA at the cursor holds the pending run's start, below the cursor. */
	same = vma->vm_start <= run->va;
	walk->addr = max(walk->addr, vma->vm_start);
	walk->vma_end = min(vma->vm_end, walk->end);
	walk->region = region;
	walk->vma_flags = ptscope_vma_flags(vma);
	walk->hugetlb_mapping = ptscope_hugetlb_mapping(vma);
	/* Whole VMA: a folio may begin before the walk does. */
	walk->folio_seen = (struct ptscope_folio_seen) {
		.mm = walk->mm,
		.vma_start = vma->vm_start,
		.vma_end = vma->vm_end,
	};
	walk->in_vma = true;
	if (same && run->region == walk->region &&
	    (run->flags & PTSCOPE_VMA_FLAGS) == walk->vma_flags)
		return 0;
	return flush_pending(walk, out);
}

/**
 * ptscope_walk_next() - the next run of the walk
 * @walk: the walk, from ptscope_walk_init()
 * @run: the run, on success
 *
 * Takes the mm's mmap_lock if the walk does not hold it, and still holds
 * it when it returns: call ptscope_walk_pause() before anything that may
 * wait on userspace.  Drops it on its own after every PTSCOPE_WALK_BUDGET
 * entries.
 *
 * Return: 0 with @run filled in (a frames record when ptscope_walk_frames()
 * says so); 1 at the end of the range; -ENODATA when the process has
 * exited; -EINTR on a fatal signal.
 */
int ptscope_walk_next(struct ptscope_walk *walk, struct ptscope_run *run)
{
	int ret;

	walk->out_frames = NULL;
	for (;;) {
		ret = walk_resume(walk);
		if (ret)
			return ret;

		if (walk->addr >= walk->vma_end && flush_pending(walk, run))
			return 0;
		if (walk->addr >= walk->end)
			return 1;

		if (!walk->in_vma || walk->addr >= walk->vma_end) {
			ret = enter_vma(walk, run);
			if (ret > 0)
				return 0;
			/* Spent classifying: the lock drops, the VMA is found again. */
			if (ret < 0)
				continue;
		}
		if (walk->addr >= walk->end)
			return 1;

		if (walk_vma_range(walk, run))
			return 0;
	}
}

/**
 * ptscope_walk_frames() - the frames of the run ptscope_walk_next() gave
 * @walk: the walk
 *
 * Return: NULL for a plain run; for a frames record, the physical address
 * of each of its run->size / PAGE_SIZE pages, valid until the next
 * ptscope_walk_next().
 */
const u64 *ptscope_walk_frames(const struct ptscope_walk *walk)
{
	return walk->out_frames;
}

/* How many of @nr frames, from the first, are physically contiguous. */
unsigned int ptscope_frames_piece(const u64 *frames, unsigned int nr)
{
	unsigned int len = 1;

	while (len < nr && frames[len - 1] + PAGE_SIZE == frames[len])
		len++;
	return len;
}

/**
 * ptscope_vma_next() - the next VMA of a walk, with its resident and swapped page counts
 * @walk: from ptscope_walk_init(), frames not needed; on success it goes on
 *	from the end of the VMA
 * @vma: filled in on success; release with ptscope_vma_release()
 *
 * One walk lists all VMAs, so the region cache serves them all.
 *
 * Return: 0, 1 when there is no VMA left in the walk's range, or a negative
 * errno as ptscope_walk_next() returns.  Holds no lock on return.
 */
int ptscope_vma_next(struct ptscope_walk *walk, struct ptscope_vma *vma)
{
	unsigned long end = walk->end;
	struct vm_area_struct *found;
	struct ptscope_run run;
	int region, ret;

	do {
		ret = walk_resume(walk);
		if (ret)
			return ret;
		found = find_vma(walk->mm, walk->addr);
		if (!found || found->vm_start >= end) {
			ptscope_walk_pause(walk);
			return 1;
		}
		region = ptscope_vma_region(found, &walk->region_cache, &walk->budget);
	} while (region < 0);
	*vma = (struct ptscope_vma) {
		.start = found->vm_start,
		.end = found->vm_end,
		.pgoff = found->vm_pgoff,
		.flags = found->vm_flags,
		.file = found->vm_file ? get_file(found->vm_file) : NULL,
		.region = region,
	};

	walk->addr = vma->start;
	walk->end = vma->end;
	while ((ret = ptscope_walk_next(walk, &run)) == 0) {
		if (run.state == PTSCOPE_STATE_PRESENT)
			vma->resident += run.size >> PAGE_SHIFT;
		else if (run.state == PTSCOPE_STATE_SWAP)
			vma->swap += run.size >> PAGE_SHIFT;
	}
	ptscope_walk_pause(walk);
	walk->addr = vma->end;
	walk->end = end;
	if (ret < 0) {
		ptscope_vma_release(vma);
		return ret;
	}
	return 0;
}

void ptscope_vma_release(struct ptscope_vma *vma)
{
	if (vma->file)
		fput(vma->file);
	vma->file = NULL;
}
