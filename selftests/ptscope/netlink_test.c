// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family and the client: their answers equal the
 * debugfs views and /proc/PID/pagemap, TRANSLATE walks every level, each
 * malformed request gets its documented errno and an extack message,
 * callers without CAP_SYS_ADMIN in the initial user namespace are refused,
 * and callers with it are refused a target where /proc/PID/pagemap is.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

/* The lines of a debugfs view after its header, in one string. */
static char *debugfs_body(pid_t pid, const char *view)
{
	char cmd[128], *out, *body;

	if (ptscope_set_target(pid))
		return NULL;
	snprintf(cmd, sizeof(cmd), "cat /sys/kernel/debug/ptscope/%s", view);
	out = run_output(cmd);
	body = out ? strdup(strchr(out, '\n') + 1) : NULL;
	free(out);
	return body;
}

/*
 * The client's text output between its two header lines and its total
 * line, which the debugfs views do not have.
 */
static char *client_body(const char *cmd)
{
	char *out = run_output(cmd), *body = NULL, *total;

	if (out && strchr(out, '\n') && strchr(strchr(out, '\n') + 1, '\n'))
		body = strdup(strchr(strchr(out, '\n') + 1, '\n') + 1);
	total = body ? strstr(body, "\ntotal: ") : NULL;
	if (total)
		total[1] = '\0';
	else if (body && !strncmp(body, "total: ", 7))
		body[0] = '\0';
	free(out);
	return body;
}

static unsigned long touch_pages(void *arg)
{
	unsigned long len = (unsigned long)arg;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long off;

	if (p == MAP_FAILED)
		return 0;
	for (off = 0; off < len; off += PAGE_SZ)
		p[off] = 1;
	return (unsigned long)p;
}

/*
 * Text from the client and the debugfs view must be the same lines; the
 * target is stopped, but compaction may still move a page between the two
 * reads, so a difference is retried.
 */
static bool same_text(pid_t pid, const char *view, const char *client_cmd)
{
	char *a = NULL, *b = NULL;
	int attempt;
	bool same = false;

	for (attempt = 0; attempt < 5 && !same; attempt++) {
		free(a);
		free(b);
		a = debugfs_body(pid, view);
		b = client_body(client_cmd);
		same = a && b && !strcmp(a, b);
	}
	if (!same)
		fprintf(stderr, "debugfs:\n%s\nclient:\n%s\n", a, b);
	free(a);
	free(b);
	return same;
}

TEST(client_text_equals_debugfs_views)
{
	struct target t;
	char cmd[64];

	ASSERT_EQ(0, target_start(&t, touch_pages, (void *)(64 * PAGE_SZ)));
	kill(t.pid, SIGSTOP);
	snprintf(cmd, sizeof(cmd), "ptscope map %d", t.pid);
	EXPECT_TRUE(same_text(t.pid, "map", cmd));
	snprintf(cmd, sizeof(cmd), "ptscope regions %d", t.pid);
	EXPECT_TRUE(same_text(t.pid, "regions", cmd));
	EXPECT_EQ(0, check_against_pagemap(t.pid, t.value, t.value + 64 * PAGE_SZ,
					   &(unsigned long){ 0 }));
	kill(t.pid, SIGCONT);
	target_stop(&t);
}

/* The JSON object a debugfs map line must appear as, up to its flags. */
static void expected_json(const struct map_run *r, char *buf, size_t len)
{
	char pa[64];

	if (!strcmp(r->state, "present") || !strcmp(r->state, "migration"))
		snprintf(pa, sizeof(pa), "\"0x%llx\"", (unsigned long long)r->pa);
	else
		snprintf(pa, sizeof(pa), "null");
	snprintf(buf, len, "{\"va\":\"0x%lx\",\"pa\":%s", r->va, pa);
}

