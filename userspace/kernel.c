// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope kernel [PID]: the kernel half's top-level entries.  Text merges
 * neighbouring entries that cover the same areas into one row (the
 * vmalloc area alone spans dozens); JSON keeps every entry.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/ptscope.h>

#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* A text row: entries first..last, neighbours with the same areas. */
struct kernel_row {
	uint32_t first, last;
	uint64_t start, end, entry;
	char areas[128];
};

struct kernel_ctx {
	bool header;
	uint32_t pid;		/* 0: none given */
	bool pending;		/* row holds entries not printed yet */
	struct kernel_row row;
};

static void print_row(const struct kernel_row *row)
{
	char index[24], entry[24];

	if (row->first == row->last) {
		snprintf(index, sizeof(index), "%" PRIu32, row->first);
		snprintf(entry, sizeof(entry), "0x%016" PRIx64, row->entry);
	} else {
		snprintf(index, sizeof(index), "%" PRIu32 "-%" PRIu32, row->first, row->last);
		snprintf(entry, sizeof(entry), "%" PRIu32 " entries", row->last - row->first + 1);
	}
	out_string(NULL, "%7s", index);
	out_hex(NULL, " %016" PRIx64, row->start);
	out_hex(NULL, " %016" PRIx64, row->end);
	out_string(NULL, " %-18s", entry);
	out_string(NULL, " %s\n", row->areas);
}

static void print_entry(struct kernel_ctx *ctx, const struct nlattr *nest)
{
	const struct nlattr *tb[__PTSCOPE_KERNEL_A_MAX];
	struct kernel_row *row = &ctx->row;
	uint64_t start, end, entry;
	const char *areas;
	uint32_t index;

	ptscope_nl_nested(nest, tb, __PTSCOPE_KERNEL_A_MAX - 1);
	index = attr_u32(tb[PTSCOPE_KERNEL_A_INDEX]);
	start = attr_u64(tb[PTSCOPE_KERNEL_A_START]);
	end = attr_u64(tb[PTSCOPE_KERNEL_A_END]);
	entry = attr_u64(tb[PTSCOPE_KERNEL_A_ENTRY]);
	areas = attr_str(tb[PTSCOPE_KERNEL_A_AREAS]);
	out_open_object(NULL);
	out_uint("index", "", index);
	out_hex("start", "", start);
	out_hex("end", "", end);
	out_hex("entry", "", entry);
	out_string("areas", "", areas);
	out_close_object();

	if (ctx->pending && index == row->last + 1 && !strcmp(areas, row->areas)) {
		row->last = index;
		row->end = end;
		return;
	}
	if (ctx->pending)
		print_row(row);
	*row = (struct kernel_row){
		.first = index, .last = index, .start = start, .end = end, .entry = entry,
	};
	snprintf(row->areas, sizeof(row->areas), "%s", areas);
	ctx->pending = true;
}

static int kernel_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_ctx *ctx = data;
	const struct nlattr *attr;

	print_dump_header(nlh, &ctx->header, ctx->pid ? NULL : "kernel half", "entries",
			  "  INDEX START            END              ENTRY              AREAS");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == PTSCOPE_A_KERNEL)
			print_entry(ctx, attr);
	return MNL_CB_OK;
}

int kernel_main(const struct cmd_args *args)
{
	struct kernel_ctx ctx = {};
	uint32_t pid = 0;
	int ret;

	/* PROC is optional: the kernel half is the same in every process. */
	if (args->nargs) {
		ret = resolve_proc(args->args[0], &pid);
		if (ret)
			return ret;
	}

	out_init(args->json);
	ctx.pid = pid;
	ret = ptscope_query(PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
			    kernel_cb, &ctx);
	if (!ret && ctx.pending)
		print_row(&ctx.row);
	out_finish();
	return ret ? 1 : 0;
}
