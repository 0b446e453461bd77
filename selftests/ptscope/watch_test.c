// SPDX-License-Identifier: GPL-2.0
/*
 * PTSCOPE_CMD_WATCH: a watch reports each change to a target's mappings,
 * with the kernel's cause, and its "after" is what pagemap says then:
 * copy-on-write after fork remaps the writer's page only, MADV_PAGEOUT
 * swaps out and a touch swaps back in, mprotect changes protection,
 * munmap unmaps, a fault maps (found by the periodic re-walk).  The watch
 * ends, saying why, when the target exits and when the module is
 * removed; many watchers of one target each see every change.  The
 * client ends on both even when the module's last message is lost.  The
 * debugfs watch file streams the same events to cat, for one process or
 * many.  On a kernel without mmu notifiers every test skips.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25	/* 6.1; glibc 2.36 has not heard of it */
#endif

/* Re-walk interval of the watches here, and how long an event may take. */
#define INTERVAL_MS 50
#define WAIT_MS 3000

#define WATCH_FILE "/sys/kernel/debug/ptscope/watch"

static void put_own_pid(struct nlmsghdr *nlh, void *arg)
{
	pid_t pid = getpid();

	put_pid_attr(nlh, &pid);
}

/* Why no test here can run, when watch_available() says none can. */
static const char *unavailable;

/*
 * Whether the module is loaded and this kernel has mmu notifiers
 * (CONFIG_MMU_NOTIFIER: KVM, HMM, ... built): without them the module
 * refuses WATCH with EOPNOTSUPP.
 */
static bool watch_available(void)
{
	if (access("/sys/kernel/debug/ptscope", F_OK))
		unavailable = "ptscope.ko is not loaded";
	else if (ptscope_request(PTSCOPE_CMD_WATCH, 0, put_own_pid, NULL, NULL, NULL,
				 NULL, 0) == -EOPNOTSUPP)
		unavailable = "this kernel has no mmu notifiers (CONFIG_MMU_NOTIFIER)";
	return !unavailable;
}

struct watcher {
	struct mnl_socket *sock;
	int family;
	pid_t pid;
	unsigned long overruns;	/* ENOBUFS: its receive buffer overflowed */
};

/* One message of a watch, decoded. */
struct wev {
	pid_t pid;
	int event;		/* -1: the end */
	int cause;
	int end;		/* enum ptscope_watch_end, or -1 */
	uint64_t start, stop;
	bool has_before, has_after;
	struct ptscope_run before, after;
	uint64_t dropped;
	bool reply;		/* the reply: with register_ns */
	uint64_t register_ns;
};

static void decode(const struct nlmsghdr *nlh, struct wev *ev)
{
	const struct nlattr *attr;

	memset(ev, 0, sizeof(*ev));
	ev->event = -1;
	ev->end = -1;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		const void *p = mnl_attr_get_payload(attr);
		size_t len = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case PTSCOPE_A_PID:
			ev->pid = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_EVENT:
			ev->event = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_CAUSE:
			ev->cause = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_WATCH_END:
			ev->end = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_START:
			ev->start = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_END:
			ev->stop = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_DROPPED:
			ev->dropped = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_REGISTER_NS:
			ev->reply = true;
			ev->register_ns = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_BEFORE:
			ev->has_before = true;
			memcpy(&ev->before, p, len < sizeof(ev->before) ? len : sizeof(ev->before));
			break;
		case PTSCOPE_A_AFTER:
			ev->has_after = true;
			memcpy(&ev->after, p, len < sizeof(ev->after) ? len : sizeof(ev->after));
			break;
		}
	}
}

/*
 * The next message on @w within @timeout_ms: 1 with @ev, 2 for the ack of
 * the request, -errno for its error, 0 on timeout.
 */
static int next_message(struct watcher *w, struct wev *ev, int timeout_ms)
{
	static char buf[8192];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(w->sock), .events = POLLIN };
	struct nlmsghdr *nlh;
	ssize_t len;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	len = mnl_socket_recvfrom(w->sock, buf, sizeof(buf));
	/* Messages were lost (the module counts them): read on. */
	while (len < 0 && errno == ENOBUFS) {
		w->overruns++;
		len = mnl_socket_recvfrom(w->sock, buf, sizeof(buf));
	}
	if (len < 0)
		return -errno;
	nlh = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(nlh, len))
		return -EBADMSG;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

		return err->error ? err->error : 2;
	}
	decode(nlh, ev);
	return 1;
}

/*
 * Watch [@start, @end) of @pid (the whole address space when @end is 0):
 * 0 once the module replied (with how long registering took, into
 * *@register_ns) and acked, or -errno.
 */
