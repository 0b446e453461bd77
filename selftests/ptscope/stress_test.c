// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope under pressure: queries against processes that keep changing
 * their address space and exiting, random and malformed netlink messages,
 * allocation failures injected into the queries, and signals.  Every query
 * must end with a complete answer or a clean error; the kernel log must
 * stay free of splats (scripts/vm-run checks it).
 *
 * PTSCOPE_STRESS=1 in the environment selects the long counts of
 * `make stress`; `make check` runs the short ones.  Each test prints its
 * figures.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

static unsigned long count(unsigned long check, unsigned long stress)
{
	const char *s = getenv("PTSCOPE_STRESS");

	return s && *s == '1' ? stress : check;
}

/* xorshift64: a fixed seed gives the same messages every run. */
static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define AREA_PAGES 4096UL
/* Where the churner churns: fixed, so that its parent knows it too. */
#define CHURN_AREA ((char *)0x100000000000UL)

/* Long tests: the harness's default is 30 s a test. */
FIXTURE(long_running) {
};

FIXTURE_SETUP(long_running)
{
}

FIXTURE_TEARDOWN(long_running)
{
}

/*
 * The churner: forever maps, unmaps, remaps, reprotects, splits huge
 * pages, pages out and forks inside a 16 MiB area of its own.  Runs in a
 * child of the target, whose pid it reports.
 */
