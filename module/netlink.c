// SPDX-License-Identifier: GPL-2.0
/* The "ptscope" generic netlink family. */

#include <net/genetlink.h>
#include <uapi/linux/ptscope.h>

#include "ptscope.h"

static struct genl_family ptscope_genl_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION,
	.module = THIS_MODULE,
	/* Queries only read their target: no need for genl_mutex. */
	.parallel_ops = true,
	.netnsok = true,
};

int __init ptscope_genl_init(void)
{
	return genl_register_family(&ptscope_genl_family);
}

void ptscope_genl_uninit(void)
{
	genl_unregister_family(&ptscope_genl_family);
}

/* Lets the first query of the family autoload the module. */
MODULE_ALIAS_GENL_FAMILY(PTSCOPE_GENL_NAME);
