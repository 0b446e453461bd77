// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope_bench: time a full read of a process's translations by ptscope
 * (client, raw netlink dump, debugfs view) and by the kernel's own
 * interfaces (/proc/PID/pagemap pread, PAGEMAP_SCAN), in one boot, on the
 * same targets, interleaved, median of RUNS runs.  Run by scripts/bench
 * inside a 1-vCPU 6.12 guest; ratios only mean something within one boot.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <pthread.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#define RUNS 5
#define PAGE 4096UL

#include <unistd.h>	/* environ, with _GNU_SOURCE */

/* PAGEMAP_SCAN (6.7); Debian 12's userspace headers predate it. */
struct page_region {
	uint64_t start, end, categories;
};

struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define PAGE_IS_PRESENT 0x8	/* bit 3 */
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)

/* Workloads: children that build their address space and wait. */
static void anon_4k(void)
{
	size_t len = 1UL << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t o = 0; o < len; o += PAGE)
		p[o] = 1;
}

/*
 * The same 1 GiB faulted in two passes, odd pages after even ones, so that
 * neighbouring pages never get neighbouring frames: a run per page, as on
 * a long-running machine whose free memory is fragmented.
 */
static void anon_4k_scattered(void)
{
	size_t len = 1UL << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t first = 0; first < 2 * PAGE; first += PAGE)
		for (size_t o = first; o < len; o += 2 * PAGE)
			p[o] = 1;
}

static void thp(void)
{
	size_t len = 1UL << 30, huge = 2UL << 20;
	char *p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p = (char *)(((unsigned long)p + huge - 1) & ~(huge - 1));
	madvise(p, len, MADV_HUGEPAGE);
	for (size_t o = 0; o < len; o += PAGE)
		p[o] = 1;
}

static void sparse_64g(void)
{
	size_t len = 64UL << 30;
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	const size_t touch[] = { 0, len / 2, len - PAGE };

	for (int i = 0; i < 3; i++) {
		mprotect(p + touch[i], PAGE, PROT_READ | PROT_WRITE);
		p[touch[i]] = 1;
	}
}

static void three_pages(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	for (int i = 0; i < 3; i++)
		p[i * PAGE] = 1;
}

static void vmas_2000(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);

	for (int i = 0; i < 1000; i++) {
		char *f = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
		char *a = mmap(NULL, PAGE, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		/* Fault both in; the anonymous ones alternate perms, so none merge. */
		if (i % 2)
			a[0] = f[0];
		else
			madvise(f, PAGE, MADV_WILLNEED);
	}
}

/*
 * A hostile layout: one file mapping split into @n VMAs by mprotect of
 * every other page, which any user can do.  The file is sparse, on the
 * guest's tmpfs, and nothing is faulted in: only the VMAs cost.
 */
static void split_file(unsigned long n)
{
	char path[] = "/tmp/ptscope_bench.XXXXXX";
	int fd = mkstemp(path);
	char *p;

	unlink(path);
	if (fd < 0 || ftruncate(fd, n * PAGE))
		exit(1);
	p = mmap(NULL, n * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	for (unsigned long i = 1; i < n; i += 2)
		if (mprotect(p + i * PAGE, PAGE, PROT_READ | PROT_WRITE))
			exit(1);
}

static void split_4000(void)
{
	split_file(4000);
}

static void split_16000(void)
{
	split_file(16000);
}

static void split_60000(void)
{
	split_file(60000);
}

struct workload {
	const char *name;
	void (*build)(void);	/* NULL: exec a dynamically linked program */
	pid_t pid;
	unsigned long resident;
};

static struct workload workloads[] = {
	{ .name = "anon_4k_1g", .build = anon_4k },
	{ .name = "thp_1g", .build = thp },
	{ .name = "sparse_64g", .build = sparse_64g },
	{ .name = "three_pages", .build = three_pages },
	{ .name = "vmas_2000", .build = vmas_2000 },
	{ .name = "dynamic", .build = NULL },
	{ .name = "anon_4k_scattered", .build = anon_4k_scattered },
};

/* The workloads whose phases are shown (indices above). */
static const unsigned int phase_workloads[] = { 0, 1, 6 };

static pid_t start(struct workload *w)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready))
		exit(1);
	pid = fork();
	if (pid == 0) {
		if (!w->build) {
			dup2(ready[1], 1);
			execlp("seed_demo_dynamic", "seed_demo_dynamic", NULL);
			_exit(127);
		}
		w->build();
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		exit(1);
	close(ready[0]);
	return pid;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* (c) pagemap: every page of every VMA, 64 KiB preads, every entry decoded. */
static unsigned long by_pagemap(pid_t pid)
{
	static uint64_t buf[65536 / 8];
	unsigned long start, end, va, present = 0, sum = 0;
	char path[64], line[512];
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		for (va = start; va < end; ) {
			size_t n = (end - va) / PAGE;
			ssize_t got;

			if (n > 8192)
				n = 8192;
			got = pread(fd, buf, n * 8, va / PAGE * 8);
			if (got <= 0)
				break;
			for (size_t i = 0; i < (size_t)got / 8; i++) {
				if (buf[i] >> 63) {
					present++;
					sum += buf[i] & ((1ULL << 55) - 1);
				}
			}
			va += got / 8 * PAGE;
		}
	}
	close(fd);
	fclose(maps);
	return present + (sum & 0);
}

/* (d) PAGEMAP_SCAN: the present ranges of the whole user half. */
static unsigned long by_scan(pid_t pid)
{
	static struct page_region vec[4096];
	struct pm_scan_arg arg = {
		/* the whole user half: access_ok() stops at TASK_SIZE_MAX */
		.size = sizeof(arg), .start = 0, .end = (1UL << 47) - PAGE,
		.vec = (uintptr_t)vec, .vec_len = 4096,
		.category_anyof_mask = PAGE_IS_PRESENT, .return_mask = PAGE_IS_PRESENT,
	};
	unsigned long present = 0;
	char path[64];
	long n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	for (;;) {
		n = ioctl(fd, PAGEMAP_SCAN, &arg);
		if (n < 0) {
			perror("PAGEMAP_SCAN");
			break;
		}
		for (long i = 0; i < n; i++)
			present += (vec[i].end - vec[i].start) / PAGE;
		if (arg.walk_end >= arg.end)
			break;
		arg.start = arg.walk_end;
	}
	close(fd);
	return present;
}

