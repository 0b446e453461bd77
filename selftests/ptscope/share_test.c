// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope share and ptscope who, against what /proc says:
 * - fork: every anonymous page the child has not written is its parent's
 *   frame (shared); after the child writes them, each is a frame of its
 *   own (copy-on-write broken), page for page;
 * - two processes of one dynamic program: libc's frames both map, as
 *   pagemap counts them, frame for frame;
 * - KSM: pages of two processes merged into one frame, mapped by both;
 * - Rss, Pss and Uss per process equal to smaps_rollup's;
 * - who: a libc frame (every process mapping it, as many as its mapcount),
 *   a copy-on-write frame before and after the copy, and a page-table
 *   frame only the kernel maps, in its direct map, at page_offset_base
 *   plus the address, holding what the walk read there.
 * Targets are stopped while they are read.
 */

#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#define PAGES 64

/* The number after @key in @s, after @from; -1 when absent. */
static long json_number(const char *from, const char *key)
{
	const char *at = from ? strstr(from, key) : NULL;

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

/* share -j's object for @pid in "processes", or NULL. */
static const char *share_process(const char *out, pid_t pid)
{
	char key[48];

	snprintf(key, sizeof(key), "{\"pid\":%d,\"comm\":", pid);
	return strstr(out, key);
}

/* share -j's frames mapped by exactly @k of the processes read. */
static long frames_shared_by(const char *out, int k)
{
	char key[48];

	snprintf(key, sizeof(key), "{\"processes\":%d,\"frames\":", k);
	return json_number(strstr(out, "\"sharing\":"), key);
}

struct fork_pair {
	pid_t parent, child;
	int to_child;		/* a byte: the child writes its pages */
	int from_child;		/* a byte after each step */
	unsigned long va;
};

/*
 * The parent writes PAGES anonymous pages, forks, and both wait; the
 * child writes the pages when told.  Both are children of the test.
 */
static int fork_pair_start(struct fork_pair *f)
{
	int to[2], from[2], addr[2];
	char c;

	if (pipe(to) || pipe(from) || pipe(addr))
		return -1;
	f->parent = fork();
	if (f->parent == 0) {
		char *p = mmap(NULL, PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t child;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		madvise(p, PAGES * PAGE_SZ, MADV_NOHUGEPAGE);
		memset(p, 0x5a, PAGES * PAGE_SZ);
		child = fork();
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (write(from[1], "r", 1) != 1 || read(to[0], &c, 1) != 1)
				_exit(1);
			memset(p, 0xa5, PAGES * PAGE_SZ);
			if (write(from[1], "w", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		if (write(addr[1], &p, sizeof(p)) != sizeof(p) ||
		    write(addr[1], &child, sizeof(child)) != sizeof(child))
			_exit(1);
		for (;;)
			pause();
	}
	if (f->parent < 0 || read(addr[0], &f->va, sizeof(f->va)) != sizeof(f->va) ||
	    read(addr[0], &f->child, sizeof(f->child)) != sizeof(f->child) ||
	    read(from[0], &c, 1) != 1)
		return -1;
	f->to_child = to[1];
	f->from_child = from[0];
	return 0;
}

static void fork_pair_stop(struct fork_pair *f)
{
	if (f->parent > 0) {
		kill(f->child, SIGKILL);
		kill(f->parent, SIGKILL);
		waitpid(f->parent, NULL, 0);
	}
}

/* The child writes its pages; both stopped after. */
static int fork_pair_write(struct fork_pair *f)
{
	char c;

	kill(f->child, SIGCONT);
	if (write(f->to_child, "w", 1) != 1 || read(f->from_child, &c, 1) != 1)
		return -1;
	kill(f->child, SIGSTOP);
	return 0;
}

static void fork_pair_freeze(struct fork_pair *f)
{
	kill(f->parent, SIGSTOP);
	kill(f->child, SIGSTOP);
	/* Stopped, not about to be: the next read sees them still. */
	usleep(100000);
}

/*
 * share -j of the pair: the child's fork figures, in pages, and the pages
 * of the mmap region (where the written pages are) both map.
 */
static int fork_figures(struct fork_pair *f, long *shared, long *cow, long *mmap_shared)
{
	char cmd[96], key[64], *out;
	const char *at;

	snprintf(cmd, sizeof(cmd), "ptscope share -j %d %d", f->parent, f->child);
	out = run_output(cmd);
	if (!out)
		return -1;
	snprintf(key, sizeof(key), "{\"parent\":%d,\"child\":%d,", f->parent, f->child);
	at = strstr(out, key);
	*shared = json_number(at, "\"shared\":") / (long)PAGE_SZ;
	*cow = json_number(at, "\"cow_broken\":") / (long)PAGE_SZ;
	*mmap_shared = json_number(strstr(out, "\"regions\":"), "\"mmap\":{\"shared\":") /
		       (long)PAGE_SZ;
	if (!at)
		fprintf(stderr, "# no fork pair in: %s\n", out);
	free(out);
	return at ? 0 : -1;
}

TEST(fork_shares_everything_until_the_child_writes)
{
	struct fork_pair f = {};
	long shared, cow, in_mmap, shared2, cow2, in_mmap2;
	unsigned long i;

	ASSERT_EQ(0, fork_pair_start(&f));
	fork_pair_freeze(&f);
	ASSERT_EQ(0, fork_figures(&f, &shared, &cow, &in_mmap));
	/* The pages the parent wrote before fork: all shared, each its parent's frame. */
	for (i = 0; i < PAGES; i++) {
		uint64_t a = pagemap_entry(f.parent, f.va + i * PAGE_SZ);
		uint64_t b = pagemap_entry(f.child, f.va + i * PAGE_SZ);

		ASSERT_TRUE((a & PM_PRESENT) && PM_PFN(a) == PM_PFN(b));
	}
	ASSERT_EQ(0, fork_pair_write(&f));
	ASSERT_EQ(0, fork_figures(&f, &shared2, &cow2, &in_mmap2));
	ksft_print_msg("before the writes: %ld pages shared, %ld copied, %ld mmap pages shared\n",
		       shared, cow, in_mmap);
	ksft_print_msg("after: %ld pages shared, %ld copied, %ld mmap pages shared\n",
		       shared2, cow2, in_mmap2);
	EXPECT_LE(PAGES, shared);
	/* Each page written is a copy now: exactly PAGES moved, as stopped processes. */
	EXPECT_EQ(PAGES, shared - shared2);
	EXPECT_EQ(PAGES, cow2 - cow);
	/*
	 * Both processes' mappings of them are alone now.  The child ran
	 * meanwhile: its libc faults in file pages its parent has, so the
	 * frames mapped by two change by more than these.
	 */
	EXPECT_LE(2 * PAGES, in_mmap - in_mmap2);
	fork_pair_stop(&f);
}

/* A seed_demo_dynamic process: its pid and where its printf is. */
struct demo {
	pid_t pid;
	unsigned long printf_va;
	FILE *out;
};

static int demo_start(struct demo *d)
{
	char line[512], cmd[64], *at;

	d->out = popen("exec seed_demo_dynamic", "r");
	if (!d->out || !fgets(line, sizeof(line), d->out))
		return -1;
	at = strstr(line, "printf 0x");
	if (sscanf(line, "seed_demo_dynamic, pid %d:", &d->pid) != 1 || !at)
		return -1;
	d->printf_va = strtoul(at + 7, NULL, 16);
	snprintf(cmd, sizeof(cmd), "/proc/%d", d->pid);
	kill(d->pid, SIGSTOP);
	return access(cmd, F_OK);
}

static void demo_stop(struct demo *d)
{
	if (d->pid > 0)
		kill(d->pid, SIGKILL);
	if (d->out)
		pclose(d->out);
}

/* Frames of libc both processes map, by pagemap: the oracle. */
static long libc_frames_in_both(pid_t a, pid_t b)
{
	uint64_t *pfns = NULL;
	size_t n = 0, cap = 0, i;
	char path[64], line[512];
	long both = 0;
	pid_t pids[2] = { a, b };
	int k;

	for (k = 0; k < 2; k++) {
		unsigned long start, end, va;
		FILE *maps;

		snprintf(path, sizeof(path), "/proc/%d/maps", pids[k]);
		maps = fopen(path, "r");
		if (!maps)
			return -1;
		while (fgets(line, sizeof(line), maps)) {
			if (!strstr(line, "/libc.so") || sscanf(line, "%lx-%lx", &start, &end) != 2)
				continue;
			for (va = start; va < end; va += PAGE_SZ) {
				uint64_t e = pagemap_entry(pids[k], va);

				if (!(e & PM_PRESENT))
					continue;
				if (k == 0) {
					if (n == cap) {
						cap = cap ? 2 * cap : 1024;
						pfns = realloc(pfns, cap * sizeof(*pfns));
					}
					pfns[n++] = PM_PFN(e);
					continue;
				}
				for (i = 0; i < n; i++) {
					if (pfns[i] == PM_PFN(e)) {
						both++;
						pfns[i] = 0;	/* each frame once */
						break;
					}
				}
			}
		}
		fclose(maps);
	}
	free(pfns);
	return both;
}

/* share -j's "frames" of the file whose path ends in @suffix. */
static long file_frames(const char *out, const char *suffix)
{
	const char *at = strstr(out, "\"files\":"), *path, *obj;
	char key[64];

	snprintf(key, sizeof(key), "%s\"}", suffix);
	path = at ? strstr(at, key) : NULL;
	if (!path)
		return -1;
	for (obj = path; obj > at && strncmp(obj, "{\"frames\":", 10); obj--)
		;
	return json_number(obj, "{\"frames\":");
}

TEST(two_copies_of_a_dynamic_program_share_libc)
{
	struct demo a = {}, b = {};
	char cmd[96], *out;
	long want, got;

	ASSERT_EQ(0, demo_start(&a));
	ASSERT_EQ(0, demo_start(&b));
	snprintf(cmd, sizeof(cmd), "ptscope share -j %d %d", a.pid, b.pid);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	want = libc_frames_in_both(a.pid, b.pid);
	got = file_frames(out, "libc.so.6");
	ksft_print_msg("libc frames both map: share %ld, pagemap %ld\n", got, want);
	EXPECT_LT(0, want);
	EXPECT_EQ(want, got) TH_LOG("%s", out);
	/* Every libc frame both map is among the frames mapped by two. */
	EXPECT_LE(got, frames_shared_by(out, 2));
	free(out);
	demo_stop(&a);
	demo_stop(&b);
}

/* Rss, Pss and Uss of @pid in share -j @out against smaps_rollup. */
static void compare_rollup(struct __test_metadata *_metadata, const char *out, pid_t pid)
{
	const char *p = share_process(out, pid);
	struct rollup r;
	long rss, pss, uss;

	ASSERT_NE(NULL, p) TH_LOG("pid %d not in %s", pid, out);
	ASSERT_EQ(0, read_rollup(pid, &r));
	rss = json_number(p, "\"rss\":") >> 10;
	pss = json_number(p, "\"pss\":") >> 10;
	uss = json_number(p, "\"uss\":") >> 10;
	ksft_print_msg("pid %d: Rss %ld/%lu, Pss %ld/%lu, Uss %ld/%lu kB (share/smaps_rollup)\n",
		       pid, rss, r.rss, pss, r.pss, uss, r.private);
	EXPECT_EQ((long)r.rss, rss);
	EXPECT_EQ((long)r.private, uss);
	/* [vdso]'s share moves by a fraction of a page as clients come and go. */
	EXPECT_GE(1, labs((long)r.pss - pss));
}

TEST(rss_pss_uss_equal_smaps_rollup)
{
	char line[32], cmd[96], *out;
	pid_t pid, child;
	int in;

	pid = spawn_target("./stat_target", &in, line, sizeof(line));
	ASSERT_LT(0, pid);
	child = atoi(line);
	kill(pid, SIGSTOP);
	kill(child, SIGSTOP);
	snprintf(cmd, sizeof(cmd), "ptscope share -j %d %d", pid, child);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	compare_rollup(_metadata, out, pid);
	compare_rollup(_metadata, out, child);
	free(out);
	kill(child, SIGKILL);
	kill(pid, SIGKILL);
	close(in);
	waitpid(pid, NULL, 0);
}

static int write_knob(const char *path, const char *value)
{
	return write_file(path, value);
}

static long read_knob(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, 10);
}

/* A share_target process: its pid, and its pages' address in *@va. */
struct ksm_target {
	pid_t pid;
	int in;
};

static int ksm_target_start(struct ksm_target *t, unsigned long *va)
{
	char line[32];

	t->pid = spawn_target("./share_target", &t->in, line, sizeof(line));
	if (t->pid < 0)
		return -1;
	*va = strtoul(line, NULL, 16);
	return 0;
}

static void ksm_target_stop(struct ksm_target *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGKILL);
	close(t->in);
	waitpid(t->pid, NULL, 0);
}

/* ptscope who -j @pa's output. */
static char *who_maps(uint64_t pa)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "ptscope who -j 0x%llx", (unsigned long long)pa);
	return run_output(cmd);
}

