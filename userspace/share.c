// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope share PROC... | --all [--region R]: which frames the processes
 * share, and what each really costs.
 *
 * Each process is read with one MAP_GET dump with frame info (as `stat'
 * reads it, and its Rss, Pss and Uss are smaps_rollup's), between two
 * REGIONS_GET reads of its VMAs.  Frames mapped once cannot be shared and
 * are only counted; every other page becomes a 16-byte reference (pfn,
 * process, va), and so does every anonymous page of a process whose fork
 * parent or child is read too.  Sorted by frame, the references of one
 * frame come together: how many of the processes map it, which file it
 * belongs to.  Before the sort, each fork child's references are merged
 * with its parent's by address: the anonymous pages copy-on-write still
 * shares, and those it no longer does.
 *
 * Memory: 16 bytes per resident page mapped more than once (and per
 * anonymous page of a fork parent or child), plus the VMAs; the
 * reference array is sized from the VMAs' resident counts before each
 * dump, so it does not double as it grows.
 *
 * A process is counted only when it was read whole and unchanged: its
 * dump ended, the module did not flag it interrupted, its VMAs were the
 * same before and after, and its pid still names the process that was
 * there before (its start time).  A process whose VMAs keep changing is
 * tried three times, then reported as changed; one that exits, or whose
 * read fails because it exited, as exited.  Neither adds to a figure.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "framedump.h"
#include "names.h"
#include "output.h"
#include "share.h"
#include "subcommands.h"
#include "page.h"

#define ATTEMPTS 3

struct scan {
	struct share *s;
	struct share_proc *p;
	uint32_t index;
	bool overflow;
};

static int add_ref(struct share *s, uint64_t pfn, uint32_t proc, uint64_t va,
		   uint8_t backing, uint8_t region)
{
	struct frame_ref *refs;

	if (s->nrefs == s->refs_cap) {
		s->refs_cap = s->refs_cap ? s->refs_cap + s->refs_cap / 2 : 4096;
		refs = realloc(s->refs, s->refs_cap * sizeof(*refs));
		if (!refs)
			return -1;
		s->refs = refs;
	}
	s->refs[s->nrefs++] = (struct frame_ref){
		.key = pfn << REF_PROC_BITS | proc,
		.where = va | (uint64_t)backing << 4 | (region & 0xf),
	};
	return 0;
}

static void scan_run(const struct ptscope_run *run, void *arg)
{
	struct scan *sc = arg;
	struct share_proc *p = sc->p;
	uint64_t i, pages = run->size >> page_shift;
	uint8_t region = run->region < __PTSCOPE_REGION_MAX ? run->region : 0;

	rollup_account(&p->total, run);
	/* Frames smaps counts as resident; hugetlb apart, as it does. */
	if (!ptscope_state_has_frame(run->state) || (run->flags & PTSCOPE_FLAG_HUGETLB))
		return;
	if (run->state == PTSCOPE_STATE_PRESENT && kind_of(run->backing) < 0)
		return;
	if (run->mapcount < 2 && !(p->forked && run->backing == PTSCOPE_BACKING_ANON)) {
		/* Mapped once: this process's alone. */
		sc->s->frames_by_sharers[1] += pages;
		sc->s->alone_bytes[region] += run->size;
		return;
	}
	for (i = 0; i < pages && !sc->overflow; i++)
		if (add_ref(sc->s, (run->pa >> page_shift) + i, sc->index,
			    run->va + (i << page_shift), run->backing, region))
			sc->overflow = true;
}

/* The status a read that failed with @err gives; -1: an error to report. */
static int status_of_error(int err)
{
	switch (err) {
	case ESRCH:
	case ENODATA:
		return SHARE_EXITED;
	case EACCES:
		return SHARE_DENIED;
	case EOPNOTSUPP:
		return SHARE_NO_MM;
	default:
		return -1;
	}
}

/*
 * One attempt at reading process @index: SHARE_READ, SHARE_CHANGED when
 * its VMAs changed meanwhile, another status, or -1 after an error.
 */
static int read_once(struct ptscope_nl *nl, struct share *s, uint32_t index, int region)
{
	struct share_proc *p = &s->procs[index];
	struct vma_table after = {};
	struct scan sc = { .s = s, .p = p, .index = index };
	struct frame_dump d = { .pid = p->pid, .region = region, .run = scan_run, .arg = &sc };
	struct proc_stat now;
	struct frame_ref *refs;
	uint64_t want;
	int ret;

	ptscope_dump_interrupted_clear();
	if (vmas_read(nl, p->pid, &p->vmas))
		return status_of_error(errno);
	want = s->nrefs + vmas_resident(&p->vmas);
	if (want > s->refs_cap) {
		refs = realloc(s->refs, want * sizeof(*refs));
		if (refs) {
			s->refs = refs;
			s->refs_cap = want;
		}
	}
	p->first = s->nrefs;
	if (frame_dump(nl, &d))
		return errno == EBADMSG ? -1 : status_of_error(errno);
	if (sc.overflow) {
		perror(PROG_NAME);
		return -1;
	}
	snprintf(p->comm, sizeof(p->comm), "%s", d.comm);
	p->end = s->nrefs;
	if (vmas_read(nl, p->pid, &after)) {
		vmas_free(&after);
		return status_of_error(errno);
	}
	ret = ptscope_dump_interrupted() || !vmas_equal(&p->vmas, &after) ?
	      SHARE_CHANGED : SHARE_READ;
	vmas_free(&after);
	if (proc_stat_read(p->pid, &now) || now.start_time != p->stat.start_time)
		return SHARE_EXITED;
	return ret;
}

/* Undo a read that is not counted: its figures and references go. */
static void forget(struct share *s, struct share_proc *p, uint64_t *alone_before,
		   uint64_t *by_sharers_1)
{
	memset(&p->total, 0, sizeof(p->total));
	s->nrefs = p->first;
	p->end = p->first;
	memcpy(s->alone_bytes, alone_before, sizeof(s->alone_bytes));
	s->frames_by_sharers[1] = *by_sharers_1;
}

static int read_process(struct ptscope_nl *nl, struct share *s, uint32_t index, int region)
{
	struct share_proc *p = &s->procs[index];
	uint64_t alone[__PTSCOPE_REGION_MAX], private = s->frames_by_sharers[1];
	int attempt, ret = SHARE_CHANGED;

	memcpy(alone, s->alone_bytes, sizeof(alone));
	p->first = s->nrefs;
	p->end = s->nrefs;
	for (attempt = 0; attempt < ATTEMPTS && ret == SHARE_CHANGED; attempt++) {
		if (attempt)
			forget(s, p, alone, &private);
		ret = read_once(nl, s, index, region);
	}
	if (ret < 0)
		return -1;
	p->status = ret;
	if (p->status != SHARE_READ)
		forget(s, p, alone, &private);
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct share_proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * Fork pairs, from /proc/PID/stat before anything is read: a child whose
 * parent is asked about too and whose address space is still the copy
 * of its parent's (procstat.h).
 */
static void find_fork_pairs(struct share *s)
{
	struct share_proc key, *parent;
	size_t i;

	for (i = 0; i < s->nprocs; i++) {
		struct share_proc *p = &s->procs[i];

		p->parent = -1;
		if (p->status != SHARE_READ || !p->stat.ppid)
			continue;
		key.pid = p->stat.ppid;
		parent = bsearch(&key, s->procs, s->nprocs, sizeof(key), cmp_pid);
		if (!parent || parent->status != SHARE_READ ||
		    !proc_stat_same_image(&parent->stat, &p->stat))
			continue;
		p->parent = parent - s->procs;
		p->forked = true;
		parent->forked = true;
	}
}

/*
 * A fork child's anonymous pages against its parent's, address by
 * address (each process's references are in address order): the same
 * frame is still shared by copy-on-write; another frame means one of them
 * wrote and got a copy - or that both mapped new memory at that address
 * after fork, which page tables cannot tell apart (see ptscope.8).
 */
static void compare_with_parent(struct share *s, struct share_proc *c)
{
	const struct share_proc *p = &s->procs[c->parent];
	size_t i = c->first, j = p->first;

	while (i < c->end && j < p->end) {
		const struct frame_ref *a = &s->refs[i], *b = &s->refs[j];

		if (REF_BACKING(a) != PTSCOPE_BACKING_ANON) {
			i++;
			continue;
		}
		if (REF_BACKING(b) != PTSCOPE_BACKING_ANON || REF_VA(b) < REF_VA(a)) {
			j++;
			continue;
		}
		if (REF_VA(a) < REF_VA(b)) {
			i++;
			continue;
		}
		if (REF_PFN(a) == REF_PFN(b))
			c->fork_shared++;
		else
			c->cow_broken++;
		i++;
		j++;
	}
}

static int cmp_ref(const void *a, const void *b)
{
	const struct frame_ref *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_path(const void *a, const void *b)
{
	const struct share_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int add_file(struct share *s, size_t *cap, const char *path, uint32_t sharers)
{
	struct share_file *f;

	if (s->nfiles == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		f = realloc(s->files, *cap * sizeof(*f));
		if (!f)
			return -1;
		s->files = f;
	}
	s->files[s->nfiles++] = (struct share_file){
		.path = path, .frames = 1, .mappings = sharers, .max_processes = sharers,
	};
	return 0;
}

/* One file's frames together, by path (each frame counted once before). */
static void merge_files(struct share *s)
{
	size_t i, n = 0;

	if (!s->nfiles)
		return;
	qsort(s->files, s->nfiles, sizeof(*s->files), cmp_path);
	for (i = 1; i < s->nfiles; i++) {
		struct share_file *to = &s->files[n], *f = &s->files[i];

		if (!strcmp(to->path, f->path)) {
			to->frames += f->frames;
			to->mappings += f->mappings;
			if (f->max_processes > to->max_processes)
				to->max_processes = f->max_processes;
		} else {
			s->files[++n] = *f;
		}
	}
	s->nfiles = n + 1;
}

/*
 * The references sorted by frame: for each frame, how many processes map
 * it, and where the first of them maps it from.
 */
static int merge_frames(struct share *s)
{
	size_t i = 0, j, k, files_cap = 0;
	uint32_t sharers;

	qsort(s->refs, s->nrefs, sizeof(*s->refs), cmp_ref);
	while (i < s->nrefs) {
		uint64_t pfn = REF_PFN(&s->refs[i]);

		sharers = 0;
		for (j = i; j < s->nrefs && REF_PFN(&s->refs[j]) == pfn; j++)
			if (j == i || REF_PROC(&s->refs[j]) != REF_PROC(&s->refs[j - 1]))
				sharers++;
		s->frames_by_sharers[sharers]++;
		for (k = i; k < j; k++) {
			uint8_t region = REF_REGION(&s->refs[k]);

			if (sharers > 1)
				s->shared_bytes[region] += PAGE_BYTES;
			else
				s->alone_bytes[region] += PAGE_BYTES;
		}
		if (sharers > 1) {
			const struct share_proc *p = &s->procs[REF_PROC(&s->refs[i])];
			const struct vma_info *v = vmas_find(&p->vmas, REF_VA(&s->refs[i]));

			if (v && v->path && add_file(s, &files_cap, v->path, sharers))
				return -1;
		}
		i = j;
	}
	merge_files(s);
	return 0;
}

static int share_check_args(const struct cmd_args *args, int *region, bool *prometheus)
{
	if (!args->all == !args->nargs) {
		fprintf(stderr, "%s share: %s\n", PROG_NAME, args->all ?
			"--all and PROC exclude each other" : "missing PROC (or --all)");
		return usage_error(args->cmd);
	}
	*region = -1;
	if (args->region) {
		*region = parse_region(args->region);
		if (*region < 0)
			return 2;
	}
	*prometheus = false;
	if (args->format) {
		if (strcmp(args->format, "prometheus")) {
			fprintf(stderr, "%s share: unknown format `%s' (prometheus)\n", PROG_NAME,
				args->format);
			return 2;
		}
		if (args->json) {
			fprintf(stderr, "%s share: -j and --format prometheus exclude each other\n",
				PROG_NAME);
			return 2;
		}
		*prometheus = true;
	}
	return 0;
}

