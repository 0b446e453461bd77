// SPDX-License-Identifier: GPL-2.0
/* Read-only debugfs views under /sys/kernel/debug/ptscope. */

#include <linux/debugfs.h>

#include "ptscope.h"

static struct dentry *ptscope_debugfs_dir;

/*
 * debugfs is a debugging aid: as everywhere in the kernel, a failure to
 * create it is not an error, and netlink stays the primary interface.
 */
void ptscope_debugfs_init(void)
{
	ptscope_debugfs_dir = debugfs_create_dir("ptscope", NULL);
}

void ptscope_debugfs_uninit(void)
{
	debugfs_remove(ptscope_debugfs_dir);
}
