// SPDX-License-Identifier: GPL-2.0
/*
 * The processes share_test merges with KSM: static and exec'd, as
 * stat_target is, so that none of their pages is shared with the test or
 * with the ptscope client while it reads them (a client that maps libc
 * moves libc's Pss in every process that maps it too).  Each writes 64
 * pages of one content, offers them to KSM, reports their address in
 * hex and waits for its stdin to close.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <signal.h>

#define PAGES 64
#define PAGE ((unsigned long)sysconf(_SC_PAGESIZE))

int main(void)
{
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char c;

	if (p == MAP_FAILED)
		return 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	madvise(p, PAGES * PAGE, MADV_NOHUGEPAGE);
	memset(p, 0x6b, PAGES * PAGE);
	if (madvise(p, PAGES * PAGE, MADV_MERGEABLE))
		return 1;
	printf("%lx\n", (unsigned long)p);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
