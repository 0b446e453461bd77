/* SPDX-License-Identifier: GPL-2.0 */
/* The differences between the kernels ptscope builds on (6.1 to 6.12). */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/version.h>
#include <net/genetlink.h>

#include "arch.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
/*
 * 6.5 added pmdp_get_lockless(); on x86-64 and arm64 it is one READ_ONCE()
 * of the entry.
 */
#define pmdp_get_lockless(pmdp) READ_ONCE(*(pmdp))
#endif

/*
 * A count that moves whenever the mm's VMAs may have changed: mm_lock_seq
 * advances at every mmap_write_lock()/unlock() (6.4+, with per-VMA locks;
 * an int until 6.13 and in older 6.12.y, a seqcount_t since, whose first
 * member is the count).  Read under mmap_read_lock, where no writer is
 * inside.  Without it (6.1), 0: changes go unseen.
 */
static inline unsigned int ptscope_mm_seq(struct mm_struct *mm)
{
#if defined(CONFIG_PER_VMA_LOCK) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return READ_ONCE(*(unsigned int *)&mm->mm_lock_seq);
#else
	return 0;
#endif
}

/*
 * A page whose swap-in failed: 6.1 keeps an entry of its own swap type in
 * its place, 6.4 made it a PTE marker (PTE_MARKER_POISONED since 6.6).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define PTE_MARKER_POISONED 0
#define ptscope_is_swapin_error_entry(entry) is_swapin_error_entry(entry)
#else
#define ptscope_is_swapin_error_entry(entry) ((void)(entry), false)
#endif

/*
 * How many page-table entries map @page, as /proc/kpagecount counts them
 * (folio_precise_page_mapcount() on 6.12, page_mapcount() on 6.1), read
 * without a reference: across a concurrent split, the large-folio test and
 * the entire mapcount may disagree, which only makes the figure stale.
 * folio_entire_mapcount() is not used for that reason: it asserts that the
 * folio is large.
 */
static inline unsigned int ptscope_page_mapcount(struct page *page, struct folio *folio)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	int mapcount = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += atomic_read(&folio->_entire_mapcount) + 1;
	return max(mapcount, 0);
#else
	return max(page_mapcount(page), 0);
#endif
}

/* The parsed request of a dump: 6.6 moved it into a struct genl_info. */
static inline struct nlattr **ptscope_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _PTSCOPE_COMPAT_H */
