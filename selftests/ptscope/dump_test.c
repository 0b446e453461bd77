// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_GET dumps of a target that changes while it is read: runs come in
 * address order, never overlap and never cross a VMA boundary, and a dump
 * during which the VMAs changed is flagged NLM_F_DUMP_INTR where the kernel
 * keeps the count to tell (6.4+ with per-VMA locks).
 *
 * A dump makes its first message inside the request's sendmsg() and the
 * next ones only when the reader asks for them, with the target's
 * mmap_lock dropped in between.  So the target can change exactly there,
 * at an address worked out in advance: where the walk stands when the
 * first message is full.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25	/* 6.1; glibc 2.36 has not heard of it */
#endif

/* A PMD-sized THP: 2 MiB with 4 KiB pages, 32 MiB with 16 KiB. */
#define HUGE_SZ pmd_sz()
/* The most a walk holds unsent when it pauses: a frames record of 256 pages. */
#define PENDING_MAX (256 * PAGE_SZ)
/* Base pages before the huge-page-sized area, each a run of its own. */
#define SPACERS 256

/* What a dump looked like. */
struct dump {
	struct ptscope_run runs[32768];
	int n;
	int first_message;	/* runs in the first message */
	int messages;
	bool interrupted;
	bool overflow;
};

static void add_run(const struct ptscope_run *run, void *arg)
{
	struct dump *d = arg;

	if (d->n == ARRAY_SIZE(d->runs)) {
		d->overflow = true;
		return;
	}
	d->runs[d->n++] = *run;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->interrupted = true;
	if (ptscope_visit_runs(nlh, add_run, d) < 0)
		return MNL_CB_ERROR;
	if (!d->messages++)
		d->first_message = d->n;
	return MNL_CB_OK;
}

/* The runs of a dump come in order and never overlap. */
static bool in_order(const struct dump *d)
{
	int i;

	for (i = 1; i < d->n; i++) {
		if (d->runs[i].va < d->runs[i - 1].va + d->runs[i - 1].size) {
			fprintf(stderr, "# run %#llx+%#llx overlaps %#llx+%#llx\n",
				d->runs[i].va, d->runs[i].size,
				d->runs[i - 1].va, d->runs[i - 1].size);
			return false;
		}
	}
	return true;
}

/*
 * MAP_GET of [start, end) of @pid on a fresh socket (so the first message
 * has the size of a first message).  @between runs after the request is
 * sent, when the first message is made and the walk waits, before any
 * reply is read.
 */
static int dump_range(pid_t pid, unsigned long start, unsigned long end,
		      void (*between)(void *arg), void *arg, struct dump *d)
{
	struct mnl_socket *sock = mnl_socket_open(NETLINK_GENERIC);
	int family = genl_family_id(PTSCOPE_GENL_NAME), ret = 0;
	static char buf[32768];
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	ssize_t len;

	memset(d, 0, sizeof(*d));
	if (!sock || family < 0 || mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID)) {
		if (sock)
			mnl_socket_close(sock);
		return -ENOENT;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_MAP_GET;
	genl->version = PTSCOPE_GENL_VERSION;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_START, start);
	mnl_attr_put_u64(nlh, PTSCOPE_A_END, end);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		ret = -errno;
	if (!ret && between)
		between(arg);
	while (!ret) {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (len <= 0) {
			ret = len < 0 ? -errno : -EIO;
			break;
		}
		/* Read on past NLM_F_DUMP_INTR, which libmnl would stop at. */
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				ret = *(int *)mnl_nlmsg_get_payload(nlh);
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
				goto out;
			}
			if (dump_cb(nlh, d) != MNL_CB_OK)
				ret = -EPROTO;
		}
	}
out:
	mnl_socket_close(sock);
	return ret;
}

/* What goes from the end of the area: a page, or arm64's contiguous block. */
static unsigned long tail_bytes(void)
{
	if (ON_X86)
		return PAGE_SZ;
	return PAGE_SZ * (PAGE_SZ == 4096 ? 16 : PAGE_SZ == 16384 ? 128 : 32);
}

/*
 * The target: one VMA of SPACERS pages, each a run of its own (written
 * pages between pages only read, which map the zero page read-only),
 * then a 2 MiB area that was a huge page and is now mapped by PTEs,
 * physically contiguous: one run.  The VMA begins inside a 2 MiB block, so
 * the spacers are never a huge page themselves.  Returns the area's
 * address.
 */