/* (b) the raw MAP_GET dump, every run decoded. */
static int family_id(void);

static unsigned long present_pages, runs, frames_records;
static bool dump_frame_info;	/* MAP_GET with PTSCOPE_A_FRAME_INFO */

/* Present pages and records; a frames record's pages are all present. */
static int run_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *inner;
	struct ptscope_run run;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		size_t len = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case PTSCOPE_A_RUN:
			memset(&run, 0, sizeof(run));
			memcpy(&run, mnl_attr_get_payload(attr),
			       len < sizeof(run) ? len : sizeof(run));
			if (run.state == PTSCOPE_STATE_PRESENT)
				present_pages += run.size / PAGE;
			runs++;
			break;
		case PTSCOPE_A_FRAMES:
			mnl_attr_for_each_nested(inner, attr)
				if (mnl_attr_get_type(inner) == PTSCOPE_FRAMES_A_PA)
					present_pages += mnl_attr_get_payload_len(inner) / 8;
			frames_records++;
			break;
		}
	}
	return MNL_CB_OK;
}

/* Not a region: MAP_GET of the first page, which nothing maps. */
#define EMPTY_RANGE 1000

/*
 * One dump of @cmd for @pid, of one @region if >= 0; @cb sees every message
 * (NULL: only read them, which leaves out the client's parsing).
 */
static unsigned long dump(pid_t pid, uint8_t cmd, int region, mnl_cb_t cb)
{
	static char buf[32768];
	struct mnl_socket *sock = mnl_socket_open(NETLINK_GENERIC);
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	unsigned int portid;
	ssize_t len;
	int ret;

	mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID);
	portid = mnl_socket_get_portid(sock);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family_id();
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, pid);
	if (region >= 0 && region != EMPTY_RANGE)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, region);
	if (dump_frame_info)
		mnl_attr_put(nlh, PTSCOPE_A_FRAME_INFO, 0, NULL);
	if (cmd == PTSCOPE_CMD_MAP_GET && region == EMPTY_RANGE) {
		mnl_attr_put_u64(nlh, PTSCOPE_A_START, 0);
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, PAGE);
	}
	mnl_socket_sendto(sock, nlh, nlh->nlmsg_len);
	present_pages = 0;
	runs = 0;
	frames_records = 0;
	do {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		ret = len > 0 ? mnl_cb_run(buf, len, 1, portid, cb, NULL) : -1;
	} while (ret > 0);
	mnl_socket_close(sock);
	return present_pages;
}

static unsigned long by_netlink(pid_t pid)
{
	return dump(pid, PTSCOPE_CMD_MAP_GET, -1, run_cb);
}

/*
 * Phases: the walk alone (MAP_GET of the vdso region walks every page and
 * sends the few runs of the vdso)...
 */
static unsigned long by_walk(pid_t pid)
{
	return dump(pid, PTSCOPE_CMD_MAP_GET, PTSCOPE_REGION_VDSO, NULL);
}

/* ...the cost of any request: a socket, an empty dump... */
static unsigned long by_empty(pid_t pid)
{
	return dump(pid, PTSCOPE_CMD_MAP_GET, EMPTY_RANGE, NULL);
}

/* ...and MAP_GET's messages received but not parsed. */
static unsigned long by_recv(pid_t pid)
{
	return dump(pid, PTSCOPE_CMD_MAP_GET, -1, NULL);
}

static int family_cb_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		*(int *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_cb_attr, data);
}

static int family_id(void)
{
	static int id = -1;
	static char buf[8192];
	struct mnl_socket *sock;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	ssize_t len;

	if (id >= 0)
		return id;
	sock = mnl_socket_open(NETLINK_GENERIC);
	mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME);
	mnl_socket_sendto(sock, nlh, nlh->nlmsg_len);
	len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
	if (len > 0)
		mnl_cb_run(buf, len, 0, 0, family_cb, &id);
	mnl_socket_close(sock);
	return id;
}

/* Run @argv (its program looked up in PATH), output discarded. */
static void spawn_quiet(char *const argv[])
{
	posix_spawn_file_actions_t actions;
	pid_t child;
	int status;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&child, argv[0], &actions, NULL, argv, environ))
		return;
	waitpid(child, &status, 0);
}

/* (a) the client's map; @range NULL for the whole map. */
static void client(pid_t pid, char *range)
{
	char arg[16];

	snprintf(arg, sizeof(arg), "%d", pid);
	spawn_quiet(range ? (char *[]){ "ptscope", "map", "--range", range, arg, NULL } :
			     (char *[]){ "ptscope", "map", arg, NULL });
}

static unsigned long by_client(pid_t pid)
{
	client(pid, NULL);
	return 0;
}

/* Phase: starting the client, for a page nothing maps. */
static unsigned long by_client_empty(pid_t pid)
{
	client(pid, "0-0x1000");
	return 0;
}

/* Point the debugfs views at @pid: 0 or -1. */
static int debugfs_target(pid_t pid)
{
	char s[16];
	int fd = open("/sys/kernel/debug/ptscope/target", O_WRONLY), ret;

	ret = write(fd, s, snprintf(s, sizeof(s), "%d", pid)) < 0 ? -1 : 0;
	close(fd);
	return ret;
}

/* (e) the debugfs map view, 64 KiB reads. */
static unsigned long by_debugfs(pid_t pid)
{
	static char buf[65536];
	int fd;

	if (debugfs_target(pid))
		return 0;
	fd = open("/sys/kernel/debug/ptscope/map", O_RDONLY);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	unsigned long (*fn)(pid_t pid);
} methods[] = {
	{ "client", by_client },
	{ "netlink", by_netlink },
	{ "pagemap", by_pagemap },
	{ "pagemap_scan", by_scan },
	{ "debugfs", by_debugfs },
	{ "phase_walk", by_walk },
	{ "phase_recv", by_recv },
	{ "phase_empty", by_empty },
	{ "phase_client_empty", by_client_empty },
};

enum { CLIENT, NETLINK, PAGEMAP, SCAN, DEBUGFS, WALK, RECV, EMPTY, CLIENT_EMPTY };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NW ARRAY_SIZE(workloads)
#define NM ARRAY_SIZE(methods)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define STATS "/sys/kernel/debug/ptscope/stats"

static void module_stats(const char *what)
{
	char line[256];
	FILE *f = fopen(STATS, "r");

	while (f && fgets(line, sizeof(line), f))
		printf("bench: module %s %s", what, line);
	if (f)
		fclose(f);
}

