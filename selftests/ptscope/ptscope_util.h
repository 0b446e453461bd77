/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ptscope kselftests: reading ptscope's debugfs views,
 * reading the oracle (/proc/PID/pagemap), and target processes that hold
 * still while they are looked at.
 */
#ifndef PTSCOPE_UTIL_H
#define PTSCOPE_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The running kernel's base page (4, 16 or 64 KiB on arm64), as
 * sysconf(_SC_PAGESIZE) says: a runtime value, never an array's size.
 */
unsigned long page_sz(void);
#define PAGE_SZ page_sz()
/* log2(PAGE_SZ): 12, 14 or 16. */
unsigned int page_shift(void);
/*
 * What one PMD entry maps: the PMD-sized THP (hpage_pmd_size in
 * /sys/kernel/mm/transparent_hugepage), else a table of PAGE_SZ / 8
 * entries' worth of pages: 2 MiB with 4 KiB pages, 32 MiB with 16 KiB.
 */
unsigned long pmd_sz(void);
/* log2(pmd_sz() / PAGE_SZ): a PMD-sized THP's folio order (9 with 4 KiB pages). */
unsigned int pmd_order(void);
/* What one PUD entry maps: 1 GiB with 4 KiB pages, 64 GiB with 16 KiB. */
unsigned long pud_sz(void);
/* @bytes as ptscope prints a size: "4K", "16K", "2M", "1G". */
const char *size_name(unsigned long bytes);
/*
 * The user address space's width as the kernel lays it out: the main
 * stack sits just below its top (47 bits on x86-64 and on arm64 with
 * 47-bit addresses, 48 on arm64), and a hint above that is honoured only
 * with 5-level paging (x86 LA57: 57 bits) or 52-bit addresses (arm64 LPA2
 * or 64 KiB pages).
 */
unsigned int user_va_bits(void);
/*
 * The page-table levels the kernel walks for a user address: the VA bits
 * above the page offset, (page_shift() - 3) bits per level (a table is a
 * page of 8-byte entries): 4 or 5 with 4 KiB pages, 3 with 16 KiB and
 * 47-bit addresses.
 */
unsigned int pt_levels(void);
/* Whether this is an x86-64 (or an arm64) build: x86-only features skip elsewhere. */
#if defined(__x86_64__)
#define ON_X86 1
#else
#define ON_X86 0
#endif
/* The seed's address: "Process A reads from 0x00400000, so does B". */
#define SEED_VA 0x00400000UL

/* One line of /sys/kernel/debug/ptscope/map. */
struct map_run {
	unsigned long va, end;
	char state[20];		/* present, swap, migration, marker, ... */
	char region[8];
	char flags[128];
	unsigned long page_size;
	uint64_t pa;		/* present, migration */
	unsigned int swap_type;	/* swap */
	uint64_t swap_offset;	/* swap */
	/* the frames view's (frame info) */
	unsigned int mapcount, pkey;
	long node;		/* -1: none */
	unsigned long folio_size;	/* 0: none */
	char folio_map[12], backing[12], mem_type[20];
};

/* One line of /sys/kernel/debug/ptscope/regions. */
struct region_line {
	unsigned long start, end;
	char perms[5];
	char region[8];
	unsigned long resident;
	unsigned long swap;
	char path[256];
};

/* Run a shell command; its whole stdout (free() it), or NULL if it failed. */
char *run_output(const char *cmd);
/*
 * Run a shell command: its exit status (-1 if it did not exit), and the
 * first @len - 1 bytes of its stdout in @out; the rest is read and dropped.
 */
int run_status(const char *cmd, char *out, size_t len);

/* Keep exactly @caps (a mask of CAP_* below 32), effective and permitted. */
int set_caps(uint32_t caps);

/*
 * Start @path (a target program beside the test) with a pipe to its stdin
 * and one from its stdout: its pid (-1 on failure), the pipe's write end in
 * *@in, and the first line it prints in @line (@len bytes at most).
 */
