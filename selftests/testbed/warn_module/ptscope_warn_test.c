// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: its load triggers one WARN, which scripts/vm-run must
 * notice in the guest's kernel log and turn into a failure.  Never built
 * into ptscope; used by selftests/testbed/vm_run_test.sh.
 */

#include <linux/module.h>

static int __init ptscope_warn_test_init(void)
{
	WARN(1, "ptscope_warn_test: deliberate warning for the test bed\n");
	return 0;
}

static void __exit ptscope_warn_test_exit(void)
{
}

module_init(ptscope_warn_test_init);
module_exit(ptscope_warn_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Triggers a WARN on load to test ptscope's guest runner");
