// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs views: each open file shows the process whose pid was written
 * to it, whatever "target" says and whatever other openers chose; writing
 * another pid rewinds the file; every state reads as a line that explains
 * it (no target yet, a target that exited), with the read after it failing;
 * access is refused as pagemap refuses it.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#define DEBUGFS "/sys/kernel/debug/ptscope/"
#define NO_TARGET "no target: write a pid to /sys/kernel/debug/ptscope/target, or to this file\n"
#define TEXT_MAX (4UL << 20)

static const char *const views[] = { "map", "frames", "regions", "layout" };

/* Where each target maps its marker page: a line of map says whose view it is. */
static unsigned long marker_va(int i)
{
	return 0x100000000UL + i * 0x10000000UL;
}

static unsigned long map_marker(void *arg)
{
	char *p = mmap(arg, PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	*p = 1;
	return (unsigned long)p;
}

/*
 * Does @text hold a line starting at @va, as map and regions print it, or
 * layout's mmap region starting there (the markers are the lowest mmaps)?
 */
static bool shows(const char *text, unsigned long va)
{
	char start[32], mmap[32];

	snprintf(start, sizeof(start), "\n%016lx ", va);
	snprintf(mmap, sizeof(mmap), "\nmmap   %016lx ", va);
	return strstr(text, start) || strstr(text, mmap);
}

static int open_view(const char *view, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), DEBUGFS "%s", view);
	return open(path, flags);
}

/* 0, or the errno of writing @s to @fd. */
static int write_str(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : errno;
}

static int write_pid(int fd, pid_t pid)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", pid);
	return write_str(fd, buf);
}

/*
 * Read @fd to its end in reads of @chunk bytes, into @text (TEXT_MAX, NUL
 * terminated): 0, or the errno of the read that failed, after what the
 * reads before it returned.
 */
static int read_text(int fd, char *text, size_t chunk)
{
	size_t len = 0;
	ssize_t n;

	while (len + chunk < TEXT_MAX && (n = read(fd, text + len, chunk)) > 0)
		len += n;
	text[len] = '\0';
	return len + chunk >= TEXT_MAX ? E2BIG : n < 0 ? errno : 0;
}

/* Open @view (of the global target) and read it all: as read_text(). */
static int read_view_text(const char *view, char *text)
{
	int fd = open_view(view, O_RDONLY), err;

	if (fd < 0)
		return errno;
	err = read_text(fd, text, 4096);
	close(fd);
	return err;
}

FIXTURE(three)
{
	struct target t[3];
	char *text[2];
};

FIXTURE_SETUP(three)
{
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, target_start(&self->t[i], map_marker, (void *)marker_va(i)));
		ASSERT_EQ(marker_va(i), self->t[i].value);
	}
	for (i = 0; i < 2; i++) {
		self->text[i] = malloc(TEXT_MAX);
		ASSERT_NE(NULL, self->text[i]);
	}
}

FIXTURE_TEARDOWN(three)
{
	int i;

	for (i = 0; i < 3; i++)
		target_stop(&self->t[i]);
	free(self->text[0]);
	free(self->text[1]);
}

/* Which of the three targets @text shows: a mask of them. */
static unsigned int whose(const char *text)
{
	unsigned int i, mask = 0;

	for (i = 0; i < 3; i++)
		mask |= shows(text, marker_va(i)) << i;
	return mask;
}

TEST_F(three, two_files_show_their_own_pids_while_target_is_a_third)
{
	size_t len[2] = { 0, 0 };
	bool done[2] = { false, false };
	int fd[2], i;
	ssize_t n;

	ASSERT_EQ(0, ptscope_set_target(self->t[2].pid));
	for (i = 0; i < 2; i++) {
		fd[i] = open_view("map", O_RDWR);
		ASSERT_LE(0, fd[i]) TH_LOG("map: %s", strerror(errno));
		ASSERT_EQ(0, write_pid(fd[i], self->t[i].pid));
	}
	/* In turns, a little at a time: each file keeps its own place. */
	while (!done[0] || !done[1]) {
		for (i = 0; i < 2; i++) {
			if (done[i])
				continue;
			n = read(fd[i], self->text[i] + len[i], 500);
			ASSERT_LE(0, n) TH_LOG("read: %s", strerror(errno));
			ASSERT_GT(TEXT_MAX, len[i] + 1000);
			len[i] += n;
			done[i] = !n;
		}
	}
	for (i = 0; i < 2; i++) {
		self->text[i][len[i]] = '\0';
		EXPECT_EQ(1U << i, whose(self->text[i])) TH_LOG("%d: %.300s", i, self->text[i]);
		EXPECT_EQ(0, strncmp(self->text[i], "va_start ", 9));
		close(fd[i]);
	}
	/* And "target" still names the third. */
	ASSERT_EQ(0, read_view_text("map", self->text[0]));
	EXPECT_EQ(1U << 2, whose(self->text[0]));
}