static unsigned long churn(void *arg)
{
	char *area = mmap(CHURN_AREA, AREA_PAGES * PAGE_SZ, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
			  -1, 0);
	unsigned long off, len;
	char *p;
	pid_t pid;

	if (area != CHURN_AREA)
		return 0;
	pid = fork();
	if (pid)
		return pid > 0 ? pid : 0;
	for (;;) {
		off = rnd() % (AREA_PAGES - 1024) * PAGE_SZ;
		len = (1 + rnd() % 1024) * PAGE_SZ;
		switch (rnd() % 8) {
		case 0:
			p = mmap(area + off, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (p != MAP_FAILED)
				memset(p, 1, len);
			break;
		case 1:
			mmap(area + off, len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
			break;
		case 2:
			mprotect(area + off, len, rnd() % 2 ? PROT_READ : PROT_READ | PROT_WRITE);
			break;
		case 3:
			/* a huge page, then part of it thrown away: the PMD splits */
			off &= ~(pmd_sz() - 1);
			if (off + pmd_sz() > AREA_PAGES * PAGE_SZ)
				break;
			p = mmap(area + off, pmd_sz(), PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (p == MAP_FAILED)
				break;
			madvise(p, pmd_sz(), MADV_HUGEPAGE);
			memset(p, 2, pmd_sz());
			madvise(p + PAGE_SZ * (rnd() % (pmd_sz() / PAGE_SZ)), PAGE_SZ,
				MADV_DONTNEED);
			break;
		case 4:
			madvise(area + off, len, MADV_PAGEOUT);
			break;
		case 5:
			mremap(area + off, PAGE_SZ, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			       area + (rnd() % (AREA_PAGES - 1024)) * PAGE_SZ);
			break;
		case 6:
			pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		default:
			munmap(area + off, len);
			mmap(area + off, len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
			break;
		}
	}
}

static int count_messages(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned long *)data)++;
	return MNL_CB_OK;
}

/* Read a whole debugfs view of @pid; 0 or -errno. */
static int read_debugfs(pid_t pid, const char *view)
{
	char path[64], buf[4096];
	int fd, ret;
	ssize_t n;

	ret = ptscope_set_target(pid);
	if (ret)
		return -ret;
	snprintf(path, sizeof(path), "/sys/kernel/debug/ptscope/%s", view);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	ret = n < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* One query of kind @kind against @pid; 0 or -errno. */
static int query(unsigned int kind, pid_t pid, unsigned long area)
{
	struct pid_addr t = { pid, area + rnd() % (AREA_PAGES * PAGE_SZ) };
	unsigned long msgs = 0;

	switch (kind % 5) {
	case 0:
		return ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid_attr, &pid,
				       count_messages, &msgs, NULL, 0);
	case 1:
		return ptscope_request(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, put_pid_attr, &pid,
				       count_messages, &msgs, NULL, 0);
	case 2:
		return ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &t,
				       count_messages, &msgs, NULL, 0);
	case 3:
		return read_debugfs(pid, "map");
	default:
		return read_debugfs(pid, "regions");
	}
}

TEST_F_TIMEOUT(long_running, queries_against_churning_and_exiting_targets, 3600)
{
	unsigned long n = count(1000, 12000), i, done = 0, gone = 0;
	struct target churner;
	pid_t churn_pid, short_lived;
	int ret;

	ASSERT_EQ(0, target_start(&churner, churn, NULL));
	churn_pid = churner.value;
	ASSERT_LT(0, churn_pid);

	for (i = 0; i < n; i++) {
		ret = query(i, churn_pid, (unsigned long)CHURN_AREA);
		EXPECT_EQ(0, ret) TH_LOG("query %lu (kind %lu): %s", i, i % 5, strerror(-ret));
		done += !ret;
		if (ret && _metadata->exit_code)
			break;
		if (i % 10)
			continue;
		/* A target that exits while it is looked at. */
		short_lived = fork();
		ASSERT_LE(0, short_lived);
		if (short_lived == 0) {
			usleep(rnd() % 2000);
			_exit(0);
		}
		ret = query(rnd(), short_lived, 0);
		EXPECT_TRUE(ret == 0 || ret == -ENODATA || ret == -ESRCH)
			TH_LOG("exiting target: %s", strerror(-ret));
		gone += ret != 0;
		waitpid(short_lived, NULL, 0);
	}
	ksft_print_msg("queries: %lu against the churner, all complete\n", done);
	ksft_print_msg("queries: %lu against exiting targets, %lu of them gone (ENODATA/ESRCH)\n",
		       n / 10, gone);
	kill(churn_pid, SIGKILL);
	target_stop(&churner);
}

/* One random, mostly malformed, message for the family (or not). */
static size_t random_message(char *buf, int family, pid_t self)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	struct nlattr *nest;
	unsigned int i, attrs = rnd() % 6, len;
	char payload[32];

	nlh->nlmsg_type = rnd() % 8 ? family : rnd() % 0x40;
	nlh->nlmsg_flags = NLM_F_REQUEST | (rnd() % 2 ? NLM_F_ACK : 0) |
			   (rnd() % 2 ? NLM_F_DUMP : 0) | (rnd() % 8 ? 0 : rnd() & 0xff0);
	nlh->nlmsg_seq = rnd();
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = rnd() % 8;
	genl->version = rnd() % 3;
	if (rnd() % 2)
		mnl_attr_put_u32(nlh, PTSCOPE_A_PID, rnd() % 4 ? self : rnd());
	for (i = 0; i < attrs; i++) {
		switch (rnd() % 4) {
		case 0:	/* an attribute of any type and length */
			len = rnd() % sizeof(payload);
			for (unsigned int j = 0; j < len; j++)
				payload[j] = rnd();
			mnl_attr_put(nlh, rnd() % 24, len, payload);
			break;
		case 1:	/* a range, huge or inverted or unaligned */
			mnl_attr_put_u64(nlh, PTSCOPE_A_START, rnd() % 2 ? 0 : rnd());
			mnl_attr_put_u64(nlh, PTSCOPE_A_END, rnd() % 2 ? ~0ULL : rnd());
			break;
		case 2:	/* nested garbage */
			nest = mnl_attr_nest_start(nlh, rnd() % 24);
			mnl_attr_put_u32(nlh, rnd() % 12, rnd());
			mnl_attr_put(nlh, rnd() % 12, rnd() % 9, payload);
			mnl_attr_nest_end(nlh, nest);
			break;
		default:
			mnl_attr_put_u64(nlh, PTSCOPE_A_ADDR,
					 rnd() % 2 ? rnd() : rnd() % (1UL << 47));
			break;
		}
	}
	/* Sometimes lie about the length. */
	if (rnd() % 16 == 0)
		nlh->nlmsg_len -= rnd() % (nlh->nlmsg_len - sizeof(*nlh) + 1);
	return nlh->nlmsg_len;
}

