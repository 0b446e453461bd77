// SPDX-License-Identifier: GPL-2.0
/*
 * The seed's story in motion: a page written before fork() is one frame in
 * parent and child, until the child writes it and copy-on-write gives the
 * child a frame of its own.  Prints both pids and the page's address; the
 * child writes the page when it gets SIGUSR1.  Both then wait.
 */

#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>

static char *page;

static void write_page(int sig)
{
	page[0] = 'c';
}

int main(void)
{
	pid_t child;

	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	page[0] = 'p';
	signal(SIGUSR1, write_page);
	child = fork();
	if (child < 0)
		return 1;
	if (child > 0) {
		printf("cow_demo: parent %d child %d page %p size %ld\n", getpid(), child,
		       (void *)page, sysconf(_SC_PAGESIZE));
		fflush(stdout);
	}
	for (;;)
		pause();
}
