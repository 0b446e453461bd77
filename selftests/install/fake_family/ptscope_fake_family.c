// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: registers a generic netlink family named "ptscope" at
 * the version after the one this tree speaks, with no operations.  That is
 * what a newer ptscope module looks like to an older client when it
 * resolves the family; selftests/install/install_test.sh checks that the
 * client refuses it, and says why.  Never built into ptscope.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ptscope.h>

static struct genl_family ptscope_fake_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION + 1,
	.module = THIS_MODULE,
};

static int __init ptscope_fake_family_init(void)
{
	return genl_register_family(&ptscope_fake_family);
}

static void __exit ptscope_fake_family_exit(void)
{
	genl_unregister_family(&ptscope_fake_family);
}

module_init(ptscope_fake_family_init);
module_exit(ptscope_fake_family_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The ptscope genl family at a version the client does not speak");
