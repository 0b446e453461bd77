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

/**
 * ptscope_frame_info() - fill in the frame info of a present leaf
 * @leaf: decoded by ptscope_decode_leaf(), state PTSCOPE_STATE_PRESENT
 * @pfn: the frame the leaf starts at
 *
 * Called with the target's mmap_lock held for read, inside or outside an
 * RCU section; takes no lock and never sleeps.
 */
void ptscope_frame_info(struct ptscope_run *leaf, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio;

	if (!page) {
		leaf->backing = PTSCOPE_BACKING_NO_PAGE;
		return;
	}
	folio = page_folio(page);
	leaf->node = page_to_nid(page);
	leaf->backing = frame_backing(folio, pfn, leaf->page_shift);
	leaf->folio_order = folio_order(folio);
	/* The zero pages are not counted: kpagecount says 0 for them too. */
	leaf->mapcount = ptscope_page_mapcount(page, folio);
}
