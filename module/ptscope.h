/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the files of the ptscope module. */
#ifndef _PTSCOPE_H
#define _PTSCOPE_H

#include <linux/err.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <uapi/linux/ptscope.h>

struct file;
struct netlink_ext_ack;
struct pid;

/* target.c */
struct ptscope_target {
	struct mm_struct *mm;		/* pinned with mmgrab() */
	pid_t tgid;			/* in the caller's pid namespace */
	char comm[TASK_COMM_LEN];
};

int ptscope_target_get(struct pid *pid, const struct file *file,
		       struct netlink_ext_ack *extack, struct ptscope_target *target);
void ptscope_target_put(struct ptscope_target *target);

/* region.c */
/* What is known of one group of adjacent VMAs of a file (see region.c). */
struct ptscope_region_cache {
	const struct inode *inode;	/* the file; compared, never dereferenced */
	unsigned long start;		/* the part of the group looked at */
	unsigned long end;
	bool exec;			/* a VMA in [start, end) is executable */
	bool start_found;		/* start and end are the group's own */
	bool end_found;
};

int ptscope_vma_region(struct vm_area_struct *vma, struct ptscope_region_cache *cache,
		       unsigned int *budget);
const char *ptscope_region_name(unsigned int region);

/* frame.c */

/*
 * Where frame info looks for the rest of a large folio: the VMA holding
 * the page, and the last folio looked at, whose pages a walk meets in a
 * row.
 */
struct ptscope_folio_seen {
	struct mm_struct *mm;
	unsigned long vma_start;
	unsigned long vma_end;
	unsigned long head_pfn;		/* the folio looked at last, */
	unsigned long start;		/* the address of its first page, */
	u8 map;				/* and how it is mapped */
};

unsigned int ptscope_frame_info(struct ptscope_run *leaf, unsigned long pfn,
				struct ptscope_folio_seen *seen);

/* walk.c */

/*
 * Runs (struct ptscope_run, in the UAPI header, as MAP_GET sends them):
 * pages contiguous in virtual and physical memory (or in swap) with equal
 * page size, flags, state and region, all inside one VMA.
 */

/*
 * Pages per frames record (see walk.c): 2 KiB of addresses, so a record
 * (2,100 bytes with its header) fits the smallest message a dump is
 * given, NLMSG_GOODSIZE (about 3.7 KiB).
 */
#define PTSCOPE_WALK_FRAMES 256

/* Page-table entries looked at per hold of mmap_lock. */
#define PTSCOPE_WALK_BUDGET 4096

/*
 * The page-table pages a walk went through, each counted once: tables are
 * met in address order, so a table is new when it is not the last one
 * met at its level.
 */
struct ptscope_tables {
	u64 pte, pmd, pud, p4d, pte_empty, pte_deposited;
	phys_addr_t last_pte, last_pmd, last_pud, last_p4d;
};

/*
 * The cursor of one walk over [addr, end) of an mm.  Walks hold the mm's
 * mmap_lock (and an mm_users reference) only inside ptscope_walk_next() and
 * between it and ptscope_walk_pause(), for a bounded amount of work.
 */
struct ptscope_walk {
	struct mm_struct *mm;
	unsigned long addr;		/* next address to look at */
	unsigned long end;
	unsigned long vma_end;		/* end of the VMA being walked */
	unsigned int budget;		/* entries left before the lock drops */
	u64 locked_at;			/* ktime_get_ns() when the lock was taken */
	bool locked;
	bool in_vma;			/* vma_end and region are current */
	bool in_table;			/* pmdp, pmd and table_end are current */
	bool have_pending;
	bool noted;			/* later leaves never begin below addr */
	bool locked_before;		/* mm_seq is from the last hold */
	bool frame_info;		/* fill in frame info: ptscope_frame_info(), */
	struct ptscope_tables tables;	/* and count the page tables */
	u8 region;
	u32 vma_flags;			/* ptscope_vma_flags() of the VMA */
	unsigned int mm_seq;		/* ptscope_mm_seq() at the last hold */
	unsigned int mm_changes;	/* holds that found the mm changed since the last */
	struct address_space *hugetlb_mapping;	/* of the VMA, if hugetlb */
	pmd_t *pmdp;			/* the PTE table being walked: its PMD entry, */
	pmd_t pmd;			/* that entry's value when it was entered, */
	unsigned long table_end;	/* and where the walk leaves it */
	struct ptscope_region_cache region_cache;
	struct ptscope_folio_seen folio_seen;	/* frame info's */
	struct ptscope_run pending;	/* the run being extended */
	u64 pending_bits;		/* its attribute bits, undecoded (base pages) */
	unsigned int nr_frames;		/* pending is a frames record of so many */
	unsigned int tail;		/* pages in its last contiguous piece */
	const u64 *out_frames;		/* the frames of the run handed out */
	u64 *frames;			/* PTSCOPE_WALK_FRAMES, or NULL: runs only */
};