static int watch_open(struct watcher *w, pid_t pid, unsigned long start, unsigned long end,
		      uint64_t *register_ns)
{
	bool replied = false;
	char buf[512];
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct wev ev;
	int ret;

	w->pid = pid;
	w->family = genl_family_id(PTSCOPE_GENL_NAME);
	if (w->family < 0)
		return -ENOENT;
	w->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!w->sock)
		return -errno;
	mnl_socket_setsockopt(w->sock, NETLINK_CAP_ACK, &(int){ 1 }, sizeof(int));
	if (mnl_socket_bind(w->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = w->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = PTSCOPE_CMD_WATCH;
	genl->version = PTSCOPE_GENL_VERSION;
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, pid);
	mnl_attr_put_u32(nlh, PTSCOPE_A_INTERVAL, INTERVAL_MS);
	if (end) {
		mnl_attr_put_u64(nlh, PTSCOPE_A_START, start);
		mnl_attr_put_u64(nlh, PTSCOPE_A_END, end);
	}
	if (mnl_socket_sendto(w->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* The reply, then the ack (events may come between: none yet here). */
	while ((ret = next_message(w, &ev, WAIT_MS)) == 1) {
		if (!ev.reply)
			continue;
		replied = true;
		if (register_ns)
			*register_ns = ev.register_ns;
	}
	if (ret == 2)
		return replied ? 0 : -EBADMSG;
	return ret ? ret : -ETIMEDOUT;
}

static void watch_close(struct watcher *w)
{
	if (w->sock)
		mnl_socket_close(w->sock);
	w->sock = NULL;
}

/*
 * Read @w's events until one of kind @event (or the end, for -1) covers
 * @va: 1 with it in @ev, 0 when none came within WAIT_MS.
 */
static int wait_event(struct watcher *w, int event, unsigned long va, struct wev *ev)
{
	int ret;

	for (;;) {
		ret = next_message(w, ev, WAIT_MS);
		if (ret <= 0)
			return 0;
		if (event < 0 && ev->end >= 0)
			return 1;
		if (ev->event == event && ev->start <= va && va < ev->stop)
			return 1;
	}
}

/* As wait_event(), for an event of kind @event anywhere in [@start, @end). */
static int wait_event_in(struct watcher *w, int event, unsigned long start, unsigned long end,
			 struct wev *ev)
{
	while (next_message(w, ev, WAIT_MS) > 0)
		if (ev->event == event && ev->start < end && start < ev->stop)
			return 1;
	return 0;
}

/* Run @fn in @t: what it returned, 0 when the target did not answer. */
static unsigned long run_in(struct target *t, unsigned long (*fn)(void *arg))
{
	return target_run(t, fn, NULL) ? 0 : t->value;
}

static uint64_t pagemap_pa(pid_t pid, unsigned long va)
{
	uint64_t e = pagemap_entry(pid, va);

	return e & PM_PRESENT ? PM_PFN(e) * PAGE_SZ : 0;
}

/* The PA of @va in an event's run (the first page of the event's range). */
static uint64_t run_pa(const struct wev *ev, const struct ptscope_run *run, unsigned long va)
{
	return run->pa + (va - ev->start);
}

/*
 * Stop @pid and compare @ev's "after" with pagemap, page by page: nothing
 * (no "after") where pagemap has neither a frame nor a swap entry, the
 * frame at the page's offset in the run where it is present, the swap
 * slot where it is swapped.  Returns the number of pages that differ,
 * each logged; the target runs on after.
 */
static int after_differs(pid_t pid, const struct wev *ev)
{
	unsigned long va;
	int differ = 0;
	uint64_t e;
	bool same;

	kill(pid, SIGSTOP);
	for (va = ev->start; va < ev->stop; va += PAGE_SZ) {
		e = pagemap_entry(pid, va);
		if (!ev->has_after)
			same = !(e & (PM_PRESENT | PM_SWAP));
		else if (ev->after.state == PTSCOPE_STATE_PRESENT)
			same = (e & PM_PRESENT) &&
			       PM_PFN(e) * PAGE_SZ == run_pa(ev, &ev->after, va);
		else if (ev->after.state == PTSCOPE_STATE_SWAP)
			same = (e & PM_SWAP) && PM_SWAP_OFFSET(e) ==
			       ev->after.swap_offset + (va - ev->start) / PAGE_SZ;
		else
			same = false;
		if (!same && differ++ < 4)
			fprintf(stderr, "# %#lx: after state %d pa %#llx, pagemap %#llx\n", va,
				ev->has_after ? ev->after.state : -1,
				(unsigned long long)run_pa(ev, &ev->after, va),
				(unsigned long long)e);
	}
	kill(pid, SIGCONT);
	return differ;
}

/* The target's pages: four, written, so that each has a frame of its own. */
#define NR_PAGES 4
static char *area;

static unsigned long setup_area(void *arg)
{
	area = mmap(NULL, NR_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 0;
	memset(area, 0x5a, NR_PAGES * PAGE_SZ);
	return (unsigned long)area;
}

static unsigned long do_mprotect(void *arg)
{
	return mprotect(area, NR_PAGES * PAGE_SZ, PROT_READ) ? 0 : 1;
}

static unsigned long do_munmap(void *arg)
{
	return munmap(area, NR_PAGES * PAGE_SZ) ? 0 : 1;
}

static unsigned long do_pageout(void *arg)
{
	return madvise(area, PAGE_SZ, MADV_PAGEOUT) ? 0 : 1;
}

static unsigned long do_touch(void *arg)
{
	return __atomic_load_n(area, __ATOMIC_RELAXED);
}

/* An area mapped but never touched: no page yet. */
static unsigned long setup_untouched(void *arg)
{
	area = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return area == MAP_FAILED ? 0 : (unsigned long)area;
}

static unsigned long do_write(void *arg)
{
	__atomic_store_n(area, 1, __ATOMIC_RELAXED);
	return 1;
}

FIXTURE(watch)
{
	struct target target;
	struct watcher w;
	unsigned long va;
	bool swapon;
	bool ksm;
};

FIXTURE_SETUP(watch)
{
	uint64_t register_ns;
	int ret;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	ASSERT_EQ(0, target_start(&self->target, setup_area, NULL));
	self->va = self->target.value;
	ASSERT_NE(0, self->va);
	ret = watch_open(&self->w, self->target.pid, self->va, self->va + NR_PAGES * PAGE_SZ,
			 &register_ns);
	ASSERT_EQ(0, ret) TH_LOG("WATCH: %s", strerror(-ret));
	/* The debug kernel's clock moves in 4 ms steps: 0 is possible there. */
	ksft_print_msg("%s: notifier registered in %llu us\n", _metadata->name,
		       (unsigned long long)register_ns / 1000);
}

FIXTURE_TEARDOWN(watch)
{
	watch_close(&self->w);
	target_stop(&self->target);
	if (self->swapon)
		swap_off_zram();
	if (self->ksm)
		write_file("/sys/kernel/mm/ksm/run", "2");	/* unmerge */
}

TEST_F(watch, mprotect_changes_protection)
{
	uint64_t pa = pagemap_pa(self->target.pid, self->va);
	struct wev ev;

	ASSERT_NE(0, pa);
	ASSERT_EQ(1, run_in(&self->target, do_mprotect));
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_PROTECTION, self->va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_PROTECTION_VMA, ev.cause);
	ASSERT_TRUE(ev.has_before && ev.has_after);
	EXPECT_TRUE(ev.before.flags & PTSCOPE_FLAG_WRITE);
	EXPECT_FALSE(ev.after.flags & PTSCOPE_FLAG_WRITE);
	EXPECT_EQ(pa, run_pa(&ev, &ev.after, self->va));
	EXPECT_EQ(pa, run_pa(&ev, &ev.before, self->va));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

TEST_F(watch, munmap_unmaps)
{
	uint64_t pa = pagemap_pa(self->target.pid, self->va);
	struct wev ev;

	ASSERT_NE(0, pa);
	ASSERT_EQ(1, run_in(&self->target, do_munmap));
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_UNMAPPED, self->va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_UNMAP, ev.cause);
	EXPECT_TRUE(ev.has_before);
	EXPECT_FALSE(ev.has_after);
	EXPECT_EQ(pa, run_pa(&ev, &ev.before, self->va));
	EXPECT_EQ(0, pagemap_pa(self->target.pid, self->va));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

static unsigned long do_dontneed(void *arg)
{
	return madvise(area, NR_PAGES * PAGE_SZ, MADV_DONTNEED) ? 0 : 1;
}

/* MADV_DONTNEED zaps the pages, the VMA stays: unmapped, cause clear. */
TEST_F(watch, dontneed_unmaps)
{
	uint64_t pa = pagemap_pa(self->target.pid, self->va);
	struct wev ev;

	ASSERT_NE(0, pa);
	ASSERT_EQ(1, run_in(&self->target, do_dontneed));
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_UNMAPPED, self->va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_CLEAR, ev.cause);
	ASSERT_TRUE(ev.has_before);
	EXPECT_FALSE(ev.has_after);
	EXPECT_EQ(pa, run_pa(&ev, &ev.before, self->va));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

static unsigned long do_mergeable(void *arg)
{
	return madvise(area, NR_PAGES * PAGE_SZ, MADV_MERGEABLE) ? 0 : 1;
}

/*
 * KSM merges the area's pages (all alike): one keeps its frame, now
 * KSM's, and the others are remapped onto it (replace_page(): cause
 * clear).
 */
TEST_F_TIMEOUT(watch, ksm_merge_remaps, 120)
{
	uint64_t pa[NR_PAGES];
	unsigned int i;
	struct wev ev;

	if (access("/sys/kernel/mm/ksm", F_OK))
		SKIP(return, "no KSM in this kernel (/sys/kernel/mm/ksm)");
	for (i = 0; i < NR_PAGES; i++)
		pa[i] = pagemap_pa(self->target.pid, self->va + i * PAGE_SZ);
	ASSERT_EQ(1, run_in(&self->target, do_mergeable));
	ASSERT_EQ(0, write_file("/sys/kernel/mm/ksm/sleep_millisecs", "10"));
	ASSERT_EQ(0, write_file("/sys/kernel/mm/ksm/run", "1"));
	self->ksm = true;
	if (!ksm_wait_merged(NR_PAGES - 1, 60000))
		SKIP(return, "ksmd merged nothing in time");
	ASSERT_EQ(1, wait_event_in(&self->w, PTSCOPE_EVENT_REMAPPED, self->va,
				   self->va + NR_PAGES * PAGE_SZ, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_CLEAR, ev.cause);
	ASSERT_TRUE(ev.has_before && ev.has_after);
	EXPECT_EQ(pa[(ev.start - self->va) / PAGE_SZ], ev.before.pa);
	/* Onto the frame another page of the area had: the KSM page. */
	for (i = 0; i < NR_PAGES && pa[i] != ev.after.pa; i++)
		;
	EXPECT_GT(NR_PAGES, i) TH_LOG("remapped to %#llx, no frame of the area",
				      (unsigned long long)ev.after.pa);
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

/*
 * move_pages() moves the page to the other node: remapped, with the
 * kernel's cause for it (try_to_migrate() clears the entry: clear; the
 * migration cause is for device memory, migrate_vma).  The event may go
 * through the migration entry first.
 */
TEST_F(watch, migration_remaps)
{
	uint64_t pa = pagemap_pa(self->target.pid, self->va);
	int node = page_node(self->target.pid, self->va), to, ret, cause = -1;
	struct wev ev;

	if (node < 0 || access("/sys/devices/system/node/node1", F_OK))
		SKIP(return, "one NUMA node: nowhere to migrate to (vm-run --numa 2)");
	to = node ? 0 : 1;
	ret = move_page_to(self->target.pid, self->va, to);
	ASSERT_EQ(0, ret) TH_LOG("move_pages: %s", strerror(-ret));
	ASSERT_EQ(to, page_node(self->target.pid, self->va));
	do {
		ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_REMAPPED, self->va, &ev));
		if (cause < 0)
			cause = ev.cause;
	} while (ev.has_after && ev.after.state == PTSCOPE_STATE_MIGRATION);
	EXPECT_EQ(PTSCOPE_CAUSE_CLEAR, cause);
	ASSERT_TRUE(ev.has_after);
	EXPECT_NE(pa, run_pa(&ev, &ev.after, self->va));
	EXPECT_EQ(pagemap_pa(self->target.pid, self->va), run_pa(&ev, &ev.after, self->va));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

TEST_F(watch, pageout_swaps_out_then_touch_swaps_in)
{
	uint64_t e, pa = pagemap_pa(self->target.pid, self->va);
	struct wev ev;

	if (swap_on_zram())
		SKIP(return, "no swap on zram");
	self->swapon = true;
	ASSERT_EQ(1, run_in(&self->target, do_pageout));
	e = pagemap_entry(self->target.pid, self->va);
	if (!(e & PM_SWAP))
		SKIP(return, "MADV_PAGEOUT left the page in memory");
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_SWAPPED_OUT, self->va, &ev));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_CLEAR, ev.cause);
	EXPECT_EQ(pa, run_pa(&ev, &ev.before, self->va));
	EXPECT_EQ(PTSCOPE_STATE_SWAP, ev.after.state);
	EXPECT_EQ(PM_SWAP_OFFSET(e), ev.after.swap_offset + (self->va - ev.start) / PAGE_SZ);

	/* A fault brings it back: no notification, the re-walk finds it. */
	ASSERT_EQ(0x5a, run_in(&self->target, do_touch));
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_SWAPPED_IN, self->va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_SAMPLED, ev.cause);
	EXPECT_EQ(PTSCOPE_STATE_PRESENT, ev.after.state);
	EXPECT_EQ(pagemap_pa(self->target.pid, self->va), run_pa(&ev, &ev.after, self->va));
	EXPECT_EQ(0, after_differs(self->target.pid, &ev));
}

