/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names the module's debugfs views and the client print for the UAPI's
 * enum values, in one place so that both always say the same.
 */
#ifndef _PTSCOPE_NAMES_H
#define _PTSCOPE_NAMES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#endif

#define PTSCOPE_REGION_NAMES {				\
	[PTSCOPE_REGION_CODE] = "code",			\
	[PTSCOPE_REGION_DATA] = "data",			\
	[PTSCOPE_REGION_HEAP] = "heap",			\
	[PTSCOPE_REGION_SHLIB] = "shlib",		\
	[PTSCOPE_REGION_MMAP] = "mmap",			\
	[PTSCOPE_REGION_STACK] = "stack",		\
	[PTSCOPE_REGION_VDSO] = "vdso",			\
	[PTSCOPE_REGION_KERNEL] = "kernel",		\
}

#define PTSCOPE_STATE_NAMES {				\
	[PTSCOPE_STATE_PRESENT] = "present",		\
	[PTSCOPE_STATE_SWAP] = "swap",			\
	[PTSCOPE_STATE_MIGRATION] = "migration",	\
	[PTSCOPE_STATE_OTHER] = "other",		\
	[PTSCOPE_STATE_MARKER] = "marker",		\
	[PTSCOPE_STATE_HWPOISON] = "hwpoison",		\
	[PTSCOPE_STATE_DEVICE_PRIVATE] = "device-private",	\
	[PTSCOPE_STATE_DEVICE_EXCLUSIVE] = "device-exclusive",	\
}

#define PTSCOPE_BACKING_NAMES {				\
	[PTSCOPE_BACKING_UNKNOWN] = "-",		\
	[PTSCOPE_BACKING_NO_PAGE] = "no-page",		\
	[PTSCOPE_BACKING_ANON] = "anon",		\
	[PTSCOPE_BACKING_KSM] = "ksm",			\
	[PTSCOPE_BACKING_FILE] = "file",		\
	[PTSCOPE_BACKING_SHMEM] = "shmem",		\
	[PTSCOPE_BACKING_ZERO] = "zero",		\
	[PTSCOPE_BACKING_HUGE_ZERO] = "huge-zero",	\
	[PTSCOPE_BACKING_KERNEL] = "kernel",		\
}

#define PTSCOPE_FOLIO_MAP_NAMES {			\
	[PTSCOPE_FOLIO_MAP_NONE] = "-",			\
	[PTSCOPE_FOLIO_MAP_ALIGNED] = "aligned",	\
	[PTSCOPE_FOLIO_MAP_UNALIGNED] = "unaligned",	\
	[PTSCOPE_FOLIO_MAP_PARTIAL] = "partial",	\
}

#define PTSCOPE_MEM_TYPE_NAMES {				\
	[PTSCOPE_MEM_TYPE_UNKNOWN] = "-",			\
	[PTSCOPE_MEM_TYPE_WRITE_BACK] = "write-back",		\
	[PTSCOPE_MEM_TYPE_WRITE_THROUGH] = "write-through",	\
	[PTSCOPE_MEM_TYPE_WRITE_COMBINING] = "write-combining",	\
	[PTSCOPE_MEM_TYPE_UNCACHED] = "uncached",		\
	[PTSCOPE_MEM_TYPE_WRITE_PROTECT] = "write-protect",	\
	[PTSCOPE_MEM_TYPE_NON_CACHEABLE] = "non-cacheable",	\
	[PTSCOPE_MEM_TYPE_DEVICE] = "device",			\
	[PTSCOPE_MEM_TYPE_TAGGED] = "tagged",			\
}

#define PTSCOPE_ARCH_NAMES {				\
	[PTSCOPE_ARCH_UNKNOWN] = "unknown",		\
	[PTSCOPE_ARCH_X86_64] = "x86_64",		\
	[PTSCOPE_ARCH_ARM64] = "arm64",			\
}

/* In bit order of enum ptscope_flag. */
#define PTSCOPE_FLAG_NAMES {				\
	"present", "write", "user", "accessed", "dirty",	\
	"global", "nx", "huge", "soft-dirty", "protnone",	\
	"uffd-wp", "vma-soft-dirty", "poisoned", "guard",	\
	"hugetlb", "shadow-stack", "contiguous", "guarded",	\
}

#define PTSCOPE_EVENT_NAMES {				\
	[PTSCOPE_EVENT_MAPPED] = "mapped",		\
	[PTSCOPE_EVENT_UNMAPPED] = "unmapped",		\
	[PTSCOPE_EVENT_REMAPPED] = "remapped",		\
	[PTSCOPE_EVENT_PROMOTED] = "promoted",		\
	[PTSCOPE_EVENT_SPLIT] = "split",		\
	[PTSCOPE_EVENT_SWAPPED_OUT] = "swapped-out",	\
	[PTSCOPE_EVENT_SWAPPED_IN] = "swapped-in",	\
	[PTSCOPE_EVENT_PROTECTION] = "protection",	\
}

#define PTSCOPE_CAUSE_NAMES {				\
	[PTSCOPE_CAUSE_SAMPLED] = "sampled",		\
	[PTSCOPE_CAUSE_UNMAP] = "unmap",		\
	[PTSCOPE_CAUSE_CLEAR] = "clear",		\
	[PTSCOPE_CAUSE_PROTECTION_VMA] = "protection-vma",	\
	[PTSCOPE_CAUSE_PROTECTION_PAGE] = "protection-page",	\
	[PTSCOPE_CAUSE_SOFT_DIRTY] = "soft-dirty",	\
	[PTSCOPE_CAUSE_RELEASE] = "release",		\
	[PTSCOPE_CAUSE_MIGRATE] = "migrate",		\
	[PTSCOPE_CAUSE_EXCLUSIVE] = "exclusive",	\
	[PTSCOPE_CAUSE_OVERFLOW] = "overflow",		\
}

#define PTSCOPE_WATCH_END_NAMES {			\
	[PTSCOPE_WATCH_END_EXITED] = "exited",		\
	[PTSCOPE_WATCH_END_UNLOADED] = "unloaded",	\
}

/* States whose runs carry a physical address (enum ptscope_state). */
static inline bool ptscope_state_has_frame(unsigned int state)
{
	return state == PTSCOPE_STATE_PRESENT || state == PTSCOPE_STATE_MIGRATION ||
	       state == PTSCOPE_STATE_HWPOISON || state == PTSCOPE_STATE_DEVICE_PRIVATE ||
	       state == PTSCOPE_STATE_DEVICE_EXCLUSIVE;
}

#endif /* _PTSCOPE_NAMES_H */
