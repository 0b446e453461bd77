/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ptscope: how a process's virtual memory is really backed.
 *
 * The ptscope module registers the generic netlink family "ptscope"
 * (PTSCOPE_GENL_NAME), version PTSCOPE_GENL_VERSION.  Userspace resolves the
 * family id through the generic netlink controller (CTRL_CMD_GETFAMILY) and
 * compares the version it reads there with the one it was built for; a
 * client refuses a family whose version it does not speak.
 *
 * Every request needs CAP_SYS_ADMIN in the initial user namespace: physical
 * addresses are sensitive (they help rowhammer and side-channel attacks),
 * which is also why /proc/PID/pagemap hides them from everyone else.
 *
 * Enums below are append-only: values never change meaning, new ones go
 * before the __*_MAX sentinels.
 */

#ifndef _UAPI_LINUX_PTSCOPE_H
#define _UAPI_LINUX_PTSCOPE_H

#define PTSCOPE_GENL_NAME "ptscope"
#define PTSCOPE_GENL_VERSION 1

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,

	__PTSCOPE_CMD_MAX
};

#define PTSCOPE_CMD_MAX (__PTSCOPE_CMD_MAX - 1)

#endif /* _UAPI_LINUX_PTSCOPE_H */