static unsigned long spacers_and_area(void *arg)
{
	char *p = mmap(NULL, 4 * HUGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long area, start, i;

	if (p == MAP_FAILED)
		return 0;
	area = ((unsigned long)p + 2 * HUGE_SZ - 1) & ~(HUGE_SZ - 1);
	start = area - SPACERS * PAGE_SZ;
	munmap(p, start - (unsigned long)p);
	munmap((char *)area + HUGE_SZ, (unsigned long)p + 4 * HUGE_SZ - area - HUGE_SZ);
	if (madvise((char *)start, area + HUGE_SZ - start, MADV_HUGEPAGE))
		return 0;
	for (i = 0; i < SPACERS; i++) {
		char *page = (char *)start + i * PAGE_SZ;

		if (i % 2)
			__asm__ volatile("" : : "r"(*page));	/* a load kept */
		else
			*page = 1;
	}
	memset((char *)area, 1, HUGE_SZ);
	/*
	 * Split the huge page's PMD; its folio stays, mapped by PTEs.  arm64
	 * maps each whole contiguous block of them (64 KiB with 4 KiB pages,
	 * 2 MiB with 16 KiB) with the contiguous bit: the whole last block
	 * goes, so that the rest is one run of equal flags.
	 */
	madvise((char *)area + HUGE_SZ - tail_bytes(), tail_bytes(), MADV_DONTNEED);
	/*
	 * And no khugepaged collapsing it again before the test reads it
	 * (seen on arm64 6.1): THP off for the process, which changes no VMA.
	 */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return 0;
	return area;
}

/* In the target: a new VMA boundary one page into the area. */
static unsigned long split_vma(void *arg)
{
	char *area = arg;

	return !madvise(area + PAGE_SZ, HUGE_SZ - 2 * PAGE_SZ, MADV_DONTFORK);
}

/* In the target: the area's PTE table becomes one huge page again. */
static unsigned long collapse(void *arg)
{
	return !prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) && !madvise(arg, HUGE_SZ, MADV_COLLAPSE);
}

FIXTURE(changes_between_messages) {
	struct target t;
	unsigned long area;
	int capacity;		/* runs in a first message */
};

FIXTURE_VARIANT(changes_between_messages) {
	unsigned long (*change)(void *arg);
};

FIXTURE_VARIANT_ADD(changes_between_messages, vma_split_where_the_walk_stands) {
	.change = split_vma,
};

FIXTURE_VARIANT_ADD(changes_between_messages, ptes_collapsed_where_the_walk_stands) {
	.change = collapse,
};

FIXTURE_SETUP(changes_between_messages)
{
	static struct dump d;

	self->t.pid = -1;
	ASSERT_EQ(0, target_start(&self->t, spacers_and_area, NULL));
	if (!self->t.value)
		SKIP(return, "the target could not lay out its pages");
	self->area = self->t.value;
	/* The area must be one run: a huge page split into PTEs. */
	ASSERT_EQ(0, dump_range(self->t.pid, self->area, self->area + HUGE_SZ - PAGE_SZ,
				NULL, NULL, &d));
	if (d.n != 1)
		SKIP(return, "no transparent huge page to split (%d runs)", d.n);
	ASSERT_EQ(0, dump_range(self->t.pid, self->area - SPACERS * PAGE_SZ,
				self->area + HUGE_SZ, NULL, NULL, &d));
	ASSERT_EQ(SPACERS + 1, d.n);
	self->capacity = d.first_message;
	ASSERT_GT(SPACERS, self->capacity + 1);
}

FIXTURE_TEARDOWN(changes_between_messages)
{
	target_stop(&self->t);
}

struct change {
	struct target *t;
	unsigned long (*fn)(void *arg);
	void *arg;
	unsigned long done;
};

static void change_target(void *arg)
{
	struct change *c = arg;

	c->done = target_run(c->t, c->fn, c->arg) ? 0 : c->t->value;
}

static bool kernel_counts_vma_changes(void);

/*
 * The dump starts capacity + 1 spacers before the area: the first message
 * holds capacity spacers, the last spacer waits for the second, and the
 * walk stands one page into the area with that page pending.  The target
 * changes there.
 */
TEST_F(changes_between_messages, runs_stay_apart_and_in_their_vma)
{
	unsigned long start = self->area - (self->capacity + 1) * PAGE_SZ;
	struct change c = { &self->t, variant->change, (void *)self->area };
	static struct dump d;
	int i;

	ASSERT_EQ(0, dump_range(self->t.pid, start, self->area + HUGE_SZ,
				change_target, &c, &d));
	if (!c.done)
		SKIP(return, "the target could not change (MADV_COLLAPSE is 6.1+ with THP)");
	EXPECT_EQ(self->capacity, d.first_message);
	EXPECT_TRUE(in_order(&d));
	/*
	 * A run holding the page before the new boundary at area + 4 KiB goes
	 * on only as far as the walk had read when the target changed: its
	 * pending run, at most a frames record (PTSCOPE_WALK_FRAMES pages),
	 * never into what it read after.
	 */
	for (i = 0; i < d.n && variant->change == split_vma; i++) {
		const struct ptscope_run *r = &d.runs[i];

		EXPECT_FALSE(r->va <= self->area && r->va + r->size > self->area + PENDING_MAX)
			TH_LOG("run %#llx+%#llx goes on past the new VMA boundary",
			       r->va, r->size);
	}
	EXPECT_EQ(kernel_counts_vma_changes(), d.interrupted);
}

