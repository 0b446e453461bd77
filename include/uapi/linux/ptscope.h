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
 * which is also why /proc/PID/pagemap hides them from everyone else.  As
 * pagemap does, ptscope also requires ptrace read access to the target,
 * judged with the sender's credentials (its fsuid and fsgid) when the
 * request arrives: the same user (all of uid, euid, suid, gid, egid and
 * sgid), a dumpable target, and no capability in the target's permitted
 * set that the sender lacks in its effective set, or else CAP_SYS_PTRACE
 * over the target's user namespace; a process may always read itself.  The
 * ptrace checks of other security modules (SELinux, AppArmor, Smack,
 * Landlock) are not applied: the kernel does not let a module ask them.
 * KERNEL_GET is refused while the kernel is locked down for
 * confidentiality, as /proc/kcore is.
 *
 * Commands, all carrying PTSCOPE_A_PID (the target, in the caller's pid
 * namespace; optional for KERNEL_GET, which then reads the caller's own):
 *
 *   PTSCOPE_CMD_REGIONS_GET (dump): the target's VMAs, in address order:
 *	each message holds as many PTSCOPE_A_VMA nests (enum
 *	ptscope_vma_attr) as fit, one VMA per nest.  The path is whole, so a
 *	message may need about 4.2 KiB for one VMA: read with a buffer of
 *	8 KiB or more (libmnl's MNL_SOCKET_DUMP_SIZE, 32 KiB, is plenty).
 *
 *   PTSCOPE_CMD_MAP_GET (dump): optional PTSCOPE_A_START and PTSCOPE_A_END
 *	(page aligned, user half) bound the range, PTSCOPE_A_REGION filters
 *	by region, PTSCOPE_A_FRAME_INFO asks for frame info (what each frame
 *	is: see struct ptscope_run).  Each message holds many PTSCOPE_A_RUN
 *	attributes (each a struct ptscope_run) and PTSCOPE_A_FRAMES nests
 *	(enum ptscope_frames_attr), in address order.  A run is a stretch of
 *	pages contiguous in virtual and physical memory (or in swap) with
 *	equal page size, flags, state, region, protection key and frame info,
 *	inside one VMA; 2 MiB and 1 GiB pages
 *	are reported whole, so a run may begin before PTSCOPE_A_START.
 *	Where physical memory is fragmented, pages next to each other that
 *	are not next to each other in physical memory come as a frames
 *	record instead: one physical address per page, 8 bytes where a run
 *	would take 44.  A reader cuts it into its physically contiguous
 *	pieces, which are runs like the others.
 *
 *   PTSCOPE_CMD_TRANSLATE (do): PTSCOPE_A_ADDR is one user address.  The
 *	reply has one PTSCOPE_A_LEVEL nest (enum ptscope_level_attr) per
 *	page-table level looked at, top first, then either the leaf
 *	(PTSCOPE_A_PA, PTSCOPE_A_PAGE_SIZE, PTSCOPE_A_FLAGS, PTSCOPE_A_STATE,
 *	swap type and offset, and the whole leaf as a PTSCOPE_A_RUN with its
 *	frame info) or PTSCOPE_A_REASON with PTSCOPE_A_STOP_LEVEL.
 *
 *   PTSCOPE_CMD_KERNEL_GET (dump): the kernel half, as the target's
 *	top-level table maps it: one PTSCOPE_A_KERNEL nest (enum
 *	ptscope_kernel_attr) per present top-level entry, with the kernel
 *	areas it covers.
 *
 *   PTSCOPE_CMD_WATCH (do): watch the target's mappings change.  Optional
 *	PTSCOPE_A_START, PTSCOPE_A_END and PTSCOPE_A_REGION bound what is
 *	watched as for MAP_GET; PTSCOPE_A_INTERVAL (milliseconds, default
 *	1000) paces the re-walks that find new mappings.  The reply carries
 *	PTSCOPE_A_PID, PTSCOPE_A_COMM and PTSCOPE_A_REGISTER_NS.  From then
 *	on the module sends PTSCOPE_CMD_WATCH messages, unasked and with
 *	sequence number 0, to the requesting socket: one per change, with
 *	PTSCOPE_A_TIME, PTSCOPE_A_START and PTSCOPE_A_END (the pages that
 *	changed), PTSCOPE_A_EVENT, PTSCOPE_A_CAUSE, PTSCOPE_A_BEFORE and
 *	PTSCOPE_A_AFTER (struct ptscope_run; absent where nothing was
 *	mapped) and PTSCOPE_A_DROPPED; and a last one with PTSCOPE_A_WATCH_END
 *	when the watch ends.  Changes the kernel announces to mmu notifiers
 *	(unmapping, copy-on-write, swap-out, migration, protection) are
 *	re-read right after they are made, with the kernel's cause; new
 *	mappings made by page faults announce nothing and are found by the
 *	re-walks, with cause PTSCOPE_CAUSE_SAMPLED.  A socket may watch many
 *	targets; closing it ends its watches.
 *
 * What a dump promises.  Each entry is read once, atomically, and runs are
 * built only of entries read under one hold of the target's mmap_lock or
 * of consecutive holds in which the VMA they are in stayed the same: runs
 * come in address order, never overlap and never cross a VMA boundary.
 * The lock is dropped between messages and every few thousand entries, so
 * a dump is not a snapshot: the target keeps running, faults pages in,
 * and the kernel may swap, migrate or collapse pages while it is read.  A
 * dump during which the target's VMAs changed (mmap, munmap, mprotect,
 * brk, mremap: anything taking mmap_lock for write) has NLM_F_DUMP_INTR on
 * the messages read after the change and on NLMSG_DONE, on kernels that
 * keep the count to see it (6.4 and later, with per-VMA locks; not 6.1).
 * Page-table changes under the read lock (faults, reclaim, migration,
 * khugepaged) are not flagged on any kernel.  Freeze the target (SIGSTOP)
 * for a consistent picture.
 *
 * Errors carry an extended-ack message, pointing at the attribute at fault:
 *   EPERM       the caller lacks CAP_SYS_ADMIN in the initial user namespace;
 *               KERNEL_GET while the kernel is locked down (confidentiality)
 *   EACCES      the caller may not read the target (ptrace read access, as
 *               /proc/PID/pagemap requires): another user, a non-dumpable
 *               target, or capabilities the caller lacks, each without
 *               CAP_SYS_PTRACE over the target's user namespace
 *   EINVAL      a missing or malformed attribute, an unaligned range bound
 *   ERANGE      an empty or inverted range, an address in the kernel half,
 *               an enum value (PTSCOPE_A_REGION) beyond the enum
 *   EFAULT      a non-canonical address
 *   ESRCH       no process with that pid
 *   ENODATA     the process has exited (its address space is gone)
 *   EOPNOTSUPP  a kernel thread: it has no user address space
 *   EINTR       the request was interrupted by a fatal signal
 *
 * Enums below are append-only: values never change meaning, new ones go
 * before the __*_MAX sentinels.  Structure fields are only appended.  This
 * holds from version 1 as released in ptscope 0.1.0, the first release
 * (development builds before it sent runs as nests of attributes).
 */

#ifndef _UAPI_LINUX_PTSCOPE_H
#define _UAPI_LINUX_PTSCOPE_H

#include <linux/types.h>

#define PTSCOPE_GENL_NAME "ptscope"
#define PTSCOPE_GENL_VERSION 1

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_REGIONS_GET,
	PTSCOPE_CMD_MAP_GET,
	PTSCOPE_CMD_TRANSLATE,
	PTSCOPE_CMD_KERNEL_GET,
	PTSCOPE_CMD_WATCH,

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
 * @PTSCOPE_STATE_PRESENT: a physical frame (also PROT_NONE and NUMA-hinting
 *	entries: present to the kernel, not to the MMU; see
 *	@PTSCOPE_FLAG_PROTNONE)
 * @PTSCOPE_STATE_SWAP: a swap entry: swap device and offset in pages
 * @PTSCOPE_STATE_MIGRATION: a migration entry: the frame being migrated
 * @PTSCOPE_STATE_OTHER: a non-present entry of a kind this version does
 *	not know
 * @PTSCOPE_STATE_MARKER: no frame, a marker the kernel keeps in the entry;
 *	the flags say which (@PTSCOPE_FLAG_UFFD_WP, @PTSCOPE_FLAG_POISONED,
 *	@PTSCOPE_FLAG_GUARD)
 * @PTSCOPE_STATE_HWPOISON: the frame had an uncorrectable memory error;
 *	access raises SIGBUS
 * @PTSCOPE_STATE_DEVICE_PRIVATE: the page lives in device-private memory
 *	(pa names the device page)
 * @PTSCOPE_STATE_DEVICE_EXCLUSIVE: the frame is held exclusively by a
 *	device; a CPU access faults it back
 *
 * Present, migration, hwpoison and device entries name a frame: their
 * runs carry its physical address.
 */
enum ptscope_state {
	PTSCOPE_STATE_PRESENT,
	PTSCOPE_STATE_SWAP,
	PTSCOPE_STATE_MIGRATION,
	PTSCOPE_STATE_OTHER,
	PTSCOPE_STATE_MARKER,
	PTSCOPE_STATE_HWPOISON,
	PTSCOPE_STATE_DEVICE_PRIVATE,
	PTSCOPE_STATE_DEVICE_EXCLUSIVE,

	__PTSCOPE_STATE_MAX
};

/**
 * enum ptscope_flag - bits of a leaf entry, decoded
 *
 * @PTSCOPE_FLAG_PRESENT: present to the MMU (clear in PROT_NONE entries)
 * @PTSCOPE_FLAG_WRITE: writable (a migration entry: it was writable)
 * @PTSCOPE_FLAG_USER: user accessible
 * @PTSCOPE_FLAG_ACCESSED: the MMU has used the entry since it was cleared
 * @PTSCOPE_FLAG_DIRTY: the MMU has written through the entry, as
 *	pte_dirty() says: x86 kernels since 6.6 keep the bit of a
 *	write-protected entry in a software bit, so that it does not read as
 *	a shadow-stack entry
 * @PTSCOPE_FLAG_GLOBAL: kept across address-space switches (only read from
 *	entries present to the MMU: PROT_NONE entries reuse the bit)
 * @PTSCOPE_FLAG_NX: not executable
 * @PTSCOPE_FLAG_HUGE: a leaf above the PTE level (a 2 MiB or 1 GiB page)
 * @PTSCOPE_FLAG_SOFT_DIRTY: the entry's own soft-dirty bit (present and
 *	swap entries)
 * @PTSCOPE_FLAG_PROTNONE: present to the kernel but not to the MMU: a
 *	PROT_NONE mapping, or a NUMA-balancing hint waiting for a fault
 * @PTSCOPE_FLAG_UFFD_WP: write-protected by userfaultfd (the entry's bit
 *	or a uffd-wp marker), pagemap's bit 57
 * @PTSCOPE_FLAG_VMA_SOFT_DIRTY: the whole VMA counts as soft-dirty
 *	(VM_SOFTDIRTY: from mmap or mremap until soft-dirty bits are next
 *	cleared).  pagemap's bit 55 and PAGEMAP_SCAN's PAGE_IS_SOFT_DIRTY
 *	are this or @PTSCOPE_FLAG_SOFT_DIRTY
 * @PTSCOPE_FLAG_POISONED: a marker: the page's contents were lost (a
 *	swap-in error, UFFDIO_POISON); access raises SIGBUS
 * @PTSCOPE_FLAG_GUARD: a marker: a guard page (MADV_GUARD_INSTALL)
 * @PTSCOPE_FLAG_HUGETLB: the VMA is hugetlb (MAP_HUGETLB, hugetlbfs), whose
 *	pages smaps counts apart from Rss and Pss
 * @PTSCOPE_FLAG_SHADOW_STACK: an x86 shadow-stack page (Write=0, Dirty=1 on
 *	a CPU with user shadow stacks, 6.6+; smaps shows its VMA as "ss")
 * @PTSCOPE_FLAG_CONT: arm64: one of a block of entries (16 of 4 KiB, 128
 *	of 16 KiB, 32 of 64 KiB pages) that map contiguous memory with the
 *	same attributes, which the TLB may hold as one (the contiguous bit)
 * @PTSCOPE_FLAG_GUARDED: arm64: a BTI guarded page, whose indirect branches
 *	must land on BTI instructions (the GP bit)
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
	PTSCOPE_FLAG_PROTNONE = 1 << 9,
	PTSCOPE_FLAG_UFFD_WP = 1 << 10,
	PTSCOPE_FLAG_VMA_SOFT_DIRTY = 1 << 11,
	PTSCOPE_FLAG_POISONED = 1 << 12,
	PTSCOPE_FLAG_GUARD = 1 << 13,
	PTSCOPE_FLAG_HUGETLB = 1 << 14,
	PTSCOPE_FLAG_SHADOW_STACK = 1 << 15,
	PTSCOPE_FLAG_CONT = 1 << 16,
	PTSCOPE_FLAG_GUARDED = 1 << 17,
};

/**
 * enum ptscope_mem_type - the memory type of a present entry: how the CPU
 *	caches and orders accesses through it (x86: the PAT entry its PAT,
 *	PCD and PWT bits select; arm64: the MAIR_EL1 attribute its AttrIndx
 *	selects)
 *
 * @PTSCOPE_MEM_TYPE_UNKNOWN: not present, or a type ptscope does not know
 * @PTSCOPE_MEM_TYPE_WRITE_BACK: normal cached memory
 * @PTSCOPE_MEM_TYPE_WRITE_THROUGH: x86 WT
 * @PTSCOPE_MEM_TYPE_WRITE_COMBINING: x86 WC (frame buffers)
 * @PTSCOPE_MEM_TYPE_UNCACHED: x86 UC and UC- (device registers)
 * @PTSCOPE_MEM_TYPE_WRITE_PROTECT: x86 WP
 * @PTSCOPE_MEM_TYPE_NON_CACHEABLE: arm64 Normal non-cacheable
 * @PTSCOPE_MEM_TYPE_DEVICE: arm64 Device-nGnRnE or Device-nGnRE
 * @PTSCOPE_MEM_TYPE_TAGGED: arm64 Normal write-back with MTE allocation
 *	tags (PROT_MTE; smaps shows its VMA as "mt")
 */
enum ptscope_mem_type {
	PTSCOPE_MEM_TYPE_UNKNOWN,
	PTSCOPE_MEM_TYPE_WRITE_BACK,
	PTSCOPE_MEM_TYPE_WRITE_THROUGH,
	PTSCOPE_MEM_TYPE_WRITE_COMBINING,
	PTSCOPE_MEM_TYPE_UNCACHED,
	PTSCOPE_MEM_TYPE_WRITE_PROTECT,
	PTSCOPE_MEM_TYPE_NON_CACHEABLE,
	PTSCOPE_MEM_TYPE_DEVICE,
	PTSCOPE_MEM_TYPE_TAGGED,

	__PTSCOPE_MEM_TYPE_MAX
};

/**
 * enum ptscope_arch - the architecture whose page tables answered
 *	(PTSCOPE_A_ARCH)
 */
enum ptscope_arch {
	PTSCOPE_ARCH_UNKNOWN,
	PTSCOPE_ARCH_X86_64,
	PTSCOPE_ARCH_ARM64,

	__PTSCOPE_ARCH_MAX
};

/**
 * enum ptscope_perm - VMA permissions, as /proc/PID/maps shows them
 */
enum ptscope_perm {
	PTSCOPE_PERM_READ = 1 << 0,
	PTSCOPE_PERM_WRITE = 1 << 1,
	PTSCOPE_PERM_EXEC = 1 << 2,
	PTSCOPE_PERM_SHARED = 1 << 3,
};

/**
 * enum ptscope_level - page-table levels, leaf first
 *
 * P4D appears only under 5-level paging; with 4 levels it is folded into
 * the PGD and not reported.
 */
enum ptscope_level {
	PTSCOPE_LEVEL_NONE,
	PTSCOPE_LEVEL_PTE,
	PTSCOPE_LEVEL_PMD,
	PTSCOPE_LEVEL_PUD,
	PTSCOPE_LEVEL_P4D,
	PTSCOPE_LEVEL_PGD,

	__PTSCOPE_LEVEL_MAX
};

/**
 * enum ptscope_attr - top-level attributes
 *
 * @PTSCOPE_A_PAD: padding for 64-bit attributes
 * @PTSCOPE_A_PID: u32, the target process
 * @PTSCOPE_A_COMM: string, the target's command name (replies)
 * @PTSCOPE_A_START: u64, MAP_GET: first address of the range
 * @PTSCOPE_A_END: u64, MAP_GET: end of the range, exclusive
 * @PTSCOPE_A_REGION: u32, enum ptscope_region: MAP_GET filter; TRANSLATE
 *	reply
 * @PTSCOPE_A_ADDR: u64, TRANSLATE: the virtual address
 * @PTSCOPE_A_VMA: nest, enum ptscope_vma_attr
 * @PTSCOPE_A_RUN: binary, struct ptscope_run (repeated)
 * @PTSCOPE_A_LEVEL: nest, enum ptscope_level_attr (repeated)
 * @PTSCOPE_A_PA: u64, TRANSLATE: physical address of @PTSCOPE_A_ADDR
 * @PTSCOPE_A_PAGE_SIZE: u64, TRANSLATE: bytes mapped by the leaf
 * @PTSCOPE_A_FLAGS: u32, enum ptscope_flag, TRANSLATE: of the leaf
 * @PTSCOPE_A_STATE: u32, enum ptscope_state, TRANSLATE: of the leaf
 * @PTSCOPE_A_SWAP_TYPE: u32, TRANSLATE: swap device of a swapped-out page
 * @PTSCOPE_A_SWAP_OFFSET: u64, TRANSLATE: its offset in pages
 * @PTSCOPE_A_REASON: string, TRANSLATE: why the address is not mapped
 * @PTSCOPE_A_STOP_LEVEL: u32, enum ptscope_level, TRANSLATE: the level
 *	whose entry was empty (PTSCOPE_LEVEL_NONE: no VMA holds the address)
 * @PTSCOPE_A_KERNEL: nest, enum ptscope_kernel_attr (repeated)
 * @PTSCOPE_A_FRAMES: nest, enum ptscope_frames_attr (repeated)
 * @PTSCOPE_A_FRAME_INFO: flag, MAP_GET: fill in each run's frame info
 *	(struct ptscope_run); runs then also break where it changes
 * @PTSCOPE_A_TABLES: nest, enum ptscope_tables_attr: MAP_GET with
 *	PTSCOPE_A_FRAME_INFO, after the last run: the page tables the walk
 *	went through
 * @PTSCOPE_A_ARCH: u32, enum ptscope_arch: REGIONS_GET, MAP_GET replies
 * @PTSCOPE_A_PAGE_SHIFT: u32, REGIONS_GET, MAP_GET replies: log2 of the
 *	base page's bytes (12, 14 or 16), the unit of resident and swapped
 *	page counts
 * @PTSCOPE_A_INTERVAL: u32, WATCH: milliseconds between re-walks
 * @PTSCOPE_A_REGISTER_NS: u64, WATCH reply: how long registering the mmu
 *	notifier took, holding the target's mmap_lock for write
 * @PTSCOPE_A_TIME: u64, WATCH events: CLOCK_REALTIME in nanoseconds
 * @PTSCOPE_A_EVENT: u32, enum ptscope_event, WATCH events
 * @PTSCOPE_A_CAUSE: u32, enum ptscope_cause, WATCH events
 * @PTSCOPE_A_BEFORE: binary, struct ptscope_run, WATCH events: the first
 *	page before the change (va, pa, page_shift, flags, state, swap_offset)
 * @PTSCOPE_A_AFTER: binary, struct ptscope_run, WATCH events: after it
 * @PTSCOPE_A_DROPPED: u64, WATCH events: events lost so far because the
 *	watch's buffer or the socket was full
 * @PTSCOPE_A_WATCH_END: u32, enum ptscope_watch_end: the watch is over
 */
enum ptscope_attr {
	PTSCOPE_A_UNSPEC,
	PTSCOPE_A_PAD,
	PTSCOPE_A_PID,
	PTSCOPE_A_COMM,
	PTSCOPE_A_START,
	PTSCOPE_A_END,
	PTSCOPE_A_REGION,
	PTSCOPE_A_ADDR,
	PTSCOPE_A_VMA,
	PTSCOPE_A_RUN,
	PTSCOPE_A_LEVEL,
	PTSCOPE_A_PA,
	PTSCOPE_A_PAGE_SIZE,
	PTSCOPE_A_FLAGS,
	PTSCOPE_A_STATE,
	PTSCOPE_A_SWAP_TYPE,
	PTSCOPE_A_SWAP_OFFSET,
	PTSCOPE_A_REASON,
	PTSCOPE_A_STOP_LEVEL,
	PTSCOPE_A_KERNEL,
	PTSCOPE_A_FRAMES,
	PTSCOPE_A_FRAME_INFO,
	PTSCOPE_A_TABLES,
	PTSCOPE_A_ARCH,
	PTSCOPE_A_PAGE_SHIFT,
	PTSCOPE_A_INTERVAL,
	PTSCOPE_A_REGISTER_NS,
	PTSCOPE_A_TIME,
	PTSCOPE_A_EVENT,
	PTSCOPE_A_CAUSE,
	PTSCOPE_A_BEFORE,
	PTSCOPE_A_AFTER,
	PTSCOPE_A_DROPPED,
	PTSCOPE_A_WATCH_END,

	__PTSCOPE_A_MAX
};

#define PTSCOPE_A_MAX (__PTSCOPE_A_MAX - 1)

/**
 * enum ptscope_vma_attr - one VMA, in PTSCOPE_A_VMA
 *
 * @PTSCOPE_VMA_A_START: u64
 * @PTSCOPE_VMA_A_END: u64, exclusive
 * @PTSCOPE_VMA_A_PERMS: u32, enum ptscope_perm
 * @PTSCOPE_VMA_A_REGION: u32, enum ptscope_region
 * @PTSCOPE_VMA_A_OFFSET: u64, offset in the file, in bytes
 * @PTSCOPE_VMA_A_PATH: string, the file (absent for anonymous memory)
 * @PTSCOPE_VMA_A_RESIDENT: u64, pages present in memory, in 4 KiB units
 * @PTSCOPE_VMA_A_SWAP: u64, pages in swap (swap entries), in 4 KiB units
 */
enum ptscope_vma_attr {
	PTSCOPE_VMA_A_UNSPEC,
	PTSCOPE_VMA_A_PAD,
	PTSCOPE_VMA_A_START,
	PTSCOPE_VMA_A_END,
	PTSCOPE_VMA_A_PERMS,
	PTSCOPE_VMA_A_REGION,
	PTSCOPE_VMA_A_OFFSET,
	PTSCOPE_VMA_A_PATH,
	PTSCOPE_VMA_A_RESIDENT,
	PTSCOPE_VMA_A_SWAP,

	__PTSCOPE_VMA_A_MAX
};

/**
 * struct ptscope_run - one run of mappings, the payload of PTSCOPE_A_RUN
 *
 * @va: first virtual address
 * @size: bytes
 * @pa: physical address of @va (entries that name a frame: see enum
 *	ptscope_state), else 0
 * @swap_offset: offset of the first page in its swap device, in pages
 *	(swap entries), else 0
 * @flags: enum ptscope_flag
 * @page_shift: log2 of the bytes per page: 12, 21 or 30
 * @state: enum ptscope_state
 * @region: enum ptscope_region
 * @swap_type: the swap device (swap entries), else 0
 * @mapcount: frame info: how many page-table entries map this page, in
 *	every process, as /proc/kpagecount counts them (a PMD mapping of a
 *	huge page counts for each of its pages), else 0
 * @node: frame info: the NUMA node of the frame, else PTSCOPE_NODE_NONE
 * @folio_order: frame info: log2 of the pages in the folio (the kernel's
 *	unit of allocation: a small page, an mTHP, a THP, a hugetlb page)
 *	holding the frame, else 0
 * @backing: frame info: enum ptscope_backing
 * @pkey: the x86 memory protection key of the entry (0 without PKU)
 * @folio_map: frame info: enum ptscope_folio_map, how this VMA maps the
 *	rest of a folio of more than one page
 * @mem_type: enum ptscope_mem_type of a present entry, else 0
 *
 * Frame info (MAP_GET with PTSCOPE_A_FRAME_INFO, and TRANSLATE) is read
 * from the frame's struct page without holding a reference, as
 * /proc/kpageflags and /proc/kpagecount read it: each field is one
 * snapshot, so a page being split, freed or reused while it is read may
 * show the fields of its neighbour's folio or of nothing.  Freeze the
 * target for exact figures.
 *
 * A fixed record, not a nest: a map has a run for every physically
 * contiguous stretch, hundreds of thousands in a large fragmented
 * process, and a nest of attributes cost several times the record's
 * size in building and parsing (see docs/performance.md).  Fields are
 * only ever appended; a reader copies min(attribute length, its
 * sizeof()) bytes, zero-fills the rest, and must not assume the payload
 * is 8-byte aligned (netlink aligns attributes to 4).
 */
struct ptscope_run {
	__u64 va;
	__u64 size;
	__u64 pa;
	__u64 swap_offset;
	__u32 flags;
	__u8 page_shift;
	__u8 state;
	__u8 region;
	__u8 swap_type;
	__u32 mapcount;
	__u16 node;
	__u8 folio_order;
	__u8 backing;
	__u8 pkey;
	__u8 folio_map;
	__u8 mem_type;
	__u8 __pad[5];
};

#define PTSCOPE_NODE_NONE 0xffff

/**
 * enum ptscope_backing - what a present frame holds, read from its
 *	struct page (frame info; see struct ptscope_run)
 *
 * @PTSCOPE_BACKING_UNKNOWN: not asked for, or not a present entry
 * @PTSCOPE_BACKING_NO_PAGE: memory the kernel does not manage as pages (no
 *	online struct page): VM_PFNMAP and VM_IO mappings such as [vvar],
 *	device memory
 * @PTSCOPE_BACKING_ANON: anonymous memory
 * @PTSCOPE_BACKING_KSM: anonymous memory merged by KSM
 * @PTSCOPE_BACKING_FILE: page cache of a file
 * @PTSCOPE_BACKING_SHMEM: page cache that swaps: shmem, tmpfs, memfd, SysV
 *	shared memory, shared anonymous mappings
 * @PTSCOPE_BACKING_ZERO: the shared zero page (a read of untouched
 *	anonymous memory)
 * @PTSCOPE_BACKING_HUGE_ZERO: the huge zero page
 * @PTSCOPE_BACKING_KERNEL: a page of the kernel's own, neither anonymous
 *	nor page cache ([vdso] text, a driver's buffer)
 */
enum ptscope_backing {
	PTSCOPE_BACKING_UNKNOWN,
	PTSCOPE_BACKING_NO_PAGE,
	PTSCOPE_BACKING_ANON,
	PTSCOPE_BACKING_KSM,
	PTSCOPE_BACKING_FILE,
	PTSCOPE_BACKING_SHMEM,
	PTSCOPE_BACKING_ZERO,
	PTSCOPE_BACKING_HUGE_ZERO,
	PTSCOPE_BACKING_KERNEL,

	__PTSCOPE_BACKING_MAX
};

/**
 * enum ptscope_folio_map - how a VMA maps a folio of more than one page
 *	(frame info; see struct ptscope_run).  A folio is mapped "in order"
 *	when each of its pages is mapped, by entries of any level, at the
 *	address the folio's first page would have: the page's own address
 *	less its offset in the folio.
 *
 * @PTSCOPE_FOLIO_MAP_NONE: not asked, not a present page, or a folio of
 *	one page
 * @PTSCOPE_FOLIO_MAP_ALIGNED: the whole folio is mapped in order, from an
 *	address aligned to the folio's size: as a fault or khugepaged maps
 *	it, and as a PMD or contiguous mapping needs it
 * @PTSCOPE_FOLIO_MAP_UNALIGNED: the whole folio is mapped in order, from
 *	an address not aligned to its size (mremap() moved it)
 * @PTSCOPE_FOLIO_MAP_PARTIAL: some pages of the folio are not mapped in
 *	order in this VMA: unmapped, copied on write, or beyond the VMA's ends
 */
enum ptscope_folio_map {
	PTSCOPE_FOLIO_MAP_NONE,
	PTSCOPE_FOLIO_MAP_ALIGNED,
	PTSCOPE_FOLIO_MAP_UNALIGNED,
	PTSCOPE_FOLIO_MAP_PARTIAL,

	__PTSCOPE_FOLIO_MAP_MAX
};

/**
 * enum ptscope_frames_attr - present 4 KiB pages, contiguous in virtual
 *	memory, not in physical memory, in PTSCOPE_A_FRAMES
 *
 * @PTSCOPE_FRAMES_A_PAD: padding for 64-bit attributes
 * @PTSCOPE_FRAMES_A_RUN: binary, struct ptscope_run: the pages' va, size,
 *	flags, region, state (present) and page_shift (12); pa is the first
 *	page's
 * @PTSCOPE_FRAMES_A_PA: binary, size >> page_shift __u64s, each page's
 *	physical address in order
 */
enum ptscope_frames_attr {
	PTSCOPE_FRAMES_A_UNSPEC,
	PTSCOPE_FRAMES_A_PAD,
	PTSCOPE_FRAMES_A_RUN,
	PTSCOPE_FRAMES_A_PA,

	__PTSCOPE_FRAMES_A_MAX
};

/**
 * enum ptscope_tables_attr - the page-table pages under the VMAs of a
 *	MAP_GET range (the kernel half's and the top-level table are not
 *	counted; a level the architecture folds away counts none)
 *
 * @PTSCOPE_TABLES_A_PAD: padding for 64-bit attributes
 * @PTSCOPE_TABLES_A_PTE: u64, PTE tables
 * @PTSCOPE_TABLES_A_PMD: u64, PMD tables
 * @PTSCOPE_TABLES_A_PUD: u64, PUD tables
 * @PTSCOPE_TABLES_A_P4D: u64, P4D tables (5-level paging)
 * @PTSCOPE_TABLES_A_PTE_EMPTY: u64, PTE tables all of whose entries were
 *	empty when read: memory the kernel could give back
 * @PTSCOPE_TABLES_A_PTE_DEPOSITED: u64, PTE tables the kernel keeps aside,
 *	one for each PMD-mapped anonymous THP or huge zero page, to split it
 *	without allocating (pgtable_trans_huge_deposit())
 *
 * PTE + PTE_DEPOSITED + PMD + PUD tables are what VmPTE in
 * /proc/PID/status counts.
 */
enum ptscope_tables_attr {
	PTSCOPE_TABLES_A_UNSPEC,
	PTSCOPE_TABLES_A_PAD,
	PTSCOPE_TABLES_A_PTE,
	PTSCOPE_TABLES_A_PMD,
	PTSCOPE_TABLES_A_PUD,
	PTSCOPE_TABLES_A_P4D,
	PTSCOPE_TABLES_A_PTE_EMPTY,
	PTSCOPE_TABLES_A_PTE_DEPOSITED,

	__PTSCOPE_TABLES_A_MAX
};

/**
 * enum ptscope_level_attr - one page-table level of a translation
 *
 * @PTSCOPE_LEVEL_A_LEVEL: u32, enum ptscope_level
 * @PTSCOPE_LEVEL_A_INDEX: u32, index of the entry in its table
 * @PTSCOPE_LEVEL_A_ENTRY: u64, the entry's raw value
 * @PTSCOPE_LEVEL_A_TABLE: u64, physical address of the table
 */
enum ptscope_level_attr {
	PTSCOPE_LEVEL_A_UNSPEC,
	PTSCOPE_LEVEL_A_PAD,
	PTSCOPE_LEVEL_A_LEVEL,
	PTSCOPE_LEVEL_A_INDEX,
	PTSCOPE_LEVEL_A_ENTRY,
	PTSCOPE_LEVEL_A_TABLE,

	__PTSCOPE_LEVEL_A_MAX
};

/**
 * enum ptscope_kernel_attr - one top-level entry of the kernel half
 *
 * @PTSCOPE_KERNEL_A_INDEX: u32, index in the top-level table
 * @PTSCOPE_KERNEL_A_START: u64, first address the entry maps
 * @PTSCOPE_KERNEL_A_END: u64, end, exclusive (0 for the last entry)
 * @PTSCOPE_KERNEL_A_ENTRY: u64, the entry's raw value
 * @PTSCOPE_KERNEL_A_AREAS: string, the kernel areas inside, comma separated
 *	("direct map", "vmalloc", "vmemmap", "kernel text", "modules",
 *	"fixmap", ...)
 */
enum ptscope_kernel_attr {
	PTSCOPE_KERNEL_A_UNSPEC,
	PTSCOPE_KERNEL_A_PAD,
	PTSCOPE_KERNEL_A_INDEX,
	PTSCOPE_KERNEL_A_START,
	PTSCOPE_KERNEL_A_END,
	PTSCOPE_KERNEL_A_ENTRY,
	PTSCOPE_KERNEL_A_AREAS,

	__PTSCOPE_KERNEL_A_MAX
};

/**
 * enum ptscope_event - what changed, in a WATCH event
 *
 * @PTSCOPE_EVENT_MAPPED: nothing was mapped; now something is
 * @PTSCOPE_EVENT_UNMAPPED: something was mapped (or swapped); now nothing
 * @PTSCOPE_EVENT_REMAPPED: another frame, same page size: copy-on-write,
 *	migration, compaction, KSM; or another non-present state
 * @PTSCOPE_EVENT_PROMOTED: mapped by a larger page (khugepaged's collapse)
 * @PTSCOPE_EVENT_SPLIT: mapped by a smaller page
 * @PTSCOPE_EVENT_SWAPPED_OUT: present before, a swap entry now
 * @PTSCOPE_EVENT_SWAPPED_IN: a swap entry before, present now
 * @PTSCOPE_EVENT_PROTECTION: same frame, other protection flags (write,
 *	user, nx, protnone, uffd-wp)
 */
enum ptscope_event {
	PTSCOPE_EVENT_MAPPED,
	PTSCOPE_EVENT_UNMAPPED,
	PTSCOPE_EVENT_REMAPPED,
	PTSCOPE_EVENT_PROMOTED,
	PTSCOPE_EVENT_SPLIT,
	PTSCOPE_EVENT_SWAPPED_OUT,
	PTSCOPE_EVENT_SWAPPED_IN,
	PTSCOPE_EVENT_PROTECTION,

	__PTSCOPE_EVENT_MAX
};

/**
 * enum ptscope_cause - why the kernel changed the mapping, as it told mmu
 *	notifiers (enum mmu_notifier_event), in a WATCH event
 *
 * @PTSCOPE_CAUSE_SAMPLED: no notification: found by a periodic re-walk
 *	(page faults map pages without one)
 * @PTSCOPE_CAUSE_UNMAP: munmap(), mremap()
 * @PTSCOPE_CAUSE_CLEAR: an entry cleared: copy-on-write, reclaim,
 *	MADV_DONTNEED, collapse, KSM, NUMA balancing
 * @PTSCOPE_CAUSE_PROTECTION_VMA: mprotect()
 * @PTSCOPE_CAUSE_PROTECTION_PAGE: write protection of single pages
 * @PTSCOPE_CAUSE_SOFT_DIRTY: soft-dirty tracking reset
 * @PTSCOPE_CAUSE_RELEASE: the mapping is going away
 * @PTSCOPE_CAUSE_MIGRATE: device migration (migrate_vma)
 * @PTSCOPE_CAUSE_EXCLUSIVE: made exclusive to a device
 * @PTSCOPE_CAUSE_OVERFLOW: too many notifications to keep each: the whole
 *	watched range was re-read
 */
enum ptscope_cause {
	PTSCOPE_CAUSE_SAMPLED,
	PTSCOPE_CAUSE_UNMAP,
	PTSCOPE_CAUSE_CLEAR,
	PTSCOPE_CAUSE_PROTECTION_VMA,
	PTSCOPE_CAUSE_PROTECTION_PAGE,
	PTSCOPE_CAUSE_SOFT_DIRTY,
	PTSCOPE_CAUSE_RELEASE,
	PTSCOPE_CAUSE_MIGRATE,
	PTSCOPE_CAUSE_EXCLUSIVE,
	PTSCOPE_CAUSE_OVERFLOW,

	__PTSCOPE_CAUSE_MAX
};

/**
 * enum ptscope_watch_end - why a watch ended (PTSCOPE_A_WATCH_END)
 *
 * @PTSCOPE_WATCH_END_EXITED: the target's address space is gone
 * @PTSCOPE_WATCH_END_UNLOADED: the ptscope module is being unloaded
 */
enum ptscope_watch_end {
	PTSCOPE_WATCH_END_EXITED,
	PTSCOPE_WATCH_END_UNLOADED,

	__PTSCOPE_WATCH_END_MAX
};

#endif /* _UAPI_LINUX_PTSCOPE_H */
