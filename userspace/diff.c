// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope diff PID1 PID2 [--region R]: compare two processes' translations.
 *
 * Both maps are read at once, a message at a time from two MAP_GET dumps,
 * and merged by address: memory use is two receive buffers, whatever the
 * size of the processes, and time is linear in the number of runs.  Every
 * stretch of the union of both maps gets a relation: same frame, different
 * frame (or one side not present), only in A, only in B.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/ptscope.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

enum relation { SAME, DIFFERENT, ONLY_A, ONLY_B, __RELATIONS };

static const char *const relation_names[] = {
	[SAME] = "same", [DIFFERENT] = "different",
	[ONLY_A] = "only_a", [ONLY_B] = "only_b",
};

struct run {
	uint64_t va, end, pa, swap_offset;
	uint32_t state, region, swap_type;
};

/* One side: a dump, and where in its current message the next run is. */
struct side {
	struct ptscope_dump dump;
	const struct nlmsghdr *msg;
	struct ptscope_runs runs;	/* of msg */
	uint32_t pid;
	char comm[32];
	struct run run;		/* the current run, or what is left of it */
	bool have_run;
	bool err;
};

struct request {
	uint32_t pid;
	int region;
};

static void put_map_request(struct nlmsghdr *nlh, void *arg)
{
	const struct request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	if (req->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, req->region);
}

static void set_run(struct run *r, const struct ptscope_run *run)
{
	*r = (struct run) {
		.va = run->va,
		.end = run->va + run->size,
		.pa = run->pa,
		.state = run->state,
		.region = run->region,
		.swap_type = run->swap_type,
		.swap_offset = run->swap_offset,
	};
}

/* Move to the side's next run; false at the end (or on error). */
static bool next_run(struct side *s)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct ptscope_run run;

	for (;;) {
		if (s->msg && ptscope_runs_next(&s->runs, &run)) {
			set_run(&s->run, &run);
			s->have_run = true;
			return true;
		}
		if (s->msg && s->runs.malformed) {
			fprintf(stderr, "%s: the module sent a malformed frames record\n",
				PROG_NAME);
			s->err = true;
			s->have_run = false;
			return false;
		}
		s->msg = ptscope_dump_next(&s->dump, &s->err);
		if (!s->msg) {
			s->have_run = false;
			return false;
		}
		if (!s->comm[0]) {
			ptscope_nl_attrs(s->msg, tb, PTSCOPE_A_MAX);
			snprintf(s->comm, sizeof(s->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
		}
		ptscope_runs_init(&s->runs, s->msg);
	}
}

/* Consume @len bytes from the front of the side's run. */
static void advance(struct side *s, uint64_t len)
{
	s->run.va += len;
	if (s->run.state == PTSCOPE_STATE_SWAP)
		s->run.swap_offset += len / 4096;
	else
		s->run.pa += len;
	if (s->run.va >= s->run.end)
		next_run(s);
}

static bool same_backing(const struct run *a, const struct run *b)
{
	if (a->state != b->state)
		return false;
	if (a->state == PTSCOPE_STATE_SWAP)
		return a->swap_type == b->swap_type && a->swap_offset == b->swap_offset;
	return a->state != PTSCOPE_STATE_OTHER && a->pa == b->pa;
}

static void print_pa(const char *key, const struct run *r)
{
	if (r && (r->state == PTSCOPE_STATE_PRESENT || r->state == PTSCOPE_STATE_MIGRATION))
		out_hex(key, " %016" PRIx64, r->pa);
	else
		out_null(key, " %-16s");
}

static void print_piece(uint64_t va, uint64_t len, const struct run *a,
			const struct run *b, enum relation rel)
{
	out_open_object(NULL);
	out_hex("va", "%016" PRIx64, va);
	out_text(" %016" PRIx64, va + len);
	out_uint("size", "", len);
	print_pa("a_pa", a);
	print_pa("b_pa", b);
	out_string("region", " %-6s", region_name((a ? a : b)->region));
	out_string("relation", " %s\n", relation_names[rel]);
	out_close_object();
}

struct kernel_side {
	uint64_t entry[512];
	bool present[512];
};

static int kernel_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_side *k = data;
	const struct nlattr *attr;
	const struct nlattr *tb[__PTSCOPE_KERNEL_A_MAX];
	uint32_t i;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_KERNEL)
			continue;
		ptscope_nl_nested(attr, tb, __PTSCOPE_KERNEL_A_MAX - 1);
		i = attr_u32(tb[PTSCOPE_KERNEL_A_INDEX]);
		if (i < 512) {
			k->present[i] = true;
			k->entry[i] = attr_u64(tb[PTSCOPE_KERNEL_A_ENTRY]);
		}
	}
	return MNL_CB_OK;
}

static int read_kernel(uint32_t pid, struct kernel_side *k)
{
	memset(k, 0, sizeof(*k));
	return ptscope_query(PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
			     kernel_cb, k);
}