TEST_F(three, written_pid_beats_target_in_every_view)
{
	unsigned int i;
	int fd;

	ASSERT_EQ(0, ptscope_set_target(self->t[2].pid));
	for (i = 0; i < ARRAY_SIZE(views); i++) {
		fd = open_view(views[i], O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, write_pid(fd, self->t[0].pid));
		/* Changing "target" now changes nothing for this file. */
		ASSERT_EQ(0, ptscope_set_target(self->t[1].pid));
		ASSERT_EQ(0, read_text(fd, self->text[0], 4096)) TH_LOG("%s", views[i]);
		close(fd);
		ASSERT_EQ(0, ptscope_set_target(self->t[2].pid));
		ASSERT_EQ(0, read_view_text(views[i], self->text[1]));
		EXPECT_EQ(1U << 0, whose(self->text[0]))
			TH_LOG("%s: %.300s", views[i], self->text[0]);
		EXPECT_EQ(1U << 2, whose(self->text[1])) TH_LOG("%s", views[i]);
	}
}

TEST_F(three, file_without_pid_takes_target_at_first_read)
{
	int fd;

	ASSERT_EQ(0, ptscope_set_target(self->t[0].pid));
	fd = open_view("map", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ptscope_set_target(self->t[1].pid));
	ASSERT_EQ(0, read_text(fd, self->text[0], 4096));
	EXPECT_EQ(1U << 1, whose(self->text[0]));
	/* Pinned by that read: read again from the start, same process. */
	ASSERT_EQ(0, ptscope_set_target(self->t[2].pid));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, read_text(fd, self->text[0], 4096));
	EXPECT_EQ(1U << 1, whose(self->text[0]));
	close(fd);
}

TEST_F(three, writing_a_pid_after_reads_rewinds)
{
	char head[2000];
	int fd;

	fd = open_view("map", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_pid(fd, self->t[0].pid));
	ASSERT_EQ(sizeof(head), read(fd, head, sizeof(head)));
	ASSERT_EQ(0, write_pid(fd, self->t[1].pid));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	ASSERT_EQ(0, read_text(fd, self->text[0], 4096));
	EXPECT_EQ(0, strncmp(self->text[0], "va_start ", 9)) TH_LOG("%.200s", self->text[0]);
	EXPECT_EQ(1U << 1, whose(self->text[0]));
	/* Back to "target" (the third) with "none". */
	ASSERT_EQ(0, ptscope_set_target(self->t[2].pid));
	ASSERT_EQ(0, write_str(fd, "none"));
	ASSERT_EQ(0, read_text(fd, self->text[0], 4096));
	EXPECT_EQ(1U << 2, whose(self->text[0]));
	close(fd);
}

struct race {
	int fd;
	pid_t pid[2];
	atomic_ulong writes;
	atomic_bool stop;
	int errors;
};

/* Write the two pids in turn to the file another thread reads. */
static void *write_pids(void *arg)
{
	struct race *r = arg;

	for (; !r->stop; r->writes++)
		r->errors += !!write_pid(r->fd, r->pid[r->writes % 2]);
	return NULL;
}