/* Kernels that count VMA changes: mm_lock_seq, 6.4+ with per-VMA locks. */
static bool kernel_counts_vma_changes(void)
{
	static const char cmd[] =
		"zcat /proc/config.gz 2>/dev/null | grep -c '^CONFIG_PER_VMA_LOCK=y'";
	char *config = run_output(cmd);
	bool counts = kernel_release() >= KERNEL_RELEASE(6, 4);

	if (config && *config)
		counts &= atoi(config) > 0;
	else if (access("/proc/config.gz", F_OK) == 0)
		counts = false;
	free(config);
	return counts;
}

/* A thread of the target changes its VMAs all the time: mmap, munmap. */
static void *churn(void *arg)
{
	for (;;) {
		void *q = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (q != MAP_FAILED)
			munmap(q, PAGE_SZ);
	}
	return NULL;
}

static unsigned long churn_vmas(void *arg)
{
	char *p = map_scattered(64UL << 20);
	pthread_t thread;

	return p && !pthread_create(&thread, NULL, churn, NULL) ? (unsigned long)p : 0;
}

static unsigned long touch_pages(void *arg)
{
	unsigned long len = (unsigned long)arg;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	memset(p, 1, len);
	return (unsigned long)p;
}

TEST(dump_while_vmas_change_is_flagged_interrupted)
{
	static struct dump d;
	struct target t;
	int i, interrupted = 0;

	/* Frozen: never flagged. */
	ASSERT_EQ(0, target_start(&t, touch_pages, (void *)(16384 * PAGE_SZ)));
	kill(t.pid, SIGSTOP);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, dump_range(t.pid, 0, 1UL << 47, NULL, NULL, &d));
		EXPECT_FALSE(d.interrupted);
		EXPECT_TRUE(in_order(&d));
	}
	kill(t.pid, SIGCONT);
	target_stop(&t);

	/* A thread of the target maps and unmaps all along: flagged, still in order. */
	ASSERT_EQ(0, target_start(&t, churn_vmas, NULL));
	ASSERT_NE(0, t.value);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, dump_range(t.pid, t.value, t.value + (64UL << 20), NULL, NULL, &d));
		EXPECT_TRUE(in_order(&d));
		EXPECT_LT(16384 / 256, d.n);
		interrupted += d.interrupted;
	}
	target_stop(&t);
	ksft_print_msg("%d of 20 dumps of a churning target flagged interrupted\n", interrupted);
	/* 6.1 has no count to see changes with: never flagged there. */
	EXPECT_EQ(kernel_counts_vma_changes(), interrupted > 0);
}

static int regions_intr_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		*(bool *)data = true;
	return MNL_CB_OK;
}

/* Its many small VMAs take many lock holds, between which the thread runs. */
static unsigned long churn_many_vmas(void *arg)
{
	char *p = mmap(NULL, 2048 * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_t thread;
	int i;

	if (p == MAP_FAILED)
		return 0;
	for (i = 0; i < 2048; i += 2)
		mprotect(p + i * PAGE_SZ, PAGE_SZ, PROT_READ);
	return !pthread_create(&thread, NULL, churn, NULL) ? (unsigned long)p : 0;
}

TEST(regions_dump_while_vmas_change_is_flagged_interrupted)
{
	char extack[256];
	struct target t;
	int i, interrupted = 0;

	ASSERT_EQ(0, target_start(&t, churn_many_vmas, NULL));
	ASSERT_NE(0, t.value);
	for (i = 0; i < 10; i++) {
		bool intr = false;

		ASSERT_EQ(0, ptscope_request(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, put_pid_attr,
					     &t.pid, regions_intr_cb, &intr, extack,
					     sizeof(extack)))
			TH_LOG("%s", extack);
		interrupted += intr;
	}
	target_stop(&t);
	ksft_print_msg("%d of 10 regions dumps of a churning target flagged interrupted\n",
		       interrupted);
	EXPECT_EQ(kernel_counts_vma_changes(), interrupted > 0);
}

int main(int argc, char **argv)
{
	exec_target_main(argc, argv);
	return test_harness_run(argc, argv);
}