/* The kernel half: every process should map the same top-level entries. */
static int diff_kernel(uint32_t pid_a, uint32_t pid_b)
{
	static struct kernel_side a, b;
	unsigned int i, entries = 0, same = 0;

	if (read_kernel(pid_a, &a) || read_kernel(pid_b, &b))
		return -1;
	for (i = 0; i < 512; i++) {
		if (!a.present[i] && !b.present[i])
			continue;
		entries++;
		same += a.present[i] && b.present[i] && a.entry[i] == b.entry[i];
	}
	out_open_object("kernel");
	out_uint("entries", "kernel: %" PRIu64 " top-level entries", entries);
	out_uint("same", ", %" PRIu64 " the same in both", same);
	out_uint("different", ", %" PRIu64 " different\n", entries - same);
	out_close_object();
	return 0;
}

int diff_main(int argc, char *argv[])
{
	uint64_t pages[__PTSCOPE_REGION_MAX][__RELATIONS] = {};
	static struct side a, b;
	struct request req_a, req_b;
	struct cmd_args args;
	uint64_t len, total[__RELATIONS] = {};
	enum relation rel;
	const struct run *ra, *rb;
	int ret, region = -1, r, i;

	ret = parse_args(argc, argv, "[-j] [--region REGION] PID1 PID2", "r", 2, &args);
	if (ret)
		return ret == ARGS_HELP ? 0 : ret;
	if (parse_pid(args.args[0], &a.pid) || parse_pid(args.args[1], &b.pid))
		return 2;
	if (args.region) {
		region = region_parse(args.region);
		if (region < 0) {
			fprintf(stderr, "%s: unknown region `%s'\n", PROG_NAME, args.region);
			return 2;
		}
	}
	req_a = (struct request){ a.pid, region };
	req_b = (struct request){ b.pid, region };
	if (ptscope_dump_start(&a.dump, PTSCOPE_CMD_MAP_GET, put_map_request, &req_a))
		return 1;
	if (ptscope_dump_start(&b.dump, PTSCOPE_CMD_MAP_GET, put_map_request, &req_b)) {
		ptscope_dump_close(&a.dump);
		return 1;
	}
	next_run(&a);
	next_run(&b);
	if (a.err || b.err)
		goto out;

	out_init(args.json);
	out_uint("a", "diff: A = pid %" PRIu64, a.pid);
	out_string("a_comm", " (%s)", a.comm);
	out_uint("b", ", B = pid %" PRIu64, b.pid);
	out_string("b_comm", " (%s)\n", b.comm);
	out_text("%-16s %-16s %-16s %-16s REGION RELATION\n", "VA", "END", "A_PA", "B_PA");
	out_open_array("entries");
	while (a.have_run || b.have_run) {
		ra = a.have_run ? &a.run : NULL;
		rb = b.have_run ? &b.run : NULL;
		if (!rb || (ra && ra->va < rb->va)) {
			/* A alone up to B's next run */
			len = (rb && rb->va < ra->end ? rb->va : ra->end) - ra->va;
			rel = ONLY_A;
			rb = NULL;
		} else if (!ra || rb->va < ra->va) {
			len = (ra && ra->va < rb->end ? ra->va : rb->end) - rb->va;
			rel = ONLY_B;
			ra = NULL;
		} else {
			len = (ra->end < rb->end ? ra->end : rb->end) - ra->va;
			rel = same_backing(ra, rb) ? SAME : DIFFERENT;
		}
		print_piece((ra ? ra : rb)->va, len, ra, rb, rel);
		pages[(ra ? ra : rb)->region % __PTSCOPE_REGION_MAX][rel] += len / 4096;
		if (ra)
			advance(&a, len);
		if (rb)
			advance(&b, len);
	}
	out_close_array();
	if (a.err || b.err)
		goto out;

	out_text("\nREGION      SAME  DIFFERENT     ONLY_A     ONLY_B  (4 KiB pages)\n");
	out_open_object("summary");
	for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
		if (!pages[r][SAME] && !pages[r][DIFFERENT] && !pages[r][ONLY_A] &&
		    !pages[r][ONLY_B])
			continue;
		out_open_object(region_name(r));
		out_text("%-6s", region_name(r));
		for (i = 0; i < __RELATIONS; i++) {
			out_uint(relation_names[i], i ? " %10" PRIu64 : " %9" PRIu64, pages[r][i]);
			total[i] += pages[r][i];
		}
		out_text("\n");
		out_close_object();
	}
	out_open_object("total");
	out_text("%-6s", "total");
	for (i = 0; i < __RELATIONS; i++)
		out_uint(relation_names[i], i ? " %10" PRIu64 : " %9" PRIu64, total[i]);
	out_text("\n");
	out_close_object();
	out_close_object();
	if (region < 0 || region == PTSCOPE_REGION_KERNEL)
		ret = diff_kernel(a.pid, b.pid);
out:
	out_finish();
	ptscope_dump_close(&a.dump);
	ptscope_dump_close(&b.dump);
	return a.err || b.err || ret ? 1 : 0;
}
