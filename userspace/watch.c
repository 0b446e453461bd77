// SPDX-License-Identifier: GPL-2.0
/* ptscope watch PROC: a process's mappings as they change, one event a line. */
#define _GNU_SOURCE	/* ppoll() */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* Room for bursts of events: the module drops (and counts) what does not fit. */
#define WATCH_RCVBUF (4 << 20)

/*
 * How long the module's last message may take once the target exited: its
 * work item sends it after the kernel tore the address space down.
 */
#define EXIT_GRACE_MS 2000

struct watch_request {
	uint32_t pid;
	int region;		/* -1: all */
	bool range;
	uint64_t start, end;
	uint32_t interval;	/* ms; 0: the module's default */
};

struct watch_ctx {
	uint32_t pid;
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

/* The last line: the watch ended, and why. */
static void print_end(struct watch_ctx *ctx, uint64_t time_ns, uint32_t why)
{
	print_time(time_ns);
	out_uint("pid", " pid %" PRIu64, ctx->pid);
	out_name("end", " watch ended: %s", watch_end_name(why));
	out_text(why == PTSCOPE_WATCH_END_EXITED ?
		 " (the target's address space is gone)\n" :
		 " (the ptscope module is being removed)\n");
	out_uint("dropped", "", ctx->dropped);
	out_finish();
	ctx->ended = true;
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
		/*
		 * The query ends here, not at the ack: events follow the reply
		 * at once and may fill the receive buffer before the ack, which
		 * is then lost.  An ack that comes is taken with the events.
		 */
		return MNL_CB_STOP;
	}
	note_dropped(ctx, tb[PTSCOPE_A_DROPPED]);
	if (tb[PTSCOPE_A_WATCH_END]) {
		print_end(ctx, attr_u64(tb[PTSCOPE_A_TIME]), attr_u32(tb[PTSCOPE_A_WATCH_END]));
		return MNL_CB_STOP;
	}
	print_time(attr_u64(tb[PTSCOPE_A_TIME]));
	out_uint("pid", " pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
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

/*
 * The watch ended, but the module's last message saying so never came: a
 * full receive buffer refused it as it refuses events.  Say it ourselves.
 */
static void end_unannounced(struct watch_ctx *ctx, uint32_t why)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	out_init(out_is_json());
	print_end(ctx, now.tv_sec * 1000000000ULL + now.tv_nsec, why);
	fprintf(stderr, "%s: the module's last message was lost; %s\n", PROG_NAME,
		why == PTSCOPE_WATCH_END_EXITED ? "the target exited" :
		"the ptscope family is gone");
}

static void on_signal(int sig)
{
}

/*
 * SIGINT and SIGTERM interrupt the wait for the reply (no SA_RESTART) and,
 * blocked but for ppoll(), the wait for events: the watch ends.  Returns
 * the signal mask to wait with.
 */
static sigset_t catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t mask;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	return mask;
}

static void block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
}

static void grow_rcvbuf(struct ptscope_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), size = WATCH_RCVBUF;

	/* FORCE passes net.core.rmem_max, for CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Take every message waiting on the watch's socket: 0, or -1 on an error. */
static int take_events(struct ptscope_nl *nl, struct watch_ctx *ctx)
{
	int ret;

	while (!ctx->ended && (ret = ptscope_nl_receive(nl, watch_cb, ctx)) > 0)
		;
	return ctx->ended ? 0 : ret;
}

enum { FD_WATCH, FD_CTRL, FD_TARGET, NR_FDS };

/*
 * The events, until the module's last message, or Ctrl-C.  That message
 * is not enough: the module sends it as it sends events, without waiting,
 * and a full receive buffer refuses it.  So the end is also watched for
 * here, each from its own source, with no polling: the ptscope family
 * going away, announced by the genetlink controller on a socket of its own
 * (whose buffer the events never fill; the module sends its last message
 * before it removes the family, so the events are taken first), and the
 * target exiting, through a pidfd (then the module's last message has
 * EXIT_GRACE_MS to come).
 */
static int follow(struct ptscope_nl *nl, struct mnl_socket *ctrl, int pidfd,
		  const sigset_t *waitmask, struct watch_ctx *ctx)
{
	struct pollfd fds[NR_FDS] = {
		[FD_WATCH] = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN },
		[FD_CTRL] = { .fd = ctrl ? mnl_socket_get_fd(ctrl) : -1, .events = POLLIN },
		[FD_TARGET] = { .fd = pidfd, .events = POLLIN },
	};
	struct timespec grace = { EXIT_GRACE_MS / 1000, EXIT_GRACE_MS % 1000 * 1000000 };
	bool exited = false;
	int n, gone;

	while (!ctx->ended) {
		n = ppoll(fds, NR_FDS, exited ? &grace : NULL, waitmask);
		if (n < 0 && errno == EINTR)
			return 0;
		if (n < 0) {
			fprintf(stderr, "%s: poll: %s\n", PROG_NAME, strerror(errno));
			return -1;
		}
		if (!n) {
			end_unannounced(ctx, PTSCOPE_WATCH_END_EXITED);
			break;
		}
		if (fds[FD_WATCH].revents && take_events(nl, ctx))
			return -1;
		if (!ctx->ended && fds[FD_CTRL].revents) {
			gone = ptscope_nl_family_removed(ctrl, nl);
			if (gone < 0) {
				fprintf(stderr, "%s: genetlink controller: %s\n", PROG_NAME,
					strerror(errno));
				return -1;
			}
			if (gone && !take_events(nl, ctx) && !ctx->ended)
				end_unannounced(ctx, PTSCOPE_WATCH_END_UNLOADED);
		}
		if (fds[FD_TARGET].revents) {
			fds[FD_TARGET].fd = -1;
			exited = true;
		}
	}
	return 0;
}

int watch_main(const struct cmd_args *args)
{
	struct watch_request req = { .region = -1 };
	struct watch_ctx ctx = { 0 };
	struct mnl_socket *ctrl;
	struct ptscope_nl nl;
	sigset_t waitmask;
	int pidfd, ret;
	char *tail;

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
	ctx.pid = req.pid;

	if (ptscope_nl_open(&nl))
		return 1;
	grow_rcvbuf(&nl);
	/* Before the watch begins, so that no end is missed. */
	ctrl = ptscope_nl_ctrl_open();
	if (!ctrl)
		fprintf(stderr, "%s: genetlink controller: %s: an rmmod may go unnoticed\n",
			PROG_NAME, strerror(errno));
	pidfd = syscall(SYS_pidfd_open, req.pid, 0);
	waitmask = catch_signals();
	out_init(args->json);
	ret = ptscope_nl_query(&nl, PTSCOPE_CMD_WATCH, 0, put_request, &req, watch_cb, &ctx);
	if (!ret) {
		block_signals();
		ret = follow(&nl, ctrl, pidfd, &waitmask, &ctx);
	}
	/* Closing the socket ends the watch in the module. */
	ptscope_nl_close(&nl);
	if (ctrl)
		mnl_socket_close(ctrl);
	if (pidfd >= 0)
		close(pidfd);
	if (ret && errno == EINTR)
		return 0;
	return ret ? 1 : 0;
}
