/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rss, Pss, Uss (Private_*), Swap and hugetlb as smaps_rollup counts them,
 * from runs with frame info: what `stat' sums per region and `share' per
 * process.
 *
 * The accounting follows smaps_account() (fs/proc/task_mmu.c): a page
 * mapped once is private, its whole size in Pss; a page mapped n times
 * adds 1/n of it, in the same fixed point (PSS_SHIFT); pages without a
 * struct page the kernel counts (the zero pages, PFN maps) are not
 * resident; hugetlb pages are counted apart; entries that name a frame
 * but are not present (migration) are resident and shared.
 */
#ifndef PTSCOPE_ROLLUP_H
#define PTSCOPE_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/ptscope.h>

#define PSS_SHIFT 12

enum kind { KIND_ANON, KIND_FILE, KIND_SHMEM, __KINDS };

extern const char *const kind_names[__KINDS];

/* Bytes, except pss: bytes << PSS_SHIFT, summed as smaps sums it. */
struct figures {
	uint64_t rss[__KINDS], pss[__KINDS], uss[__KINDS];
	uint64_t swap, hugetlb;
};

/* The kind smaps counts a frame of @backing as; -1: not resident to smaps. */
int kind_of(uint8_t backing);
/*
 * Add @run to @f.  Returns true when it is present memory of a kind
 * smaps counts (kind_of() >= 0), which callers may count by size too.
 */
bool rollup_account(struct figures *f, const struct ptscope_run *run);
uint64_t figures_sum(const uint64_t *by_kind);
void figures_add(struct figures *to, const struct figures *f);
bool figures_empty(const struct figures *f);
/*
 * The rss, pss, uss, swap and hugetlb values: text in kB as smaps prints
 * them (Pss rounded down), " %10" each; JSON in bytes.
 */
void print_figure_values(const struct figures *f);

#endif
