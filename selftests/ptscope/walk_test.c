// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk seen through debugfs, checked page by page against
 * /proc/PID/pagemap: the seed's two processes at 0x00400000, a shared
 * library, copy-on-write, heap, stack, every region, huge pages, swap,
 * sparse reservations, and the errors for targets that cannot be walked.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

static unsigned long pages_checked;

static void report_checked(struct __test_metadata *_metadata)
{
	ksft_print_msg("%s: %lu pages cross-checked with pagemap\n",
		       _metadata->name, pages_checked);
}

static int check_range(pid_t pid, unsigned long start, unsigned long end)
{
	return check_against_pagemap(pid, start, end, &pages_checked);
}

/* The PA ptscope reports for @va in @pid, 0 when unmapped. */
static unsigned long pa_of(pid_t pid, unsigned long va)
{
	struct map_run *runs = NULL;
	const struct map_run *run;
	unsigned long pa = 0;
	int n;

	n = ptscope_read_map(pid, &runs);
	run = n > 0 ? ptscope_find_run(runs, n, va) : NULL;
	if (run && !strcmp(run->state, "present"))
		pa = run->pa + (va - run->va);
	free(runs);
	return pa;
}

TEST(seed_two_processes_same_va_different_frames)
{
	struct target a, b;
	unsigned long pa_a, pa_b;

	ASSERT_EQ(0, target_start(&a, map_seed_page, (void *)'A'));
	ASSERT_EQ(0, target_start(&b, map_seed_page, (void *)'B'));
	ASSERT_EQ(SEED_VA, a.value) TH_LOG("0x00400000 is taken in this process");
	ASSERT_EQ(SEED_VA, b.value);

	pa_a = pa_of(a.pid, SEED_VA);
	pa_b = pa_of(b.pid, SEED_VA);
	EXPECT_NE(0, pa_a);
	EXPECT_NE(0, pa_b);
	EXPECT_NE(pa_a, pa_b);
	EXPECT_EQ(0, check_range(a.pid, SEED_VA, SEED_VA + PAGE_SZ));
	EXPECT_EQ(0, check_range(b.pid, SEED_VA, SEED_VA + PAGE_SZ));
	report_checked(_metadata);
	target_stop(&a);
	target_stop(&b);
}

TEST(shared_library_page_same_frame_in_two_processes)
{
	struct target a, b;
	unsigned long pa_a, pa_b;

	ASSERT_EQ(0, exec_target_start(&a, false));
	ASSERT_EQ(0, exec_target_start(&b, false));

	pa_a = pa_of(a.pid, a.value);
	pa_b = pa_of(b.pid, b.value);
	EXPECT_NE(0, pa_a) TH_LOG("printf's page is not mapped in %d", a.pid);
	EXPECT_EQ(pa_a, pa_b);
	EXPECT_EQ(0, check_range(a.pid, a.value & ~(PAGE_SZ - 1),
				 (a.value & ~(PAGE_SZ - 1)) + PAGE_SZ));
	EXPECT_EQ(0, check_range(b.pid, b.value & ~(PAGE_SZ - 1),
				 (b.value & ~(PAGE_SZ - 1)) + PAGE_SZ));
	report_checked(_metadata);
	target_stop(&a);
	target_stop(&b);
}

static char *cow_page;

static unsigned long write_cow_page(void *arg)
{
	cow_page[0] = 'c';
	return 0;
}

static unsigned long nothing(void *arg)
{
	return 0;
}

TEST(fork_shares_frame_until_child_writes)
{
	unsigned long parent_pa, child_pa;
	struct target child;
	pid_t self = getpid();

	cow_page = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, cow_page);
	cow_page[0] = 'p';

	ASSERT_EQ(0, target_start(&child, nothing, NULL));
	parent_pa = pa_of(self, (unsigned long)cow_page);
	child_pa = pa_of(child.pid, (unsigned long)cow_page);
	EXPECT_NE(0, parent_pa);
	EXPECT_EQ(parent_pa, child_pa);

	ASSERT_EQ(0, target_run(&child, write_cow_page, NULL));
	child_pa = pa_of(child.pid, (unsigned long)cow_page);
	EXPECT_NE(0, child_pa);
	EXPECT_NE(parent_pa, child_pa);
	EXPECT_EQ(parent_pa, pa_of(self, (unsigned long)cow_page));
	EXPECT_EQ(0, check_range(self, (unsigned long)cow_page,
				 (unsigned long)cow_page + PAGE_SZ));
	EXPECT_EQ(0, check_range(child.pid, (unsigned long)cow_page,
				 (unsigned long)cow_page + PAGE_SZ));
	report_checked(_metadata);
	target_stop(&child);
}

