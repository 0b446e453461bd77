// SPDX-License-Identifier: GPL-2.0
/* ptscope share's output: text, JSON and the Prometheus format. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "names.h"
#include "output.h"
#include "prometheus.h"
#include "share.h"
#include "page.h"

/* Text lists this many files; JSON all of them. */
#define TEXT_FILES 10

static const char *const status_names[__SHARE_STATUSES] = {
	[SHARE_READ] = "read", [SHARE_EXITED] = "exited", [SHARE_CHANGED] = "changed",
	[SHARE_DENIED] = "not_permitted", [SHARE_NO_MM] = "no_address_space",
};

static uint64_t kb_or_bytes(uint64_t bytes)
{
	return out_is_json() ? bytes : bytes >> 10;
}

static void print_counts(const struct share *s)
{
	out_open_object("counts");
	out_uint("read", "share: %" PRIu64 " processes read", s->count[SHARE_READ]);
	out_uint("exited", "; %" PRIu64 " exited", s->count[SHARE_EXITED]);
	out_uint("changed", ", %" PRIu64 " changed while read", s->count[SHARE_CHANGED]);
	out_uint("not_permitted", ", %" PRIu64 " not permitted", s->count[SHARE_DENIED]);
	out_uint("no_address_space", ", %" PRIu64 " without an address space\n",
		 s->count[SHARE_NO_MM]);
	out_close_object();
}

static void print_processes(const struct share *s)
{
	struct figures total = {};
	size_t i;

	out_text("    PID COMM                   RSS        PSS        USS       SWAP    HUGETLB");
	out_text("  (kB)\n");
	out_open_array("processes");
	for (i = 0; i < s->nprocs; i++) {
		const struct share_proc *p = &s->procs[i];

		if (p->status != SHARE_READ)
			continue;
		out_open_object(NULL);
		out_uint("pid", "%7" PRIu64, p->pid);
		out_string("comm", " %-16s", p->comm);
		print_figure_values(&p->total);
		out_text("\n");
		out_close_object();
		figures_add(&total, &p->total);
	}
	out_close_array();
	out_open_object("total");
	out_text("%-24s", "total");
	print_figure_values(&total);
	out_text("\n");
	out_close_object();
}

/* Those not read, but for kernel threads and zombies, which have nothing to read. */
static void print_not_read(const struct share *s)
{
	size_t i;

	out_open_array("not_read");
	for (i = 0; i < s->nprocs; i++) {
		const struct share_proc *p = &s->procs[i];

		if (p->status == SHARE_READ || p->status == SHARE_NO_MM)
			continue;
		out_open_object(NULL);
		out_uint("pid", "not read: pid %" PRIu64, p->pid);
		out_string("comm", " (%s)", p->comm);
		out_name("status", " %s\n", status_names[p->status]);
		out_close_object();
	}
	out_close_array();
}

static void print_sharers(const struct share *s)
{
	uint32_t k;

	out_text("\nPROCESSES     FRAMES         kB");
	out_text("  (frames by how many of the %u processes map them)\n", s->count[SHARE_READ]);
	out_open_array("sharing");
	for (k = 1; k <= s->nprocs; k++) {
		uint64_t frames = s->frames_by_sharers[k];

		if (!frames)
			continue;
		out_open_object(NULL);
		out_uint("processes", "%9" PRIu64, k);
		out_uint("frames", " %10" PRIu64, frames);
		out_uint("bytes", " %10" PRIu64 "\n", kb_or_bytes(frames << page_shift));
		out_close_object();
	}
	out_close_array();
}

static void print_regions(const struct share *s)
{
	unsigned int r;

	out_text("\nREGION     SHARED      ALONE");
	out_text("  (kB mapped: shared, the frame is another's too)\n");
	out_open_object("regions");
	for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
		if (!s->shared_bytes[r] && !s->alone_bytes[r])
			continue;
		out_open_object(region_name(r));
		out_text("%-6s", region_name(r));
		out_uint("shared", " %10" PRIu64, kb_or_bytes(s->shared_bytes[r]));
		out_uint("alone", " %10" PRIu64 "\n", kb_or_bytes(s->alone_bytes[r]));
		out_close_object();
	}
	out_close_object();
}

static int cmp_shared_most(const void *a, const void *b)
{
	const struct share_file *x = *(const struct share_file *const *)a;
	const struct share_file *y = *(const struct share_file *const *)b;

	return x->frames != y->frames ? (x->frames < y->frames ? 1 : -1) :
	       (x->mappings < y->mappings) - (x->mappings > y->mappings);
}