pid_t spawn_target(const char *path, int *in, char *line, size_t len);

/* Write @s to the file at @path (sysfs, procfs): 0 or -errno. */
int write_file(const char *path, const char *s);
/* Its first line, without the newline, into @buf; "" if unreadable. */
void read_file(const char *path, char *buf, size_t len);
/*
 * Write back a setting read as "always [madvise] never": the bracketed one
 * (@saved is cut there).
 */
void restore_setting(const char *path, char *saved);
/*
 * Page cache dropped and memory compacted: the best chance of a free
 * PMD- or PUD-sized block (512 MiB and 4 TiB with 64 KiB pages).
 */
void free_memory_blocks(void);

/*
 * The running kernel's release as (major << 8) | minor, e.g.
 * KERNEL_RELEASE(6, 12); 0 if uname() says something else.
 */
#define KERNEL_RELEASE(major, minor) (((major) << 8) | (minor))
unsigned int kernel_release(void);

/*
 * Swap on /dev/zram0 (64 MiB), loading zram if needed: 0, -ENODEV without
 * a zram device, -1 when it cannot be made swap.  swap_off_zram() undoes it.
 */
int swap_on_zram(void);
void swap_off_zram(void);

/*
 * Wait up to @ms for ksmd to share @pages pages or more (pages_sharing):
 * true once it does.  The caller turns ksmd on (/sys/kernel/mm/ksm/run).
 */
bool ksm_wait_merged(unsigned long pages, int ms);

/*
 * The NUMA node of the frame at @va in @pid, as move_pages() finds it:
 * -errno without NUMA (or without a page there).
 */
int page_node(pid_t pid, unsigned long va);
/* Move the frame at @va in @pid to @node: 0, or -errno. */
int move_page_to(pid_t pid, unsigned long va, int node);

/* /proc/PID/smaps_rollup, in kB; Private_Clean and Private_Dirty summed. */
struct rollup {
	unsigned long rss, pss, pss_anon, pss_file, pss_shmem, private, swap;
};

int read_rollup(pid_t pid, struct rollup *r);

/* Point the debugfs views at @pid; returns 0 or the write's errno. */
int ptscope_set_target(pid_t pid);

/* Read the whole map of @pid; returns the number of runs or -errno. */
int ptscope_read_map(pid_t pid, struct map_run **runs);
/* /sys/kernel/debug/ptscope/frames: map lines with frame info (no swap fields). */
int ptscope_read_frames(pid_t pid, struct map_run **runs);
/* "4K", "64K", "2M", "1G" in bytes; 0 if it is none of these. */
unsigned long page_size_of(const char *name);
/* The run holding @va, or NULL. */
const struct map_run *ptscope_find_run(const struct map_run *runs, int n,
				       unsigned long va);

int ptscope_read_regions(pid_t pid, struct region_line **lines);
const struct region_line *ptscope_find_region(const struct region_line *lines,
					      int n, unsigned long va);

/* The raw 64-bit pagemap entry of @va in @pid, or 0 on error. */
uint64_t pagemap_entry(pid_t pid, unsigned long va);
/* 0 if @pid's pagemap opens and reads for this process, else the errno. */
int pagemap_access(pid_t pid);
#define PM_PRESENT	0x8000000000000000ULL	/* bit 63 */
#define PM_SWAP		0x4000000000000000ULL	/* bit 62 */
#define PM_PFN(e)	((e) & ((1ULL << 55) - 1))
#define PM_SWAP_TYPE(e)	((e) & 0x1f)
#define PM_SWAP_OFFSET(e) (((e) & ((1ULL << 55) - 1)) >> 5)

/*
 * Compare every page of [start, end) in @pid between ptscope's map and
 * pagemap: present in one iff present in the other, with the same frame;
 * swapped in one iff in the other, with the same type and offset.  Returns
 * the number of pages that differ (each reported on stderr) and adds the
 * number of pages compared to *checked.
 */
