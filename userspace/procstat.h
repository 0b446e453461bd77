/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc/PID/stat says about a process that its page tables do not:
 * who it is (its start time tells a pid reused from another process), its
 * parent, and where exec placed its stack, heap, arguments and
 * environment, which a child of fork keeps until it execs.
 */
#ifndef PTSCOPE_PROCSTAT_H
#define PTSCOPE_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>

struct proc_stat {
	uint32_t ppid;
	char state;		/* R, S, Z, ... */
	bool kernel_thread;	/* PF_KTHREAD */
	uint64_t start_time;	/* clock ticks after boot */
	/* Where exec put them; 0 when the reader may not see them. */
	uint64_t start_stack, start_brk, arg_start, env_start;
};

/* 0, or -1 when the process is gone (or /proc unreadable). */
int proc_stat_read(uint32_t pid, struct proc_stat *st);
/*
 * Whether @child's address space is still the copy fork made of
 * @parent's: the same stack, heap, argument and environment addresses,
 * which exec draws anew (at random, with ASLR).
 */
bool proc_stat_same_image(const struct proc_stat *parent, const struct proc_stat *child);

#endif
