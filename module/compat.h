/* SPDX-License-Identifier: GPL-2.0 */
/* The differences between the kernels ptscope builds on (6.1 to 6.12). */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/pgtable.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
/* 6.5 added pmdp_get_lockless(); on x86-64 it is one READ_ONCE() of the entry. */
#define pmdp_get_lockless(pmdp) READ_ONCE(*(pmdp))
#endif

/* The parsed request of a dump: 6.6 moved it into a struct genl_info. */
static inline struct nlattr **ptscope_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _PTSCOPE_COMPAT_H */