TEST(client_json_equals_debugfs_map)
{
	struct map_run *runs = NULL;
	char cmd[64], want[128], *json = NULL, *at;
	int n, i, attempt, missing = 1;
	struct target t;

	ASSERT_EQ(0, target_start(&t, touch_pages, (void *)(64 * PAGE_SZ)));
	kill(t.pid, SIGSTOP);
	snprintf(cmd, sizeof(cmd), "ptscope map -j %d", t.pid);
	for (attempt = 0; attempt < 5 && missing; attempt++) {
		free(json);
		free(runs);
		n = ptscope_read_map(t.pid, &runs);
		json = run_output(cmd);
		ASSERT_LT(0, n);
		ASSERT_NE(NULL, json);
		/* Every run, in order, and nothing else. */
		at = json;
		missing = 0;
		for (i = 0; i < n && at; i++) {
			expected_json(&runs[i], want, sizeof(want));
			at = strstr(at, want);
			missing += !at;
			at = at ? at + 1 : NULL;
		}
		for (at = json, i = 0; (at = strstr(at, "{\"va\":")); at++)
			i++;
		missing += i != n;
	}
	EXPECT_EQ(0, missing) TH_LOG("%d runs in debugfs, JSON: %.300s", n, json);
	EXPECT_EQ(0, strncmp(json, "{\"pid\":", 7));
	EXPECT_NE(NULL, strstr(json, "\"mappings\":["));
	free(json);
	free(runs);
	kill(t.pid, SIGCONT);
	target_stop(&t);
}

struct translation {
	int levels;
	uint32_t last_level;
	uint64_t pa;
	bool has_pa;
	uint32_t stop_level;
	char reason[128];
};

static int translation_cb(const struct nlmsghdr *nlh, void *data)
{
	struct translation *t = data;
	const struct nlattr *attr, *inner;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case PTSCOPE_A_LEVEL:
			t->levels++;
			mnl_attr_for_each_nested(inner, attr)
				if (mnl_attr_get_type(inner) == PTSCOPE_LEVEL_A_LEVEL)
					t->last_level = mnl_attr_get_u32(inner);
			break;
		case PTSCOPE_A_PA:
			t->pa = mnl_attr_get_u64(attr);
			t->has_pa = true;
			break;
		case PTSCOPE_A_STOP_LEVEL:
			t->stop_level = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_REASON:
			snprintf(t->reason, sizeof(t->reason), "%s", mnl_attr_get_str(attr));
			break;
		}
	}
	return MNL_CB_OK;
}

TEST(translate_walks_every_level_to_pagemap_pa)
{
	char *p = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pid_addr req = { .pid = getpid() };
	struct translation t = {};
	char extack[256];
	uint64_t pme;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	req.addr = (unsigned long)p + 123;
	ASSERT_EQ(0, ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &req,
				     translation_cb, &t, extack, sizeof(extack)))
		TH_LOG("%s", extack);
	pme = pagemap_entry(getpid(), (unsigned long)p);
	ASSERT_TRUE(pme & PM_PRESENT);
	/* As many levels as the kernel uses (x86 LA57, arm64 LPA2: 5; 16K pages: 3). */
	EXPECT_EQ(pt_levels(), t.levels)
		TH_LOG("%u-bit addresses, %s pages", user_va_bits(), size_name(PAGE_SZ));
	EXPECT_EQ(PTSCOPE_LEVEL_PTE, t.last_level);
	EXPECT_TRUE(t.has_pa);
	EXPECT_EQ(PM_PFN(pme) * PAGE_SZ + 123, t.pa);
	munmap(p, PAGE_SZ);
}

TEST(translate_unmapped_address_reports_where_the_walk_stopped)
{
	const unsigned long len = 1UL << 31;
	char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct pid_addr req = { .pid = getpid() };
	struct translation t = {};
	char extack[256];

	ASSERT_NE(MAP_FAILED, p);
	/* A 1 GiB-aligned address inside an untouched VMA: no table below. */
	req.addr = ((unsigned long)p + (1UL << 30) - 1) & ~((1UL << 30) - 1);
	ASSERT_EQ(0, ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &req,
				     translation_cb, &t, extack, sizeof(extack)));
	EXPECT_FALSE(t.has_pa);
	EXPECT_NE(0, t.reason[0]);
	EXPECT_LE(PTSCOPE_LEVEL_PMD, t.stop_level);
	EXPECT_EQ(t.stop_level, t.last_level);
	munmap(p, len);

	/* No VMA at all. */
	memset(&t, 0, sizeof(t));
	req.addr = (unsigned long)p;
	ASSERT_EQ(0, ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &req,
				     translation_cb, &t, extack, sizeof(extack)));
	EXPECT_FALSE(t.has_pa);
	EXPECT_EQ(PTSCOPE_LEVEL_NONE, t.stop_level);
	EXPECT_NE(0, t.reason[0]);
}

