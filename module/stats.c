// SPDX-License-Identifier: GPL-2.0
/*
 * What the benchmark needs to see from inside: how long walks held a
 * target's mmap_lock (the longest, and how many holds took 1, 2, 4, ...
 * microseconds, and how many page-table entries the longest looked at: it
 * is often an interrupt or, in a guest, the host taking the vCPU away, not
 * the walk), and the most memory one request allocated.
 * Shown in /sys/kernel/debug/ptscope/stats; writing to it resets them.
 */

#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "ptscope.h"

/* The longest hold, and how many page-table entries it looked at. */
static DEFINE_SPINLOCK(longest_lock);
static u64 max_lock_hold_ns;
static unsigned int max_lock_hold_entries;
static atomic64_t max_request_bytes = ATOMIC64_INIT(0);
static atomic64_t lock_holds = ATOMIC64_INIT(0);
/* [i]: holds of [2^(i-1), 2^i) microseconds ([0]: under 1); the last: longer */
static atomic64_t lock_hold_us_log2[16];

static void update_max(atomic64_t *max, s64 value)
{
	s64 old = atomic64_read(max);

	while (value > old && !atomic64_try_cmpxchg(max, &old, value))
		;
}

void ptscope_stats_lock_hold(u64 ns, unsigned int entries)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);
	unsigned int bucket = us ? ilog2(us) + 1 : 0;

	atomic64_inc(&lock_holds);
	atomic64_inc(&lock_hold_us_log2[min_t(unsigned int, bucket,
					      ARRAY_SIZE(lock_hold_us_log2) - 1)]);
	if (ns <= READ_ONCE(max_lock_hold_ns))
		return;
	spin_lock(&longest_lock);
	if (ns > max_lock_hold_ns) {
		WRITE_ONCE(max_lock_hold_ns, ns);
		max_lock_hold_entries = entries;
	}
	spin_unlock(&longest_lock);
}

void ptscope_stats_request_bytes(size_t bytes)
{
	update_max(&max_request_bytes, bytes);
}

void ptscope_stats_reset(void)
{
	unsigned int i;

	spin_lock(&longest_lock);
	WRITE_ONCE(max_lock_hold_ns, 0);
	max_lock_hold_entries = 0;
	spin_unlock(&longest_lock);
	atomic64_set(&max_request_bytes, 0);
	atomic64_set(&lock_holds, 0);
	for (i = 0; i < ARRAY_SIZE(lock_hold_us_log2); i++)
		atomic64_set(&lock_hold_us_log2[i], 0);
}

int ptscope_stats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	spin_lock(&longest_lock);
	seq_printf(m, "lock_holds %lld\nmax_lock_hold_ns %llu\nmax_lock_hold_entries %u\n",
		   atomic64_read(&lock_holds), max_lock_hold_ns, max_lock_hold_entries);
	spin_unlock(&longest_lock);
	seq_printf(m, "max_request_bytes %lld\n", atomic64_read(&max_request_bytes));
	seq_puts(m, "lock_hold_us_log2");
	for (i = 0; i < ARRAY_SIZE(lock_hold_us_log2); i++)
		seq_printf(m, " %lld", atomic64_read(&lock_hold_us_log2[i]));
	seq_putc(m, '\n');
	return 0;
}
