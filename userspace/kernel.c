// SPDX-License-Identifier: GPL-2.0
/* ptscope kernel [PID]: the kernel half's top-level entries. */

#include <inttypes.h>
#include <stdio.h>
#include <linux/ptscope.h>

#include "nl.h"
#include "output.h"
#include "subcommands.h"

struct kernel_ctx {
	bool header;
};

static void print_entry(const struct nlattr *nest)
{
	const struct nlattr *tb[__PTSCOPE_KERNEL_A_MAX];

	ptscope_nl_nested(nest, tb, __PTSCOPE_KERNEL_A_MAX - 1);
	out_open_object(NULL);
	out_uint("index", "%5" PRIu64, attr_u32(tb[PTSCOPE_KERNEL_A_INDEX]));
	out_hex("start", " %016" PRIx64, attr_u64(tb[PTSCOPE_KERNEL_A_START]));
	out_hex("end", " %016" PRIx64, attr_u64(tb[PTSCOPE_KERNEL_A_END]));
	out_hex("entry", " 0x%016" PRIx64, attr_u64(tb[PTSCOPE_KERNEL_A_ENTRY]));
	out_string("areas", " %s", attr_str(tb[PTSCOPE_KERNEL_A_AREAS]));
	out_text("\n");
	out_close_object();
}

static int kernel_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_ctx *ctx = data;
	const struct nlattr *attr;

	print_dump_header(nlh, &ctx->header, "entries",
			  "INDEX START            END              ENTRY              AREAS");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == PTSCOPE_A_KERNEL)
			print_entry(attr);
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
	ret = ptscope_query(PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
			    kernel_cb, &ctx);
	out_finish();
	return ret ? 1 : 0;
}