static int count(const char *from, const char *to, const char *what)
{
	int n = 0;

	for (from = strstr(from, what); from && (!to || from < to); from = strstr(from + 1, what))
		n++;
	return n;
}

TEST(ksm_merged_pages_are_one_frame_of_both)
{
	struct ksm_target ta = {}, tb = {};
	unsigned long va_a, va_b;
	uint64_t ea, eb;
	char cmd[96], key[48], *out, *kernel;
	pid_t a, b;
	int i;

	if (access("/sys/kernel/mm/ksm/run", F_OK))
		SKIP(return, "no KSM in this kernel");
	ASSERT_EQ(0, ksm_target_start(&ta, &va_a));
	ASSERT_EQ(0, ksm_target_start(&tb, &va_b));
	a = ta.pid;
	b = tb.pid;
	write_knob("/sys/kernel/mm/ksm/sleep_millisecs", "10");
	write_knob("/sys/kernel/mm/ksm/pages_to_scan", "1000");
	ASSERT_EQ(0, write_knob("/sys/kernel/mm/ksm/run", "1"));
	for (i = 0; i < 600; i++) {
		ea = pagemap_entry(a, va_a);
		eb = pagemap_entry(b, va_b);
		if (read_knob("/sys/kernel/mm/ksm/pages_sharing") >= 2 * PAGES - 1 &&
		    PM_PFN(ea) == PM_PFN(eb))
			break;
		usleep(100000);
	}
	write_knob("/sys/kernel/mm/ksm/run", "0");	/* merged pages stay */
	kill(a, SIGSTOP);
	kill(b, SIGSTOP);
	ea = pagemap_entry(a, va_a);
	eb = pagemap_entry(b, va_b);
	if (PM_PFN(ea) != PM_PFN(eb))
		SKIP(goto out, "ksmd did not merge the pages in time");

	snprintf(cmd, sizeof(cmd), "ptscope share -j %d %d", a, b);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	ksft_print_msg("frames mapped by both: %ld\n", frames_shared_by(out, 2));
	/* The one frame both map; each process's own pages went to it too. */
	EXPECT_LE(1, frames_shared_by(out, 2)) TH_LOG("%s", out);
	compare_rollup(_metadata, out, a);
	compare_rollup(_metadata, out, b);
	free(out);

	out = who_maps(PM_PFN(ea) * PAGE_SZ);
	ASSERT_NE(NULL, out);
	kernel = strstr(out, "\"kernel\":");
	snprintf(key, sizeof(key), "{\"pid\":%d,", a);
	EXPECT_EQ(PAGES, count(out, kernel, key)) TH_LOG("%s", out);
	snprintf(key, sizeof(key), "{\"pid\":%d,", b);
	EXPECT_EQ(PAGES, count(out, kernel, key));
	EXPECT_EQ(2 * PAGES, count(out, kernel, "\"backing\":\"ksm\""));
	free(out);
out:
	ksm_target_stop(&ta);
	ksm_target_stop(&tb);
}