TEST_F(three, writes_race_reads_of_one_file)
{
	struct race r = { .pid = { self->t[0].pid, self->t[1].pid } };
	unsigned long reads;
	pthread_t writer;
	char buf[1000];
	ssize_t n;

	r.fd = open_view("map", O_RDWR);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, write_pid(r.fd, self->t[0].pid));
	ASSERT_EQ(0, pthread_create(&writer, NULL, write_pids, &r));
	for (reads = 0; reads < 300 || r.writes < 300; reads++) {
		n = pread(r.fd, buf, sizeof(buf), reads % 7 * 300);
		EXPECT_LE(0, n) TH_LOG("pread: %s", strerror(errno));
		n = read(r.fd, buf, sizeof(buf));
		EXPECT_LE(0, n) TH_LOG("read: %s", strerror(errno));
	}
	r.stop = true;
	pthread_join(writer, NULL);
	EXPECT_EQ(0, r.errors);
	ASSERT_EQ(0, write_pid(r.fd, self->t[1].pid));
	ASSERT_EQ(0, read_text(r.fd, self->text[0], 333));
	EXPECT_EQ(1U << 1, whose(self->text[0]));
	close(r.fd);
	ksft_print_msg("%lu reads during %lu writes\n", reads, r.writes);
}

TEST(no_target_reads_as_a_line_that_says_what_to_do)
{
	char *text = malloc(TEXT_MAX);
	unsigned int i;
	int fd;

	ASSERT_NE(NULL, text);
	fd = open(DEBUGFS "target", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_str(fd, "none\n"));
	close(fd);
	ASSERT_EQ(0, read_view_text("target", text));
	EXPECT_STREQ("none\n", text);
	for (i = 0; i < ARRAY_SIZE(views); i++) {
		/* The line, then the read after it fails: cat exits non-zero. */
		EXPECT_EQ(ESRCH, read_view_text(views[i], text)) TH_LOG("%s", views[i]);
		EXPECT_STREQ(NO_TARGET, text) TH_LOG("%s", views[i]);
	}
	free(text);
}

TEST(exited_target_reads_as_exited)
{
	char *text = malloc(TEXT_MAX), want[64];
	struct target t;
	unsigned int i;
	int fd[ARRAY_SIZE(views)];
	pid_t pid;

	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, target_start(&t, map_marker, (void *)marker_va(0)));
	pid = t.pid;
	ASSERT_EQ(0, ptscope_set_target(pid));
	for (i = 0; i < ARRAY_SIZE(views); i++) {
		fd[i] = open_view(views[i], O_RDWR);
		ASSERT_LE(0, fd[i]);
		ASSERT_EQ(0, write_pid(fd[i], pid));
	}
	snprintf(want, sizeof(want), "%d ", pid);
	ASSERT_EQ(0, read_view_text("target", text));
	EXPECT_EQ(0, strncmp(text, want, strlen(want))) TH_LOG("target: %s", text);
	target_stop(&t);

	snprintf(want, sizeof(want), "%d (exited)\n", pid);
	ASSERT_EQ(0, read_view_text("target", text));
	EXPECT_STREQ(want, text);
	snprintf(want, sizeof(want), "target %d has exited\n", pid);
	for (i = 0; i < ARRAY_SIZE(views); i++) {
		/* Through "target": the process was gone before the view pinned it. */
		EXPECT_EQ(ESRCH, read_view_text(views[i], text)) TH_LOG("%s", views[i]);
		EXPECT_STREQ(want, text) TH_LOG("%s", views[i]);
		/* Written to the file while it lived: after the header, if any. */
		EXPECT_EQ(ESRCH, read_text(fd[i], text, 4096)) TH_LOG("%s", views[i]);
		EXPECT_NE(NULL, strstr(text, want)) TH_LOG("%s: %s", views[i], text);
		close(fd[i]);
	}
	free(text);
}

TEST(bad_pid_written_to_a_view_is_refused)
{
	static const char bad[][24] = { "abc", "0", "-1", "\n", "12345678901234567890" };
	char text[4096];
	unsigned int i;
	pid_t gone;
	int fd;

	gone = fork();
	ASSERT_LE(0, gone);
	if (gone == 0)
		_exit(0);
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));

	fd = open_view("map", O_RDWR);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(EINVAL, write_str(fd, bad[i])) TH_LOG("\"%s\"", bad[i]);
	EXPECT_EQ(ESRCH, write_pid(fd, gone));
	/* The file still shows what it showed: this process. */
	ASSERT_EQ(0, write_pid(fd, getpid()));
	EXPECT_EQ(ESRCH, write_pid(fd, gone));
	EXPECT_LT(0, read(fd, text, sizeof(text)));
	EXPECT_EQ(0, strncmp(text, "va_start ", 9));
	close(fd);
}

