// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope stat PROC [--region R] [--format prometheus]: Rss, Pss, Uss and
 * Swap as smaps_rollup defines them, per region and per kind of memory,
 * and the bytes by page size, folio size and NUMA node - from one MAP_GET
 * dump with frame info, which holds the target's mmap_lock a few thousand
 * entries at a time where smaps_rollup holds it for the whole walk.
 *
 * The accounting follows smaps_account() (fs/proc/task_mmu.c): a page
 * mapped once is private, its whole size in Pss; a page mapped n times
 * adds 1/n of it, in the same fixed point (PSS_SHIFT); pages without a
 * struct page the kernel counts (the zero pages, PFN maps) are not
 * resident; hugetlb pages are counted apart; entries that name a frame
 * but are not present (migration) are resident and shared.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

#define PSS_SHIFT 12
#define MAX_NODES 1024
#define MAX_ORDER_SEEN 32

enum kind { KIND_ANON, KIND_FILE, KIND_SHMEM, __KINDS };

static const char *const kind_names[] = { "anon", "file", "shmem" };

/* Bytes, except pss: bytes << PSS_SHIFT, summed as smaps sums it. */
struct figures {
	uint64_t rss[__KINDS], pss[__KINDS], uss[__KINDS];
	uint64_t swap, hugetlb;
};

struct stat_ctx {
	bool header;
	uint32_t pid;
	char comm[32];
	struct figures region[__PTSCOPE_REGION_MAX];
	uint64_t by_page_shift[64];		/* resident bytes */
	uint64_t by_folio_order[MAX_ORDER_SEEN];
	uint64_t by_node[MAX_NODES];
	/* Page-table pages: enum ptscope_tables_attr, by attribute */
	uint64_t tables[__PTSCOPE_TABLES_A_MAX];
	bool have_tables;
};

static int kind_of(uint8_t backing)
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

static void account(struct stat_ctx *ctx, const struct ptscope_run *run)
{
	struct figures *f = &ctx->region[run->region < __PTSCOPE_REGION_MAX ? run->region : 0];
	uint64_t pages = run->size >> 12, pss;
	int kind;

	if (run->state == PTSCOPE_STATE_SWAP) {
		f->swap += run->size;
		return;
	}
	if (run->flags & PTSCOPE_FLAG_HUGETLB) {
		if (ptscope_state_has_frame(run->state))
			f->hugetlb += run->size;
		return;
	}
	if (run->state != PTSCOPE_STATE_PRESENT) {
		/* Migration and the like: resident, shared, of no known kind. */
		if (ptscope_state_has_frame(run->state)) {
			f->rss[KIND_ANON] += run->size;
			f->pss[KIND_ANON] += run->size << PSS_SHIFT;
		}
		return;
	}
	kind = kind_of(run->backing);
	if (kind < 0)
		return;
	f->rss[kind] += run->size;
	if (run->mapcount < 2) {
		f->uss[kind] += run->size;
		pss = run->size << PSS_SHIFT;
	} else {
		pss = pages * ((4096ULL << PSS_SHIFT) / run->mapcount);
	}
	f->pss[kind] += pss;
	ctx->by_page_shift[run->page_shift & 63] += run->size;
	if (run->folio_order < MAX_ORDER_SEEN)
		ctx->by_folio_order[run->folio_order] += run->size;
	if (run->node < MAX_NODES)
		ctx->by_node[run->node] += run->size;
}

