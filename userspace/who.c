// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope who PA[-END]: every mapping of a physical address or range, in
 * every process, and in the kernel half.
 *
 * Every process is read with one MAP_GET dump, over one socket, and the
 * runs that hold a part of the range kept; only for those is the VMA's
 * file looked up (REGIONS_GET) and what the frame is (TRANSLATE's frame
 * info).  Processes that exit meanwhile, kernel threads and those the
 * caller may not read are counted, not shown.
 *
 * The kernel maps all of RAM in its direct map, and its own image again
 * at the kernel-text address: /proc/kcore's program headers say where
 * (kcore.h), KERNEL_GET which top-level entry that is, and the kernel's
 * page tables below it, read through /proc/kcore, the page size and
 * flags.  vmalloc and module mappings of a frame are not looked for.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "kcore.h"
#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"
#include "vmas.h"
#include "page.h"

struct who_hit {
	uint32_t pid;
	char comm[32];
	struct ptscope_run run;		/* the part of the run in the range */
};

struct who {
	uint64_t start, end;		/* [start, end) */
	struct who_hit *hits;
	size_t n, cap;
	uint32_t pid;			/* being read */
	char comm[32];
	bool header, overflow;
	unsigned int read, exited, denied, no_mm;
};

static void keep_hit(struct who *w, const struct ptscope_run *run)
{
	uint64_t from = run->pa > w->start ? run->pa : w->start;
	uint64_t to = run->pa + run->size < w->end ? run->pa + run->size : w->end;
	struct who_hit *h;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		h = realloc(w->hits, w->cap * sizeof(*h));
		if (!h) {
			w->overflow = true;
			return;
		}
		w->hits = h;
	}
	h = &w->hits[w->n++];
	h->pid = w->pid;
	snprintf(h->comm, sizeof(h->comm), "%s", w->comm);
	h->run = *run;
	h->run.va = run->va + (from - run->pa);
	h->run.pa = from;
	h->run.size = to - from;
}

static int who_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	const struct ptscope_run *run;
	struct ptscope_runs runs;
	struct who *w = data;

	if (!w->header) {
		w->header = true;
		ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
		snprintf(w->comm, sizeof(w->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
	}
	ptscope_runs_init(&runs, nlh);
	while ((run = ptscope_runs_next(&runs)))
		if (ptscope_state_has_frame(run->state) && run->pa < w->end &&
		    run->pa + run->size > w->start)
			keep_hit(w, run);
	return runs.malformed ? MNL_CB_ERROR : MNL_CB_OK;
}

static void put_pid(struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(uint32_t *)arg);
}

/* Read every process; 0, or -1 after an error that is not about one process. */
static int scan(struct ptscope_nl *nl, struct who *w)
{
	unsigned int i, n;
	uint32_t *pids;
	size_t before;

	if (all_processes(&pids, &n))
		return -1;
	ptscope_errors_quiet(true);
	for (i = 0; i < n && !w->overflow; i++) {
		w->pid = pids[i];
		w->header = false;
		before = w->n;
		if (!ptscope_nl_query(nl, PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid, &w->pid,
				      who_cb, w)) {
			w->read++;
			continue;
		}
		/* What a half-read process gave is not an answer. */
		w->n = before;
		if (errno == ESRCH || errno == ENODATA)
			w->exited++;
		else if (errno == EACCES)
			w->denied++;
		else if (errno == EOPNOTSUPP)
			w->no_mm++;
		else
			break;
	}
	ptscope_errors_quiet(false);
	free(pids);
	if (w->overflow || i < n) {
		fprintf(stderr, "%s who: pid %u: %s\n", PROG_NAME, w->pid,
			strerror(w->overflow ? ENOMEM : errno));
		return -1;
	}
	return 0;
}

struct frame_info {
	struct ptscope_run run;
	bool have;
};

static int translate_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct frame_info *fi = data;

	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	if (tb[PTSCOPE_A_RUN]) {
		attr_run(tb[PTSCOPE_A_RUN], &fi->run);
		fi->have = true;
	}
	return MNL_CB_OK;
}

struct translate_request {
	uint32_t pid;
	uint64_t va;
};

static void put_translate(struct nlmsghdr *nlh, void *arg)
{
	const struct translate_request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_ADDR, req->va);
}