/*
 * As uid 65534 with CAP_SYS_ADMIN (what every view needs) and
 * CAP_DAC_OVERRIDE (so that file modes do not answer first), but not
 * CAP_SYS_PTRACE: this test, running as root, is a process it may not read.
 */
TEST(unreadable_target_is_refused_when_written_and_when_pinned)
{
	pid_t parent = getpid(), child;
	int status;

	ASSERT_EQ(0, ptscope_set_target(parent));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		char buf[256];
		int fd;

		if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ||
		    set_caps(1U << CAP_SYS_ADMIN | 1U << CAP_DAC_OVERRIDE))
			_exit(10);
		if (pagemap_access(parent) != EACCES)
			_exit(11);
		fd = open_view("map", O_RDWR);
		if (fd < 0)
			_exit(12);
		if (write_pid(fd, parent) != EACCES)
			_exit(13);
		/* Through "target", at the first read. */
		if (read(fd, buf, sizeof(buf)) >= 0 || errno != EACCES)
			_exit(14);
		/* Its own process it may read. */
		if (write_pid(fd, getpid()) || read(fd, buf, sizeof(buf)) <= 0)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("step %d failed", WEXITSTATUS(status));
}

static unsigned long map_scattered_area(void *arg)
{
	return (unsigned long)map_scattered((unsigned long)arg);
}

/* Read all of @pid's map in reads of @chunk bytes: 0 or the errno. */
static int read_map_of(pid_t pid, char *text, size_t chunk)
{
	int fd = open_view("map", O_RDWR), err;

	if (fd < 0)
		return errno;
	err = write_pid(fd, pid) ?: read_text(fd, text, chunk);
	close(fd);
	return err;
}

/* How many reads at offsets into @text (as pread() and lseek() make) differ. */
static int preads_differ(pid_t pid, const char *text)
{
	size_t len = strlen(text);
	int fd, i, differ = 0;
	char buf[300];
	ssize_t n;

	fd = open_view("map", O_RDWR);
	if (fd < 0 || write_pid(fd, pid))
		return -1;
	for (i = 0; i < 20; i++) {
		off_t off = len / 20 * i + i;

		n = pread(fd, buf, sizeof(buf), off);
		differ += n <= 0 || memcmp(buf, text + off, n);
	}
	close(fd);
	return differ;
}

/*
 * Every page of a fragmented area is a line of its own: the same text
 * whatever the size of the reads, and from any offset.  The kernel may
 * migrate a page between two reads (compaction): retried a few times.
 */
