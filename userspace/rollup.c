// SPDX-License-Identifier: GPL-2.0
/* smaps_rollup's accounting of runs with frame info: see rollup.h. */

#include <inttypes.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "output.h"
#include "rollup.h"
#include "page.h"

const char *const kind_names[__KINDS] = { "anon", "file", "shmem" };

int kind_of(uint8_t backing)
{
	switch (backing) {
	case PTSCOPE_BACKING_ANON:
	case PTSCOPE_BACKING_KSM:
		return KIND_ANON;
	case PTSCOPE_BACKING_SHMEM:
		return KIND_SHMEM;
	case PTSCOPE_BACKING_FILE:
	case PTSCOPE_BACKING_KERNEL:
		return KIND_FILE;
	default:
		return -1;	/* no struct page smaps counts */
	}
}

bool rollup_account(struct figures *f, const struct ptscope_run *run)
{
	uint64_t pages = run->size >> page_shift, pss;
	int kind;

	if (run->state == PTSCOPE_STATE_SWAP) {
		f->swap += run->size;
		return false;
	}
	if (run->flags & PTSCOPE_FLAG_HUGETLB) {
		if (ptscope_state_has_frame(run->state))
			f->hugetlb += run->size;
		return false;
	}
	if (run->state != PTSCOPE_STATE_PRESENT) {
		/* Migration and the like: resident, shared, of no known kind. */
		if (ptscope_state_has_frame(run->state)) {
			f->rss[KIND_ANON] += run->size;
			f->pss[KIND_ANON] += run->size << PSS_SHIFT;
		}
		return false;
	}
	kind = kind_of(run->backing);
	if (kind < 0)
		return false;
	f->rss[kind] += run->size;
	if (run->mapcount < 2) {
		f->uss[kind] += run->size;
		pss = run->size << PSS_SHIFT;
	} else {
		pss = pages * ((PAGE_BYTES << PSS_SHIFT) / run->mapcount);
	}
	f->pss[kind] += pss;
	return true;
}

uint64_t figures_sum(const uint64_t *by_kind)
{
	return by_kind[KIND_ANON] + by_kind[KIND_FILE] + by_kind[KIND_SHMEM];
}

void figures_add(struct figures *to, const struct figures *f)
{
	int k;

	for (k = 0; k < __KINDS; k++) {
		to->rss[k] += f->rss[k];
		to->pss[k] += f->pss[k];
		to->uss[k] += f->uss[k];
	}
	to->swap += f->swap;
	to->hugetlb += f->hugetlb;
}

bool figures_empty(const struct figures *f)
{
	return !figures_sum(f->rss) && !f->swap && !f->hugetlb;
}

void print_figure_values(const struct figures *f)
{
	uint64_t rss = figures_sum(f->rss), uss = figures_sum(f->uss);
	unsigned int kb = out_is_json() ? 0 : 10;

	out_uint("rss", " %10" PRIu64, rss >> kb);
	out_uint("pss", " %10" PRIu64, figures_sum(f->pss) >> (PSS_SHIFT + kb));
	out_uint("uss", " %10" PRIu64, uss >> kb);
	out_uint("swap", " %10" PRIu64, f->swap >> kb);
	out_uint("hugetlb", " %10" PRIu64, f->hugetlb >> kb);
}