TEST_F(watch, exit_ends_the_watch)
{
	struct wev ev;

	target_stop(&self->target);
	ASSERT_EQ(1, wait_event(&self->w, -1, 0, &ev));
	EXPECT_EQ(PTSCOPE_WATCH_END_EXITED, ev.end);
	EXPECT_EQ(0, ev.dropped);
}

TEST_F(watch, many_watchers_see_every_change)
{
	struct watcher more[8];
	struct wev ev;
	unsigned int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, watch_open(&more[i], self->target.pid, 0, 0, NULL));
	ASSERT_EQ(1, run_in(&self->target, do_mprotect));
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(1, wait_event(&more[i], PTSCOPE_EVENT_PROTECTION, self->va, &ev))
			TH_LOG("watcher %u saw no protection change", i);
		EXPECT_EQ(self->target.pid, ev.pid);
		EXPECT_EQ(PTSCOPE_CAUSE_PROTECTION_VMA, ev.cause);
	}
	ASSERT_EQ(1, wait_event(&self->w, PTSCOPE_EVENT_PROTECTION, self->va, &ev));
	for (i = 0; i < 8; i++)
		watch_close(&more[i]);
}

/* A page fault maps a page: no notification, found by the re-walk. */
TEST(fault_is_found_by_the_rewalk)
{
	struct target target;
	struct watcher w;
	unsigned long va;
	struct wev ev;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	ASSERT_EQ(0, target_start(&target, setup_untouched, NULL));
	va = target.value;
	ASSERT_EQ(0, watch_open(&w, target.pid, va, va + PAGE_SZ, NULL));
	ASSERT_EQ(1, run_in(&target, do_write));
	ASSERT_EQ(1, wait_event(&w, PTSCOPE_EVENT_MAPPED, va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_SAMPLED, ev.cause);
	EXPECT_FALSE(ev.has_before);
	EXPECT_EQ(pagemap_pa(target.pid, va), run_pa(&ev, &ev.after, va));
	EXPECT_EQ(0, after_differs(target.pid, &ev));
	watch_close(&w);
	target_stop(&target);
}

/*
 * After fork, the child's write breaks copy-on-write: the child's page
 * moves to a new frame (cause clear), the parent's stays where it was.
 */
TEST(cow_remaps_the_writer_only)
{
	struct watcher parent_w, child_w;
	int go[2], done[2];
	uint64_t pa, child_pa;
	unsigned long va;
	pid_t child;
	struct wev ev;
	char c = 0;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	ASSERT_NE(0, setup_area(NULL));
	va = (unsigned long)area;
	pa = pagemap_pa(getpid(), va);
	ASSERT_NE(0, pa);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(go[1]);
		close(done[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		area[0] = 1;
		if (write(done[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent is done with it. */
		read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	ASSERT_EQ(0, watch_open(&parent_w, getpid(), va, va + PAGE_SZ, NULL));
	ASSERT_EQ(0, watch_open(&child_w, child, va, va + PAGE_SZ, NULL));
	ASSERT_EQ(pa, pagemap_pa(child, va)) TH_LOG("the child does not share the frame");

	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(1, wait_event(&child_w, PTSCOPE_EVENT_REMAPPED, va, &ev));
	EXPECT_EQ(PTSCOPE_CAUSE_CLEAR, ev.cause);
	EXPECT_EQ(pa, ev.before.pa);
	child_pa = pagemap_pa(child, va);
	EXPECT_NE(pa, child_pa);
	EXPECT_EQ(child_pa, ev.after.pa);
	EXPECT_TRUE(ev.after.flags & PTSCOPE_FLAG_WRITE);
	EXPECT_EQ(0, after_differs(child, &ev));

	/* The parent's page did not move: no remap, in several re-walks. */
	EXPECT_EQ(0, wait_event(&parent_w, PTSCOPE_EVENT_REMAPPED, va, &ev))
		TH_LOG("the parent's page was reported remapped: %#llx -> %#llx",
		       (unsigned long long)ev.before.pa, (unsigned long long)ev.after.pa);
	EXPECT_EQ(pa, pagemap_pa(getpid(), va));

	close(go[1]);
	waitpid(child, NULL, 0);
	watch_close(&parent_w);
	watch_close(&child_w);
	munmap(area, NR_PAGES * PAGE_SZ);
}

#define KHUGEPAGED "/sys/kernel/mm/transparent_hugepage/khugepaged/"

/* khugepaged's settings a test lowers, and what they were. */
static const char *const khugepaged_knobs[] = {
	KHUGEPAGED "scan_sleep_millisecs",
	KHUGEPAGED "alloc_sleep_millisecs",
	KHUGEPAGED "pages_to_scan",
};

static const char *const khugepaged_fast[] = { "10", "10", "4096" };

/* A PMD-aligned area of base pages, each written: a huge page's worth. */
static unsigned long setup_pmd_of_pages(void *arg)
{
	char *p = mmap(NULL, 2 * pmd_sz(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	p = (char *)(((unsigned long)p + pmd_sz() - 1) & ~(pmd_sz() - 1));
	if (madvise(p, pmd_sz(), MADV_NOHUGEPAGE))
		return 0;
	memset(p, 0x5a, pmd_sz());
	area = p;
	return (unsigned long)p;
}

/* For khugepaged: huge pages wanted here from now on. */
static unsigned long do_hugepage(void *arg)
{
	return madvise(area, pmd_sz(), MADV_HUGEPAGE) ? 0 : 1;
}

/* MADV_COLLAPSE (6.1+): the same collapse, at once; 0 when it failed. */
static unsigned long do_collapse(void *arg)
{
	if (madvise(area, pmd_sz(), MADV_HUGEPAGE))
		return 0;
	return madvise(area, pmd_sz(), MADV_COLLAPSE) ? 0 : 1;
}

FIXTURE(promote)
{
	struct target target;
	struct watcher w;
	unsigned long va;
	char saved[3][32];
};

FIXTURE_VARIANT(promote)
{
	bool khugepaged;
};

FIXTURE_VARIANT_ADD(promote, madv_collapse)
{
	.khugepaged = false,
};

FIXTURE_VARIANT_ADD(promote, khugepaged)
{
	.khugepaged = true,
};

FIXTURE_SETUP(promote)
{
	unsigned int i;

	memset(self->saved, 0, sizeof(self->saved));
	if (!watch_available())
		SKIP(return, "%s", unavailable);
	if (access(KHUGEPAGED, F_OK))
		SKIP(return, "no transparent huge pages in this kernel");
	for (i = 0; variant->khugepaged && i < ARRAY_SIZE(khugepaged_knobs); i++) {
		read_file(khugepaged_knobs[i], self->saved[i], sizeof(self->saved[i]));
		ASSERT_NE(0, self->saved[i][0]);
	}
	ASSERT_EQ(0, target_start(&self->target, setup_pmd_of_pages, NULL));
	self->va = self->target.value;
	ASSERT_NE(0, self->va);
	/*
	 * A free PMD-sized block for MADV_COLLAPSE (512 MiB with 64 KiB
	 * pages), made before the watch starts: compaction moves the area's
	 * pages, and an event each would fill the ring before the collapse.
	 */
	if (!variant->khugepaged)
		free_memory_blocks();
	ASSERT_EQ(0, watch_open(&self->w, self->target.pid, self->va, self->va + pmd_sz(), NULL));
	/* Room for the events of the pages written before, and then some. */
	setsockopt(mnl_socket_get_fd(self->w.sock), SOL_SOCKET, SO_RCVBUFFORCE,
		   &(int){ 4 << 20 }, sizeof(int));
}

FIXTURE_TEARDOWN(promote)
{
	unsigned int i;

	watch_close(&self->w);
	target_stop(&self->target);
	for (i = 0; i < ARRAY_SIZE(khugepaged_knobs); i++)
		if (self->saved[i][0])
			write_file(khugepaged_knobs[i], self->saved[i]);
}

/*
 * The area's base pages are collapsed into one huge page, by MADV_COLLAPSE
 * or by khugepaged with its scans made frequent: promoted, cause clear
 * (collapse_huge_page() clears the PMD), the huge frame pagemap shows.
 */
TEST_F_TIMEOUT(promote, collapse_promotes, 120)
{
	unsigned long covered = 0;
	unsigned int i, events = 0;
	struct wev ev;
	int tries;

	if (variant->khugepaged) {
		for (i = 0; i < ARRAY_SIZE(khugepaged_knobs); i++)
			ASSERT_EQ(0, write_file(khugepaged_knobs[i], khugepaged_fast[i]));
		ASSERT_EQ(1, run_in(&self->target, do_hugepage));
	} else {
		if (!run_in(&self->target, do_collapse))
			SKIP(return, "MADV_COLLAPSE failed: before 6.1, no THP, or no free %s",
			     size_name(pmd_sz()));
	}
	/*
	 * khugepaged's scan comes round within a minute under TCG; re-reading
	 * 8192 pages (64 KiB ones) under KASAN outlasts one wait too.
	 */
	for (tries = 0; tries < 20; tries++)
		if (wait_event(&self->w, PTSCOPE_EVENT_PROMOTED, self->va, &ev))
			break;
	ASSERT_GT(20, tries) TH_LOG("no collapse reported in a minute");
	/*
	 * One event for the huge page: the base pages' frames were scattered,
	 * and an event a piece was up to 8192 events, more than the ring
	 * holds.  The events are added up, each page once, so that a module
	 * that cuts the promotion up again fails on the count, not a timeout.
	 */
	for (;;) {
		events++;
		/* ASSERT: one report, not one per event, when the module is wrong. */
		ASSERT_EQ(PTSCOPE_CAUSE_CLEAR, ev.cause);
		ASSERT_TRUE(ev.has_before && ev.has_after);
		ASSERT_EQ(page_shift(), ev.before.page_shift);
		ASSERT_EQ(pmd_sz(), 1UL << ev.after.page_shift);
		ASSERT_EQ(0, after_differs(self->target.pid, &ev));
		ASSERT_LE(self->va, ev.start);
		ASSERT_GE(self->va + pmd_sz(), ev.stop);
		covered += ev.stop - ev.start;
		if (covered >= pmd_sz())
			break;
		ASSERT_EQ(1, wait_event_in(&self->w, PTSCOPE_EVENT_PROMOTED, self->va,
					   self->va + pmd_sz(), &ev))
			TH_LOG("promoted: %#lx of %#lx bytes", covered, pmd_sz());
	}
	EXPECT_EQ(pmd_sz(), covered);
	EXPECT_EQ(1, events) TH_LOG("one collapse, %u promoted events", events);
	EXPECT_EQ(0, ev.dropped);
}

/*
 * The flood: FLOOD_PAGES pages faulted and half zapped FLOOD_ROUNDS times,
 * 65,536 unmappings whatever the page size: far more events than the
 * module's ring (512) and a socket's default buffer hold.  Few pages and
 * many rounds keep the memory and the time small with 16 and 64 KiB pages
 * (8 MiB of 4 KiB pages, 128 MiB of 64 KiB ones); 32 MiB churned 32 times
 * gave 64 KiB pages too few events to drop any.
 */
#define FLOOD_PAGES 2048UL
#define FLOOD_ROUNDS 64
#define FLOOD_BYTES (FLOOD_PAGES * PAGE_SZ)

static unsigned long setup_flood(void *arg)
{
	area = mmap(NULL, FLOOD_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 0;
	/* EINVAL without THP (PREEMPT_RT): no huge page to keep out then. */
	madvise(area, FLOOD_BYTES, MADV_NOHUGEPAGE);
	return (unsigned long)area;
}

/*
 * Write every page, then zap every other one, one madvise() each: a
 * notification per page, and changes no run can merge.
 */
static unsigned long do_flood(void *arg)
{
	unsigned long i, r;

	for (r = 0; r < FLOOD_ROUNDS; r++) {
		for (i = 0; i < FLOOD_PAGES; i++)
			area[i * PAGE_SZ] = r;
		for (i = r % 2; i < FLOOD_PAGES; i += 2)
			madvise(area + i * PAGE_SZ, PAGE_SZ, MADV_DONTNEED);
	}
	return 1;
}

static long wait_drops(pid_t portid, long above, int ms);
static long netlink_rmem(pid_t portid);

/* Kernel warnings so far: WARNING, BUG, Oops, lockdep's reports. */
static long splats(void)
{
	char *out = run_output("dmesg | grep -c -E 'WARNING:|BUG:|Oops|INFO: |circular locking'");
	long n = out ? strtol(out, NULL, 10) : -1;

	free(out);
	return n;
}

/*
 * A target churning FLOOD_PAGES * FLOOD_ROUNDS pages under a watcher that
 * does not read, and a `ptscope watch` held stopped: events are dropped,
 * each message after says how many, the end too; the client tells its
 * user; the kernel logs nothing.
 */
#define RMEM_MAX "/proc/sys/net/core/rmem_max"

FIXTURE(flood)
{
	struct target target;
	struct watcher w;
	pid_t client;
	int err;
	char rmem_max[32];
};

/*
 * Both readers get small receive buffers (32 KiB: the kernel doubles what
 * is asked): how many events a churn makes depends on how often the
 * module re-reads, which the scheduler decides.  On PREEMPT_RT the
 * re-reads were rare enough that 65,536 unmappings fit in the default
 * buffer (0 dropped); the module's ring and a small buffer overflow on
 * any kernel.
 */
FIXTURE_SETUP(flood)
{
	int small = 16 << 10;

	self->client = 0;
	self->err = -1;
	self->rmem_max[0] = '\0';
	if (!watch_available())
		SKIP(return, "%s", unavailable);
	ASSERT_EQ(0, target_start(&self->target, setup_flood, NULL));
	ASSERT_NE(0, self->target.value);
	ASSERT_EQ(0, watch_open(&self->w, self->target.pid, 0, 0, NULL));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->w.sock), SOL_SOCKET, SO_RCVBUF,
				&small, sizeof(small)));
	/* The client asks for more, without CAP_NET_ADMIN: it gets rmem_max. */
	read_file(RMEM_MAX, self->rmem_max, sizeof(self->rmem_max));
	ASSERT_EQ(0, write_file(RMEM_MAX, "16384"));
}

FIXTURE_TEARDOWN(flood)
{
	if (self->client > 0) {
		kill(self->client, SIGKILL);
		waitpid(self->client, NULL, 0);
	}
	if (self->err >= 0)
		close(self->err);
	watch_close(&self->w);
	target_stop(&self->target);
	if (self->rmem_max[0])
		write_file(RMEM_MAX, self->rmem_max);
}

TEST_F_TIMEOUT(flood, drops_are_counted, 300)
{
	char pid[16], buf[4096];
	uint64_t dropped = 0;
	unsigned long msgs = 0;
	int err[2], status, i;
	time_t t0;
	size_t len = 0;
	struct wev ev;
	long before;
	ssize_t n;

	before = splats();
	ASSERT_EQ(0, pipe(err));
	snprintf(pid, sizeof(pid), "%d", self->target.pid);
	self->client = fork();
	ASSERT_LE(0, self->client);
	if (!self->client) {
		dup2(open("/dev/null", O_WRONLY), 1);
		dup2(err[1], 2);
		close(err[0]);
		/* The target ends when its command pipe closes: not held here. */
		close(self->target.cmd_fd);
		close(self->target.report_fd);
		/* No SO_RCVBUFFORCE: the receive buffer stays rmem_max's. */
		prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0);
		execlp("ptscope", "ptscope", "watch", "--interval", "10", pid, NULL);
		_exit(127);
	}
	close(err[1]);
	self->err = err[0];
	/* Its socket is there; then its watch, soon after: hold it still. */
	ASSERT_LE(0, wait_drops(self->client, -1, WAIT_MS));
	usleep(500000);
	kill(self->client, SIGSTOP);

	t0 = time(NULL);
	ASSERT_EQ(1, run_in(&self->target, do_flood));
	while (next_message(&self->w, &ev, 1000) > 0) {
		msgs++;
		if (ev.dropped > dropped)
			dropped = ev.dropped;
	}
	ksft_print_msg("%lu pages churned in %ld s: %lu messages read, %llu dropped\n",
		       FLOOD_PAGES * FLOOD_ROUNDS, (long)(time(NULL) - t0), msgs,
		       (unsigned long long)dropped);
	EXPECT_LT(0, dropped) TH_LOG("%lu pages churned, nothing dropped",
				     FLOOD_PAGES * FLOOD_ROUNDS);

	/*
	 * Let the client drain what its socket holds, so that the end (which
	 * carries the module's count) reaches it: then it says how many.
	 */
	kill(self->client, SIGCONT);
	for (i = 0; i < 10 * WAIT_MS / 10 && netlink_rmem(self->client) > 0; i++)
		usleep(10000);
	target_stop(&self->target);
	ASSERT_EQ(1, wait_event(&self->w, -1, 0, &ev));
	EXPECT_EQ(PTSCOPE_WATCH_END_EXITED, ev.end);
	EXPECT_LE(dropped, ev.dropped) TH_LOG("the end says fewer drops than before");

	while (len < sizeof(buf) - 1 &&
	       (n = read(self->err, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	ASSERT_EQ(self->client, waitpid(self->client, &status, 0));
	self->client = 0;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("status %#x", status);
	EXPECT_NE(NULL, strstr(buf, " event(s) dropped: the reader fell behind\n"))
		TH_LOG("the client's stderr: %s", buf);
	EXPECT_EQ(before, splats()) TH_LOG("the kernel logged a warning: see dmesg");
}

/* A watch holds no reference on the module: rmmod ends it, and says so. */
TEST(rmmod_ends_the_watch)
{
	struct target target;
	struct watcher w;
	struct wev ev;
	int ret;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	if (access(MODULE_PATH, F_OK))
		SKIP(return, "ptscope.ko is not at " MODULE_PATH);
	ASSERT_EQ(0, target_start(&target, setup_area, NULL));
	ASSERT_EQ(0, watch_open(&w, target.pid, 0, 0, NULL));
	ret = module_unload();
	ASSERT_EQ(0, ret) TH_LOG("rmmod with a watch: %s", strerror(-ret));
	EXPECT_EQ(1, wait_event(&w, -1, 0, &ev));
	EXPECT_EQ(PTSCOPE_WATCH_END_UNLOADED, ev.end);
	watch_close(&w);
	target_stop(&target);
	ret = module_load();
	ASSERT_EQ(0, ret) TH_LOG("insmod: %s", strerror(-ret));
}

/* A process that changes one page's protection over and over: events. */
static pid_t start_churn(void)
{
	pid_t pid = fork();
	char *p;

	if (pid)
		return pid;
	p = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	p[0] = 1;
	for (;;) {
		mprotect(p, PAGE_SZ, PROT_READ);
		mprotect(p, PAGE_SZ, PROT_READ | PROT_WRITE);
		p[0]++;
	}
}

/*
 * Column @column of /proc/net/netlink for the socket of @portid, or -1:
 * sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode.
 */
#define NETLINK_RMEM 4
#define NETLINK_DROPS 8

static long netlink_column(pid_t portid, int column)
{
	char line[256], *word, *at;
	long value = -1;
	int i;
	FILE *f;

	f = fopen("/proc/net/netlink", "r");
	if (!f)
		return -1;
	while (value < 0 && fgets(line, sizeof(line), f)) {
		at = line;
		for (i = 0; (word = strsep(&at, " \t\n")); ) {
			if (!*word)
				continue;
			if (i == 2 && strtol(word, NULL, 10) != portid)
				break;
			if (i++ == column) {
				value = strtol(word, NULL, 10);
				break;
			}
		}
	}
	fclose(f);
	return value;
}

static long netlink_drops(pid_t portid)
{
	return netlink_column(portid, NETLINK_DROPS);
}

static long netlink_rmem(pid_t portid)
{
	return netlink_column(portid, NETLINK_RMEM);
}

/* Wait up to @ms for the drops of @portid to pass @above: the new count, or -1. */
static long wait_drops(pid_t portid, long above, int ms)
{
	long drops = -1;
	int i;

	for (i = 0; i < ms / 10; i++) {
		drops = netlink_drops(portid);
		if (drops > above)
			return drops;
		usleep(10000);
	}
	return -1;
}

/*
 * `ptscope watch` ends on rmmod and on the target's exit even when the
 * module's last message is lost.  The client is made to fall behind: its
 * stdout is a full pipe nobody reads (so it blocks writing), and its receive
 * buffer is small (net.core.rmem_max lowered, and no CAP_NET_ADMIN to
 * force it larger), so that the churning target's events overflow it.
 * Once the socket has dropped a message after the target stopped
 * changing, the end was lost too; then the pipe is read, and the client
 * must end by itself, saying why.
 */
FIXTURE(lost_end)
{
	pid_t churn;
	pid_t client;
	int out;
	char rmem_max[32];
	bool unloaded;
};

FIXTURE_VARIANT(lost_end)
{
	bool rmmod;
	const char *end;
};

FIXTURE_VARIANT_ADD(lost_end, rmmod)
{
	.rmmod = true,
	.end = "watch ended: unloaded",
};

FIXTURE_VARIANT_ADD(lost_end, exit)
{
	.rmmod = false,
	.end = "watch ended: exited",
};

FIXTURE_SETUP(lost_end)
{
	char pid[16];
	int fd, pipefd[2];

	self->out = -1;
	if (!watch_available())
		SKIP(return, "%s", unavailable);
	if (access(MODULE_PATH, F_OK))
		SKIP(return, "ptscope.ko is not at " MODULE_PATH);
	fd = open("/proc/sys/net/core/rmem_max", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, self->rmem_max, sizeof(self->rmem_max) - 1));
	close(fd);
	ASSERT_EQ(0, write_file("/proc/sys/net/core/rmem_max", "4096"));

	self->churn = start_churn();
	ASSERT_LT(0, self->churn);
	ASSERT_EQ(0, pipe(pipefd));
	/* Full before the client writes its first line: it blocks there. */
	fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
	while (write(pipefd[1], "filler\n", 7) == 7)
		;
	fcntl(pipefd[1], F_SETFL, 0);
	snprintf(pid, sizeof(pid), "%d", self->churn);
	self->client = fork();
	ASSERT_LE(0, self->client);
	if (!self->client) {
		dup2(pipefd[1], 1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		close(pipefd[0]);
		/* Root's exec keeps no capability outside the bounding set. */
		prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0);
		execlp("ptscope", "ptscope", "watch", "--interval", "10", pid, NULL);
		_exit(127);
	}
	close(pipefd[1]);
	self->out = pipefd[0];
}

FIXTURE_TEARDOWN(lost_end)
{
	if (self->churn > 0) {
		kill(self->churn, SIGKILL);
		waitpid(self->churn, NULL, 0);
	}
	if (self->client > 0) {
		kill(self->client, SIGKILL);
		waitpid(self->client, NULL, 0);
	}
	if (self->out >= 0)
		close(self->out);
	if (self->rmem_max[0])
		write_file("/proc/sys/net/core/rmem_max", self->rmem_max);
	if (self->unloaded)
		module_load();
}

/* Its waits add up to more than the default 30 s on a slow guest. */
TEST_F_TIMEOUT(lost_end, client_ends_by_itself, 120)
{
	char buf[4096], last[sizeof(buf)] = "";
	struct pollfd pfd = { .fd = self->out, .events = POLLIN };
	size_t len = 0;
	long drops;
	ssize_t n;
	int status, ret;
	char *nl;

	/* The client's first socket has its pid for a port id. */
	drops = wait_drops(self->client, 0, 10 * WAIT_MS);
	ASSERT_LT(0, drops) TH_LOG("the client's receive buffer never overflowed");
	/* The target holds still: any drop from now on is the last message. */
	ASSERT_EQ(0, kill(self->churn, SIGSTOP));
	usleep(500000);
	drops = netlink_drops(self->client);
	if (variant->rmmod) {
		ret = module_unload();
		ASSERT_EQ(0, ret) TH_LOG("rmmod: %s", strerror(-ret));
		self->unloaded = true;
	} else {
		kill(self->churn, SIGKILL);
		waitpid(self->churn, NULL, 0);
		self->churn = 0;
	}
	ASSERT_LT(0, wait_drops(self->client, drops, WAIT_MS))
		TH_LOG("the last message was not lost");

	/* Now let the client read on: it must end by itself. */
	for (;;) {
		ASSERT_EQ(1, poll(&pfd, 1, 20000)) TH_LOG("the client did not end");
		n = read(self->out, buf + len, sizeof(buf) - 1 - len);
		ASSERT_LE(0, n);
		if (!n)
			break;
		len += n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			memcpy(last, buf, nl + 1 - buf);
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			len = 0;
	}
	ASSERT_EQ(self->client, waitpid(self->client, &status, 0));
	self->client = 0;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the client's status: %#x", status);
	EXPECT_NE(NULL, strstr(last, variant->end)) TH_LOG("its last line: %s", last);
}

/* The debugfs watch file, read as cat reads it: a line at a time here. */
struct wfile {
	int fd;
	size_t len;
	char buf[16384];
};

static int wfile_open(struct wfile *f, int flags)
{
	f->len = 0;
	f->fd = open(WATCH_FILE, flags | O_CLOEXEC);
	return f->fd < 0 ? -errno : 0;
}

static int wfile_add(struct wfile *f, pid_t pid)
{
	char s[16];
	int n = snprintf(s, sizeof(s), "%d", pid);

	return write(f->fd, s, n) == n ? 0 : -errno;
}

/* The next line, within @timeout_ms: 1, 0 on timeout, -1 at the end, -errno. */
static int wfile_line(struct wfile *f, char *line, size_t size, int timeout_ms)
{
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	char *nl;
	ssize_t n;

	while (!(nl = memchr(f->buf, '\n', f->len))) {
		if (poll(&pfd, 1, timeout_ms) != 1)
			return 0;
		n = read(f->fd, f->buf + f->len, sizeof(f->buf) - f->len);
		if (n < 0)
			return -errno;
		if (!n)
			return -1;
		f->len += n;
	}
	snprintf(line, size, "%.*s", (int)(nl - f->buf), f->buf);
	f->len -= nl + 1 - f->buf;
	memmove(f->buf, nl + 1, f->len);
	return 1;
}

/* Read lines until one holding every string of @want: 1, or 0 (timeout, end). */
static int wfile_wait(struct wfile *f, const char *want1, const char *want2, char *line,
		      size_t size)
{
	while (wfile_line(f, line, size, WAIT_MS) == 1)
		if (strstr(line, want1) && (!want2 || strstr(line, want2)))
			return 1;
	return 0;
}

/*
 * Watchers of the file, many of one target and one of many: three
 * targets, the first watched by four files; each file sees each of its
 * targets' changes (a protection change, from mprotect) with the pagemap
 * frame, and each target's exit; a file whose targets all exited reads
 * as its end, as cat expects.
 */
TEST(debugfs_watch_many_to_many)
{
	struct target t[3];
	struct wfile *f;
	char line[1024], pidstr[3][16], addr[32], pa[32];
	unsigned int i, j;
	int ret;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	f = calloc(4, sizeof(*f));
	ASSERT_NE(NULL, f);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, target_start(&t[i], setup_area, NULL));
		snprintf(pidstr[i], sizeof(pidstr[i]), "pid %d ", t[i].pid);
	}
	/* File 0 watches all three; files 1-3 the first target only. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, wfile_open(&f[i], O_RDWR));
		ASSERT_EQ(0, wfile_add(&f[i], t[0].pid));
	}
	ASSERT_EQ(0, wfile_add(&f[0], t[1].pid));
	ASSERT_EQ(0, wfile_add(&f[0], t[2].pid));
	EXPECT_EQ(-EEXIST, wfile_add(&f[0], t[2].pid)) TH_LOG("a second watch of one pid");

	for (i = 0; i < 3; i++) {
		snprintf(addr, sizeof(addr), " 0x%lx-", t[i].value);
		snprintf(pa, sizeof(pa), " 0x%llx ",
			 (unsigned long long)pagemap_pa(t[i].pid, t[i].value));
		ASSERT_EQ(1, run_in(&t[i], do_mprotect));
		for (j = 0; j < (i ? 1 : 4); j++) {
			ASSERT_EQ(1, wfile_wait(&f[j], pidstr[i], addr, line, sizeof(line)))
				TH_LOG("file %u saw no change of target %u", j, i);
			EXPECT_NE(NULL, strstr(line, "protection "));
			EXPECT_NE(NULL, strstr(line, " protection-vma:"));
			/* Before and after: the same frame, the write flag gone. */
			EXPECT_NE(NULL, strstr(line, pa)) TH_LOG("%s: not at%s", line, pa);
			EXPECT_NE(NULL, strstr(line, "present,write,")) TH_LOG("%s", line);
			EXPECT_NE(NULL, strstr(strstr(line, "->"), "present,user"))
				TH_LOG("%s", line);
		}
	}
	for (i = 0; i < 3; i++) {
		target_stop(&t[i]);
		for (j = 0; j < (i ? 1 : 4); j++)
			ASSERT_EQ(1, wfile_wait(&f[j], pidstr[i], "watch ended: exited", line,
						sizeof(line)))
				TH_LOG("file %u saw no end of target %u", j, i);
	}
	for (j = 0; j < 4; j++) {
		ret = wfile_line(&f[j], line, sizeof(line), WAIT_MS);
		EXPECT_EQ(-1, ret) TH_LOG("file %u after every end: %d, %s", j, ret, line);
		close(f[j].fd);
	}
	free(f);
}

/*
 * With no pid written, the file watches the process in "target", chosen
 * at the first read; an open watch file holds the module, so rmmod is
 * refused while it is open.
 */
TEST(debugfs_watch_follows_target)
{
	struct target target;
	struct wfile f;
	char line[1024], want[32];
	int ret;

	if (!watch_available())
		SKIP(return, "%s", unavailable);
	ASSERT_EQ(0, target_start(&target, setup_area, NULL));
	ASSERT_EQ(0, ptscope_set_target(target.pid));
	ASSERT_EQ(0, wfile_open(&f, O_RDONLY));
	snprintf(want, sizeof(want), "watching pid %d ", target.pid);
	ASSERT_EQ(1, wfile_line(&f, line, sizeof(line), WAIT_MS));
	EXPECT_EQ(0, strncmp(line, want, strlen(want))) TH_LOG("%s", line);

	ret = module_unload();
	if (!ret)
		module_load();
	EXPECT_EQ(-EWOULDBLOCK, ret) TH_LOG("rmmod with a watch file open: %s", strerror(-ret));

	ASSERT_EQ(1, run_in(&target, do_munmap));
	ASSERT_EQ(1, wfile_wait(&f, "unmapped ", " unmap:", line, sizeof(line)));
	target_stop(&target);
	ASSERT_EQ(1, wfile_wait(&f, "watch ended: exited", NULL, line, sizeof(line)));
	EXPECT_EQ(-1, wfile_line(&f, line, sizeof(line), WAIT_MS));
	close(f.fd);
	write_file("/sys/kernel/debug/ptscope/target", "none");
}

TEST_HARNESS_MAIN