/*
 * Read every reply.  The kernel handles a request inside send(), and a
 * dump goes on at each recv(), so nothing is left once recv() would block.
 */
static unsigned long drain(int fd)
{
	static char buf[1 << 16];
	unsigned long msgs = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		msgs++;
	return msgs;
}

TEST_F_TIMEOUT(long_running, malformed_and_random_messages, 3600)
{
	unsigned long n = count(5000, 100000), i, replies = 0;
	int family = genl_family_id(PTSCOPE_GENL_NAME);
	struct mnl_socket *sock;
	static char buf[8192];
	unsigned long runs = 0;
	pid_t me = getpid();
	size_t len;
	int fd;

	ASSERT_LT(0, family);
	sock = mnl_socket_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, sock);
	ASSERT_EQ(0, mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID));
	fd = mnl_socket_get_fd(sock);
	for (i = 0; i < n; i++) {
		len = random_message(buf, family, me);
		send(fd, buf, len, 0);
		replies += drain(fd);
	}
	mnl_socket_close(sock);

	/* The family still answers a correct query correctly. */
	EXPECT_EQ(0, ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid_attr, &me,
				     count_messages, &runs, NULL, 0));
	EXPECT_LT(0, runs);
	EXPECT_EQ(0, check_against_pagemap(me, (unsigned long)buf & ~(PAGE_SZ - 1),
					   ((unsigned long)buf & ~(PAGE_SZ - 1)) + PAGE_SZ,
					   &(unsigned long){ 0 }));
	ksft_print_msg("messages fuzzed: %lu (seed fixed), replies read: %lu\n", n, replies);
}

static long read_long(const char *path)
{
	char buf[32];

	read_file(path, buf, sizeof(buf));
	return buf[0] ? atol(buf) : -1;
}

FIXTURE(fault_injection) {
	char dir[64];
};

FIXTURE_VARIANT(fault_injection) {
	const char *name;
};

FIXTURE_VARIANT_ADD(fault_injection, failslab) {
	.name = "failslab",
};

FIXTURE_VARIANT_ADD(fault_injection, fail_page_alloc) {
	.name = "fail_page_alloc",
};

FIXTURE_SETUP(fault_injection)
{
	char path[128];

	snprintf(self->dir, sizeof(self->dir), "/sys/kernel/debug/%s", variant->name);
	if (access(self->dir, F_OK))
		SKIP(return, "no %s in this kernel (the debug kernel has it)", variant->name);
	/* Only tasks that ask for it, sleeping allocations included. */
	snprintf(path, sizeof(path), "%s/task-filter", self->dir);
	ASSERT_EQ(0, write_file(path, "Y"));
	snprintf(path, sizeof(path), "%s/ignore-gfp-wait", self->dir);
	ASSERT_EQ(0, write_file(path, "N"));
	/* Often enough to hit most paths, rarely enough that some answers complete. */
	snprintf(path, sizeof(path), "%s/probability", self->dir);
	ASSERT_EQ(0, write_file(path, "5"));
	snprintf(path, sizeof(path), "%s/verbose", self->dir);
	ASSERT_EQ(0, write_file(path, "0"));
	snprintf(path, sizeof(path), "%s/times", self->dir);
	ASSERT_EQ(0, write_file(path, "1000000"));
}

FIXTURE_TEARDOWN(fault_injection)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/probability", self->dir);
	write_file(path, "0");
}

