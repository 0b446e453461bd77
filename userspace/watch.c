// SPDX-License-Identifier: GPL-2.0
/* ptscope watch PROC: a process's mappings as they change, one event a line. */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* Room for bursts of events: the module drops (and counts) what does not fit. */
#define WATCH_RCVBUF (4 << 20)

struct watch_request {
	uint32_t pid;
	int region;		/* -1: all */
	bool range;
	uint64_t start, end;
	uint32_t interval;	/* ms; 0: the module's default */
};

struct watch_ctx {
	uint64_t dropped;	/* as the last message said */
	bool ended;
};

static void put_request(struct nlmsghdr *nlh, void *arg)
{
	const struct watch_request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	if (req->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, req->region);
	if (req->range) {
		mnl_attr_put_u64(nlh, PTSCOPE_A_START, req->start);
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, req->end);
	}
	if (req->interval)
		mnl_attr_put_u32(nlh, PTSCOPE_A_INTERVAL, req->interval);
}

/* "HH:MM:SS.uuuuuu" in local time; the JSON has the nanoseconds. */
static void print_time(uint64_t ns)
{
	time_t sec = ns / 1000000000;
	struct tm tm;
	char buf[16];

	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	out_text("%s.%06" PRIu64, buf, ns % 1000000000 / 1000);
	out_uint("time_ns", "", ns);
}

/* One side of a change: what the first page held, or nothing. */
static void print_side(const char *key, const struct nlattr *attr)
{
	const char *flags[MAX_FLAG_NAMES];
	struct ptscope_run run;
	char buf[24];

	if (!attr) {
		out_null(key, " %s");
		return;
	}
	attr_run(attr, &run);
	out_open_object(key);
	if (ptscope_state_has_frame(run.state))
		out_hex("pa", " 0x%" PRIx64, run.pa);
	else
		out_null("pa", " %s");
	if (run.state == PTSCOPE_STATE_SWAP)
		out_uint("swap_offset", " swap:%#" PRIx64, run.swap_offset);
	out_uint("page_size", "", 1ULL << run.page_shift);
	out_text(" %s", page_size_name(1ULL << run.page_shift, buf));
	out_name("state", " %s", state_name(run.state));
	out_string_list("flags", " %s", flags, flag_names(run.flags, flags));
	out_close_object();
}

static void note_dropped(struct watch_ctx *ctx, const struct nlattr *attr)
{
	uint64_t dropped = attr_u64(attr);

	if (dropped > ctx->dropped)
		fprintf(stderr, "%s: %" PRIu64 " event(s) dropped: the reader fell behind\n",
			PROG_NAME, dropped - ctx->dropped);
	ctx->dropped = dropped;
}

static int watch_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct watch_ctx *ctx = data;
	uint64_t start, end;

	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	out_init(out_is_json());
	if (tb[PTSCOPE_A_REGISTER_NS]) {
		/* The reply: the watch began. */
		out_uint("pid", "watching pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
		out_string("comm", " (%s)", attr_str(tb[PTSCOPE_A_COMM]));
		out_uint("register_ns", "", attr_u64(tb[PTSCOPE_A_REGISTER_NS]));
		out_text(": notifier registered in %" PRIu64 " us\n",
			 attr_u64(tb[PTSCOPE_A_REGISTER_NS]) / 1000);
		out_finish();
		return MNL_CB_OK;
	}
	note_dropped(ctx, tb[PTSCOPE_A_DROPPED]);
	print_time(attr_u64(tb[PTSCOPE_A_TIME]));
	out_uint("pid", " pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
	if (tb[PTSCOPE_A_WATCH_END]) {
		uint32_t why = attr_u32(tb[PTSCOPE_A_WATCH_END]);

		out_name("end", " watch ended: %s", watch_end_name(why));
		out_text(why == PTSCOPE_WATCH_END_EXITED ?
			 " (the target's address space is gone)\n" :
			 " (the ptscope module is being removed)\n");
		out_uint("dropped", "", ctx->dropped);
		out_finish();
		ctx->ended = true;
		return MNL_CB_STOP;
	}
	start = attr_u64(tb[PTSCOPE_A_START]);
	end = attr_u64(tb[PTSCOPE_A_END]);
	out_name("event", " %-11s", event_name(attr_u32(tb[PTSCOPE_A_EVENT])));
	out_hex("start", " 0x%" PRIx64, start);
	out_hex("end", "-0x%" PRIx64, end);
	out_uint("size", "", end - start);
	out_name("cause", " %s:", cause_name(attr_u32(tb[PTSCOPE_A_CAUSE])));
	print_side("before", tb[PTSCOPE_A_BEFORE]);
	out_text(" ->");
	print_side("after", tb[PTSCOPE_A_AFTER]);
	out_uint("dropped", "", ctx->dropped);
	out_text("\n");
	out_finish();
	return MNL_CB_OK;
}

static void on_signal(int sig)
{
}

/* SIGINT and SIGTERM interrupt the wait (no SA_RESTART): the watch ends. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void grow_rcvbuf(struct ptscope_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), size = WATCH_RCVBUF;

	/* FORCE passes net.core.rmem_max, for CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int watch_main(const struct cmd_args *args)
{
	struct watch_request req = { .region = -1 };
	struct watch_ctx ctx = { 0 };
	struct ptscope_nl nl;
	char *tail;
	int ret;

	if (args->region) {
		req.region = parse_region(args->region);
		if (req.region < 0)
			return 2;
	}
	req.range = args->range;
	if (req.range && parse_range(args->range, &req.start, &req.end))
		return 2;
	if (args->interval) {
		errno = 0;
		req.interval = strtoul(args->interval, &tail, 10);
		if (errno || *tail || req.interval < 10 || req.interval > 60000) {
			fprintf(stderr, "%s: invalid interval `%s': milliseconds, 10 to 60000\n",
				PROG_NAME, args->interval);
			return 2;
		}
	}
	ret = resolve_proc(args->args[0], &req.pid);
	if (ret)
		return ret;

	if (ptscope_nl_open(&nl))
		return 1;
	grow_rcvbuf(&nl);
	catch_signals();
	out_init(args->json);
	ret = ptscope_nl_query(&nl, PTSCOPE_CMD_WATCH, 0, put_request, &req, watch_cb, &ctx);
	if (!ret && !ctx.ended)
		ret = ptscope_nl_listen(&nl, watch_cb, &ctx);
	/* Closing the socket ends the watch in the module. */
	ptscope_nl_close(&nl);
	if (ret && errno == EINTR)
		return 0;
	return ret ? 1 : 0;
}
