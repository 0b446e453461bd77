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

/**
 * enum ptscope_region - what part of the address space a mapping belongs to
 *
 * @PTSCOPE_REGION_CODE: the main executable's read-only mappings (text,
 *	read-only data)
 * @PTSCOPE_REGION_DATA: the main executable's writable mappings and the
 *	anonymous bss right after them
 * @PTSCOPE_REGION_HEAP: the brk heap, [start_brk, brk)
 * @PTSCOPE_REGION_SHLIB: every mapping of a file that is also mapped
 *	executable in this process (libc.so, ld.so)
 * @PTSCOPE_REGION_MMAP: every other mapping, anonymous or file
 * @PTSCOPE_REGION_STACK: the main thread's stack
 * @PTSCOPE_REGION_VDSO: special mappings the kernel installs ([vdso], [vvar])
 * @PTSCOPE_REGION_KERNEL: the upper half, shared by every process
 */
enum ptscope_region {
	PTSCOPE_REGION_CODE,
	PTSCOPE_REGION_DATA,
	PTSCOPE_REGION_HEAP,
	PTSCOPE_REGION_SHLIB,
	PTSCOPE_REGION_MMAP,
	PTSCOPE_REGION_STACK,
	PTSCOPE_REGION_VDSO,
	PTSCOPE_REGION_KERNEL,

	__PTSCOPE_REGION_MAX
};

/**
 * enum ptscope_state - what the leaf entry of a mapping holds
 *
 * @PTSCOPE_STATE_PRESENT: a physical frame
 * @PTSCOPE_STATE_SWAP: a swap entry: swap device and offset in pages
 * @PTSCOPE_STATE_MIGRATION: a migration entry: the frame being migrated
 * @PTSCOPE_STATE_OTHER: another non-present entry (device-private memory,
 *	hardware poison, userfaultfd marker)
 */
enum ptscope_state {
	PTSCOPE_STATE_PRESENT,
	PTSCOPE_STATE_SWAP,
	PTSCOPE_STATE_MIGRATION,
	PTSCOPE_STATE_OTHER,

	__PTSCOPE_STATE_MAX
};

/**
 * enum ptscope_flag - bits of a leaf entry, decoded
 *
 * The hardware bits of a present entry, and soft-dirty (also kept in swap
 * entries).  @PTSCOPE_FLAG_HUGE marks a leaf above the PTE level (a 2 MiB
 * or 1 GiB page).
 */
enum ptscope_flag {
	PTSCOPE_FLAG_PRESENT = 1 << 0,
	PTSCOPE_FLAG_WRITE = 1 << 1,
	PTSCOPE_FLAG_USER = 1 << 2,
	PTSCOPE_FLAG_ACCESSED = 1 << 3,
	PTSCOPE_FLAG_DIRTY = 1 << 4,
	PTSCOPE_FLAG_GLOBAL = 1 << 5,
	PTSCOPE_FLAG_NX = 1 << 6,
	PTSCOPE_FLAG_HUGE = 1 << 7,
	PTSCOPE_FLAG_SOFT_DIRTY = 1 << 8,
};

#endif /* _UAPI_LINUX_PTSCOPE_H */