static void print_hit(struct ptscope_nl *nl, const struct who_hit *h, const struct vma_table *vmas)
{
	const struct vma_info *v = vmas_find(vmas, h->run.va);
	struct translate_request req = { .pid = h->pid, .va = h->run.va };
	struct frame_info fi = {};
	const char *flags[MAX_FLAG_NAMES];
	char buf[24];

	/* The frame now, if the process still maps it there. */
	if (ptscope_nl_query(nl, PTSCOPE_CMD_TRANSLATE, 0, put_translate, &req, translate_cb,
			     &fi) || fi.run.pa + (req.va - fi.run.va) != h->run.pa)
		fi.have = false;
	out_open_object(NULL);
	out_uint("pid", "%7" PRIu64, h->pid);
	out_string("comm", " %-15s", h->comm);
	out_hex("va", " %016" PRIx64, h->run.va);
	out_hex("pa", " %016" PRIx64, h->run.pa);
	out_uint("size", " %8" PRIu64, h->run.size);
	out_uint("page_size", "", 1ULL << h->run.page_shift);
	out_string(NULL, " %-4s", page_size_name(1ULL << h->run.page_shift, buf));
	out_name("region", " %-6s", region_name(h->run.region));
	out_name("state", " %-9s", state_name(h->run.state));
	if (fi.have) {
		out_name("backing", " %-6s", backing_name(fi.run.backing));
		out_uint("mapcount", " %8" PRIu64, fi.run.mapcount);
	} else {
		out_null("backing", " %-6s");
		out_null("mapcount", " %8s");
	}
	out_string_list("flags", " %s", flags, flag_names(h->run.flags, flags));
	if (v && v->path)
		out_string("path", " %s", v->path);
	else
		out_null("path", "");
	out_text("\n");
	out_close_object();
}

/* A kernel top-level entry, from KERNEL_GET. */
struct kernel_entry {
	uint64_t start, end, entry;
	char areas[128];
};

struct kernel_entries {
	struct kernel_entry e[512];
	unsigned int n;
};

static int kernel_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[__PTSCOPE_KERNEL_A_MAX], *attr;
	struct kernel_entries *ke = data;
	struct kernel_entry *e;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_KERNEL || ke->n == 512)
			continue;
		ptscope_nl_nested(attr, tb, __PTSCOPE_KERNEL_A_MAX - 1);
		e = &ke->e[ke->n++];
		e->start = attr_u64(tb[PTSCOPE_KERNEL_A_START]);
		e->end = attr_u64(tb[PTSCOPE_KERNEL_A_END]);
		e->entry = attr_u64(tb[PTSCOPE_KERNEL_A_ENTRY]);
		snprintf(e->areas, sizeof(e->areas), "%s", attr_str(tb[PTSCOPE_KERNEL_A_AREAS]));
	}
	return MNL_CB_OK;
}

/* x86-64 entry bits */
#define E_PRESENT	0x1ULL
#define E_WRITE		0x2ULL
#define E_USER		0x4ULL
#define E_ACCESSED	0x20ULL
#define E_DIRTY		0x40ULL
#define E_HUGE		0x80ULL
#define E_GLOBAL	0x100ULL
#define E_NX		0x8000000000000000ULL
#define E_PFN_MASK	0x000ffffffffff000ULL

static uint32_t kernel_flags(uint64_t e, bool huge)
{
	return (e & E_PRESENT ? PTSCOPE_FLAG_PRESENT : 0) |
	       (e & E_WRITE ? PTSCOPE_FLAG_WRITE : 0) | (e & E_USER ? PTSCOPE_FLAG_USER : 0) |
	       (e & E_ACCESSED ? PTSCOPE_FLAG_ACCESSED : 0) |
	       (e & E_DIRTY ? PTSCOPE_FLAG_DIRTY : 0) | (e & E_GLOBAL ? PTSCOPE_FLAG_GLOBAL : 0) |
	       (e & E_NX ? PTSCOPE_FLAG_NX : 0) | (huge ? PTSCOPE_FLAG_HUGE : 0);
}

/*
 * The leaf mapping @va below the top-level entry @e: its page size and
 * entry, read level by level from the tables' frames; 0, or -1 where an
 * entry is not present or a table cannot be read.
 */
static int kernel_leaf(const struct kcore *k, const struct kernel_entry *top, uint64_t va,
		       uint64_t *page_size, uint64_t *leaf)
{
	/* The top level's span says how many levels there are: 2^39 or 2^48. */
	unsigned int shift = top->end - top->start == 1ULL << 48 ? 48 : 39;
	uint64_t e = top->entry;

	for (shift -= 9; shift >= 12; shift -= 9) {
		if (!(e & E_PRESENT))
			return -1;
		if (kcore_read_pa(k, (e & E_PFN_MASK) + ((va >> shift) & 511) * 8, &e, sizeof(e)))
			return -1;
		if (shift == 12 || ((shift == 30 || shift == 21) && (e & E_HUGE))) {
			*page_size = 1ULL << shift;
			*leaf = e;
			return e & E_PRESENT ? 0 : -1;
		}
	}
	return -1;
}

static void print_kernel_row(const struct kcore *k, const struct kernel_entries *ke,
			     uint64_t va, uint64_t pa, uint64_t size)
{
	const struct kernel_entry *top = NULL;
	const char *flags[MAX_FLAG_NAMES];
	uint64_t page_size, leaf;
	unsigned int i, nflags;
	char buf[24];

	for (i = 0; i < ke->n; i++)
		if (va >= ke->e[i].start && (va < ke->e[i].end || !ke->e[i].end))
			top = &ke->e[i];
	out_open_object(NULL);
	out_text("%7s %-15s", "-", "kernel");
	out_hex("va", " %016" PRIx64, va);
	out_hex("pa", " %016" PRIx64, pa);
	out_uint("size", " %8" PRIu64, size);
	/* The walk must reach the frame kcore said, or it says nothing. */
	if (top && !kernel_leaf(k, top, va, &page_size, &leaf) &&
	    (leaf & E_PFN_MASK & ~(page_size - 1)) + (va & (page_size - 1)) == pa) {
		out_uint("page_size", "", page_size);
		out_string(NULL, " %-4s", page_size_name(page_size, buf));
		out_hex("entry", "", leaf);
		out_text(" %-6s %-9s %-6s %8s", "kernel", "present", "-", "-");
		nflags = flag_names(kernel_flags(leaf, page_size > PAGE_BYTES), flags);
		out_string_list("flags", " %s", flags, nflags);
	} else {
		out_null("page_size", " %-4s");
		out_text(" %-6s %-9s %-6s %8s", "kernel", "-", "-", "-");
		out_null("flags", " %s");
	}
	out_string("area", " %s\n", top ? top->areas : "not in a present top-level entry");
	out_close_object();
}