static int stat_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *attr;
	struct stat_ctx *ctx = data;
	const struct ptscope_run *run;
	struct ptscope_runs runs;

	if (!ctx->header) {
		ctx->header = true;
		ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
		ctx->pid = attr_u32(tb[PTSCOPE_A_PID]);
		snprintf(ctx->comm, sizeof(ctx->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
	}
	ptscope_runs_init(&runs, nlh);
	while ((run = ptscope_runs_next(&runs)))
		account(ctx, run);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		const struct nlattr *t[__PTSCOPE_TABLES_A_MAX];
		int i;

		if (mnl_attr_get_type(attr) != PTSCOPE_A_TABLES)
			continue;
		ptscope_nl_nested(attr, t, __PTSCOPE_TABLES_A_MAX - 1);
		for (i = PTSCOPE_TABLES_A_PTE; i < __PTSCOPE_TABLES_A_MAX; i++)
			ctx->tables[i] = attr_u64(t[i]);
		ctx->have_tables = true;
	}
	if (runs.malformed) {
		fprintf(stderr, "%s: the module sent a malformed frames record\n", PROG_NAME);
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

struct stat_request {
	uint32_t pid;
	int region;
};

static void put_request(struct nlmsghdr *nlh, void *arg)
{
	const struct stat_request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	mnl_attr_put(nlh, PTSCOPE_A_FRAME_INFO, 0, NULL);
	if (req->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, req->region);
}

static uint64_t sum(const uint64_t *v)
{
	return v[KIND_ANON] + v[KIND_FILE] + v[KIND_SHMEM];
}

static void add_figures(struct figures *to, const struct figures *f)
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

static bool is_empty(const struct figures *f)
{
	return !sum(f->rss) && !f->swap && !f->hugetlb;
}

/* Text: kB, as smaps prints them (Pss rounded down); JSON: bytes. */
static void print_figures(const char *name, const struct figures *f)
{
	out_open_object(name);
	out_text("%-6s", name);
	out_uint("rss", " %10" PRIu64, out_is_json() ? sum(f->rss) : sum(f->rss) >> 10);
	out_uint("pss", " %10" PRIu64, sum(f->pss) >> (PSS_SHIFT + (out_is_json() ? 0 : 10)));
	out_uint("uss", " %10" PRIu64, out_is_json() ? sum(f->uss) : sum(f->uss) >> 10);
	out_uint("swap", " %10" PRIu64, out_is_json() ? f->swap : f->swap >> 10);
	out_uint("hugetlb", " %10" PRIu64 "\n", out_is_json() ? f->hugetlb : f->hugetlb >> 10);
	out_close_object();
}

static void print_kinds(const struct figures *total)
{
	int k;

	out_text("\nKIND          RSS        PSS        USS  (kB)\n");
	out_open_object("kinds");
	for (k = 0; k < __KINDS; k++) {
		uint64_t rss = total->rss[k], pss = total->pss[k] >> PSS_SHIFT, uss = total->uss[k];

		out_open_object(kind_names[k]);
		out_text("%-6s", kind_names[k]);
		out_uint("rss", " %10" PRIu64, out_is_json() ? rss : rss >> 10);
		out_uint("pss", " %10" PRIu64, out_is_json() ? pss : pss >> 10);
		out_uint("uss", " %10" PRIu64 "\n", out_is_json() ? uss : uss >> 10);
		out_close_object();
	}
	out_close_object();
}

/* One line of sizes: "4K 1234 kB, 2M 4096 kB"; JSON: {"4096": bytes}. */
static void print_histogram(const char *key, const char *title, const uint64_t *bytes,
			    unsigned int n, uint64_t (*label)(unsigned int i), bool is_size)
{
	char name[32], buf[24];
	const char *sep = " ";
	unsigned int i;

	out_text("%-11s", title);
	out_open_object(key);
	for (i = 0; i < n; i++) {
		if (!bytes[i])
			continue;
		if (is_size)
			snprintf(name, sizeof(name), "%s", page_size_name(label(i), buf));
		else
			snprintf(name, sizeof(name), "%" PRIu64, label(i));
		if (out_is_json()) {
			snprintf(name, sizeof(name), "%" PRIu64, label(i));
			out_uint(name, "", bytes[i]);
		} else {
			out_text("%s%s %" PRIu64 " kB", sep, name, bytes[i] >> 10);
			sep = ", ";
		}
	}
	out_close_object();
	out_text("\n");
}

static uint64_t shift_bytes(unsigned int shift)
{
	return 1ULL << shift;
}

static uint64_t order_bytes(unsigned int order)
{
	return 4096ULL << order;
}

static uint64_t node_number(unsigned int node)
{
	return node;
}

/*
 * The page-table pages the walk went through: the cost of the mappings
 * themselves (VmPTE counts the PTE, PMD and PUD tables), and the PTE
 * tables that map nothing.
 */
static void print_tables(const struct stat_ctx *ctx)
{
	const uint64_t *t = ctx->tables;
	uint64_t total = t[PTSCOPE_TABLES_A_PTE] + t[PTSCOPE_TABLES_A_PTE_DEPOSITED] +
			 t[PTSCOPE_TABLES_A_PMD] + t[PTSCOPE_TABLES_A_PUD] +
			 t[PTSCOPE_TABLES_A_P4D], page;

	if (!ctx->have_tables)
		return;
	/* A page-table page is a page (x86: 4 KiB; arm64 kernels choose). */
	page = sysconf(_SC_PAGESIZE);
	out_open_object("page_tables");
	out_uint("pte", "page tables %" PRIu64 " PTE", t[PTSCOPE_TABLES_A_PTE]);
	out_uint("pte_deposited", " (+%" PRIu64 " set aside for THPs)",
		 t[PTSCOPE_TABLES_A_PTE_DEPOSITED]);
	out_uint("pmd", ", %" PRIu64 " PMD", t[PTSCOPE_TABLES_A_PMD]);
	out_uint("pud", ", %" PRIu64 " PUD", t[PTSCOPE_TABLES_A_PUD]);
	out_uint("p4d", ", %" PRIu64 " P4D", t[PTSCOPE_TABLES_A_P4D]);
	out_uint("bytes", ": %" PRIu64 " kB", out_is_json() ? total * page : total * page / 1024);
	out_uint("pte_empty", "; %" PRIu64 " PTE tables map nothing\n",
		 t[PTSCOPE_TABLES_A_PTE_EMPTY]);
	out_close_object();
}

static void print_text_or_json(const struct stat_ctx *ctx)
{
	struct figures total = {};
	int r;

	out_uint("pid", "pid %" PRIu64, ctx->pid);
	out_string("comm", " (%s)\n", ctx->comm);
	out_text("REGION        RSS        PSS        USS       SWAP    HUGETLB  (kB)\n");
	out_open_object("regions");
	for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
		if (is_empty(&ctx->region[r]))
			continue;
		print_figures(region_name(r), &ctx->region[r]);
		add_figures(&total, &ctx->region[r]);
	}
	out_close_object();
	print_figures("total", &total);
	print_kinds(&total);
	out_text("\n");
	print_histogram("page_sizes", "page size", ctx->by_page_shift, 64, shift_bytes, true);
	print_histogram("folio_sizes", "folio size", ctx->by_folio_order, MAX_ORDER_SEEN,
			order_bytes, true);
	print_histogram("nodes", "node", ctx->by_node, MAX_NODES, node_number, false);
	print_tables(ctx);
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static void prom_label(const char *value)
{
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			printf("\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", stdout);
		else
			putchar(*value);
	}
}

static void prom_family(const char *name, const char *help)
{
	printf("# HELP ptscope_%s %s\n# TYPE ptscope_%s gauge\n", name, help, name);
}

static void prom_sample(const struct stat_ctx *ctx, const char *name, const char *labels,
			uint64_t value)
{
	printf("ptscope_%s{pid=\"%" PRIu32 "\",comm=\"", name, ctx->pid);
	prom_label(ctx->comm);
	printf("\"%s} %" PRIu64 "\n", labels, value);
}

/*
 * The text format node_exporter's textfile collector reads: each family
 * once, with every process's samples, labelled by region and kind so that
 * sum() gives the totals.
 */
static void print_prometheus(struct stat_ctx **ctxs, unsigned int n)
{
	static const char *const helps[] = {
		"Resident memory, as smaps Rss.",
		"Proportional set size, as smaps Pss (rounded down to a byte).",
		"Memory mapped by this process only, as smaps Private_*.",
	};
	static const char *const names[] = { "rss_bytes", "pss_bytes", "uss_bytes" };
	char labels[96];
	unsigned int i, r, k, p;

	for (i = 0; i < 3; i++) {
		prom_family(names[i], helps[i]);
		for (p = 0; p < n; p++) {
			for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
				const struct figures *f = &ctxs[p]->region[r];

				for (k = 0; k < __KINDS; k++) {
					uint64_t v = i == 0 ? f->rss[k] : i == 1 ?
						     f->pss[k] >> PSS_SHIFT : f->uss[k];

					if (!f->rss[k])
						continue;
					snprintf(labels, sizeof(labels),
						 ",region=\"%s\",kind=\"%s\"", region_name(r),
						 kind_names[k]);
					prom_sample(ctxs[p], names[i], labels, v);
				}
			}
		}
	}
	prom_family("swap_bytes", "Swapped-out memory, as smaps Swap.");
	for (p = 0; p < n; p++)
		for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
			snprintf(labels, sizeof(labels), ",region=\"%s\"", region_name(r));
			if (ctxs[p]->region[r].swap)
				prom_sample(ctxs[p], "swap_bytes", labels, ctxs[p]->region[r].swap);
		}
	prom_family("hugetlb_bytes", "hugetlb memory, as smaps *_Hugetlb.");
	for (p = 0; p < n; p++)
		for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
			snprintf(labels, sizeof(labels), ",region=\"%s\"", region_name(r));
			if (ctxs[p]->region[r].hugetlb)
				prom_sample(ctxs[p], "hugetlb_bytes", labels,
					    ctxs[p]->region[r].hugetlb);
		}
	prom_family("page_size_bytes", "Resident memory by the size of the page mapping it.");
	for (p = 0; p < n; p++)
		for (i = 0; i < 64; i++) {
			snprintf(labels, sizeof(labels), ",page_size=\"%llu\"", 1ULL << i);
			if (ctxs[p]->by_page_shift[i])
				prom_sample(ctxs[p], "page_size_bytes", labels,
					    ctxs[p]->by_page_shift[i]);
		}
	prom_family("folio_size_bytes", "Resident memory by the size of the folio holding it.");
	for (p = 0; p < n; p++)
		for (i = 0; i < MAX_ORDER_SEEN; i++) {
			snprintf(labels, sizeof(labels), ",folio_size=\"%llu\"",
				 4096ULL << i);
			if (ctxs[p]->by_folio_order[i])
				prom_sample(ctxs[p], "folio_size_bytes", labels,
					    ctxs[p]->by_folio_order[i]);
		}
	prom_family("page_table_bytes", "Page-table pages under the process's mappings.");
	for (p = 0; p < n; p++) {
		static const char *const levels[] = {
			[PTSCOPE_TABLES_A_PTE] = "pte", [PTSCOPE_TABLES_A_PMD] = "pmd",
			[PTSCOPE_TABLES_A_PUD] = "pud", [PTSCOPE_TABLES_A_P4D] = "p4d",
			[PTSCOPE_TABLES_A_PTE_EMPTY] = NULL,
			[PTSCOPE_TABLES_A_PTE_DEPOSITED] = "pte_deposited",
		};

		for (i = PTSCOPE_TABLES_A_PTE; i <= PTSCOPE_TABLES_A_PTE_DEPOSITED; i++) {
			snprintf(labels, sizeof(labels), ",level=\"%s\"", levels[i]);
			if (levels[i] && ctxs[p]->tables[i])
				prom_sample(ctxs[p], "page_table_bytes", labels,
					    ctxs[p]->tables[i] * sysconf(_SC_PAGESIZE));
		}
	}
	prom_family("empty_page_tables", "PTE tables that map nothing.");
	for (p = 0; p < n; p++)
		if (ctxs[p]->have_tables)
			prom_sample(ctxs[p], "empty_page_tables", "",
				    ctxs[p]->tables[PTSCOPE_TABLES_A_PTE_EMPTY]);
	prom_family("node_bytes", "Resident memory by NUMA node.");
	for (p = 0; p < n; p++)
		for (i = 0; i < MAX_NODES; i++) {
			snprintf(labels, sizeof(labels), ",node=\"%u\"", i);
			if (ctxs[p]->by_node[i])
				prom_sample(ctxs[p], "node_bytes", labels, ctxs[p]->by_node[i]);
		}
}