TEST(heap_holds_malloc_and_grows_with_brk)
{
	struct region_line *lines = NULL;
	const struct region_line *heap;
	char *small = malloc(64);
	unsigned long old_end;
	char *grown;
	int n;

	ASSERT_NE(NULL, small);
	small[0] = 1;
	n = ptscope_read_regions(getpid(), &lines);
	ASSERT_LT(0, n);
	heap = ptscope_find_region(lines, n, (unsigned long)small);
	ASSERT_NE(NULL, heap) TH_LOG("malloc'd %p is in no VMA", small);
	EXPECT_STREQ("heap", heap->region);
	old_end = heap->end;
	free(lines);

	grown = sbrk(1 << 20);
	ASSERT_NE((void *)-1, grown);
	memset(grown, 1, 1 << 20);
	n = ptscope_read_regions(getpid(), &lines);
	ASSERT_LT(0, n);
	heap = ptscope_find_region(lines, n, (unsigned long)grown + (1 << 20) - 1);
	ASSERT_NE(NULL, heap);
	EXPECT_STREQ("heap", heap->region);
	EXPECT_LE(old_end + (1 << 20), heap->end);
	EXPECT_EQ(0, check_range(getpid(), heap->start, heap->end));
	report_checked(_metadata);
	free(lines);
	free(small);
}

/* Recurse @depth frames of 4 KiB, then read where the stack VMA starts. */
static unsigned long stack_start_after(int depth)
{
	struct region_line *lines = NULL;
	char pad[4096];
	unsigned long start = 0;
	int n;

	memset(pad, depth, sizeof(pad));
	asm volatile("" : : "r" (pad) : "memory");
	if (depth > 0) {
		start = stack_start_after(depth - 1);
		asm volatile("" : : "r" (pad) : "memory");
		return start;
	}
	n = ptscope_read_regions(getpid(), &lines);
	if (n > 0 && ptscope_find_region(lines, n, (unsigned long)pad))
		start = ptscope_find_region(lines, n, (unsigned long)pad)->start;
	free(lines);
	return start;
}

TEST(stack_holds_locals_and_grows_down)
{
	struct region_line *lines = NULL;
	const struct region_line *stack;
	int local = 0;
	unsigned long deep;
	int n;

	n = ptscope_read_regions(getpid(), &lines);
	ASSERT_LT(0, n);
	stack = ptscope_find_region(lines, n, (unsigned long)&local);
	ASSERT_NE(NULL, stack);
	EXPECT_STREQ("stack", stack->region);

	deep = stack_start_after(512);	/* 2 MiB of frames */
	EXPECT_NE(0, deep);
	EXPECT_GT(stack->start, deep) TH_LOG("stack start %#lx after recursion: %#lx",
					     stack->start, deep);
	EXPECT_EQ(0, check_range(getpid(), deep, stack->end));
	report_checked(_metadata);
	free(lines);
}

int initialised_global = 42;