TEST(who_finds_every_mapping_of_a_libc_frame)
{
	struct demo a = {}, b = {};
	char key[64], *out, *kernel;
	uint64_t e;
	long mapcount;
	int rows;

	ASSERT_EQ(0, demo_start(&a));
	ASSERT_EQ(0, demo_start(&b));
	e = pagemap_entry(a.pid, a.printf_va);
	ASSERT_TRUE(e & PM_PRESENT);
	ASSERT_EQ(PM_PFN(e), PM_PFN(pagemap_entry(b.pid, b.printf_va)));
	out = who_maps((PM_PFN(e) * PAGE_SZ) | (a.printf_va & (PAGE_SZ - 1)));
	ASSERT_NE(NULL, out);
	kernel = strstr(out, "\"kernel\":");
	/* Each at its own address, printf's byte, in libc. */
	snprintf(key, sizeof(key), "{\"pid\":%d,", a.pid);
	EXPECT_NE(NULL, strstr(out, key)) TH_LOG("%s", out);
	snprintf(key, sizeof(key), "\"va\":\"0x%lx\"", a.printf_va);
	EXPECT_NE(NULL, strstr(out, key)) TH_LOG("%s", out);
	snprintf(key, sizeof(key), "\"va\":\"0x%lx\"", b.printf_va);
	EXPECT_NE(NULL, strstr(out, key)) TH_LOG("%s", out);
	rows = count(out, kernel, "{\"pid\":");
	mapcount = json_number(out, "\"mapcount\":");
	ksft_print_msg("%d process mappings found, the frame is mapped %ld times\n", rows,
		       mapcount);
	/* Every mapping the kernel counts was found, and nothing more. */
	EXPECT_EQ(mapcount, rows);
	EXPECT_EQ(rows, count(out, kernel, "libc.so.6\""));
	/*
	 * And the kernel's own, in its direct map: who walks x86-64's kernel
	 * half only, and says on arm64 that it shows none.
	 */
	EXPECT_TRUE(kernel && (ON_X86 ? !!strstr(kernel, "direct map") :
				       !strncmp(kernel, "\"kernel\":null", 13))) TH_LOG("%s", out);
	free(out);
	demo_stop(&a);
	demo_stop(&b);
}