/* Malformed requests: what goes in the message, and what must come back. */
struct bad_request {
	const char *name;
	uint8_t cmd;
	uint16_t flags;
	int pid;		/* 0: none; -1: a zombie; -2: self */
	int attr;		/* one extra attribute, 0 for none */
	int attr_len;		/* its length: 4 or 8 */
	uint64_t value;
	int err;
};

static const struct bad_request bad_requests[] = {
	{ "unknown command", 99, 0, -2, 0, 0, 0, -EOPNOTSUPP },
	{ "missing pid", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, 0, 0, 0, 0, -EINVAL },
	{ "missing address", PTSCOPE_CMD_TRANSLATE, 0, -2, 0, 0, 0, -EINVAL },
	{ "pid as u64", PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, 0, PTSCOPE_A_PID, 8, 1, -EINVAL },
	{ "start as u32", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, -2, PTSCOPE_A_START, 4, 0, -EINVAL },
	{ "unknown region", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, -2, PTSCOPE_A_REGION, 4, 99, -ERANGE },
	{ "attribute of another command", PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, -2,
	  PTSCOPE_A_ADDR, 8, 0x1000, -EINVAL },
	{ "start above end", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, -2, PTSCOPE_A_START, 8,
	  1UL << 40, -ERANGE },
	{ "unaligned start", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, -2, PTSCOPE_A_START, 8,
	  0x1001, -EINVAL },
	{ "non-canonical address", PTSCOPE_CMD_TRANSLATE, 0, -2, PTSCOPE_A_ADDR, 8,
	  0x0800000000000000UL, -EFAULT },
	{ "kernel address", PTSCOPE_CMD_TRANSLATE, 0, -2, PTSCOPE_A_ADDR, 8,
	  0xffffffff81000000UL, -ERANGE },
	{ "nonexistent pid", PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, 4000000, 0, 0, 0, -ESRCH },
	{ "exited pid", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, -1, 0, 0, 0, -ENODATA },
	{ "kernel thread", PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, 2, 0, 0, 0, -EOPNOTSUPP },
};

struct bad_build {
	const struct bad_request *req;
	pid_t pid;
};

static void put_bad(struct nlmsghdr *nlh, void *arg)
{
	struct bad_build *b = arg;
	const struct bad_request *req = b->req;

	if (b->pid)
		mnl_attr_put_u32(nlh, PTSCOPE_A_PID, b->pid);
	if (req->attr == PTSCOPE_A_START && req->value == 1UL << 40)
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, 1UL << 39);
	if (req->attr && req->attr_len == 8)
		mnl_attr_put_u64(nlh, req->attr, req->value);
	else if (req->attr)
		mnl_attr_put_u32(nlh, req->attr, req->value);
	if (req->cmd == PTSCOPE_CMD_TRANSLATE && req->attr != PTSCOPE_A_ADDR &&
	    strcmp(req->name, "missing address"))
		mnl_attr_put_u64(nlh, PTSCOPE_A_ADDR, 0x1000);
}