TEST(every_region_of_a_dynamically_linked_program)
{
	struct region_line *lines = NULL;
	const struct region_line *r;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	char *heap = malloc(64);
	int local = 0;
	int n, i, bad = 0;
	const struct {
		const char *region;
		unsigned long va;
	} expect[] = {
		{ "code", (unsigned long)&report_checked },
		{ "data", (unsigned long)&initialised_global },
		{ "heap", (unsigned long)heap },
		{ "shlib", (unsigned long)&printf },
		{ "stack", (unsigned long)&local },
		{ "vdso", vdso },
	};

	ASSERT_NE(NULL, heap);
	n = ptscope_read_regions(getpid(), &lines);
	ASSERT_LT(0, n);
	for (i = 0; i < (int)ARRAY_SIZE(expect); i++) {
		r = ptscope_find_region(lines, n, expect[i].va);
		ASSERT_NE(NULL, r) TH_LOG("%s: %#lx is in no VMA", expect[i].region,
					  expect[i].va);
		EXPECT_STREQ(expect[i].region, r->region);
	}
	for (i = 0; i < n; i++) {
		unsigned long end = lines[i].end;

		if (end > lines[i].start + 64 * PAGE_SZ)
			end = lines[i].start + 64 * PAGE_SZ;
		if (!pagemap_blind(getpid(), lines[i].start))
			bad += check_range(getpid(), lines[i].start, end);
	}
	EXPECT_EQ(0, bad);
	report_checked(_metadata);
	free(lines);
	free(heap);
}