/* One VMA, as the regions views show it. */
struct ptscope_vma {
	unsigned long start;
	unsigned long end;
	unsigned long pgoff;
	vm_flags_t flags;
	struct file *file;		/* referenced: ptscope_vma_release() */
	unsigned long resident;		/* present pages, in PAGE_SIZE units */
	unsigned long swap;		/* swapped-out pages, in PAGE_SIZE units */
	u8 region;
};

void ptscope_walk_init(struct ptscope_walk *walk, struct mm_struct *mm,
		       unsigned long start, unsigned long end, u64 *frames);
int ptscope_walk_next(struct ptscope_walk *walk, struct ptscope_run *run);
void ptscope_walk_pause(struct ptscope_walk *walk);
struct address_space *ptscope_hugetlb_mapping(struct vm_area_struct *vma);
const u64 *ptscope_walk_frames(const struct ptscope_walk *walk);
unsigned int ptscope_frames_piece(const u64 *frames, unsigned int nr);
int ptscope_vma_next(struct ptscope_walk *walk, struct ptscope_vma *vma);
void ptscope_vma_release(struct ptscope_vma *vma);

/* The flags a leaf takes from its VMA, not from its entry. */
#define PTSCOPE_VMA_FLAGS (PTSCOPE_FLAG_VMA_SOFT_DIRTY | PTSCOPE_FLAG_HUGETLB)

void ptscope_decode_leaf(struct ptscope_run *leaf, unsigned int shift,
			 bool present, u64 val, u64 bits, unsigned long pfn);
u32 ptscope_vma_flags(const struct vm_area_struct *vma);

/* translate.c */
struct ptscope_level_entry {
	u64 entry;			/* raw value */
	u64 table;			/* physical address of its table */
	u32 index;
	u8 level;			/* enum ptscope_level */
};

struct ptscope_translation {
	struct ptscope_level_entry levels[5];
	unsigned int nr_levels;
	bool in_vma;
	struct ptscope_run leaf;	/* when reason is NULL */
	const char *reason;		/* why the address is not mapped */
	u8 stop_level;			/* enum ptscope_level */
};

int ptscope_translate(struct mm_struct *mm, unsigned long addr,
		      struct ptscope_translation *t);

/* kernel.c */
struct ptscope_kernel_entry {
	unsigned long start;
	unsigned long end;		/* exclusive; 0 when it ends at the top */
	u64 entry;
	unsigned int index;
	char areas[96];
};

int ptscope_kernel_next(struct mm_struct *mm, unsigned int *index,
			struct ptscope_kernel_entry *e);

/* stats.c */
struct seq_file;
void ptscope_stats_lock_hold(u64 ns, unsigned int entries);
void ptscope_stats_request_bytes(size_t bytes);
void ptscope_stats_reset(void);
int ptscope_stats_show(struct seq_file *m, void *v);

/* watch.c */
struct ptscope_watch;

/* Milliseconds between the re-walks that find new mappings, by default. */
#define PTSCOPE_WATCH_INTERVAL_MS 1000

/* In a watch event, the state of a run where nothing is mapped. */
#define PTSCOPE_STATE_NONE 0xff

struct ptscope_watch_event {
	u64 time;			/* CLOCK_REALTIME, ns */
	u64 dropped;			/* events lost so far */
	struct ptscope_run before;	/* va and size: the pages that changed; */
	struct ptscope_run after;	/* the rest: of the first of them */
	u8 event;			/* enum ptscope_event */
	u8 cause;			/* enum ptscope_cause */
	s8 end;				/* enum ptscope_watch_end, or -1: an event */
};

#ifdef CONFIG_MMU_NOTIFIER
struct ptscope_watch *ptscope_watch_start(struct ptscope_target *target, unsigned long start,
					  unsigned long end, int region, unsigned int interval_ms,
					  void (*notify)(void *owner), void *owner,
					  u64 *register_ns);
void ptscope_watch_run(struct ptscope_watch *w);
u64 ptscope_watch_stop(struct ptscope_watch *w);
bool ptscope_watch_next(struct ptscope_watch *w, struct ptscope_watch_event *ev);
void ptscope_watch_drop(struct ptscope_watch *w);
#else
/* A kernel without mmu notifiers (none of KVM, HMM, ... built): no watches. */
static inline struct ptscope_watch *
ptscope_watch_start(struct ptscope_target *target, unsigned long start, unsigned long end,
		    int region, unsigned int interval_ms, void (*notify)(void *owner),
		    void *owner, u64 *register_ns)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void ptscope_watch_run(struct ptscope_watch *w) { }
static inline u64 ptscope_watch_stop(struct ptscope_watch *w) { return 0; }

static inline bool ptscope_watch_next(struct ptscope_watch *w, struct ptscope_watch_event *ev)
{
	return false;
}

static inline void ptscope_watch_drop(struct ptscope_watch *w) { }
#endif

/* debugfs.c */
void ptscope_debugfs_init(void);
void ptscope_debugfs_uninit(void);

/* netlink.c */
int ptscope_genl_init(void);
void ptscope_genl_uninit(void);

#endif /* _PTSCOPE_H */