/* The processes asked about, in pid order, each pid once. */
static int list_processes(const struct cmd_args *args, struct share *s)
{
	unsigned int n, i, kept = 0;
	uint32_t *pids;
	int ret;

	ret = args->all ? all_processes(&pids, &n) : resolve_processes(args, &pids, &n);
	if (ret == 2 || (ret && !n))
		return ret;
	s->procs = calloc(n ? n : 1, sizeof(*s->procs));
	if (!s->procs) {
		perror(PROG_NAME);
		free(pids);
		return 1;
	}
	/* --all leaves the client out: its own memory grows while it reads. */
	for (i = 0; i < n; i++)
		if (!args->all || pids[i] != (uint32_t)getpid())
			s->procs[kept++].pid = pids[i];
	n = kept;
	kept = 0;
	free(pids);
	qsort(s->procs, n, sizeof(*s->procs), cmp_pid);
	for (i = 0; i < n; i++)
		if (!kept || s->procs[i].pid != s->procs[kept - 1].pid)
			s->procs[kept++] = s->procs[i];
	s->nprocs = kept;
	return ret;
}

static void share_free(struct share *s)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		vmas_free(&s->procs[i].vmas);
	free(s->procs);
	free(s->refs);
	free(s->files);
	free(s->frames_by_sharers);
}