/* Bytes of THP that back [p, p + len), from smaps. */
static unsigned long anon_huge_kib(void *p)
{
	unsigned long start, end, kib = 0;
	char line[256];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= (unsigned long)p && (unsigned long)p < end;
		else if (in && sscanf(line, "AnonHugePages: %lu kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/* A PMD-sized THP (2 MiB with 4 KiB pages, 32 MiB with 16 KiB) is one entry. */
TEST(thp_is_one_pmd_entry)
{
	const unsigned long huge = pmd_sz();
	struct map_run *runs = NULL;
	const struct map_run *run;
	char *area, *p;
	int n;

	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		SKIP(return, "kernel without transparent huge pages");
	area = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	p = (char *)(((unsigned long)area + huge - 1) & ~(huge - 1));
	if (madvise(p, huge, MADV_HUGEPAGE))
		SKIP(return, "MADV_HUGEPAGE: %s", strerror(errno));
	memset(p, 1, huge);
	if (anon_huge_kib(p) < huge >> 10)
		SKIP(return, "no huge page was available for the fault");

	n = ptscope_read_map(getpid(), &runs);
	ASSERT_LT(0, n);
	run = ptscope_find_run(runs, n, (unsigned long)p);
	ASSERT_NE(NULL, run);
	EXPECT_EQ((unsigned long)p, run->va);
	EXPECT_EQ((unsigned long)p + huge, run->end);
	EXPECT_EQ(huge, run->page_size);
	EXPECT_NE(NULL, strstr(run->flags, "huge"));
	EXPECT_EQ(0, check_range(getpid(), (unsigned long)p, (unsigned long)p + huge));
	report_checked(_metadata);
	free(runs);
	munmap(area, 2 * huge);
}

/* Frames records (neighbours in different frames) read like runs, both ways. */
TEST(scattered_pages_match_pagemap)
{
	const unsigned long len = 8UL << 20;
	char *p = map_scattered(len);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, check_range(getpid(), (unsigned long)p, (unsigned long)p + len));
	report_checked(_metadata);
	munmap(p, len);
}

/* A hugetlb page of the default size, a PMD's (2 MiB with 4 KiB pages). */
TEST(hugetlb_pmd_page)
{
	const unsigned long huge = pmd_sz();
	struct map_run *runs = NULL;
	const struct map_run *run;
	char *p;
	int n;

	if (write_file("/proc/sys/vm/nr_hugepages", "4"))
		SKIP(return, "cannot reserve hugetlb pages");
	p = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		SKIP(return, "MAP_HUGETLB: %s", strerror(errno));
	memset(p, 1, huge);

	n = ptscope_read_map(getpid(), &runs);
	ASSERT_LT(0, n);
	run = ptscope_find_run(runs, n, (unsigned long)p);
	ASSERT_NE(NULL, run);
	EXPECT_EQ((unsigned long)p, run->va);
	EXPECT_EQ(huge, run->page_size);
	EXPECT_EQ(huge, run->end - run->va);
	EXPECT_EQ(0, check_range(getpid(), (unsigned long)p, (unsigned long)p + huge));
	report_checked(_metadata);
	free(runs);
	munmap(p, huge);
	write_file("/proc/sys/vm/nr_hugepages", "0");
}

/*
 * hugetlb shares a PMD table between processes mapping one file over the
 * same 1 GiB-aligned range, and takes it away again (huge_pmd_unshare())
 * without mmap_lock; the last to let go frees it.  Two children keep
 * unsharing and sharing theirs (zap, fault back), so tables come and go;
 * one is read through debugfs and TRANSLATE all the while: the reads must
 * succeed, KASAN must see no use after free, lockdep the locks nest.
 */
TEST(shared_hugetlb_tables_read_while_unshared)
{
	/* A PMD table maps a PUD's worth: 1 GiB of 2 MiB pages with 4 KiB pages. */
	const unsigned long gib = pud_sz(), huge = pmd_sz(), want = gib / huge;
	struct map_run *runs = NULL;
	char cmd[64], count[24], *area, *p, *out;
	int fd, i, n, status;
	pid_t child, children[2];
	unsigned long off;

	if (gib > 1UL << 30)
		SKIP(return, "a shared PMD table maps %s of hugetlb pages with %s pages: too much",
		     size_name(gib), size_name(PAGE_SZ));
	snprintf(count, sizeof(count), "%lu", want);
	if (write_file("/proc/sys/vm/nr_hugepages", count))
		SKIP(return, "cannot reserve hugetlb pages");
	out = run_output("cat /proc/sys/vm/nr_hugepages");
	n = out ? atoi(out) : 0;
	free(out);
	fd = n >= (int)want ? memfd_create("ptscope_hugetlb", MFD_HUGETLB) : -1;
	if (fd < 0 || ftruncate(fd, gib)) {
		write_file("/proc/sys/vm/nr_hugepages", "0");
		SKIP(return, "no %s of hugetlb pages (%d of %lu)", size_name(gib), n, want);
	}
	area = mmap(NULL, 2 * gib, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	p = (char *)(((unsigned long)area + gib - 1) & ~(gib - 1));
	ASSERT_EQ(p, mmap(p, gib, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0));
	for (off = 0; off < gib; off += huge)
		p[off] = 1;

	for (i = 0; i < 2; i++) {
		children[i] = fork();
		ASSERT_LE(0, children[i]);
		if (children[i] == 0) {
			for (;;) {
				madvise(p, gib, MADV_DONTNEED);
				for (off = 0; off < gib; off += huge)
					p[off] = 2;
			}
		}
	}
	/* The children alone share the tables now. */
	munmap(p, gib);
	child = children[0];
	snprintf(cmd, sizeof(cmd), "ptscope translate %d %p", child, p + huge);
	for (i = 0; i < 20; i++) {
		n = ptscope_read_map(child, &runs);
		EXPECT_LT(0, n);
		free(runs);
		runs = NULL;
		out = run_output(cmd);
		EXPECT_NE(NULL, out);
		free(out);
	}
	for (i = 0; i < 2; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], &status, 0);
	}
	munmap(area, 2 * gib);
	close(fd);
	write_file("/proc/sys/vm/nr_hugepages", "0");
}

FIXTURE(zram_swap) {
	bool swapon;
};

FIXTURE_SETUP(zram_swap)
{
	int ret = swap_on_zram();

	self->swapon = false;
	if (ret == -ENODEV)
		SKIP(return, "no zram device");
	if (ret)
		SKIP(return, "cannot swap on zram0");
	self->swapon = true;
}

FIXTURE_TEARDOWN(zram_swap)
{
	if (self->swapon)
		swap_off_zram();
}

TEST_F(zram_swap, paged_out_pages_are_swap_entries)
{
	const unsigned long len = 64 * PAGE_SZ;
	struct map_run *runs = NULL;
	const struct map_run *run;
	int n, swapped = 0;
	unsigned long va;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (va = 0; va < len; va += PAGE_SZ)
		p[va] = (char)(va / PAGE_SZ + 1);	/* not zero: must really swap */
	ASSERT_EQ(0, madvise(p, len, MADV_PAGEOUT))
		TH_LOG("MADV_PAGEOUT: %s", strerror(errno));

	n = ptscope_read_map(getpid(), &runs);
	ASSERT_LT(0, n);
	for (va = (unsigned long)p; va < (unsigned long)p + len; va += PAGE_SZ) {
		run = ptscope_find_run(runs, n, va);
		swapped += run && !strcmp(run->state, "swap");
	}
	EXPECT_LT(0, swapped) TH_LOG("MADV_PAGEOUT swapped nothing out");
	EXPECT_EQ(0, check_range(getpid(), (unsigned long)p, (unsigned long)p + len));
	ksft_print_msg("%d of 64 pages in swap\n", swapped);
	report_checked(_metadata);
	free(runs);
	munmap(p, len);
}

TEST(sparse_64g_reservation_reports_only_touched_pages)
{
	const unsigned long len = 64UL << 30;
	const unsigned long touch[] = { 0, 20UL << 30, len - PAGE_SZ };
	struct map_run *runs = NULL;
	unsigned long base;
	int n, i, inside = 0;
	char *p;

	p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	base = (unsigned long)p;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, mprotect(p + touch[i], PAGE_SZ, PROT_READ | PROT_WRITE));
		p[touch[i]] = 1;
	}

	n = ptscope_read_map(getpid(), &runs);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		if (runs[i].va < base || runs[i].va >= base + len)
			continue;
		inside++;
		EXPECT_EQ(PAGE_SZ, runs[i].end - runs[i].va);
	}
	EXPECT_EQ(3, inside);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, check_range(getpid(), base + touch[i],
					 base + touch[i] + PAGE_SZ));
	report_checked(_metadata);
	free(runs);
	munmap(p, len);
}

