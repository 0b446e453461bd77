// SPDX-License-Identifier: GPL-2.0
/*
 * What the benchmark needs to see from inside: the longest time a walk
 * held a target's mmap_lock, and the most memory one request allocated.
 * Shown in /sys/kernel/debug/ptscope/stats; writing to it resets them.
 */

#include <linux/atomic.h>
#include <linux/seq_file.h>

#include "ptscope.h"

static atomic64_t max_lock_hold_ns = ATOMIC64_INIT(0);
static atomic64_t max_request_bytes = ATOMIC64_INIT(0);
static atomic64_t lock_holds = ATOMIC64_INIT(0);

static void update_max(atomic64_t *max, s64 value)
{
	s64 old = atomic64_read(max);

	while (value > old && !atomic64_try_cmpxchg(max, &old, value))
		;
}

void ptscope_stats_lock_hold(u64 ns)
{
	atomic64_inc(&lock_holds);
	update_max(&max_lock_hold_ns, ns);
}

void ptscope_stats_request_bytes(size_t bytes)
{
	update_max(&max_request_bytes, bytes);
}

void ptscope_stats_reset(void)
{
	atomic64_set(&max_lock_hold_ns, 0);
	atomic64_set(&max_request_bytes, 0);
	atomic64_set(&lock_holds, 0);
}

int ptscope_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "lock_holds %lld\nmax_lock_hold_ns %lld\nmax_request_bytes %lld\n",
		   atomic64_read(&lock_holds), atomic64_read(&max_lock_hold_ns),
		   atomic64_read(&max_request_bytes));
	return 0;
}