int compare_with_pagemap(pid_t pid, const struct map_run *runs, int n,
			 unsigned long start, unsigned long end,
			 unsigned long *checked, bool quiet);

/*
 * Read the map of @pid and compare [start, end) with pagemap, and with the
 * runs netlink's MAP_GET returns for the same range.  The kernel
 * may migrate a page between the two reads (compaction does, in the
 * guests), so a mismatch is retried a few times before it counts; only
 * what differs on the last attempt is reported.
 */
int check_against_pagemap(pid_t pid, unsigned long start, unsigned long end,
			  unsigned long *checked);

/*
 * @len bytes of anonymous 4 KiB pages, faulted odd pages after even ones so
 * that no page's frame follows its neighbour's (as on a machine whose free
 * memory is fragmented); NULL on failure.
 */
char *map_scattered(unsigned long len);

/* A target setup: a page at SEED_VA filled with the byte @fill; its address. */
unsigned long map_seed_page(void *fill);

/*
 * pagemap skips VM_PFNMAP and VM_IO mappings ([vvar], device memory): it
 * cannot be the oracle there.
 */
bool pagemap_blind(pid_t pid, unsigned long va);

/*
 * A target process: runs @setup in a child, which then reports a value
 * (an address, usually) and waits until target_stop().  @arg is passed on.
 */
struct target {
	pid_t pid;
	int cmd_fd;		/* parent -> child */
	int report_fd;		/* child -> parent */
	unsigned long value;	/* what setup returned */
};

int target_start(struct target *t, unsigned long (*setup)(void *arg), void *arg);
/* Ask the child to run @fn once more and report its result. */
int target_run(struct target *t, unsigned long (*fn)(void *arg), void *arg);
void target_stop(struct target *t);

/*
 * Start this test program anew (execve of /proc/self/exe) in "child mode"
 * as a freshly exec'd process: it reports &printf after touching it, then
 * waits for stdin to close.  @same_layout turns address-space randomization
 * off, so that two such processes map everything at the same addresses.
 */
int exec_target_start(struct target *t, bool same_layout);
/* Called by main() of each test binary before the harness runs. */
void exec_target_main(int argc, char **argv);

/*
 * A raw request to the ptscope family.  @build adds attributes to the
 * message (it may add wrong ones on purpose); @cb sees every reply.
 * Returns 0 or the negative errno the kernel answered, with its extack
 * message copied to @extack (empty when none).
 */
struct nlmsghdr;
int ptscope_request(uint8_t cmd, uint16_t flags,
		    void (*build)(struct nlmsghdr *nlh, void *arg), void *arg,
		    int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
		    char *extack, size_t extack_len);

/*
 * Call @fn for every run of a MAP_GET reply message: PTSCOPE_A_RUN records,
 * and the physically contiguous pieces of PTSCOPE_A_FRAMES records (read
 * here, not with the client's code, so that tests check the client too).
 * Returns the number of frames records, or -1 at one that does not add up
 * (an address per page, a present 4 KiB run of two pages or more).
 */
struct ptscope_run;
int ptscope_visit_runs(const struct nlmsghdr *nlh,
		       void (*fn)(const struct ptscope_run *run, void *arg), void *arg);

/* A request builder for ptscope_request(): PTSCOPE_A_PID of *(pid_t *)@arg. */
void put_pid_attr(struct nlmsghdr *nlh, void *arg);

/* A process and an address, as TRANSLATE asks for them. */
struct pid_addr {
	pid_t pid;
	uint64_t addr;
};

/* A request builder: PTSCOPE_A_PID and PTSCOPE_A_ADDR of a struct pid_addr. */
void put_pid_addr(struct nlmsghdr *nlh, void *arg);

/* Where vm-run puts the module in a guest. */
#define MODULE_PATH "/lib/ptscope/ptscope.ko"

/* insmod MODULE_PATH, and rmmod without waiting: 0 or -errno. */
int module_load(void);
int module_unload(void);

/* The generic netlink family id of @name, or -1. */
int genl_family_id(const char *name);

#endif