TEST(malformed_requests_get_their_errno_and_an_extack_message)
{
	struct bad_build b;
	char extack[256];
	unsigned int i;
	pid_t zombie;
	int ret;

	zombie = fork();
	ASSERT_LE(0, zombie);
	if (!zombie)
		_exit(0);
	/* Not reaped until the end: its address space is gone. */
	while (pagemap_entry(zombie, 0) == 0 && access("/proc/self", F_OK) == 0) {
		char path[64], state = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", zombie);
		f = fopen(path, "r");
		if (f && fscanf(f, "%*d %*s %c", &state) == 1 && state == 'Z') {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(10000);
	}

	for (i = 0; i < ARRAY_SIZE(bad_requests); i++) {
		b.req = &bad_requests[i];
		b.pid = b.req->pid == -1 ? zombie : b.req->pid == -2 ? getpid() : b.req->pid;
		ret = ptscope_request(b.req->cmd, b.req->flags, put_bad, &b, NULL, NULL,
				      extack, sizeof(extack));
		EXPECT_EQ(b.req->err, ret) TH_LOG("%s: %s (extack: %s)", b.req->name,
						  strerror(-ret), extack);
		/* The core's own refusal of an unknown command has no text. */
		if (b.req->cmd != 99)
			EXPECT_NE(0, extack[0]) TH_LOG("%s: no extack message", b.req->name);
	}
	waitpid(zombie, NULL, 0);
}

/* What a caller was answered: each an errno, 0 when allowed. */
struct verdicts {
	int pagemap;		/* opening and reading /proc/PID/pagemap */
	int netlink;		/* MAP_GET */
	int set_target;		/* writing the pid to debugfs "target" */
	int read_map;		/* opening and reading the debugfs map view */
	char extack[200];	/* MAP_GET's message */
};

/*
 * In a child that took the credentials @drop gives it (or exits non-zero
 * if it cannot): what pagemap, netlink and debugfs answer it about @pid,
 * the map view showing @pid already.  Returns 0, or -1 if the child failed.
 */
static int ask_as(pid_t pid, void (*drop)(const void *arg), const void *arg,
		  struct verdicts *v)
{
	int pipefd[2], status;
	pid_t child;

	memset(v, 0, sizeof(*v));
	if (ptscope_set_target(pid) || pipe(pipefd))
		return -1;
	child = fork();
	if (child == 0) {
		char buf[256];
		int fd;

		drop(arg);
		v->pagemap = pagemap_access(pid);
		v->netlink = -ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid_attr,
					      &pid, NULL, NULL, v->extack, sizeof(v->extack));
		v->set_target = ptscope_set_target(pid);
		fd = open("/sys/kernel/debug/ptscope/map", O_RDONLY);
		/* The view pins its target, and checks access, at the first read. */
		v->read_map = fd < 0 || read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		if (write(pipefd[1], v, sizeof(*v)) != sizeof(*v))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], v, sizeof(*v)) != sizeof(*v))
		child = -1;
	close(pipefd[0]);
	if (child < 0 || waitpid(child, &status, 0) < 0 || status)
		return -1;
	return 0;
}

static void become_nobody(const void *arg)
{
	if (setgid(65534) || setuid(65534))
		_exit(1);
}

static void become_userns_root(const void *arg)
{
	char map[32];
	int fd;

	if (unshare(CLONE_NEWUSER))
		_exit(1);
	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "deny", 4) != 4)
			_exit(1);
		close(fd);
	}
	snprintf(map, sizeof(map), "0 %d 1", 0);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		_exit(1);
	close(fd);
}

static void keep_only_net_admin(const void *arg)
{
	if (set_caps(1U << CAP_NET_ADMIN))
		_exit(1);
}

static void check_refused(struct __test_metadata *_metadata,
			  void (*drop)(const void *arg), const char *who)
{
	struct verdicts v;

	/* The refused child asks about its parent, the test. */
	ASSERT_EQ(0, ask_as(getpid(), drop, NULL, &v));
	EXPECT_EQ(EPERM, v.netlink) TH_LOG("%s: netlink answered %d", who, v.netlink);
	EXPECT_TRUE(v.read_map == EPERM || v.read_map == EACCES)
		TH_LOG("%s: read of the map view: %s", who, strerror(v.read_map));
}

TEST(unprivileged_user_is_refused)
{
	check_refused(_metadata, become_nobody, "uid 65534");
}

TEST(user_namespace_root_is_refused)
{
	check_refused(_metadata, become_userns_root, "root in a user namespace");
}

TEST(cap_net_admin_alone_is_refused)
{
	check_refused(_metadata, keep_only_net_admin, "CAP_NET_ADMIN only");
}

/*
 * Callers that hold CAP_SYS_ADMIN: then what /proc/PID/pagemap asks of its
 * opener decides, ptrace read access to the target (mm_access() with
 * PTRACE_MODE_READ_FSCREDS: the same user, a dumpable target, no
 * capability the caller lacks, or else CAP_SYS_PTRACE).  Each variant asks
 * pagemap with the caller's credentials, and ptscope must answer the same
 * over netlink and debugfs: pagemap is the oracle, not a table here.
 */
FIXTURE(access) {
	struct target target;
};

struct access_caller {
	uid_t uid;
	bool ptrace;		/* CAP_SYS_PTRACE too */
};

struct access_target {
	uid_t uid;
	bool caps;		/* a root target keeps its capabilities */
	bool dumpable;
};

FIXTURE_VARIANT(access) {
	struct access_caller caller;
	struct access_target target;
};