int share_main(const struct cmd_args *args)
{
	struct share s = {};
	struct ptscope_nl nl;
	int region = -1, ret, err = 0;
	size_t i;

	ret = share_check_args(args, &region, &s.prometheus);
	if (ret)
		return ret;
	ret = list_processes(args, &s);
	if (ret == 2 || !s.procs)
		return ret;
	s.frames_by_sharers = calloc(s.nprocs + 2, sizeof(*s.frames_by_sharers));
	if (!s.frames_by_sharers || ptscope_nl_open(&nl)) {
		share_free(&s);
		return 1;
	}
	for (i = 0; i < s.nprocs; i++) {
		struct share_proc *p = &s.procs[i];

		if (proc_stat_read(p->pid, &p->stat))
			p->status = SHARE_EXITED;
		else if (p->stat.kernel_thread || p->stat.state == 'Z')
			p->status = SHARE_NO_MM;
	}
	find_fork_pairs(&s);
	/* Some processes are expected to be gone or not ours: counted, not printed. */
	ptscope_errors_quiet(true);
	for (i = 0; i < s.nprocs && !err; i++)
		if (s.procs[i].status == SHARE_READ)
			err = read_process(&nl, &s, i, region);
	ptscope_errors_quiet(false);
	ptscope_nl_close(&nl);
	if (err) {
		fprintf(stderr, "%s share: pid %u: %s\n", PROG_NAME, s.procs[i - 1].pid,
			strerror(errno));
		share_free(&s);
		return 1;
	}
	for (i = 0; i < s.nprocs; i++) {
		struct share_proc *p = &s.procs[i];

		s.count[p->status]++;
		if (p->status == SHARE_READ && p->parent >= 0 &&
		    s.procs[p->parent].status == SHARE_READ)
			compare_with_parent(&s, p);
		else
			p->parent = -1;
	}
	if (merge_frames(&s)) {
		perror(PROG_NAME);
		share_free(&s);
		return 1;
	}
	out_init(args->json);
	if (s.prometheus)
		share_print_prometheus(&s);
	else
		share_print(&s);
	share_free(&s);
	/* A PROC that was named but could not be read is a failed query. */
	if (!args->all && s.count[SHARE_READ] < s.nprocs)
		ret = 1;
	return ret;
}
