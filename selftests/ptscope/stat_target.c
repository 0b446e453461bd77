// SPDX-License-Identifier: GPL-2.0
/*
 * The process stat_test sums up: static, so that no file page it maps is
 * shared with a process that comes and goes during the test (libc is, by
 * every client run), and exec'd, so that none of its anonymous pages is
 * shared with the test.  It makes private anonymous pages, zero pages,
 * shmem, file pages, a THP where the kernel gives one, and a child that
 * shares part of its anonymous memory; then it reports the child's pid
 * and waits for its stdin to close.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

/* The base page, and a PMD's span (a PMD-sized THP): 4 KiB and 2 MiB on x86. */
static unsigned long page, huge;
#define PAGE page

static void touch(char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += PAGE)
		p[off] = 1;
}

/* Reads the compiler must keep: the zero page and file pages faulted in. */
static void read_pages(const char *p, unsigned long len)
{
	unsigned long off;
	char c;

	for (off = 0; off < len; off += PAGE) {
		c = p[off];
		asm volatile("" : : "r" (c));
	}
}

int main(void)
{
	char *anon, *zero, *shm, *file, *thp, *gone;
	int fd = memfd_create("stat_target", 0);
	unsigned long file_len;
	struct stat st;
	int ready[2];
	pid_t child;
	char c;

	page = sysconf(_SC_PAGESIZE);
	huge = page * (page / 8);
	anon = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zero = mmap(NULL, 32 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || ftruncate(fd, 32 * PAGE))
		return 1;
	shm = mmap(NULL, 32 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/*
	 * Pages of this program's file, never past its end (a read there is
	 * SIGBUS): with 64 KiB pages 16 of them are more than the file.
	 */
	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return 1;
	file_len = st.st_size / PAGE * PAGE;
	if (file_len > 16 * PAGE)
		file_len = 16 * PAGE;
	file = mmap(NULL, file_len, PROT_READ, MAP_PRIVATE, fd, 0);
	thp = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gone == MAP_FAILED || anon == MAP_FAILED || zero == MAP_FAILED || shm == MAP_FAILED ||
	    file == MAP_FAILED || thp == MAP_FAILED)
		return 1;
	madvise(zero, 32 * PAGE, MADV_NOHUGEPAGE);
	thp = (char *)(((unsigned long)thp + huge - 1) & ~(huge - 1));
	madvise(thp, huge, MADV_HUGEPAGE);
	touch(anon, 64 * PAGE);
	read_pages(zero, 32 * PAGE);
	touch(shm, 16 * PAGE);
	read_pages(file, file_len);
	touch(thp, huge);
	/* A whole PTE table's worth of pages, freed: the table stays, empty. */
	gone = (char *)(((unsigned long)gone + huge - 1) & ~(huge - 1));
	madvise(gone, huge, MADV_NOHUGEPAGE);
	touch(gone, huge);
	madvise(gone, huge, MADV_DONTNEED);

	if (pipe(ready))
		return 1;
	child = fork();
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A quarter of the shared anonymous pages copied: private to each. */
		touch(anon, 16 * PAGE);
		if (write(ready[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (child < 0 || read(ready[0], &c, 1) != 1)
		return 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	printf("%d\n", child);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	kill(child, SIGKILL);
	return 0;
}