FIXTURE_VARIANT_ADD(access, root_without_ptrace_reads_full_root) {
	.caller = { .uid = 0 },
	.target = { .uid = 0, .caps = true, .dumpable = true },
};

FIXTURE_VARIANT_ADD(access, root_without_ptrace_reads_capless_root) {
	.caller = { .uid = 0 },
	.target = { .uid = 0, .dumpable = true },
};

FIXTURE_VARIANT_ADD(access, root_without_ptrace_reads_nondumpable_root) {
	.caller = { .uid = 0 },
	.target = { .uid = 0 },
};

FIXTURE_VARIANT_ADD(access, root_with_ptrace_reads_nondumpable_user) {
	.caller = { .uid = 0, .ptrace = true },
	.target = { .uid = 2000 },
};

FIXTURE_VARIANT_ADD(access, admin_user_reads_same_user) {
	.caller = { .uid = 1000 },
	.target = { .uid = 1000, .dumpable = true },
};

FIXTURE_VARIANT_ADD(access, admin_user_reads_nondumpable_same_user) {
	.caller = { .uid = 1000 },
	.target = { .uid = 1000 },
};

FIXTURE_VARIANT_ADD(access, admin_user_reads_other_user) {
	.caller = { .uid = 1000 },
	.target = { .uid = 2000, .dumpable = true },
};

FIXTURE_VARIANT_ADD(access, admin_user_reads_nondumpable_other_user) {
	.caller = { .uid = 1000 },
	.target = { .uid = 2000 },
};

FIXTURE_VARIANT_ADD(access, admin_user_with_ptrace_reads_nondumpable_other_user) {
	.caller = { .uid = 1000, .ptrace = true },
	.target = { .uid = 2000 },
};

/* In the target: its user, capabilities and dumpability; 0 on failure. */
static unsigned long become_access_target(void *arg)
{
	const struct access_target *t = arg;
	uid_t id = t->uid;

	if (setresgid(id, id, id) || setresuid(id, id, id))
		return 0;
	if (!t->caps && set_caps(0))
		return 0;
	/* After the uid change, which made it non-dumpable (suid_dumpable). */
	if (prctl(PR_SET_DUMPABLE, t->dumpable))
		return 0;
	return 1;
}

/*
 * The caller: CAP_SYS_ADMIN, which every query needs; CAP_DAC_OVERRIDE, so
 * that file modes of /proc and debugfs do not decide instead of the rules
 * under test; CAP_SYS_PTRACE when the variant says so.
 */
static void become_access_caller(const void *arg)
{
	const struct access_caller *c = arg;
	uid_t id = c->uid;

	if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(id, id, id) || setresuid(id, id, id) ||
	    set_caps(1U << CAP_SYS_ADMIN | 1U << CAP_DAC_OVERRIDE |
		     (c->ptrace ? 1U << CAP_SYS_PTRACE : 0)))
		_exit(1);
}

FIXTURE_SETUP(access)
{
	ASSERT_EQ(0, target_start(&self->target, become_access_target,
				  (void *)&variant->target));
	ASSERT_EQ(1, self->target.value);
}

FIXTURE_TEARDOWN(access)
{
	target_stop(&self->target);
}

TEST_F(access, answers_as_pagemap_does)
{
	struct verdicts v;

	ASSERT_EQ(0, ask_as(self->target.pid, become_access_caller, &variant->caller, &v));
	ksft_print_msg("pagemap: %s; netlink: %s (%s)\n", strerror(v.pagemap),
		       strerror(v.netlink), v.extack);
	EXPECT_EQ(v.pagemap, v.netlink);
	EXPECT_EQ(v.pagemap, v.set_target);
	EXPECT_EQ(v.pagemap, v.read_map);
	if (v.netlink)
		EXPECT_NE(0, v.extack[0]);
}

struct dump_count {
	unsigned long runs;
	unsigned long pages;
	unsigned long frames_records;
	unsigned long malformed;	/* messages with a frames record that does not add up */
	unsigned long start, end;
};

static void count_run(const struct ptscope_run *run, void *arg)
{
	struct dump_count *c = arg;

	if (run->state != PTSCOPE_STATE_PRESENT)
		return;
	c->runs++;
	c->pages += run->size / PAGE_SZ;
}

static int count_runs_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_count *c = data;

	int frames = ptscope_visit_runs(nlh, count_run, c);

	if (frames < 0)
		c->malformed++;
	else
		c->frames_records += frames;
	return MNL_CB_OK;
}