TEST(fragmented_map_reads_the_same_in_reads_of_any_size)
{
	static const size_t chunks[] = { 1 << 20, 4096, 333 };
	const unsigned long pages = 4096;
	char *text[2] = { malloc(TEXT_MAX), malloc(TEXT_MAX) };
	unsigned long lines = 0;
	int attempt, differ = 1;
	unsigned int i;
	struct target t;
	char *line;

	ASSERT_NE(NULL, text[0]);
	ASSERT_NE(NULL, text[1]);
	ASSERT_EQ(0, target_start(&t, map_scattered_area, (void *)(pages * PAGE_SZ)));
	ASSERT_NE(0, t.value);
	for (attempt = 0; attempt < 5 && differ; attempt++) {
		ASSERT_EQ(0, read_map_of(t.pid, text[0], chunks[0]));
		for (differ = 0, i = 1; i < ARRAY_SIZE(chunks); i++) {
			ASSERT_EQ(0, read_map_of(t.pid, text[1], chunks[i]));
			differ += !!strcmp(text[0], text[1]);
		}
		differ += preads_differ(t.pid, text[0]);
	}
	EXPECT_EQ(0, differ);
	for (line = text[0]; (line = strchr(line, '\n')); line++)
		lines++;
	/* A line per page of the area, and more for the rest of the process. */
	EXPECT_LT(pages, lines);
	target_stop(&t);
	free(text[0]);
	free(text[1]);
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define SWAP_PAGES 64
#define REGIONS_HEADER \
	"start            end              perm region resident     swap offset   path\n"
#define LAYOUT_HEADER \
	"region start            end               vmas   mapped_kib  resident      swap\n"

/* SWAP_PAGES pages, every other one paged out to swap. */
static unsigned long map_half_swapped(void *arg)
{
	char *p = mmap(NULL, SWAP_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;

	if (p == MAP_FAILED)
		return 0;
	madvise(p, SWAP_PAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	memset(p, 1, SWAP_PAGES * PAGE_SZ);
	for (i = 0; i < SWAP_PAGES; i += 2)
		madvise(p + i * PAGE_SZ, PAGE_SZ, MADV_PAGEOUT);
	return (unsigned long)p;
}

/* The text of @view of @pid, by a pid written to the file. */
static int read_view_of(const char *view, pid_t pid, char *text)
{
	int fd = open_view(view, O_RDWR), err;

	if (fd < 0)
		return errno;
	err = write_pid(fd, pid) ?: read_text(fd, text, 4096);
	close(fd);
	return err;
}

FIXTURE(swap)
{
	struct target t;
	char *text;
};

FIXTURE_SETUP(swap)
{
	self->text = malloc(TEXT_MAX);
	ASSERT_NE(NULL, self->text);
	if (swap_on_zram())
		SKIP(return, "no swap on zram");
	ASSERT_EQ(0, target_start(&self->t, map_half_swapped, NULL));
	ASSERT_NE(0, self->t.value);
}

FIXTURE_TEARDOWN(swap)
{
	target_stop(&self->t);
	swap_off_zram();
	free(self->text);
}

/*
 * Swap is shown wherever residency is: regions has a swap column after
 * resident, which pagemap confirms, and layout one that sums regions'.
 */
TEST_F(swap, swapped_pages_are_counted_in_regions_and_layout)
{
	unsigned long start, end, resident, swap, want_resident = 0, want_swap = 0, va;
	unsigned long mmap_swap = 0, layout_swap = ~0UL, vmas, kib;
	unsigned long area = self->t.value;
	char *text = self->text, *line, region[8];
	bool found = false;
	uint64_t pme;
	int fields;

	for (va = area; va < area + SWAP_PAGES * PAGE_SZ; va += PAGE_SZ) {
		pme = pagemap_entry(self->t.pid, va);
		want_resident += !!(pme & PM_PRESENT);
		want_swap += !!(pme & PM_SWAP);
	}
	if (!want_swap)
		SKIP(return, "MADV_PAGEOUT put no page in swap");

	ASSERT_EQ(0, read_view_of("regions", self->t.pid, text));
	EXPECT_EQ(0, strncmp(text, REGIONS_HEADER, strlen(REGIONS_HEADER))) TH_LOG("%.100s", text);
	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "%lx %lx %*s %7s %lu %lu", &start, &end, region, &resident,
			   &swap) != 5)
			continue;
		if (!strcmp(region, "mmap"))
			mmap_swap += swap;
		if (start != area)
			continue;
		found = true;
		EXPECT_EQ(want_resident, resident);
		EXPECT_EQ(want_swap, swap);
	}
	EXPECT_TRUE(found) TH_LOG("no line for %#lx in %s", area, text);

	ASSERT_EQ(0, read_view_of("layout", self->t.pid, text));
	EXPECT_EQ(0, strncmp(text, LAYOUT_HEADER, strlen(LAYOUT_HEADER))) TH_LOG("%.100s", text);
	line = strstr(text, "\nmmap ");
	ASSERT_NE(NULL, line);
	fields = sscanf(line + 1, "%7s %lx %lx %lu %lu %lu %lu", region, &start, &end,
			&vmas, &kib, &resident, &layout_swap);
	EXPECT_EQ(7, fields);
	EXPECT_EQ(mmap_swap, layout_swap);
	EXPECT_LE(want_swap, layout_swap);
	ksft_print_msg("%lu of %d pages in swap\n", want_swap, SWAP_PAGES);
}

TEST_HARNESS_MAIN
