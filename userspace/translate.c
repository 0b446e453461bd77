// SPDX-License-Identifier: GPL-2.0
/* ptscope translate PID ADDR: the page-table walk for one address. */

#include <inttypes.h>
#include <stdio.h>
#include <linux/ptscope.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"
#include "page.h"

static void print_level(const struct nlattr *nest)
{
	const struct nlattr *tb[__PTSCOPE_LEVEL_A_MAX];

	ptscope_nl_nested(nest, tb, __PTSCOPE_LEVEL_A_MAX - 1);
	out_open_object(NULL);
	out_string("level", "  %-5s", level_name(attr_u32(tb[PTSCOPE_LEVEL_A_LEVEL])));
	out_uint("index", " %5" PRIu64, attr_u32(tb[PTSCOPE_LEVEL_A_INDEX]));
	out_hex("entry", " 0x%016" PRIx64, attr_u64(tb[PTSCOPE_LEVEL_A_ENTRY]));
	out_hex("table", " 0x%" PRIx64, attr_u64(tb[PTSCOPE_LEVEL_A_TABLE]));
	out_text("\n");
	out_close_object();
}

/* What the frame is, from the leaf's run record (frame info). */
static void print_frame(const struct nlattr *attr)
{
	struct ptscope_run run;
	char buf[24];

	attr_run(attr, &run);
	if (run.state != PTSCOPE_STATE_PRESENT)
		return;
	out_open_object("frame");
	out_string("backing", "  frame %s", backing_name(run.backing));
	if (run.backing != PTSCOPE_BACKING_NO_PAGE) {
		out_uint("folio_size", "", PAGE_BYTES << run.folio_order);
		out_text(", in a %s folio", page_size_name(PAGE_BYTES << run.folio_order, buf));
		if (run.folio_map != PTSCOPE_FOLIO_MAP_NONE)
			out_string("folio_map", " mapped %s", folio_map_name(run.folio_map));
		out_uint("node", ", node %" PRIu64, run.node);
		out_uint("mapcount", ", mapped %" PRIu64 " time(s)", run.mapcount);
	}
	out_string("mem_type", ", %s memory", mem_type_name(run.mem_type));
	out_uint("pkey", ", pkey %" PRIu64 "\n", run.pkey);
	out_close_object();
}

static int translate_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	const char *flags[MAX_FLAG_NAMES];
	const struct nlattr *attr;
	char buf[24];

	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	out_uint("pid", "pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
	out_string("comm", " (%s)", attr_str(tb[PTSCOPE_A_COMM]));
	out_hex("va", " va 0x%" PRIx64 "\n", attr_u64(tb[PTSCOPE_A_ADDR]));

	out_text("  LEVEL INDEX ENTRY              TABLE\n");
	out_open_array("levels");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == PTSCOPE_A_LEVEL)
			print_level(attr);
	out_close_array();

	if (tb[PTSCOPE_A_REGION])
		out_string("region", "  region %s\n", region_name(attr_u32(tb[PTSCOPE_A_REGION])));
	if (tb[PTSCOPE_A_REASON]) {
		uint32_t level = attr_u32(tb[PTSCOPE_A_STOP_LEVEL]);

		out_null("pa", "");
		out_string("stop_level", level == PTSCOPE_LEVEL_NONE ? "  not mapped: " :
			   "  not mapped at the %s level: ", level_name(level));
		out_string("reason", "%s\n", attr_str(tb[PTSCOPE_A_REASON]));
		return MNL_CB_OK;
	}
	if (tb[PTSCOPE_A_PA])
		out_hex("pa", "  pa 0x%" PRIx64, attr_u64(tb[PTSCOPE_A_PA]));
	else
		out_null("pa", "  pa %s");
	out_uint("page_size", "", attr_u64(tb[PTSCOPE_A_PAGE_SIZE]));
	out_text(", %s page", page_size_name(attr_u64(tb[PTSCOPE_A_PAGE_SIZE]), buf));
	out_string("state", ", %s", state_name(attr_u32(tb[PTSCOPE_A_STATE])));
	if (tb[PTSCOPE_A_SWAP_TYPE]) {
		out_uint("swap_type", " (swap %" PRIu64, attr_u32(tb[PTSCOPE_A_SWAP_TYPE]));
		out_uint("swap_offset", ":%#" PRIx64 ")", attr_u64(tb[PTSCOPE_A_SWAP_OFFSET]));
	}
	out_string_list("flags", ", flags %s\n", flags,
			flag_names(attr_u32(tb[PTSCOPE_A_FLAGS]), flags));
	if (tb[PTSCOPE_A_RUN])
		print_frame(tb[PTSCOPE_A_RUN]);
	return MNL_CB_OK;
}

struct translate_request {
	uint32_t pid;
	uint64_t addr;
};

static void put_request(struct nlmsghdr *nlh, void *arg)
{
	const struct translate_request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_ADDR, req->addr);
}

int translate_main(const struct cmd_args *args)
{
	struct translate_request req;
	int ret;

	if (parse_addr(args->args[1], &req.addr))
		return 2;
	ret = resolve_proc(args->args[0], &req.pid);
	if (ret)
		return ret;

	out_init(args->json);
	ret = ptscope_query(PTSCOPE_CMD_TRANSLATE, 0, put_request, &req, translate_cb, NULL);
	out_finish();
	return ret ? 1 : 0;
}
