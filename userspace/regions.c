// SPDX-License-Identifier: GPL-2.0
/* ptscope regions PID: one line per VMA. */

#include <inttypes.h>
#include <stdio.h>
#include <linux/ptscope.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* The dump's header, and the totals of the VMAs printed. */
struct regions_ctx {
	bool header;
	uint64_t vmas, size, resident, swap;
};

static void print_vma(struct regions_ctx *ctx, const struct nlattr *nest)
{
	const struct nlattr *tb[__PTSCOPE_VMA_A_MAX];
	uint64_t start, end, resident, swap;
	char perms[5];

	ptscope_nl_nested(nest, tb, __PTSCOPE_VMA_A_MAX - 1);
	start = attr_u64(tb[PTSCOPE_VMA_A_START]);
	end = attr_u64(tb[PTSCOPE_VMA_A_END]);
	resident = attr_u64(tb[PTSCOPE_VMA_A_RESIDENT]);
	swap = attr_u64(tb[PTSCOPE_VMA_A_SWAP]);
	perms_string(attr_u32(tb[PTSCOPE_VMA_A_PERMS]), perms);
	out_open_object(NULL);
	out_hex("start", "%016" PRIx64, start);
	out_hex("end", " %016" PRIx64, end);
	out_string("perms", " %s", perms);
	out_name("region", " %-6s", region_name(attr_u32(tb[PTSCOPE_VMA_A_REGION])));
	out_uint("resident_pages", " %8" PRIu64, resident);
	out_uint("swap_pages", " %8" PRIu64, swap);
	out_uint("offset", " %08" PRIx64, attr_u64(tb[PTSCOPE_VMA_A_OFFSET]));
	if (tb[PTSCOPE_VMA_A_PATH])
		out_string("path", " %s\n", attr_str(tb[PTSCOPE_VMA_A_PATH]));
	else
		out_null("path", "\n");
	out_close_object();

	ctx->vmas++;
	ctx->size += end - start;
	ctx->resident += resident;
	ctx->swap += swap;
}

static int regions_cb(const struct nlmsghdr *nlh, void *data)
{
	struct regions_ctx *ctx = data;
	const struct nlattr *attr;

	print_dump_header(nlh, &ctx->header, NULL, "regions",
			  "START            END              PERM REGION RESIDENT     SWAP   OFFSET PATH");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == PTSCOPE_A_VMA)
			print_vma(ctx, attr);
	return MNL_CB_OK;
}

/* The last line, as pmap -x ends: the sums under RESIDENT and SWAP. */
static void print_total(const struct regions_ctx *ctx)
{
	char label[64];

	snprintf(label, sizeof(label), "total: %" PRIu64 " VMAs, %" PRIu64 " KiB", ctx->vmas,
		 ctx->size >> 10);
	out_open_object("total");
	out_string(NULL, "%-45s", label);
	out_uint("vmas", "", ctx->vmas);
	out_uint("size", "", ctx->size);
	out_uint("resident_pages", " %8" PRIu64, ctx->resident);
	out_uint("swap_pages", " %8" PRIu64 "\n", ctx->swap);
	out_close_object();
}

static int regions_one(uint32_t pid, void *arg)
{
	struct regions_ctx ctx = {};
	int ret;

	out_init(out_is_json());
	ret = ptscope_query(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
			    regions_cb, &ctx);
	if (!ret) {
		out_close_array();
		print_dump_interrupted();
		print_total(&ctx);
	}
	out_finish();
	return ret ? 1 : 0;
}

int regions_main(const struct cmd_args *args)
{
	return show_processes(args, regions_one, NULL);
}
