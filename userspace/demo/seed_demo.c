// SPDX-License-Identifier: GPL-2.0
/*
 * The seed's process: code, initialised data, bss, a heap block, a stack
 * variable, libc.  Built three times: as two different static, non-PIE
 * programs (seed_demo_a, seed_demo_b), so their code sits at 0x00400000
 * like the textbook's figure, and dynamically linked, so libc is a shared
 * library.  It prints where things are and then waits, so ptscope can look
 * at it.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PROGRAM
#define PROGRAM "seed_demo"
#endif

int initialised = 42;		/* read/write data */
static char zeroed[8192];	/* bss */

int main(void)
{
	char *heap = malloc(100000);
	int local = initialised;

	if (!heap)
		return 1;
	memset(heap, 'h', 100000);
	memset(zeroed, 'z', sizeof(zeroed));
	printf("%s, pid %d: code %p data %p bss %p heap %p stack %p printf %p\n",
	       PROGRAM, getpid(), (void *)main, (void *)&initialised, (void *)zeroed,
	       (void *)heap, (void *)&local, (void *)printf);
	fflush(stdout);
	for (;;)
		pause();
}