/* The number after @name in the stats file (the first, for a list); 0 if none. */
static uint64_t module_stat(const char *name, unsigned int index)
{
	char line[256], *p, *end;
	uint64_t value = 0;
	size_t len = strlen(name);
	FILE *f = fopen(STATS, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != ' ')
			continue;
		p = line + len;
		for (unsigned int i = 0; i <= index; i++, p = end)
			value = strtoull(p, &end, 10);
	}
	if (f)
		fclose(f);
	return value;
}

static uint64_t med[NW][NM];

/* Nanoseconds per resident page of method @m minus method @base (-1: none). */
static double phase(unsigned int w, int m, int base)
{
	double ns = med[w][m] - (base >= 0 ? (double)med[w][base] : 0);

	return ns / workloads[w].resident;
}

static void report_goal(const char *what, uint64_t a, uint64_t b, double limit)
{
	printf("bench: goal %s: %s (%.3f)\n", what, a <= limit * b ? "met" : "missed",
	       (double)a / b);
}

/* The goal of the module's longest mmap_lock hold since the stats were reset. */
static void report_lock_hold(const char *goal)
{
	uint64_t long_holds = 0;

	/* Buckets 11 and up of the histogram: holds of 1 ms or more. */
	for (unsigned int bucket = 11; bucket < 16; bucket++)
		long_holds += module_stat("lock_hold_us_log2", bucket);
	printf("bench: goal %s: %s (%.3f ms, %" PRIu64 " entries; %" PRIu64 " of %" PRIu64
	       " holds took 1 ms or more)\n", goal,
	       module_stat("max_lock_hold_ns", 0) <= 1000000 ? "met" : "missed",
	       module_stat("max_lock_hold_ns", 0) / 1e6, module_stat("max_lock_hold_entries", 0),
	       long_holds, module_stat("lock_holds", 0));
}

static void reset_stats(void)
{
	FILE *f = fopen(STATS, "w");

	if (f) {
		fputs("0", f);
		fclose(f);
	}
}

/* The client subcommands whose time should grow with the VMAs, no faster. */
static char *const vma_cmds[] = { "regions", "map", "layout" };

static uint64_t time_client(pid_t pid, char *cmd)
{
	char arg[16];
	uint64_t t0;

	snprintf(arg, sizeof(arg), "%d", pid);
	t0 = now_ns();
	spawn_quiet((char *[]){ "ptscope", cmd, arg, NULL });
	return now_ns() - t0;
}

/*
 * Issue 13, item 4: the split file mapping at 4,000 and 16,000 VMAs, each
 * subcommand timed through the client (median of RUNS, interleaved): 4x
 * the VMAs may cost at most 5x the time.
 */
static void vma_scaling(void)
{
	struct workload split[] = {
		{ .name = "split_4000", .build = split_4000 },
		{ .name = "split_16000", .build = split_16000 },
	};
	uint64_t t[2][ARRAY_SIZE(vma_cmds)][RUNS], m[2][ARRAY_SIZE(vma_cmds)];
	unsigned int w, c, r;
	char goal[64];

	for (w = 0; w < 2; w++)
		split[w].pid = start(&split[w]);
	for (r = 0; r < RUNS; r++)
		for (w = 0; w < 2; w++)
			for (c = 0; c < ARRAY_SIZE(vma_cmds); c++)
				t[w][c][r] = time_client(split[w].pid, vma_cmds[c]);
	for (w = 0; w < 2; w++) {
		for (c = 0; c < ARRAY_SIZE(vma_cmds); c++) {
			qsort(t[w][c], RUNS, sizeof(uint64_t), cmp_u64);
			m[w][c] = t[w][c][RUNS / 2];
			printf("bench: %s client_%s (median %.2f ms)\n", split[w].name,
			       vma_cmds[c], m[w][c] / 1e6);
		}
		kill(split[w].pid, SIGKILL);
	}
	for (c = 0; c < ARRAY_SIZE(vma_cmds); c++) {
		snprintf(goal, sizeof(goal), "split_16000 %s <= 5x split_4000", vma_cmds[c]);
		report_goal(goal, m[1][c], m[0][c], 5.0);
	}
}

/*
 * The longest mmap_lock hold of every view of 60,000 VMAs of one file: the
 * group scan that classifies them must count against the budget too.
 * Above the default vm.max_map_count (65,530) with the rest of the process.
 */
static void vma_lock_hold(void)
{
	struct workload split = { .name = "split_60000", .build = split_60000 };
	FILE *f = fopen("/proc/sys/vm/max_map_count", "w");
	unsigned int c;

	if (f) {
		fputs("262144", f);
		fclose(f);
	}
	split.pid = start(&split);
	reset_stats();
	for (c = 0; c < ARRAY_SIZE(vma_cmds); c++)
		time_client(split.pid, vma_cmds[c]);
	by_debugfs(split.pid);
	kill(split.pid, SIGKILL);
	module_stats("after split_60000:");
	report_lock_hold("split_60000 longest mmap_lock hold <= 1 ms");
}

/* The lines @cmd prints, counted through a pipe. */
static unsigned long count_lines(const char *cmd)
{
	static char buf[65536];
	unsigned long lines = 0;
	FILE *p = popen(cmd, "r");
	size_t n;

	while (p && (n = fread(buf, 1, sizeof(buf), p)))
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	if (p)
		pclose(p);
	return lines;
}

/*
 * Issue 18: printing a map of a line per page, the scattered 1 GiB, as
 * text and as JSON by the client and through the debugfs view by cat,
 * each to /dev/null, process start included (median of RUNS,
 * interleaved): at most 1 us a line.  JSON has as many runs as text has
 * lines, and is counted by those.
 */