struct stat_args {
	int region;
	bool prometheus;
	struct stat_ctx **ctxs;		/* prometheus: every process's, printed at the end */
	unsigned int n;
};

static int stat_one(uint32_t pid, void *arg)
{
	struct stat_args *sa = arg;
	struct stat_request req = { .pid = pid, .region = sa->region };
	struct stat_ctx *ctx = calloc(1, sizeof(*ctx)), **ctxs;
	int ret;

	if (!ctx) {
		perror(PROG_NAME);
		return 1;
	}
	ret = ptscope_query(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_request, &req, stat_cb, ctx);
	if (!ret && sa->prometheus) {
		ctxs = realloc(sa->ctxs, (sa->n + 1) * sizeof(*ctxs));
		if (ctxs) {
			sa->ctxs = ctxs;
			sa->ctxs[sa->n++] = ctx;
			return 0;
		}
		perror(PROG_NAME);
		ret = -1;
	} else if (!ret) {
		out_init(out_is_json());
		print_text_or_json(ctx);
		print_dump_interrupted();
		out_finish();
	}
	free(ctx);
	return ret ? 1 : 0;
}

int stat_main(const struct cmd_args *args)
{
	struct stat_args sa = { .region = -1 };
	unsigned int i;
	int ret;

	if (args->region) {
		sa.region = parse_region(args->region);
		if (sa.region < 0)
			return 2;
	}
	if (args->format) {
		if (strcmp(args->format, "prometheus")) {
			fprintf(stderr, "%s stat: unknown format `%s' (prometheus)\n", PROG_NAME,
				args->format);
			return 2;
		}
		if (args->json) {
			fprintf(stderr, "%s stat: -j and --format prometheus exclude each other\n",
				PROG_NAME);
			return 2;
		}
		sa.prometheus = true;
	}
	ret = show_processes(args, stat_one, &sa);
	if (sa.prometheus)
		print_prometheus(sa.ctxs, sa.n);
	for (i = 0; i < sa.n; i++)
		free(sa.ctxs[i]);
	free(sa.ctxs);
	return ret;
}
