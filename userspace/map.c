// SPDX-License-Identifier: GPL-2.0
/* ptscope map PID [--region R] [--range START-END]: one line per run. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"
#include "page.h"

#define COLUMNS_RUN "VA               END              PA               PAGE  PAGES REGION STATE     "
#define COLUMNS COLUMNS_RUN "FLAGS"
#define COLUMNS_X COLUMNS_RUN "MAPS NODE FOLIO FOLIO-MAP BACKING   MEMORY        PKEY FLAGS"

/*
 * The dump's header, -x, the totals of the runs printed, the last flags'
 * names, and the last line's fields after its addresses.
 */
struct map_ctx {
	bool header;
	bool extended;
	uint64_t runs, size;
	uint64_t state_size[__PTSCOPE_STATE_MAX];
	uint32_t flags;		/* and their names (none for 0, as it starts) */
	unsigned int nflags;
	const char *flag_names[MAX_FLAG_NAMES];
	struct out_memo tail;
};

/* -x: what the frame is (frame info), after the flags. */
static void print_frame_info(const struct ptscope_run *run)
{
	char buf[24];

	if (run->state != PTSCOPE_STATE_PRESENT || run->backing == PTSCOPE_BACKING_NO_PAGE) {
		out_null("mapcount", " %4s");
		out_null("node", " %4s");
		out_null("folio_size", " %5s");
	} else {
		out_uint("mapcount", " %4" PRIu64, run->mapcount);
		out_uint("node", " %4" PRIu64, run->node);
		out_uint("folio_size", "", PAGE_BYTES << run->folio_order);
		out_text(" %5s", page_size_name(PAGE_BYTES << run->folio_order, buf));
	}
	if (run->folio_map == PTSCOPE_FOLIO_MAP_NONE)
		out_null("folio_map", " %-9s");
	else
		out_string("folio_map", " %-9s", folio_map_name(run->folio_map));
	out_string("backing", " %-9s", backing_name(run->backing));
	out_string("mem_type", " %-13s", mem_type_name(run->mem_type));
	out_uint("pkey", " %4" PRIu64, run->pkey);
}

/*
 * What a line shows after its addresses: the whole line but VA, END and
 * PA (or the swap entry), which the runs of scattered memory alone differ
 * in.  Frame info only with -x.
 */
static void tail_key(const struct map_ctx *ctx, const struct ptscope_run *run,
		     uint64_t key[OUT_MEMO_WORDS])
{
	key[0] = run->size;
	key[1] = (uint64_t)run->flags << 32 | run->page_shift << 16 | run->state << 8 |
		 run->region;
	key[2] = 0;
	key[3] = 0;
	if (ctx->extended) {
		key[2] = (uint64_t)run->mapcount << 32 | (uint32_t)run->node << 16 |
			 run->folio_order << 8 | run->backing;
		key[3] = 1 << 24 | run->pkey << 16 | run->folio_map << 8 | run->mem_type;
	}
}

static void print_run(struct map_ctx *ctx, const struct ptscope_run *run)
{
	uint64_t key[OUT_MEMO_WORDS];
	const char *size_name;
	char swap[40], buf[24];
	uint64_t page_size;

	page_size = 1ULL << run->page_shift;
	out_open_object(NULL);
	out_hex("va", "%016" PRIx64, run->va);
	out_hex(NULL, " %016" PRIx64, run->va + run->size);
	if (ptscope_state_has_frame(run->state)) {
		out_hex("pa", " %016" PRIx64, run->pa);
	} else if (run->state == PTSCOPE_STATE_SWAP) {
		out_null("pa", "");
		snprintf(swap, sizeof(swap), "swap:%u:%" PRIx64, run->swap_type,
			 (uint64_t)run->swap_offset);
		out_string(NULL, " %-16s", swap);
		out_uint("swap_type", "", run->swap_type);
		out_uint("swap_offset", "", run->swap_offset);
	} else {
		out_null("pa", " %-16s");
	}
	tail_key(ctx, run, key);
	if (out_again(&ctx->tail, key))
		goto done;
	out_memo_start(&ctx->tail);
	out_uint("size", "", run->size);
	out_uint("page_size", "", page_size);
	size_name = page_size_name(page_size, buf);
	if (size_name == buf)	/* a number of bytes, not a name */
		out_string(NULL, " %-4s", size_name);
	else
		out_name(NULL, " %-4s", size_name);
	out_uint(NULL, " %6" PRIu64, run->size >> run->page_shift);
	out_name("region", " %-6s", region_name(run->region));
	out_name("state", " %-9s", state_name(run->state));
	if (ctx->extended)
		print_frame_info(run);
	/* Runs mostly have the flags of the run before. */
	if (run->flags != ctx->flags) {
		ctx->flags = run->flags;
		ctx->nflags = flag_names(run->flags, ctx->flag_names);
	}
	out_string_list("flags", " %s\n", ctx->flag_names, ctx->nflags);
	out_memo_keep(&ctx->tail, key);
done:
	out_close_object();

	ctx->runs++;
	ctx->size += run->size;
	if (run->state < __PTSCOPE_STATE_MAX)
		ctx->state_size[run->state] += run->size;
}