TEST(who_follows_a_copy_on_write_frame)
{
	struct fork_pair f = {};
	char key[64], *out, *kernel;
	uint64_t pfn;

	ASSERT_EQ(0, fork_pair_start(&f));
	fork_pair_freeze(&f);
	pfn = PM_PFN(pagemap_entry(f.parent, f.va));
	ASSERT_NE(0, pfn);
	out = who_maps(pfn * PAGE_SZ);
	ASSERT_NE(NULL, out);
	kernel = strstr(out, "\"kernel\":");
	snprintf(key, sizeof(key), "\"va\":\"0x%lx\"", f.va);
	EXPECT_EQ(2, count(out, kernel, "{\"pid\":")) TH_LOG("%s", out);
	EXPECT_EQ(2, count(out, kernel, key));
	EXPECT_EQ(2, count(out, kernel, "\"backing\":\"anon\",\"mapcount\":2"));
	snprintf(key, sizeof(key), "{\"pid\":%d,", f.child);
	EXPECT_NE(NULL, strstr(out, key));
	free(out);

	/* The child wrote: it has a copy, the parent alone the old frame. */
	ASSERT_EQ(0, fork_pair_write(&f));
	out = who_maps(pfn * PAGE_SZ);
	ASSERT_NE(NULL, out);
	kernel = strstr(out, "\"kernel\":");
	snprintf(key, sizeof(key), "{\"pid\":%d,", f.parent);
	EXPECT_EQ(1, count(out, kernel, "{\"pid\":")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, key));
	free(out);
	out = who_maps(PM_PFN(pagemap_entry(f.child, f.va)) * PAGE_SZ);
	ASSERT_NE(NULL, out);
	kernel = strstr(out, "\"kernel\":");
	snprintf(key, sizeof(key), "{\"pid\":%d,", f.child);
	EXPECT_EQ(1, count(out, kernel, "{\"pid\":")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, key));
	free(out);
	fork_pair_stop(&f);
}

