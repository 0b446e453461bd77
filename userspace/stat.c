// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope stat PROC [--region R] [--format prometheus]: Rss, Pss, Uss and
 * Swap as smaps_rollup defines them, per region and per kind of memory,
 * and the bytes by page size, folio size and NUMA node - from one MAP_GET
 * dump with frame info, which holds the target's mmap_lock a few thousand
 * entries at a time where smaps_rollup holds it for the whole walk.
 *
 * The accounting is smaps_rollup's (rollup.c).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "framedump.h"
#include "names.h"
#include "output.h"
#include "prometheus.h"
#include "rollup.h"
#include "subcommands.h"
#include "page.h"

#define MAX_NODES 1024
#define MAX_ORDER_SEEN 32

struct stat_ctx {
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

static void account(const struct ptscope_run *run, void *arg)
{
	struct stat_ctx *ctx = arg;
	struct figures *f = &ctx->region[run->region < __PTSCOPE_REGION_MAX ? run->region : 0];

	if (!rollup_account(f, run))
		return;
	ctx->by_page_shift[run->page_shift & 63] += run->size;
	if (run->folio_order < MAX_ORDER_SEEN)
		ctx->by_folio_order[run->folio_order] += run->size;
	if (run->node < MAX_NODES)
		ctx->by_node[run->node] += run->size;
}

static void read_tables(const struct nlattr *nest, void *arg)
{
	const struct nlattr *t[__PTSCOPE_TABLES_A_MAX];
	struct stat_ctx *ctx = arg;
	int i;

	ptscope_nl_nested(nest, t, __PTSCOPE_TABLES_A_MAX - 1);
	for (i = PTSCOPE_TABLES_A_PTE; i < __PTSCOPE_TABLES_A_MAX; i++)
		ctx->tables[i] = attr_u64(t[i]);
	ctx->have_tables = true;
}

/* Text: kB, as smaps prints them (Pss rounded down); JSON: bytes. */
static void print_figures(const char *name, const struct figures *f)
{
	out_open_object(name);
	out_text("%-6s", name);
	print_figure_values(f);
	out_text("\n");
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
	return PAGE_BYTES << order;
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
	/* A page-table page is a base page (x86: 4 KiB; arm64 kernels choose). */
	page = PAGE_BYTES;
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
		if (figures_empty(&ctx->region[r]))
			continue;
		print_figures(region_name(r), &ctx->region[r]);
		figures_add(&total, &ctx->region[r]);
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

static void prom_sample(const struct stat_ctx *ctx, const char *name, const char *labels,
			uint64_t value)
{
	prom_write_sample(ctx->pid, ctx->comm, name, labels, value);
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
			snprintf(labels, sizeof(labels), ",folio_size=\"%" PRIu64 "\"",
				 PAGE_BYTES << i);
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
	struct stat_ctx *ctx = calloc(1, sizeof(*ctx)), **ctxs;
	struct frame_dump d = {
		.pid = pid, .region = sa->region, .run = account, .tables = read_tables,
		.arg = ctx,
	};
	int ret;

	if (!ctx) {
		perror(PROG_NAME);
		return 1;
	}
	ctx->pid = pid;
	ret = frame_dump(NULL, &d);
	snprintf(ctx->comm, sizeof(ctx->comm), "%s", d.comm);
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