static void output_speed(void)
{
	struct workload w = { .name = "anon_4k_scattered", .build = anon_4k_scattered };
	static const char *const names[] = { "client text", "client json", "debugfs cat" };
	uint64_t t[3][RUNS], t0, m;
	unsigned long lines[3];
	char arg[16], cmd[64], goal[64];
	unsigned int c, r;

	w.pid = start(&w);
	snprintf(arg, sizeof(arg), "%d", w.pid);
	snprintf(cmd, sizeof(cmd), "ptscope map %d", w.pid);
	lines[0] = count_lines(cmd);
	lines[1] = lines[0];
	debugfs_target(w.pid);
	lines[2] = count_lines("cat /sys/kernel/debug/ptscope/map");
	printf("bench: check: %s output lines: client %lu, debugfs %lu", w.name, lines[0],
	       lines[2]);
	printf(" (a run per page: %lu and more)\n", (1UL << 30) / PAGE);
	for (r = 0; r < RUNS; r++) {
		for (c = 0; c < 3; c++) {
			char *const argv[][5] = {
				{ "ptscope", "map", arg, NULL },
				{ "ptscope", "map", "-j", arg, NULL },
				{ "cat", "/sys/kernel/debug/ptscope/map", NULL },
			};

			/* Untimed first, as in main(). */
			spawn_quiet(argv[c]);
			t0 = now_ns();
			spawn_quiet(argv[c]);
			t[c][r] = now_ns() - t0;
		}
	}
	for (c = 0; c < 3; c++) {
		qsort(t[c], RUNS, sizeof(uint64_t), cmp_u64);
		m = t[c][RUNS / 2];
		printf("bench: %s output %s us_per_line=%.3f (median %.2f ms, %lu lines)\n",
		       w.name, names[c], m / 1e3 / lines[c], m / 1e6, lines[c]);
		snprintf(goal, sizeof(goal), "%s output %s <= 1 us/line", w.name, names[c]);
		printf("bench: goal %s: %s (%.3f)\n", goal,
		       lines[c] && m <= 1000 * lines[c] ? "met" : "missed", m / 1e3 / lines[c]);
	}
	kill(w.pid, SIGKILL);
}

/*
 * Issue 14's goals: `ptscope stat` against /proc/PID/smaps_rollup, on
 * 1 GiB of 4 KiB pages and of THPs, and what each costs the target
 * itself: a thread in the target maps and unmaps a page in a loop
 * (mmap_lock for write each time) and keeps its worst latency, which a
 * reader holding mmap_lock for read stretches.  smaps_rollup holds it for
 * its whole walk; ptscope for a few thousand entries at a time.  Needs two
 * vCPUs, or the thread would only ever wait for the reader's time slice
 * (scripts/bench boots a second guest for it).
 */
/* Shared with the target; read and written with __atomic builtins. */
struct stall {
	uint64_t worst_ns;		/* written by the target's thread */
	int reset;
};

static struct stall *stall;

static void *stall_loop(void *arg)
{
	uint64_t t0, d;
	void *p;

	for (;;) {
		if (__atomic_load_n(&stall->reset, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&stall->worst_ns, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&stall->reset, 0, __ATOMIC_RELEASE);
		}
		t0 = now_ns();
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, PAGE);
		d = now_ns() - t0;
		if (d > __atomic_load_n(&stall->worst_ns, __ATOMIC_RELAXED))
			__atomic_store_n(&stall->worst_ns, d, __ATOMIC_RELAXED);
	}
	return NULL;
}

static unsigned long stall_gib = 1;