/* @len bytes of kernel memory at @va, read through /proc/kcore's program headers. */
static int kcore_peek(unsigned long va, void *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open("/proc/kcore", O_RDONLY), i, ret = -1;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			break;
		if (ph.p_type == PT_LOAD && va >= ph.p_vaddr &&
		    va + len <= ph.p_vaddr + ph.p_memsz) {
			ret = pread(fd, buf, len, ph.p_offset + va - ph.p_vaddr) == (ssize_t)len ?
			      0 : -1;
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * The direct map's base: the variable page_offset_base (kallsyms) where
 * the layout is dynamic (KASLR, 5 levels), else the 4-level constant.
 */
static unsigned long page_offset_base(void)
{
	unsigned long addr = 0, base = 0xffff888000000000UL;
	char line[256], name[128], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
		    !strcmp(name, "page_offset_base"))
			break;
	if (f && !feof(f) && addr && kcore_peek(addr, &base, sizeof(base)))
		base = 0;
	if (f)
		fclose(f);
	return base;
}

TEST(who_finds_a_page_table_in_the_direct_map)
{
	unsigned long va = (unsigned long)&va, table = 0, entry = 0, base, at, got;
	char cmd[96], *out, *p;
	unsigned int index = 0;
	int n;

	/* who walks the kernel half's x86-64 entries; arm64's is behind TTBR1. */
	if (!ON_X86)
		SKIP(return, "who reads the kernel's page tables on x86-64 only");
	if (access("/proc/kcore", R_OK))
		SKIP(return, "no /proc/kcore in this kernel");
	/* The PTE table that maps this test's stack: a frame no process maps. */
	snprintf(cmd, sizeof(cmd), "ptscope translate -j %d 0x%lx", getpid(), va);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	p = strstr(out, "{\"level\":\"pte\",");
	ASSERT_NE(NULL, p) TH_LOG("%s", out);
	n = sscanf(p, "{\"level\":\"pte\",\"index\":%u,\"entry\":\"%lx\",\"table\":\"%lx\"",
		   &index, &entry, &table);
	ASSERT_EQ(3, n) TH_LOG("%s", out);
	free(out);

	out = who_maps(table);
	ASSERT_NE(NULL, out);
	p = strstr(out, "\"kernel\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", out);
	EXPECT_EQ(0, count(out, p, "{\"pid\":")) TH_LOG("%s", out);
	p = strstr(p, "\"area\":\"direct map");
	ASSERT_NE(NULL, p) TH_LOG("%s", out);
	while (p > out && strncmp(p, "{\"va\":\"", 7))
		p--;
	n = sscanf(p, "{\"va\":\"%lx\"", &at);
	ASSERT_EQ(1, n);
	base = page_offset_base();
	ksft_print_msg("PTE table 0x%lx: direct map 0x%lx, page_offset_base 0x%lx\n", table, at,
		       base);
	EXPECT_EQ(base + table, at);
	/* What the kernel reads there is the table the walk went through. */
	ASSERT_EQ(0, kcore_peek(at + index * 8, &got, sizeof(got)));
	EXPECT_EQ(entry, got);
	free(out);
}

TEST_HARNESS_MAIN