/*
 * Above the default mmap window (x86: 47 bits, arm64: 48), which a hint
 * reaches only with 5-level paging (x86 LA57) or 52-bit addresses (arm64 LPA2
 * or 64 KiB pages).
 */
TEST(five_level_address_above_47_bits)
{
	void *hint = (void *)(1UL << 52);
	const unsigned int window = ON_X86 ? 47 : 48;
	unsigned long va;
	char *p;

	p = mmap(hint, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	va = (unsigned long)p;
	if (va < (1UL << window)) {
		munmap(p, PAGE_SZ);
		if (ON_X86)
			SKIP(return, "4-level paging: no addresses above 47 bits (-cpu max)");
		SKIP(return, "no addresses above 48 bits (52 bits: LPA2 or 64K pages)");
	}
	p[0] = 1;
	EXPECT_NE(0, pa_of(getpid(), va));
	EXPECT_EQ(0, check_range(getpid(), va, va + PAGE_SZ));
	report_checked(_metadata);
	munmap(p, PAGE_SZ);
}

TEST(nonexistent_pid_is_esrch)
{
	EXPECT_EQ(ESRCH, ptscope_set_target(4000000));
}

/* Wait until @pid, which has exited but is not reaped, is a zombie. */
static bool wait_zombie(pid_t pid)
{
	char path[64], state = 0;
	int tries;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (tries = 0; tries < 500 && state != 'Z'; tries++) {
		usleep(10000);
		f = fopen(path, "r");
		if (!f)
			return false;
		if (fscanf(f, "%*d %*s %c", &state) != 1)
			state = 0;
		fclose(f);
	}
	return state == 'Z';
}

TEST(exited_process_is_enodata)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_TRUE(wait_zombie(pid));
	EXPECT_EQ(ENODATA, ptscope_set_target(pid));
	waitpid(pid, NULL, 0);
}

TEST(kernel_thread_is_eopnotsupp)
{
	/* pid 2 is kthreadd, the parent of all kernel threads */
	EXPECT_EQ(EOPNOTSUPP, ptscope_set_target(2));
}

TEST(pid_1_works)
{
	struct region_line *lines = NULL;
	int n = ptscope_read_regions(1, &lines);

	EXPECT_LT(0, n);
	EXPECT_EQ(0, check_range(1, lines[0].start, lines[0].end));
	report_checked(_metadata);
	free(lines);
}

int main(int argc, char **argv)
{
	exec_target_main(argc, argv);
	return test_harness_run(argc, argv);
}
