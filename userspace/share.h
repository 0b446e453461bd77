/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope share: what share.c reads and merges, and share_print.c prints.
 */
#ifndef PTSCOPE_SHARE_H
#define PTSCOPE_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ptscope.h>

#include "procstat.h"
#include "rollup.h"
#include "vmas.h"

/* What became of a process share was asked about. */
enum share_status {
	SHARE_READ,		/* read whole, unchanged: in every figure */
	SHARE_EXITED,		/* gone before its read ended, or its pid reused */
	SHARE_CHANGED,		/* its VMAs changed during every read tried */
	SHARE_DENIED,		/* the caller may not read it (EACCES) */
	SHARE_NO_MM,		/* a kernel thread or a zombie: nothing to read */
	__SHARE_STATUSES
};

struct share_proc {
	uint32_t pid;
	char comm[32];
	enum share_status status;
	struct proc_stat stat;
	struct vma_table vmas;
	struct figures total;		/* Rss, Pss, Uss as smaps_rollup's */
	size_t first, end;		/* its frame references */
	int parent;			/* its fork parent among those read; -1: none */
	bool forked;			/* a fork parent or child: all anon pages kept */
	uint64_t fork_shared;		/* child: anon pages still the parent's frame */
	uint64_t cow_broken;		/* child: anon pages now in another frame */
};

/*
 * A page of a process, 16 bytes: sorted by key, references to one frame
 * come together, by process.  PFNs have at most 40 bits (52-bit physical
 * addresses), which leaves 24 for the process.
 */
struct frame_ref {
	uint64_t key;		/* pfn << 24 | index in the process table */
	uint64_t where;		/* va | backing << 4 | region */
};

#define REF_PROC_BITS 24
#define REF_PFN(r) ((r)->key >> REF_PROC_BITS)
#define REF_PROC(r) ((uint32_t)((r)->key & ((1U << REF_PROC_BITS) - 1)))
#define REF_VA(r) ((r)->where & ~0xfffULL)
#define REF_BACKING(r) ((uint8_t)(((r)->where >> 4) & 0xff))
#define REF_REGION(r) ((uint8_t)((r)->where & 0xf))

struct share_file {
	const char *path;
	uint64_t frames;	/* shared by two processes or more */
	uint64_t mappings;	/* process mappings of those frames */
	uint32_t max_processes;
};

struct share {
	struct share_proc *procs;
	size_t nprocs;
	unsigned int count[__SHARE_STATUSES];
	struct frame_ref *refs;
	size_t nrefs, refs_cap;
	/* Frames by how many of the processes read map them: [k], k <= read. */
	uint64_t *frames_by_sharers;
	/* Bytes of process mappings whose frame another process read maps too, or not. */
	uint64_t shared_bytes[__PTSCOPE_REGION_MAX], alone_bytes[__PTSCOPE_REGION_MAX];
	struct share_file *files;
	size_t nfiles;
	bool prometheus;
};

void share_print(const struct share *s);
void share_print_prometheus(const struct share *s);

#endif