static void put_range(struct nlmsghdr *nlh, void *arg)
{
	struct dump_count *c = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, getpid());
	mnl_attr_put_u64(nlh, PTSCOPE_A_START, c->start);
	mnl_attr_put_u64(nlh, PTSCOPE_A_END, c->end);
}

/* Runs and pages pagemap implies for [start, end): contiguous PFNs merge. */
static void pagemap_runs(unsigned long start, unsigned long end, struct dump_count *c)
{
	uint64_t *pm, prev = 0;
	unsigned long i, n = (end - start) / PAGE_SZ;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	pm = malloc(n * sizeof(*pm));
	if (fd < 0 || !pm || pread(fd, pm, n * sizeof(*pm), start / PAGE_SZ * 8) !=
	    (ssize_t)(n * sizeof(*pm)))
		abort();
	close(fd);
	for (i = 0; i < n; i++) {
		if (!(pm[i] & PM_PRESENT)) {
			prev = 0;
			continue;
		}
		c->pages++;
		if (!prev || PM_PFN(pm[i]) != PM_PFN(prev) + 1)
			c->runs++;
		prev = pm[i];
	}
	free(pm);
}

/*
 * Dump [p, p + len) of this process and count its runs and pages, and
 * pagemap's: again until they agree (compaction may move a page between
 * the two reads), five times at most.  Returns the dump's error.  NUMA
 * balancing is held off meanwhile, as the oracle does: its hinting
 * entries (PROT_NONE, flagged so) cut ptscope's runs where pagemap,
 * which shows no flags, sees none: the likely cause of 1597 runs
 * against pagemap's 1596 seen twice in the whole suite on arm64 6.1
 * with two nodes (alone, with it off or one node, it passed).
 */
static int dump_and_pagemap(char *p, unsigned long len, struct dump_count *got,
			    struct dump_count *want)
{
	const char *knob = "/proc/sys/kernel/numa_balancing";
	char saved[16] = "";
	int attempt, ret = 0;
	FILE *f = fopen(knob, "r");

	if (f && fgets(saved, sizeof(saved), f))
		write_file(knob, "0");
	if (f)
		fclose(f);
	for (attempt = 0; attempt < 5; attempt++) {
		memset(got, 0, sizeof(*got));
		memset(want, 0, sizeof(*want));
		got->start = (unsigned long)p;
		got->end = (unsigned long)p + len;
		ret = ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_range, got,
				      count_runs_cb, got, NULL, 0);
		pagemap_runs(got->start, got->end, want);
		if (!ret && got->runs == want->runs && got->pages == want->pages)
			break;
	}
	if (saved[0])
		write_file(knob, saved);
	return ret;
}

TEST(large_target_dumps_completely)
{
	const unsigned long len = 400UL << 20;	/* 102400 pages */
	struct dump_count got, want;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* 4 KiB pages only: a THP would be one run where pagemap sees 512. */
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 1, len);

	EXPECT_EQ(0, dump_and_pagemap(p, len, &got, &want));
	EXPECT_EQ(len / PAGE_SZ, want.pages);
	EXPECT_EQ(want.pages, got.pages);
	EXPECT_EQ(want.runs, got.runs);
	EXPECT_EQ(0, got.malformed);
	ksft_print_msg("%lu pages in %lu runs, as pagemap says\n", got.pages, got.runs);
	munmap(p, len);
}

/*
 * A target whose neighbouring pages have frames that are not neighbours
 * comes as frames records, which must still read as pagemap's runs.
 */
TEST(scattered_target_comes_as_frames_records)
{
	const unsigned long len = 64UL << 20;
	struct dump_count got, want;
	char *p = map_scattered(len);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, dump_and_pagemap(p, len, &got, &want));
	EXPECT_EQ(len / PAGE_SZ, want.pages);
	EXPECT_EQ(want.pages, got.pages);
	EXPECT_EQ(want.runs, got.runs);
	EXPECT_LT(0, got.frames_records);
	EXPECT_EQ(0, got.malformed);
	ksft_print_msg("%lu pages in %lu runs, as pagemap says, from %lu frames records\n",
		       got.pages, got.runs, got.frames_records);
	munmap(p, len);
}

TEST_HARNESS_MAIN
