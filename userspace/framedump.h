/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One process's MAP_GET with frame info (what each frame is: mapcount,
 * backing, node, folio), run by run: what `stat' sums and `share' merges.
 */
#ifndef PTSCOPE_FRAMEDUMP_H
#define PTSCOPE_FRAMEDUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct frame_dump {
	uint32_t pid;
	int region;		/* only this enum ptscope_region; -1: all */
	/* Every run, in address order. */
	void (*run)(const struct ptscope_run *run, void *arg);
	/* The PTSCOPE_A_TABLES nest, after the last run; NULL: not wanted. */
	void (*tables)(const struct nlattr *nest, void *arg);
	void *arg;
	/* From the first reply: */
	bool header;
	char comm[32];
};

/*
 * Dump @d->pid over @nl (NULL: a socket of its own).  Returns 0, or -1
 * with errno the kernel's error (printed unless ptscope_errors_quiet()),
 * or EBADMSG after a record that does not add up.
 */
int frame_dump(struct ptscope_nl *nl, struct frame_dump *d);

#endif