TEST_F_TIMEOUT(fault_injection, allocation_failures_end_queries_cleanly, 3600)
{
	unsigned long n = count(200, 3000), i, ok = 0, failed = 0;
	char times_path[128];
	long before, after;
	pid_t pid;
	int status;

	snprintf(times_path, sizeof(times_path), "%s/times", self->dir);
	before = read_long(times_path);
	/* The failing task is a child: its failures must not break the harness. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pid_t target = getppid();
		int ret, bad = 0;

		/* The family id is looked up once, before anything may fail. */
		if (query(0, target, 0x10000))
			_exit(1);
		/*
		 * n queries, and more until a fault lands: with 64 KiB pages a
		 * query allocates few pages, and n of them may draw none.
		 */
		for (i = 0; i < n || (i < 20 * n && read_long(times_path) == before); i++) {
			write_file("/proc/self/make-it-fail", "1");
			ret = query(i, target, 0x10000);
			write_file("/proc/self/make-it-fail", "0");
			/* ENFILE: the socket itself could not be allocated. */
			if (ret && ret != -ENOMEM && ret != -ENOBUFS && ret != -EMSGSIZE &&
			    ret != -ENFILE) {
				fprintf(stderr, "query %lu: unexpected %s\n", i, strerror(-ret));
				bad++;
			}
			ok += !ret;
			failed += !!ret;
		}
		fprintf(stderr, "# %lu queries: %lu complete, %lu failed cleanly\n",
			i, ok, failed);
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	after = read_long(times_path);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ksft_print_msg("%s: faults injected: %ld\n", variant->name, before - after);
	EXPECT_LT(0, before - after);
}

/* Lines of kmemleak's report that name ptscope, after a fresh scan. */
static int kmemleak_ptscope_leaks(void)
{
	char *report;
	const char *at;
	int leaks = 0;

	if (access("/sys/kernel/debug/kmemleak", F_OK))
		return 0;
	write_file("/sys/kernel/debug/kmemleak", "scan");
	write_file("/sys/kernel/debug/kmemleak", "scan");
	report = run_output("cat /sys/kernel/debug/kmemleak");
	if (!report)
		return -1;
	for (at = report; (at = strstr(at, "[ptscope]")); at++)
		leaks++;
	if (leaks)
		fprintf(stderr, "%s\n", report);
	free(report);
	return leaks;
}

/* Two kmemleak scans under KASAN and TCG outlast the harness's 30 s. */
FIXTURE(kmemleak) {};
FIXTURE_SETUP(kmemleak) {}
FIXTURE_TEARDOWN(kmemleak) {}

TEST_F_TIMEOUT(kmemleak, no_report_names_ptscope, 300)
{
	if (access("/sys/kernel/debug/kmemleak", F_OK))
		SKIP(return, "kernel without kmemleak");
	EXPECT_EQ(0, kmemleak_ptscope_leaks());
}

TEST(kernel_log_shows_no_kernel_addresses)
{
	char *log = run_output("dmesg | grep ptscope");
	const char *at;

	ASSERT_NE(NULL, log);
	for (at = log; *at; at++) {
		/* 0xffff... or a bare 16-digit hex word */
		EXPECT_FALSE(!strncmp(at, "ffff", 4) && strspn(at, "0123456789abcdef") >= 12)
			TH_LOG("%s", log);
		if (_metadata->exit_code)
			break;
	}
	free(log);
}

FIXTURE(interrupt) {
	char *area;
	unsigned long len;
};

FIXTURE_VARIANT(interrupt) {
	unsigned long len;	/* of the mapping */
	bool populate;		/* touch every page, or three */
};

FIXTURE_VARIANT_ADD(interrupt, sparse_64g) {
	.len = 64UL << 30,
	.populate = false,
};

FIXTURE_VARIANT_ADD(interrupt, resident_1g) {
	.len = 1UL << 30,
	.populate = true,
};