static void stall_target_4k(void)
{
	pthread_t t;
	char *p = mmap(NULL, stall_gib << 30, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	madvise(p, stall_gib << 30, MADV_NOHUGEPAGE);
	memset(p, 1, stall_gib << 30);
	pthread_create(&t, NULL, stall_loop, NULL);
}

static void stall_target_thp(void)
{
	pthread_t t;

	thp();
	pthread_create(&t, NULL, stall_loop, NULL);
}

static void read_rollup(pid_t pid)
{
	char path[64], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	fd = open(path, O_RDONLY);
	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

/* Nothing read: the loop's own worst case. */
static void idle(pid_t pid)
{
	usleep(100000);
}

static void stat_client(pid_t pid)
{
	char arg[16];

	snprintf(arg, sizeof(arg), "%d", pid);
	spawn_quiet((char *[]){ "ptscope", "stat", arg, NULL });
}

/*
 * stat's query alone, in this process: MAP_GET with frame info, its runs
 * counted, without the client's start, figures and output.
 */
static void stat_query(pid_t pid)
{
	dump_frame_info = true;
	dump(pid, PTSCOPE_CMD_MAP_GET, -1, run_cb);
	dump_frame_info = false;
}

/* ...and the walk with frame info alone: only the vdso's runs are sent. */
static void stat_walk(pid_t pid)
{
	dump_frame_info = true;
	dump(pid, PTSCOPE_CMD_MAP_GET, PTSCOPE_REGION_VDSO, NULL);
	dump_frame_info = false;
}

/*
 * The control: ptscope stat of another 1 GiB process, which loads the
 * guest as much but never takes the target's mmap_lock.  What the target
 * stalls under it is the guest's scheduling (TCG), not ptscope's lock.
 */
static pid_t twin_pid;

static void stat_twin(pid_t pid)
{
	stat_client(twin_pid);
}

/* The worst stall of the target's loop while @fn reads it, over RUNS reads. */
static uint64_t worst_stall(pid_t pid, void (*fn)(pid_t pid))
{
	unsigned int r;

	__atomic_store_n(&stall->reset, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&stall->reset, __ATOMIC_ACQUIRE))
		usleep(1000);
	for (r = 0; r < RUNS; r++)
		fn(pid);
	return __atomic_load_n(&stall->worst_ns, __ATOMIC_RELAXED);
}

static uint64_t median_time(pid_t pid, void (*fn)(pid_t pid))
{
	uint64_t t[RUNS], t0;
	unsigned int r;

	for (r = 0; r < RUNS; r++) {
		fn(pid);	/* untimed first, as in main() */
		t0 = now_ns();
		fn(pid);
		t[r] = now_ns() - t0;
	}
	qsort(t, RUNS, sizeof(uint64_t), cmp_u64);
	return t[RUNS / 2];
}

static void stat_goals(void)
{
	struct workload targets[] = {
		{ .name = "anon_4k_1g", .build = stall_target_4k },
		{ .name = "thp_1g", .build = stall_target_thp },
		{ .name = "anon_4k_4g", .build = stall_target_4k },
	};
	struct workload twin = { .name = "twin", .build = anon_4k };
	uint64_t t_stat, t_query, t_walk, t_rollup, s_idle, s_stat, s_rollup, s_twin;
	char goal[96];
	unsigned int i;

	stall = mmap(NULL, sizeof(*stall), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (stall == MAP_FAILED)
		exit(1);
	twin_pid = start(&twin);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		struct workload *w = &targets[i];

		stall_gib = strstr(w->name, "4g") ? 4 : 1;
		w->pid = start(w);
		usleep(100000);
		s_idle = worst_stall(w->pid, idle);
		t_rollup = median_time(w->pid, read_rollup);
		t_stat = median_time(w->pid, stat_client);
		t_query = median_time(w->pid, stat_query);
		t_walk = median_time(w->pid, stat_walk);
		s_rollup = worst_stall(w->pid, read_rollup);
		s_stat = worst_stall(w->pid, stat_client);
		s_twin = worst_stall(w->pid, stat_twin);
		printf("bench: stat %s: ptscope stat %.2f ms, smaps_rollup %.2f ms (%.3fx);",
		       w->name, t_stat / 1e6, t_rollup / 1e6, (double)t_stat / t_rollup);
		printf(" of stat, its query in-process %.2f ms (%.3fx), the walk alone %.2f ms\n",
		       t_query / 1e6, (double)t_query / t_rollup, t_walk / 1e6);
		printf("bench: stat %s: target's worst stall: idle %.3f ms,", w->name,
		       s_idle / 1e6);
		printf(" under smaps_rollup %.3f ms, under ptscope stat %.3f ms,",
		       s_rollup / 1e6, s_stat / 1e6);
		printf(" under ptscope stat of another process %.3f ms\n", s_twin / 1e6);
		if (stall_gib == 1) {
			snprintf(goal, sizeof(goal), "%s ptscope stat <= 0.5x smaps_rollup",
				 w->name);
			report_goal(goal, t_stat, t_rollup, 0.5);
		}
		snprintf(goal, sizeof(goal), "%s target stall under stat <= 1 ms", w->name);
		printf("bench: goal %s: %s (%.3f ms)\n", goal, s_stat <= 1000000 ? "met" : "missed",
		       s_stat / 1e6);
		snprintf(goal, sizeof(goal), "%s target stall under stat <= 0.1x smaps_rollup's",
			 w->name);
		report_goal(goal, s_stat, s_rollup, 0.1);
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
	}
	kill(twin_pid, SIGKILL);
	waitpid(twin_pid, NULL, 0);
}

/*
 * Issue 16's goals, on a guest of about 200 processes: a forked server
 * with workers that wrote part of what they share, shells, dynamic
 * programs, and the stall target (a thread in it timing its own
 * mmap_lock writers, as for stat).  `ptscope share --all' against what
 * smem does, reading every /proc/PID/smaps and parsing each line; and
 * `ptscope who' of one frame against a pagemap scan of every process.
 */
#define WORKERS 60
#define SHELLS 80
#define DYNAMICS 30
#define SERVER_MIB 16

static void server(void)
{
	size_t len = SERVER_MIB << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(p, 1, len);
	for (int i = 0; i < WORKERS; i++) {
		if (fork() == 0) {
			/* Each worker writes a quarter: copy-on-write breaks there. */
			memset(p + (size_t)i % 4 * (len / 4), 2, len / 4);
			for (;;)
				pause();
		}
	}
}

static void stall_target_small(void)
{
	pthread_t t;
	char *p = mmap(NULL, 256UL << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	memset(p, 1, 256UL << 20);
	pthread_create(&t, NULL, stall_loop, NULL);
}

/* Children that wait: @argv run with stdin a pipe nobody writes to, output dropped. */
static void spawn_waiting(char *const argv[], int stdin_fd)
{
	posix_spawn_file_actions_t actions;
	pid_t child;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
	posix_spawnp(&child, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
}

/* smem's way: every /proc/PID/smaps read and each "Name: N kB" line parsed. */
static void smaps_all(pid_t unused)
{
	char path[300], line[512], name[64];
	unsigned long kb, rss = 0, pss = 0;
	struct dirent *e;
	DIR *proc = opendir("/proc");
	FILE *f;

	while (proc && (e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/smaps", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%63[^:]: %lu kB", name, &kb) == 2) {
				if (!strcmp(name, "Rss"))
					rss += kb;
				else if (!strcmp(name, "Pss"))
					pss += kb;
			}
		fclose(f);
	}
	if (proc)
		closedir(proc);
	asm volatile("" : : "r" (rss + pss));
}

static void share_all(pid_t unused)
{
	spawn_quiet((char *[]){ "ptscope", "share", "--all", NULL });
}

static char who_pa[32];

static void who_frame(pid_t unused)
{
	spawn_quiet((char *[]){ "ptscope", "who", who_pa, NULL });
}

/* What a reader of who's answer does without ptscope: every process's pagemap. */
static void pagemap_all(pid_t unused)
{
	struct dirent *e;
	DIR *proc = opendir("/proc");

	while (proc && (e = readdir(proc)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			by_pagemap(atoi(e->d_name));
	if (proc)
		closedir(proc);
}

/* The peak resident memory of @fn run in a child of its own, in KiB. */
static long peak_kib(void (*fn)(pid_t pid))
{
	struct rusage ru;
	pid_t child = fork();
	int status;

	if (child == 0) {
		fn(0);
		_exit(0);
	}
	if (wait4(child, &status, 0, &ru) < 0)
		return -1;
	return ru.ru_maxrss;
}

/* ptscope share's own peak: the client's, reported for its child by wait4. */
static long share_peak_kib(void)
{
	posix_spawn_file_actions_t actions;
	struct rusage ru;
	pid_t child;
	int status;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&child, "ptscope", &actions, NULL,
			 (char *[]){ "ptscope", "share", "--all", NULL }, environ))
		return -1;
	posix_spawn_file_actions_destroy(&actions);
	if (wait4(child, &status, 0, &ru) < 0)
		return -1;
	return ru.ru_maxrss;
}

static unsigned int count_processes(void)
{
	unsigned int n = 0;
	struct dirent *e;
	DIR *proc = opendir("/proc");

	while (proc && (e = readdir(proc)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (proc)
		closedir(proc);
	return n;
}

static void share_goals(void)
{
	struct workload srv = { .name = "server", .build = server };
	struct workload st = { .name = "stall_target", .build = stall_target_small };
	uint64_t t_share, t_smaps, t_who, t_pagemap, s_idle, s_share, s_smaps;
	struct workload dyn = { .name = "dynamic", .build = NULL };
	int quiet[2];
	long share_kib, smaps_kib;
	unsigned int i;
	uint64_t e;
	char path[64];
	int fd;

	stall = mmap(NULL, sizeof(*stall), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (stall == MAP_FAILED || pipe(quiet))
		exit(1);
	srv.pid = start(&srv);
	st.pid = start(&st);
	dyn.pid = start(&dyn);
	for (i = 0; i < SHELLS; i++)
		spawn_waiting((char *[]){ "sh", "-c", "read x", NULL }, quiet[0]);
	for (i = 1; i < DYNAMICS; i++)
		spawn_waiting((char *[]){ "seed_demo_dynamic", NULL }, quiet[0]);
	sleep(2);
	printf("bench: share: %u processes in the guest\n", count_processes());

	t_smaps = median_time(0, smaps_all);
	t_share = median_time(0, share_all);
	s_idle = worst_stall(st.pid, idle);
	s_smaps = worst_stall(st.pid, smaps_all);
	s_share = worst_stall(st.pid, share_all);
	share_kib = share_peak_kib();
	smaps_kib = peak_kib(smaps_all);
	printf("bench: share --all %.2f ms, every smaps (smem) %.2f ms (%.3fx);",
	       t_share / 1e6, t_smaps / 1e6, (double)t_share / t_smaps);
	printf(" peak memory: ptscope share %ld KiB, smaps reader %ld KiB\n", share_kib,
	       smaps_kib);
	printf("bench: share: target's worst stall: idle %.3f ms, under smaps %.3f ms,",
	       s_idle / 1e6, s_smaps / 1e6);
	printf(" under ptscope share %.3f ms\n", s_share / 1e6);
	report_goal("share --all <= 0.2x every smaps (smem)", t_share, t_smaps, 0.2);
	printf("bench: goal share --all target stall <= 1 ms: %s (%.3f ms)\n",
	       s_share <= 1000000 ? "met" : "missed", s_share / 1e6);

	/* One frame: the first page of the dynamic program's code. */
	snprintf(path, sizeof(path), "/proc/%d/pagemap", dyn.pid);
	fd = open(path, O_RDONLY);
	{
		char line[256];
		unsigned long start = 0;
		FILE *maps;

		snprintf(path, sizeof(path), "/proc/%d/maps", dyn.pid);
		maps = fopen(path, "r");
		if (maps && fgets(line, sizeof(line), maps))
			sscanf(line, "%lx", &start);
		if (maps)
			fclose(maps);
		if (pread(fd, &e, 8, start / PAGE * 8) != 8)
			e = 0;
	}
	close(fd);
	snprintf(who_pa, sizeof(who_pa), "0x%llx",
		 (unsigned long long)(e & ((1ULL << 55) - 1)) * PAGE);
	t_who = median_time(0, who_frame);
	t_pagemap = median_time(0, pagemap_all);
	printf("bench: who %s %.2f ms, pagemap of every process %.2f ms (%.3fx)\n", who_pa,
	       t_who / 1e6, t_pagemap / 1e6, (double)t_who / t_pagemap);
	report_goal("who of one frame <= 0.5x pagemap of every process", t_who, t_pagemap, 0.5);
}

/*
 * Issue 17's goals: what being watched costs a process, and how many
 * events a watcher takes before the module drops some.  A watcher here is
 * a WATCH of the whole address space on a socket of its own, read by a
 * thread that only counts; the module's default re-walk interval (1 s).
 */
struct watcher {
	struct mnl_socket *sock;
	pthread_t reader;
	uint64_t register_ns, start_ns;	/* the reply's; the request's round trip */
	uint64_t events, dropped;	/* so far: received, and the module's count */
	int stop;
};

static void *watch_reader(void *arg)
{
	static __thread char buf[32768];
	struct watcher *w = arg;
	const struct nlattr *attr;
	struct nlmsghdr *nlh;
	ssize_t len;
	int left;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		len = recv(mnl_socket_get_fd(w->sock), buf, sizeof(buf), 0);
		if (len <= 0)
			continue;	/* the timeout, or an overrun (counted by the module) */
		left = len;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				continue;
			mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
				if (mnl_attr_get_type(attr) == PTSCOPE_A_EVENT)
					__atomic_add_fetch(&w->events, 1, __ATOMIC_RELAXED);
				else if (mnl_attr_get_type(attr) == PTSCOPE_A_DROPPED)
					__atomic_store_n(&w->dropped, mnl_attr_get_u64(attr),
							 __ATOMIC_RELAXED);
			}
		}
	}
	return NULL;
}

/*
 * Watch @pid, the pages in [@start, @end) only when @end is not 0: 0 once
 * the module replied, the reader running; -1 on failure.
 */
static int watch_start(struct watcher *w, pid_t pid, uint64_t start, uint64_t end)
{
	static char buf[8192];
	struct timeval tv = { .tv_usec = 100000 };
	int size = 4 << 20, ret;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	uint64_t t0;
	ssize_t len;

	memset(w, 0, sizeof(*w));
	w->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!w->sock || mnl_socket_bind(w->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	setsockopt(mnl_socket_get_fd(w->sock), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family_id();
	nlh->nlmsg_flags = NLM_F_REQUEST;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_WATCH;
	genl->version = PTSCOPE_GENL_VERSION;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, pid);
	if (end) {
		mnl_attr_put_u64(nlh, PTSCOPE_A_START, start);
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, end);
	}
	t0 = now_ns();
	if (mnl_socket_sendto(w->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	/* The reply first: events only follow it. */
	len = mnl_socket_recvfrom(w->sock, buf, sizeof(buf));
	w->start_ns = now_ns() - t0;
	nlh = (struct nlmsghdr *)buf;
	if (len <= 0 || !mnl_nlmsg_ok(nlh, len) || nlh->nlmsg_type == NLMSG_ERROR)
		return -1;
	ret = -1;
	{
		const struct nlattr *attr;

		mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
			if (mnl_attr_get_type(attr) == PTSCOPE_A_REGISTER_NS) {
				w->register_ns = mnl_attr_get_u64(attr);
				ret = 0;
			}
	}
	setsockopt(mnl_socket_get_fd(w->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!ret && pthread_create(&w->reader, NULL, watch_reader, w))
		ret = -1;
	return ret;
}

/* What /proc/net/netlink says the watcher's socket refused (a full buffer). */
static uint64_t socket_drops(struct watcher *w)
{
	unsigned int portid = mnl_socket_get_portid(w->sock), pid;
	unsigned long long drops = 0, d;
	char line[256];
	FILE *f = fopen("/proc/net/netlink", "r");

	while (f && fgets(line, sizeof(line), f))
		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*s %*d %u %*s %*d %*d %*s %*d %llu", &pid, &d) == 2 &&
		    pid == portid)
			drops = d;
	if (f)
		fclose(f);
	return drops;
}

/* Closing the socket ends the watch in the module. */
static void watch_stop(struct watcher *w)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	pthread_join(w->reader, NULL);
	mnl_socket_close(w->sock);
}

/* A target that runs what it is told, when it is told, and says how long it took. */
struct commanded {
	pid_t pid;
	int to, from;
};

static void commanded_start(struct commanded *c, void (*setup)(void),
			    uint64_t (*fn)(uint64_t arg))
{
	int to[2], from[2];
	uint64_t arg, res[2];

	if (pipe(to) || pipe(from))
		exit(1);
	c->pid = fork();
	if (c->pid == 0) {
		close(to[1]);
		close(from[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setup();
		while (read(to[0], &arg, sizeof(arg)) == sizeof(arg)) {
			res[0] = now_ns();
			res[1] = fn(arg);
			res[0] = now_ns() - res[0];
			if (write(from[1], res, sizeof(res)) != sizeof(res))
				break;
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	c->to = to[1];
	c->from = from[0];
}

/* Run the target's function with @arg: its time in ns, its result in *@result. */
static uint64_t commanded_run(struct commanded *c, uint64_t arg, uint64_t *result)
{
	uint64_t res[2] = { 0, 0 };

	if (write(c->to, &arg, sizeof(arg)) != sizeof(arg) ||
	    read(c->from, res, sizeof(res)) != sizeof(res))
		exit(1);
	if (result)
		*result = res[1];
	return res[0];
}

static void commanded_stop(struct commanded *c)
{
	close(c->to);
	close(c->from);
	waitpid(c->pid, NULL, 0);
}

static void nothing(void)
{
}

/* @n times: a page mapped, faulted in and unmapped. */
static uint64_t fault_munmap(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		__atomic_store_n(p, 1, __ATOMIC_RELAXED);	/* the fault */
		munmap(p, PAGE);
	}
	return n;
}

/*
 * The event source: a change is one page's protection flipped, every other
 * page of an area in turn, so that no two changed pages are neighbours the
 * module could report as one event.
 */
#define FLIP_PAGES 1024
static char *flip_area;

static void flip_setup(void)
{
	flip_area = mmap(NULL, 2 * FLIP_PAGES * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (flip_area == MAP_FAILED)
		_exit(1);
	madvise(flip_area, 2 * FLIP_PAGES * PAGE, MADV_NOHUGEPAGE);
	memset(flip_area, 1, 2 * FLIP_PAGES * PAGE);
}

/*
 * One second of changes at @rate a second, 100 slots of rate / 100 changes
 * each (0: as fast as it goes).  Returns how many were made.
 */
static uint64_t flip(uint64_t rate)
{
	static unsigned int next;
	static bool readonly;
	uint64_t t0 = now_ns(), made = 0, slot, until;

	for (slot = 0; slot < 100; slot++) {
		until = t0 + (slot + 1) * 10000000ULL;
		while (rate ? made < rate * (slot + 1) / 100 : now_ns() < until) {
			mprotect(flip_area + 2 * next * PAGE, PAGE,
				 readonly ? PROT_READ | PROT_WRITE : PROT_READ);
			made++;
			if (++next == FLIP_PAGES) {
				next = 0;
				readonly = !readonly;
			}
		}
		while (now_ns() < until)
			usleep(1000);
	}
	return made;
}

#define WATCH_LOOPS 20000

/*
 * The fault+munmap loop's time, median of RUNS, unwatched and watched in
 * turn (the watch of [@start, @end), or of everything when @end is 0,
 * begun and ended around each watched run).  Prints the two and returns
 * their ratio.
 */
static double watched_loop(struct commanded *target, const char *what, uint64_t start,
			   uint64_t end)
{
	uint64_t plain[RUNS], watched[RUNS], reg[RUNS], starts[RUNS];
	struct watcher w;
	unsigned int r;

	commanded_run(target, WATCH_LOOPS, NULL);	/* untimed first */
	for (r = 0; r < RUNS; r++) {
		plain[r] = commanded_run(target, WATCH_LOOPS, NULL);
		if (watch_start(&w, target->pid, start, end))
			return 0;
		watched[r] = commanded_run(target, WATCH_LOOPS, NULL);
		reg[r] = w.register_ns;
		starts[r] = w.start_ns;
		watch_stop(&w);
	}
	qsort(plain, RUNS, sizeof(uint64_t), cmp_u64);
	qsort(watched, RUNS, sizeof(uint64_t), cmp_u64);
	qsort(reg, RUNS, sizeof(uint64_t), cmp_u64);
	qsort(starts, RUNS, sizeof(uint64_t), cmp_u64);
	printf("bench: watch: fault+munmap loop %.2f us unwatched, %.2f us %s (%.3fx)\n",
	       plain[RUNS / 2] / 1e3 / WATCH_LOOPS, watched[RUNS / 2] / 1e3 / WATCH_LOOPS, what,
	       (double)watched[RUNS / 2] / plain[RUNS / 2]);
	printf("bench: watch: notifier registration (mmap_lock held for write) median %.1f us,",
	       reg[RUNS / 2] / 1e3);
	printf(" max %.1f us; WATCH request to reply median %.2f ms\n", reg[RUNS - 1] / 1e3,
	       starts[RUNS / 2] / 1e6);
	return (double)watched[RUNS / 2] / plain[RUNS / 2];
}

static void watch_goals(void)
{
	static const uint64_t rates[] = { 1000, 2000, 5000, 10000, 20000, 50000, 0 };
	uint64_t made, events, dropped, refused, t, sustained = 0;
	struct commanded target, source;
	struct watcher w;
	double ratio;
	unsigned int i;

	commanded_start(&target, nothing, fault_munmap);
	ratio = watched_loop(&target, "watched", 0, 0);
	if (!ratio) {
		printf("bench: watch: no watch (a kernel without mmu notifiers?)\n");
		commanded_stop(&target);
		return;
	}
	printf("bench: goal target slowdown while watched <= 1.10x: %s (%.3f)\n",
	       ratio <= 1.10 ? "met" : "missed", ratio);
	/* The notifier's own cost: called on every munmap, with nothing to re-read. */
	watched_loop(&target, "with a watch of one page elsewhere", PAGE, 2 * PAGE);
	commanded_stop(&target);

	commanded_start(&source, flip_setup, flip);
	if (watch_start(&w, source.pid, 0, 0)) {
		commanded_stop(&source);
		return;
	}
	printf("bench: watch: %u-page source registered in %.1f us, WATCH reply in %.2f ms\n",
	       2 * FLIP_PAGES, w.register_ns / 1e3, w.start_ns / 1e6);
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		events = __atomic_load_n(&w.events, __ATOMIC_RELAXED);
		dropped = __atomic_load_n(&w.dropped, __ATOMIC_RELAXED);
		refused = socket_drops(&w);
		t = commanded_run(&source, rates[i], &made);
		usleep(500000);	/* the last re-reads */
		events = __atomic_load_n(&w.events, __ATOMIC_RELAXED) - events;
		dropped = __atomic_load_n(&w.dropped, __ATOMIC_RELAXED) - dropped;
		refused = socket_drops(&w) - refused;
		if (rates[i])
			printf("bench: watch: changes at %" PRIu64 "/s:", rates[i]);
		else
			printf("bench: watch: changes flat out:");
		printf(" made %.0f/s, events received %.0f/s, dropped %" PRIu64,
		       made / (t / 1e9), events / (t / 1e9), dropped);
		printf(" (the socket refused %" PRIu64 ")\n", refused);
		if (!dropped && events >= made * 95 / 100)
			sustained = made * 1000000000ULL / t;
	}
	watch_stop(&w);
	commanded_stop(&source);
	printf("bench: watch: events a watcher sustains without a drop: %" PRIu64 "/s\n",
	       sustained);
}

int main(int argc, char *argv[])
{
	static uint64_t t[NW][NM][RUNS];
	unsigned int w, m, r;

	/* "share": only share's and who's goals (scripts/bench runs it with two vCPUs). */
	if (argc > 1 && !strcmp(argv[1], "share")) {
		share_goals();
		return 0;
	}

	/* "stat": only stat's goals (scripts/bench runs it with two vCPUs). */
	if (argc > 1 && !strcmp(argv[1], "stat")) {
		stat_goals();
		return 0;
	}
	/* "watch": only watch's goals (scripts/bench runs it with two vCPUs). */
	if (argc > 1 && !strcmp(argv[1], "watch")) {
		watch_goals();
		return 0;
	}
	/* "output": only the output-speed section. */
	if (argc > 1 && !strcmp(argv[1], "output")) {
		output_speed();
		return 0;
	}

	for (w = 0; w < NW; w++) {
		workloads[w].pid = start(&workloads[w]);
		workloads[w].resident = by_pagemap(workloads[w].pid);
		if (!strncmp(workloads[w].name, "anon_4k", 7)) {
			printf("bench: check: %s present pages: netlink %lu", workloads[w].name,
			       by_netlink(workloads[w].pid));
			printf(", pagemap %lu", workloads[w].resident);
			printf(", pagemap_scan %lu; %lu run records, %lu frames records\n",
			       by_scan(workloads[w].pid), runs, frames_records);
		}
	}
	for (r = 0; r < RUNS; r++)
		for (w = 0; w < NW; w++)
			for (m = 0; m < NM; m++) {
				uint64_t t0;

				/*
				 * Untimed first: under TCG the call after another
				 * method (a client process exiting, say) pays for
				 * what that one left behind.
				 */
				methods[m].fn(workloads[w].pid);
				t0 = now_ns();
				methods[m].fn(workloads[w].pid);
				t[w][m][r] = now_ns() - t0;
			}
	for (w = 0; w < NW; w++) {
		for (m = 0; m < NM; m++) {
			qsort(t[w][m], RUNS, sizeof(uint64_t), cmp_u64);
			med[w][m] = t[w][m][RUNS / 2];
		}
		for (m = 0; m < NM; m++) {
			printf("bench: %s %s ns_per_resident_page=%.1f", workloads[w].name,
			       methods[m].name, (double)med[w][m] / workloads[w].resident);
			printf(" vs_pagemap=%.3f vs_scan=%.3f", (double)med[w][m] / med[w][PAGEMAP],
			       (double)med[w][m] / med[w][SCAN]);
			printf(" (median %.2f ms, %lu resident pages)\n", med[w][m] / 1e6,
			       workloads[w].resident);
		}
	}
	/*
	 * Where the time of a dump goes, per resident page: the request
	 * itself, the walk, building and copying the messages, parsing them;
	 * and for the client, starting it and printing.
	 */
	for (unsigned int i = 0; i < ARRAY_SIZE(phase_workloads); i++) {
		w = phase_workloads[i];
		printf("bench: phases %s ns_per_resident_page: request %.1f, walk %.1f",
		       workloads[w].name, phase(w, EMPTY, -1), phase(w, WALK, EMPTY));
		printf(", build+copy %.1f, parse %.1f", phase(w, RECV, WALK),
		       phase(w, NETLINK, RECV));
		printf(", client start %.1f, client output %.1f\n", phase(w, CLIENT_EMPTY, EMPTY),
		       phase(w, CLIENT, NETLINK) - phase(w, CLIENT_EMPTY, EMPTY));
	}
	/* The goals of issue 8, on the raw dump (what the client costs is above). */
	report_goal("anon_4k_1g netlink <= 1.0x scan", med[0][NETLINK], med[0][SCAN], 1.0);
	report_goal("anon_4k_1g netlink <= 0.5x pagemap", med[0][NETLINK], med[0][PAGEMAP], 0.5);
	/* The same goals for fragmented memory: a run, or a frames record, per page. */
	report_goal("anon_4k_scattered netlink <= 1.0x scan", med[6][NETLINK], med[6][SCAN], 1.0);
	report_goal("anon_4k_scattered netlink <= 0.5x pagemap", med[6][NETLINK],
		    med[6][PAGEMAP], 0.5);
	report_goal("thp_1g netlink <= 0.05x pagemap", med[1][NETLINK], med[1][PAGEMAP], 0.05);
	report_goal("sparse_64g netlink <= 2x three_pages", med[2][NETLINK], med[3][NETLINK], 2.0);
	module_stats("after all workloads:");
	report_lock_hold("longest mmap_lock hold <= 1 ms");
	reset_stats();
	by_netlink(workloads[3].pid);
	module_stats("after one three_pages dump:");
	for (w = 0; w < NW; w++)
		kill(workloads[w].pid, SIGKILL);
	vma_scaling();
	vma_lock_hold();
	output_speed();
	return 0;
}