static void print_files(const struct share *s)
{
	const struct share_file **order = malloc((s->nfiles + 1) * sizeof(*order));
	size_t i, n = out_is_json() ? s->nfiles : TEXT_FILES;

	if (!order)
		return;
	for (i = 0; i < s->nfiles; i++)
		order[i] = &s->files[i];
	qsort(order, s->nfiles, sizeof(*order), cmp_shared_most);
	out_text("\nFRAMES  PROCESSES   SAVED_kB FILE  (the files whose frames are shared most)\n");
	out_open_array("files");
	for (i = 0; i < s->nfiles && i < n; i++) {
		const struct share_file *f = order[i];

		out_open_object(NULL);
		out_uint("frames", "%6" PRIu64, f->frames);
		out_uint("processes", " %10" PRIu64, f->max_processes);
		/* What the frames would take again were each process's its own. */
		out_uint("saved", " %10" PRIu64,
			 kb_or_bytes((f->mappings - f->frames) << page_shift));
		out_string("path", " %s\n", f->path);
		out_close_object();
	}
	out_close_array();
	free(order);
}

static void print_forks(const struct share *s)
{
	bool any = false;
	size_t i;

	out_open_array("fork");
	for (i = 0; i < s->nprocs; i++) {
		const struct share_proc *c = &s->procs[i];

		if (c->parent < 0)
			continue;
		if (!any)
			out_text("\n PARENT   CHILD  SHARED_kB COW_BROKEN_kB%s\n",
				 "  (anonymous pages at the same address)");
		any = true;
		out_open_object(NULL);
		out_uint("parent", "%7" PRIu64, s->procs[c->parent].pid);
		out_uint("child", " %7" PRIu64, c->pid);
		out_uint("shared", " %10" PRIu64, kb_or_bytes(c->fork_shared << page_shift));
		out_uint("cow_broken", " %13" PRIu64 "\n",
			 kb_or_bytes(c->cow_broken << page_shift));
		out_close_object();
	}
	out_close_array();
}

void share_print(const struct share *s)
{
	print_counts(s);
	print_processes(s);
	print_not_read(s);
	print_sharers(s);
	print_regions(s);
	print_files(s);
	print_forks(s);
	out_finish();
}

/* A sample of no process: ptscope_NAME{LABELS} VALUE. */
static void prom_machine(const char *name, const char *label, const char *value,
			 uint64_t sample)
{
	printf("ptscope_%s{%s=\"", name, label);
	prom_label(value);
	printf("\"} %" PRIu64 "\n", sample);
}

void share_print_prometheus(const struct share *s)
{
	static const char *const names[] = {
		"share_rss_bytes", "share_pss_bytes", "share_uss_bytes",
	};
	static const char *const helps[] = {
		"Resident memory, as smaps_rollup Rss.",
		"Proportional set size, as smaps_rollup Pss (rounded down to a byte).",
		"Memory mapped by this process only, as smaps_rollup Private_*.",
	};
	char value[32];
	size_t i, k;

	for (k = 0; k < 3; k++) {
		prom_family(names[k], helps[k]);
		for (i = 0; i < s->nprocs; i++) {
			const struct share_proc *p = &s->procs[i];
			const struct figures *f = &p->total;

			if (p->status != SHARE_READ)
				continue;
			prom_write_sample(p->pid, p->comm, names[k], "",
					  k == 0 ? figures_sum(f->rss) : k == 1 ?
					  figures_sum(f->pss) >> PSS_SHIFT : figures_sum(f->uss));
		}
	}
	prom_family("share_processes", "Processes asked about, by what became of their read.");
	for (k = 0; k < __SHARE_STATUSES; k++)
		prom_machine("share_processes", "status", status_names[k], s->count[k]);
	prom_family("share_frames", "Frames by how many of the processes read map them.");
	for (k = 1; k <= s->nprocs; k++) {
		snprintf(value, sizeof(value), "%zu", k);
		if (s->frames_by_sharers[k])
			prom_machine("share_frames", "processes", value, s->frames_by_sharers[k]);
	}
	prom_family("share_file_shared_bytes",
		    "Bytes of a file's frames that two processes or more map.");
	for (i = 0; i < s->nfiles; i++)
		prom_machine("share_file_shared_bytes", "path", s->files[i].path,
			     s->files[i].frames << page_shift);
	prom_family("share_cow_broken_bytes",
		    "A fork child's anonymous memory now in other frames than its parent's.");
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].parent >= 0)
			prom_write_sample(s->procs[i].pid, s->procs[i].comm,
					  "share_cow_broken_bytes", "",
					  s->procs[i].cow_broken << page_shift);
}