FIXTURE_SETUP(interrupt)
{
	unsigned long off;

	self->len = variant->len;
	self->area = mmap(NULL, self->len, variant->populate ? PROT_READ | PROT_WRITE : PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	if (variant->populate) {
		/*
		 * 4 KiB pages whose frames never follow each other: a run per
		 * page, 262,144 lines, which the client takes seconds to print.
		 */
		munmap(self->area, self->len);
		self->area = map_scattered(self->len);
		ASSERT_NE(NULL, self->area);
	} else {
		const unsigned long touch[] = { 0, self->len / 2, self->len - PAGE_SZ };

		for (off = 0; off < 3; off++) {
			ASSERT_EQ(0, mprotect(self->area + touch[off], PAGE_SZ,
					      PROT_READ | PROT_WRITE));
			self->area[touch[off]] = 1;
		}
	}
}

FIXTURE_TEARDOWN(interrupt)
{
	munmap(self->area, self->len);
}

static long elapsed_us(const struct timespec *from)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - from->tv_sec) * 1000000L + (now.tv_nsec - from->tv_nsec) / 1000;
}

/*
 * SIGINT to a client in the middle of reading a large map: the walk sees
 * the fatal signal at its next pause and the client dies promptly.  The
 * figure is printed; the test fails only when the client does not die.
 */
TEST_F_TIMEOUT(interrupt, sigint_ends_a_long_query, 600)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	struct timespec sent;
	sigset_t sigint;
	char pid_arg[16], buf[4096];
	int status, waited, out[2];
	pid_t client;

	snprintf(pid_arg, sizeof(pid_arg), "%d", getpid());
	/*
	 * posix_spawn, not fork: forking this 1 GiB process and exec'ing would
	 * copy and tear down its page tables, which is what the signal would
	 * then wait for.  SIGINT back to its default: a shell may have handed
	 * us SIG_IGN, and then the client would just finish.
	 */
	posix_spawnattr_init(&attr);
	sigemptyset(&sigint);
	sigaddset(&sigint, SIGINT);
	posix_spawnattr_setsigdefault(&attr, &sigint);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	/* Its output comes back, so that the signal goes when the read has begun. */
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, out[1], 1);
	ASSERT_EQ(0, posix_spawnp(&client, "ptscope", &actions, &attr,
				  (char *[]){ "ptscope", "map", pid_arg, NULL }, environ));
	close(out[1]);
	ASSERT_EQ(1, read(out[0], buf, 1));
	clock_gettime(CLOCK_MONOTONIC, &sent);
	kill(client, SIGINT);
	/* Keep reading, or a full pipe, not the signal, would stop the client. */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	for (waited = 0; waited < 10000; waited++) {
		while (read(out[0], buf, sizeof(buf)) > 0)
			;
		if (waitpid(client, &status, WNOHANG) == client)
			break;
		usleep(1000);
	}
	close(out[0]);
	if (waited == 10000) {
		kill(client, SIGKILL);
		waitpid(client, &status, 0);
	}
	ASSERT_LT(waited, 10000) TH_LOG("the client did not end within 10 s of SIGINT");
	/* A small answer may be complete before the signal comes; a long one not. */
	if (variant->populate)
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 0));
	ksft_print_msg("%s: the client %s %ld us after SIGINT\n", _metadata->name,
		       WIFSIGNALED(status) ? "died" : "had finished", elapsed_us(&sent));
}

/* A MAP_GET of @pid on a fresh socket, with a fresh family id. */
static int fresh_query(pid_t pid)
{
	struct mnl_socket *sock = mnl_socket_open(NETLINK_GENERIC);
	static char buf[32768];
	int family = genl_family_id(PTSCOPE_GENL_NAME), ret = 0;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	ssize_t len;

	if (!sock || family < 0) {
		if (sock)
			mnl_socket_close(sock);
		return -ENOENT;
	}
	mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_MAP_GET;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, pid);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		ret = -errno;
	while (!ret) {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (len <= 0) {
			ret = len < 0 ? -errno : -EIO;
			break;
		}
		ret = mnl_cb_run(buf, len, 0, 0, NULL, NULL);
		if (ret == MNL_CB_STOP)
			break;
		ret = ret < 0 ? -errno : 0;
	}
	mnl_socket_close(sock);
	return ret > 0 ? 0 : ret;
}