static int map_cb(const struct nlmsghdr *nlh, void *data)
{
	struct map_ctx *ctx = data;
	const struct ptscope_run *run;
	struct ptscope_runs runs;

	print_dump_header(nlh, &ctx->header, NULL, "mappings",
			  ctx->extended ? COLUMNS_X : COLUMNS);
	ptscope_runs_init(&runs, nlh);
	while ((run = ptscope_runs_next(&runs)))
		print_run(ctx, run);
	if (runs.malformed) {
		fprintf(stderr, "%s: the module sent a malformed frames record\n", PROG_NAME);
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * The last line, as pmap -x ends: how much is mapped, and in which state
 * (text: present and swap always, other states where they occur).
 */
static void print_total(const struct map_ctx *ctx)
{
	unsigned int state;
	const char *sep = ": ";

	out_open_object("total");
	out_uint("runs", "total: %" PRIu64 " runs", ctx->runs);
	out_uint("size", "", ctx->size);
	out_uint(NULL, ", %" PRIu64 " KiB", ctx->size >> 10);
	out_open_object("states");
	for (state = 0; state < __PTSCOPE_STATE_MAX; state++) {
		out_uint(state_name(state), "", ctx->state_size[state]);
		if (!ctx->state_size[state] && state != PTSCOPE_STATE_PRESENT &&
		    state != PTSCOPE_STATE_SWAP)
			continue;
		out_text("%s%s %" PRIu64 " KiB", sep, state_name(state),
			 ctx->state_size[state] >> 10);
		sep = ", ";
	}
	out_close_object();
	out_text("\n");
	out_close_object();
}

struct map_request {
	uint32_t pid;
	int region;		/* -1: all */
	bool extended;		/* frame info */
	bool range;
	uint64_t start, end;
};

static void put_request(struct nlmsghdr *nlh, void *arg)
{
	const struct map_request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	if (req->extended)
		mnl_attr_put(nlh, PTSCOPE_A_FRAME_INFO, 0, NULL);
	if (req->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, req->region);
	if (req->range) {
		mnl_attr_put_u64(nlh, PTSCOPE_A_START, req->start);
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, req->end);
	}
}

static int map_one(uint32_t pid, void *arg)
{
	struct map_request *req = arg;
	struct map_ctx ctx = { .extended = req->extended };
	int ret;

	req->pid = pid;
	out_init(out_is_json());
	ret = ptscope_query(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_request, req, map_cb, &ctx);
	if (!ret) {
		out_close_array();
		print_dump_interrupted();
		print_total(&ctx);
	}
	out_finish();
	return ret ? 1 : 0;
}

int map_main(const struct cmd_args *args)
{
	struct map_request req = { .region = -1, .extended = args->extended };

	if (args->region) {
		req.region = parse_region(args->region);
		if (req.region < 0)
			return 2;
	}
	req.range = args->range;
	if (req.range && parse_range(args->range, &req.start, &req.end))
		return 2;
	return show_processes(args, map_one, &req);
}
