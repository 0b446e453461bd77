// SPDX-License-Identifier: GPL-2.0
/* MAP_GET with frame info for one process: see framedump.h. */

#include <errno.h>
#include <stdio.h>

#include "framedump.h"
#include "subcommands.h"

static int frame_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *attr;
	struct frame_dump *d = data;
	const struct ptscope_run *run;
	struct ptscope_runs runs;

	if (!d->header) {
		d->header = true;
		ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
		snprintf(d->comm, sizeof(d->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
	}
	ptscope_runs_init(&runs, nlh);
	while ((run = ptscope_runs_next(&runs)))
		d->run(run, d->arg);
	if (d->tables)
		mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
			if (mnl_attr_get_type(attr) == PTSCOPE_A_TABLES)
				d->tables(attr, d->arg);
	if (runs.malformed) {
		fprintf(stderr, "%s: the module sent a malformed frames record\n", PROG_NAME);
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void put_request(struct nlmsghdr *nlh, void *arg)
{
	const struct frame_dump *d = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, d->pid);
	mnl_attr_put(nlh, PTSCOPE_A_FRAME_INFO, 0, NULL);
	if (d->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, d->region);
}

int frame_dump(struct ptscope_nl *nl, struct frame_dump *d)
{
	d->header = false;
	d->comm[0] = '\0';
	if (!nl)
		return ptscope_query(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_request, d,
				     frame_dump_cb, d);
	return ptscope_nl_query(nl, PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_request, d,
				frame_dump_cb, d);
}
