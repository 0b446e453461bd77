// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: walk a process's page tables and report how its virtual memory
 * is backed, through debugfs and generic netlink.
 */

#include <linux/module.h>
#include <uapi/linux/ptscope.h>
#include <ptscope_version.h>

#include "arch.h"
#include "ptscope.h"

static int __init ptscope_init(void)
{
	int ret;

	ptscope_arch_init();
	ptscope_debugfs_init();

	ret = ptscope_genl_init();
	if (ret)
		goto err_debugfs;

	pr_info("version %s, generic netlink family %s version %d\n",
		PTSCOPE_VERSION, PTSCOPE_GENL_NAME, PTSCOPE_GENL_VERSION);
	return 0;

err_debugfs:
	ptscope_debugfs_uninit();
	return ret;
}

static void __exit ptscope_exit(void)
{
	ptscope_genl_uninit();
	ptscope_debugfs_uninit();
}

module_init(ptscope_init);
module_exit(ptscope_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual-to-physical mappings of a process, by region");
MODULE_VERSION(PTSCOPE_VERSION);