/*
 * Many runs: every other page of a region is mapped, so a dump of this
 * process needs many messages and stays in flight between them.
 */
static char *many_runs(unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;

	if (p == MAP_FAILED)
		return NULL;
	for (i = 0; i < pages; i += 2)
		p[i * PAGE_SZ] = 1;
	for (i = 1; i < pages; i += 2)
		mprotect(p + i * PAGE_SZ, PAGE_SZ, PROT_NONE);
	return p;
}

TEST_F_TIMEOUT(long_running, unload_waits_for_dumps_and_survives_reload_cycles, 3600)
{
	unsigned long cycles = count(10, 100), i, busy = 0;
	int family, ret, fd, leaks;
	static char buf[32768];
	struct mnl_socket *sock;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	ssize_t len;

	if (access(MODULE_PATH, F_OK))
		SKIP(return, "%s is not here (run under scripts/vm-run)", MODULE_PATH);
	ASSERT_NE(NULL, many_runs(4096));

	/* 1. A dump in flight holds the module. */
	family = genl_family_id(PTSCOPE_GENL_NAME);
	ASSERT_LT(0, family);
	sock = mnl_socket_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, sock);
	ASSERT_EQ(0, mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_MAP_GET;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, getpid());
	ASSERT_LT(0, mnl_socket_sendto(sock, nlh, nlh->nlmsg_len));
	ASSERT_LT(0, mnl_socket_recvfrom(sock, buf, sizeof(buf)));
	ret = module_unload();
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("rmmod with a dump in flight: %s", strerror(-ret));
	if (!ret)
		ASSERT_EQ(0, module_load());
	/* ...which ends normally. */
	fd = mnl_socket_get_fd(sock);
	do {
		len = recv(fd, buf, sizeof(buf), 0);
		ASSERT_LT(0, len);
		ret = mnl_cb_run(buf, len, 0, 0, NULL, NULL);
	} while (ret == MNL_CB_OK);
	EXPECT_EQ(MNL_CB_STOP, ret);
	mnl_socket_close(sock);

	/* 2. Unload and load again, with a query in between, while a child queries too. */
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (child == 0) {
		pid_t parent = getppid();

		for (;;) {
			ret = fresh_query(parent);
			/*
			 * Answered, or asked while the family was away (or going:
			 * netlink refuses a dump of a module being unloaded with
			 * EPROTONOSUPPORT).
			 */
			if (ret && ret != -ENOENT && ret != -EOPNOTSUPP && ret != -EINVAL &&
			    ret != -EPROTONOSUPPORT) {
				fprintf(stderr, "# query during reload cycles: %s\n",
					strerror(-ret));
				_exit(1);
			}
		}
	}
	for (i = 0; i < cycles; i++) {
		while ((ret = module_unload()) == -EWOULDBLOCK || ret == -EBUSY)
			busy++;
		ASSERT_EQ(0, ret) TH_LOG("rmmod: %s", strerror(-ret));
		ASSERT_EQ(0, module_load());
		EXPECT_EQ(0, fresh_query(getpid()));
	}
	kill(child, SIGKILL);
	waitpid(child, &ret, 0);
	EXPECT_TRUE(WIFSIGNALED(ret)) TH_LOG("the querying child failed a query");
	leaks = kmemleak_ptscope_leaks();
	EXPECT_EQ(0, leaks);
	ksft_print_msg("insmod/rmmod cycles: %lu (rmmod found the module busy %lu times)\n",
		       cycles, busy);
	ksft_print_msg("kmemleak reports naming ptscope: %d\n", leaks);
}

TEST_HARNESS_MAIN