/*
 * The kernel's mappings of [start, end); 0, or -1 when /proc/kcore cannot
 * say (not built in, no CAP_SYS_RAWIO, locked down) or KERNEL_GET failed.
 */
static int print_kernel(struct ptscope_nl *nl, const struct who *w)
{
	static struct kernel_entries ke;
	uint32_t self = 0;
	struct kcore k;
	unsigned int i;
	int ret;

	/* kernel_leaf() reads x86-64 entries; arm64's kernel half is another table. */
#ifndef __x86_64__
	errno = EOPNOTSUPP;
	return -1;
#endif
	if (kcore_open(&k))
		return -1;
	ke.n = 0;
	ptscope_errors_quiet(true);
	ret = ptscope_nl_query(nl, PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, ptscope_put_pid, &self,
			       kernel_cb, &ke);
	ptscope_errors_quiet(false);
	if (ret) {
		kcore_close(&k);
		return -1;
	}
	out_open_array("kernel");
	for (i = 0; i < k.n; i++) {
		const struct kcore_segment *s = &k.seg[i];
		uint64_t from = s->pa > w->start ? s->pa : w->start;
		uint64_t to = s->pa + s->size < w->end ? s->pa + s->size : w->end;

		if (from < to)
			print_kernel_row(&k, &ke, s->va + (from - s->pa), from, to - from);
	}
	out_close_array();
	kcore_close(&k);
	return 0;
}

/* PA or START-END, hex; a single address is the byte there. */
static int parse_pa_range(const char *s, uint64_t *start, uint64_t *end)
{
	char *copy = strdup(s), *dash;
	int ret;

	if (!copy)
		return -1;
	dash = strchr(copy, '-');
	if (dash)
		*dash = '\0';
	ret = parse_addr(copy, start) || (dash && parse_addr(dash + 1, end)) ? -1 : 0;
	free(copy);
	if (!ret && !dash)
		*end = *start + 1;
	if (!ret && *end <= *start) {
		fprintf(stderr, "%s who: empty range `%s': END is past START\n", PROG_NAME, s);
		ret = -1;
	}
	return ret;
}

int who_main(const struct cmd_args *args)
{
	struct who w = {};
	struct ptscope_nl nl;
	struct vma_table vmas = {};
	uint32_t vmas_pid = 0;
	size_t i;

	if (parse_pa_range(args->args[0], &w.start, &w.end))
		return 2;
	if (ptscope_nl_open(&nl))
		return 1;
	if (scan(&nl, &w)) {
		ptscope_nl_close(&nl);
		free(w.hits);
		return 1;
	}
	out_init(args->json);
	out_hex("start", "who maps 0x%" PRIx64, w.start);
	out_hex("end", "-0x%" PRIx64, w.end);
	out_open_object("counts");
	out_uint("mappings", ": %" PRIu64 " process mappings", w.n);
	out_uint("read", " (%" PRIu64 " processes read", w.read);
	out_uint("exited", "; %" PRIu64 " exited meanwhile", w.exited);
	out_uint("not_permitted", ", %" PRIu64 " not permitted", w.denied);
	out_uint("no_address_space", ", %" PRIu64 " without an address space)\n", w.no_mm);
	out_close_object();
	out_text("    PID COMM            VA               PA                   SIZE PAGE");
	out_text(" REGION STATE     BACKING MAPCOUNT FLAGS PATH\n");
	out_open_array("mappings");
	for (i = 0; i < w.n; i++) {
		if (w.hits[i].pid != vmas_pid) {
			vmas_pid = w.hits[i].pid;
			ptscope_errors_quiet(true);
			if (vmas_read(&nl, vmas_pid, &vmas))
				vmas_free(&vmas);	/* gone since: no path */
			ptscope_errors_quiet(false);
		}
		print_hit(&nl, &w.hits[i], &vmas);
	}
	out_close_array();
	/* A partial answer, said so: the processes' mappings are complete. */
	if (print_kernel(&nl, &w)) {
		fprintf(stderr, "%s who: warning: the kernel's own mappings are not shown: %s\n",
			PROG_NAME, strerror(errno));
		out_null("kernel", "");
	}
	out_finish();
	vmas_free(&vmas);
	ptscope_nl_close(&nl);
	free(w.hits);
	return 0;
}
