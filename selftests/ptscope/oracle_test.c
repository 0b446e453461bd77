// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle: every field of every page ptscope reports, through MAP_GET,
 * TRANSLATE, the debugfs map and the client's JSON, against every
 * independent source the kernel has: /proc/PID/pagemap, PAGEMAP_SCAN
 * (6.7+), /proc/kpageflags and /proc/kpagecount, /proc/PID/maps and smaps,
 * and the VMA's own permissions.
 *
 * Each variant builds one target of a zoo (anonymous, file, shmem, THP,
 * mTHP, hugetlb, PROT_NONE at every level, swap, KSM, uffd-wp, markers,
 * hwpoison, copy-on-write, a layout of many VMAs...), then freezes it:
 * SIGSTOP, and khugepaged, compaction and ksmd held off, so that nothing
 * moves between the reads.  Any difference is a failure; nothing is
 * retried.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))

/* PAGEMAP_SCAN (6.7): the host's headers may be older than the guest. */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};

struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WPALLOWED BIT(0)
#define PAGE_IS_WRITTEN BIT(1)
#define PAGE_IS_FILE BIT(2)
#define PAGE_IS_PRESENT BIT(3)
#define PAGE_IS_SWAPPED BIT(4)
#define PAGE_IS_PFNZERO BIT(5)
#define PAGE_IS_HUGE BIT(6)
#define PAGE_IS_SOFT_DIRTY BIT(7)
#endif

#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON BIT(14)
#endif
#ifndef UFFDIO_POISON
#define UFFDIO_POISON _IOWR(UFFDIO, 0x08, struct { \
	struct uffdio_range range; uint64_t mode; int64_t updated; })
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PM_SOFT_DIRTY	BIT_ULL(55)
#define PM_UFFD_WP	BIT_ULL(57)

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_ANON		12
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_NOPAGE		20
#define KPF_KSM			21
#define KPF_THP			22
#define KPF_ZERO_PAGE		24

/* Base pages in kB, the unit of smaps. */
static unsigned long page_kb(void)
{
	return PAGE_SZ / 1024;
}

/*
 * Folio orders a variant expects that depend on the base page: a
 * PMD-sized THP or hugetlb page (9 with 4 KiB pages, 11 with 16 KiB),
 * an mTHP of mthp_sz() (4 with 4 KiB pages, 2 with 16 and 64 KiB).
 */
#define ORDER_PMD 0x100
#define ORDER_MTHP 0x101

/*
 * The mTHP size the mthp variant asks for: 64 KiB, arm64's contiguous
 * block with 4 KiB pages, and never less than 4 base pages (with 64 KiB
 * pages, 64 KiB is no mTHP at all).
 */
static unsigned long mthp_sz(void)
{
	return PAGE_SZ * 4 > 64UL << 10 ? PAGE_SZ * 4 : 64UL << 10;
}

static unsigned int folio_order_wanted(unsigned int order)
{
	if (order == ORDER_PMD)
		return pmd_order();
	if (order == ORDER_MTHP)
		return __builtin_ctzl(mthp_sz() / PAGE_SZ);
	return order;
}

/* One page, as one source tells it. */
struct page_view {
	uint64_t pa;		/* of this page, where the state names a frame */
	uint64_t swap_offset;	/* of this page, swap entries */
	uint32_t flags;
	uint32_t swap_type;
	uint8_t state, shift, region;
};

/* A run as every source gives it: the UAPI's record. */
struct runs {
	struct ptscope_run *r;
	int n, cap;
};

static void runs_add(struct runs *rs, const struct ptscope_run *run)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 1024;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (!rs->r)
			abort();
	}
	rs->r[rs->n++] = *run;
}

static bool has_frame(unsigned int state)
{
	return state == PTSCOPE_STATE_PRESENT || state == PTSCOPE_STATE_MIGRATION ||
	       state >= PTSCOPE_STATE_HWPOISON;
}

/* The run holding @va, or NULL (runs are sorted and never overlap). */
static const struct ptscope_run *find(const struct runs *rs, uint64_t va)
{
	int lo = 0, hi = rs->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (rs->r[mid].va + rs->r[mid].size <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->r[lo].va <= va ? &rs->r[lo] : NULL;
}

static struct page_view page_of(const struct ptscope_run *run, uint64_t va)
{
	uint64_t off = va - run->va;

	return (struct page_view) {
		.pa = has_frame(run->state) ? run->pa + off : 0,
		.swap_offset = run->state == PTSCOPE_STATE_SWAP ?
			       run->swap_offset + off / PAGE_SZ : 0,
		.flags = run->flags,
		.swap_type = run->swap_type,
		.state = run->state,
		.shift = run->page_shift,
		.region = run->region,
	};
}

/* Sources of ptscope's own answer. */

static void netlink_add(const struct ptscope_run *run, void *arg)
{
	runs_add(arg, run);
}

static int netlink_map_cb(const struct nlmsghdr *nlh, void *data)
{
	return ptscope_visit_runs(nlh, netlink_add, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static void put_pid(struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(pid_t *)arg);
}

static int read_netlink(pid_t pid, struct runs *rs)
{
	char extack[256];

	return ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid, &pid,
			       netlink_map_cb, rs, extack, sizeof(extack));
}

static void put_pid_frame_info(struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(pid_t *)arg);
	mnl_attr_put(nlh, PTSCOPE_A_FRAME_INFO, 0, NULL);
}

/* MAP_GET with frame info: runs broken where what the frames are changes. */
static int read_frame_info(pid_t pid, struct runs *rs)
{
	char extack[256];

	return ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid_frame_info, &pid,
			       netlink_map_cb, rs, extack, sizeof(extack));
}

/* The UAPI's names, written out here so that a renamed one fails too. */
static const char *const state_names[] = {
	"present", "swap", "migration", "other", "marker", "hwpoison",
	"device-private", "device-exclusive",
};

static const char *const flag_names[] = {
	"present", "write", "user", "accessed", "dirty", "global", "nx", "huge",
	"soft-dirty", "protnone", "uffd-wp", "vma-soft-dirty", "poisoned", "guard", "hugetlb",
	"shadow-stack", "contiguous", "guarded",
};

static const char *const backing_names[] = {
	"-", "no-page", "anon", "ksm", "file", "shmem", "zero", "huge-zero", "kernel",
};

static const char *const folio_map_names[] = { "-", "aligned", "unaligned", "partial" };

static const char *const mem_type_names[] = {
	"-", "write-back", "write-through", "write-combining", "uncached", "write-protect",
	"non-cacheable", "device", "tagged",
};

static const char *const region_names[] = {
	"code", "data", "heap", "shlib", "mmap", "stack", "vdso", "kernel",
};

static int lookup(const char *const *names, int n, const char *name, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return i;
	return -1;
}

/* "a,b,c" or "-" -> flag bits; -1 on a name the UAPI does not have. */
static int64_t parse_flags(const char *s, const char *stop)
{
	int64_t bits = 0;
	const char *end;
	int i;

	if (*s == '-')
		return 0;
	while (s < stop && (*s == ',' || *s == '"'))
		s++;
	while (s < stop) {
		end = s + strcspn(s, " ,\"]\n");
		if (end > stop)
			end = stop;
		i = lookup(flag_names, ARRAY_SIZE(flag_names), s, end - s);
		if (i < 0)
			return -1;
		bits |= 1 << i;
		s = end;
		while (s < stop && (*s == ',' || *s == '"'))
			s++;
	}
	return bits;
}

static uint8_t shift_of(unsigned long size)
{
	return __builtin_ctzl(size);
}

static int read_debugfs(pid_t pid, struct runs *rs)
{
	struct map_run *lines = NULL;
	struct ptscope_run run;
	int n, i;
	int64_t flags;

	n = ptscope_read_map(pid, &lines);
	for (i = 0; i < n; i++) {
		const struct map_run *l = &lines[i];

		flags = parse_flags(l->flags, l->flags + strlen(l->flags));
		run = (struct ptscope_run) {
			.va = l->va,
			.size = l->end - l->va,
			.flags = flags,
			.page_shift = shift_of(l->page_size),
			.state = lookup(state_names, ARRAY_SIZE(state_names), l->state,
					strlen(l->state)),
			.region = lookup(region_names, ARRAY_SIZE(region_names), l->region,
					 strlen(l->region)),
		};
		if (flags < 0 || run.state == (uint8_t)-1 || run.region == (uint8_t)-1) {
			fprintf(stderr, "debugfs map: unknown name in line %d\n", i);
			n = -EINVAL;
			break;
		}
		if (has_frame(run.state))
			run.pa = l->pa;
		if (run.state == PTSCOPE_STATE_SWAP) {
			run.swap_type = l->swap_type;
			run.swap_offset = l->swap_offset;
		}
		runs_add(rs, &run);
	}
	free(lines);
	return n < 0 ? n : 0;
}

/* The frames view: the map with frame info (no swap fields: see read_debugfs()). */
static int read_debugfs_frames(pid_t pid, struct runs *rs)
{
	struct map_run *lines = NULL;
	int n, i;

	n = ptscope_read_frames(pid, &lines);
	for (i = 0; i < n; i++) {
		const struct map_run *l = &lines[i];
		struct ptscope_run run = {
			.va = l->va,
			.size = l->end - l->va,
			.flags = parse_flags(l->flags, l->flags + strlen(l->flags)),
			.page_shift = shift_of(l->page_size),
			.state = lookup(state_names, ARRAY_SIZE(state_names), l->state,
					strlen(l->state)),
			.region = lookup(region_names, ARRAY_SIZE(region_names), l->region,
					 strlen(l->region)),
			.mapcount = l->mapcount,
			.node = l->node < 0 ? PTSCOPE_NODE_NONE : l->node,
			.folio_order = l->folio_size ? shift_of(l->folio_size / PAGE_SZ) : 0,
			.backing = lookup(backing_names, ARRAY_SIZE(backing_names), l->backing,
					  strlen(l->backing)),
			.folio_map = lookup(folio_map_names, ARRAY_SIZE(folio_map_names),
					    l->folio_map, strlen(l->folio_map)),
			.pkey = l->pkey,
			.mem_type = lookup(mem_type_names, ARRAY_SIZE(mem_type_names),
					   l->mem_type, strlen(l->mem_type)),
		};

		if (has_frame(run.state))
			run.pa = l->pa;
		runs_add(rs, &run);
	}
	free(lines);
	return n < 0 ? n : 0;
}

/* The value of "key": in one flat JSON object [obj, end), or NULL. */
static const char *json_value(const char *obj, const char *end, const char *key)
{
	char pattern[32];
	const char *at;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	at = memmem(obj, end - obj, pattern, strlen(pattern));
	return at ? at + strlen(pattern) : NULL;
}

static uint64_t json_number(const char *v)
{
	if (!v || *v == 'n')
		return 0;
	return strtoull(*v == '"' ? v + 1 : v, NULL, 0);
}

static int json_name(const char *v, const char *const *names, int n)
{
	return v && *v == '"' ? lookup(names, n, v + 1, strcspn(v + 1, "\"")) : -1;
}

/* The client's `map -j`: one object per run in "mappings". */
static int read_client_json(pid_t pid, struct runs *rs)
{
	char cmd[64], *out, *obj, *end;
	const char *v;
	struct ptscope_run run;
	int64_t flags;
	int ret = 0;

	snprintf(cmd, sizeof(cmd), "ptscope map -j %d", pid);
	out = run_output(cmd);
	obj = out ? strstr(out, "\"mappings\":[") : NULL;
	if (!obj) {
		free(out);
		return -EIO;
	}
	while ((obj = strchr(obj + 1, '{'))) {
		end = strchr(obj, '}');
		if (!end)
			break;
		v = json_value(obj, end, "flags");
		flags = v && *v == '[' ? parse_flags(v + 1, strchr(v, ']')) : -1;
		run = (struct ptscope_run) {
			.va = json_number(json_value(obj, end, "va")),
			.size = json_number(json_value(obj, end, "size")),
			.pa = json_number(json_value(obj, end, "pa")),
			.swap_offset = json_number(json_value(obj, end, "swap_offset")),
			.flags = flags,
			.page_shift = shift_of(json_number(json_value(obj, end, "page_size"))),
			.state = json_name(json_value(obj, end, "state"), state_names, 8),
			.region = json_name(json_value(obj, end, "region"), region_names, 8),
			.swap_type = json_number(json_value(obj, end, "swap_type")),
		};
		if (flags < 0 || run.state == (uint8_t)-1 || run.region == (uint8_t)-1) {
			fprintf(stderr, "client JSON: unknown name in %.*s\n",
				(int)(end - obj + 1), obj);
			ret = -EINVAL;
			break;
		}
		runs_add(rs, &run);
		/* The array ends; what follows (the total) is no run. */
		if (end[1] == ']')
			break;
		obj = end;
	}
	free(out);
	return ret;
}

/* TRANSLATE of one address, decoded into what a page of a run would say. */
struct translation {
	struct page_view page;
	struct ptscope_run run;	/* the leaf, with the frame info of the page */
	bool leaf;
};

static int translation_cb(const struct nlmsghdr *nlh, void *data)
{
	struct translation *t = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case PTSCOPE_A_PA:
			t->page.pa = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_PAGE_SIZE:
			t->page.shift = shift_of(mnl_attr_get_u64(attr));
			t->leaf = true;
			break;
		case PTSCOPE_A_FLAGS:
			t->page.flags = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_STATE:
			t->page.state = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_REGION:
			t->page.region = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_SWAP_TYPE:
			t->page.swap_type = mnl_attr_get_u32(attr);
			break;
		case PTSCOPE_A_SWAP_OFFSET:
			t->page.swap_offset = mnl_attr_get_u64(attr);
			break;
		case PTSCOPE_A_RUN:
			memcpy(&t->run, mnl_attr_get_payload(attr),
			       mnl_attr_get_payload_len(attr) < sizeof(t->run) ?
			       mnl_attr_get_payload_len(attr) : sizeof(t->run));
			break;
		}
	}
	return MNL_CB_OK;
}

static int translate(pid_t pid, uint64_t va, struct translation *t)
{
	struct pid_addr req = { .pid = pid, .addr = va };
	char extack[256];

	memset(t, 0, sizeof(*t));
	return ptscope_request(PTSCOPE_CMD_TRANSLATE, 0, put_pid_addr, &req,
			       translation_cb, t, extack, sizeof(extack));
}

/* The kernel's own sources. */

struct vma {
	unsigned long start, end, offset;
	char perms[5];
	char path[256];
	/* smaps, in kB, and VmFlags */
	unsigned long rss, anon_huge, swap, locked, hugetlb, kernel_page;
	unsigned long pkey;	/* ProtectionKey, where the CPU has them */
	long ksm;		/* KSM, kB (6.6+); -1 where smaps has no such line */
	bool soft_dirty, hugetlb_vma, mlocked, shadow_stack, mte;
};

static int read_smaps(pid_t pid, struct vma **vmas)
{
	char path[64], line[512], name[64];
	struct vma *v = NULL;
	int n = 0, cap = 0;
	unsigned long kb;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, offset;
		char perms[5];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %4s %lx %*s %*s%n", &start, &end, perms,
			   &offset, &pos) == 4 && pos) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				*vmas = realloc(*vmas, cap * sizeof(**vmas));
			}
			v = &(*vmas)[n++];
			memset(v, 0, sizeof(*v));
			v->ksm = -1;
			v->start = start;
			v->end = end;
			v->offset = offset;
			memcpy(v->perms, perms, sizeof(perms));
			if (sscanf(line + pos, " %255[^\n]", v->path) != 1)
				v->path[0] = '\0';
			continue;
		}
		if (!v)
			continue;
		if (!strncmp(line, "VmFlags:", 8)) {
			v->soft_dirty = strstr(line, " sd");
			v->hugetlb_vma = strstr(line, " ht");
			v->mlocked = strstr(line, " lo");
			v->shadow_stack = strstr(line, " ss");
			v->mte = strstr(line, " mt");
			continue;
		}
		if (sscanf(line, "ProtectionKey: %lu", &kb) == 1)
			v->pkey = kb;
		if (sscanf(line, "KSM: %lu kB", &kb) == 1)
			v->ksm = kb;
		if (sscanf(line, "%63[^:]: %lu kB", name, &kb) != 2)
			continue;
		if (!strcmp(name, "Rss"))
			v->rss = kb;
		else if (!strcmp(name, "AnonHugePages"))
			v->anon_huge = kb;
		else if (!strcmp(name, "Swap"))
			v->swap = kb;
		else if (!strcmp(name, "Locked"))
			v->locked = kb;
		else if (!strcmp(name, "Private_Hugetlb") || !strcmp(name, "Shared_Hugetlb"))
			v->hugetlb += kb;
		else if (!strcmp(name, "KernelPageSize"))
			v->kernel_page = kb;
	}
	fclose(f);
	return n;
}

static uint64_t read_u64_at(int fd, uint64_t index)
{
	uint64_t v = 0;

	if (pread(fd, &v, sizeof(v), index * sizeof(v)) != sizeof(v))
		return ~0ULL;
	return v;
}

/* PAGEMAP_SCAN's categories of every page of [start, end) with an entry. */
static int scan_range(int pagemap, unsigned long start, unsigned long end,
		      uint64_t *cats)
{
	struct page_region regions[256];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = start,
		.end = end,
		.vec = (uintptr_t)regions,
		.vec_len = 256,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_WRITTEN | PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
			       PAGE_IS_PFNZERO | PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY,
	};
	long i, n;
	uint64_t va;

	while (arg.start < end) {
		n = ioctl(pagemap, PAGEMAP_SCAN, &arg);
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++)
			for (va = regions[i].start; va < regions[i].end; va += PAGE_SZ)
				cats[(va - start) / PAGE_SZ] = regions[i].categories;
		arg.start = arg.walk_end;
	}
	return 0;
}

/* What the comparison counted, for the note and the log. */
struct tally {
	unsigned long pages, fields, vmas, translated, mismatches;
	bool scan;
};

#define MISMATCH(t, fmt, ...) do {					\
	if ((t)->mismatches++ < 40)					\
		fprintf(stderr, "# MISMATCH " fmt "\n", ##__VA_ARGS__);	\
} while (0)

/* One field, counted. */
static void same(struct tally *t, const char *what, uint64_t va, uint64_t got, uint64_t want)
{
	t->fields++;
	if (got != want)
		MISMATCH(t, "%s at %#" PRIx64 ": ptscope %#" PRIx64 ", kernel %#" PRIx64,
			 what, va, got, want);
}

#define SAME(t, what, va, got, want) same(t, what, va, got, want)

static const char *run_text(const struct ptscope_run *r, char buf[128])
{
	snprintf(buf, 128, "va %#llx+%#llx pa %#llx flags %#x state %u swap %u:%#llx",
		 r->va, r->size, r->pa, r->flags, r->state, r->swap_type, r->swap_offset);
	return buf;
}

/* Two of ptscope's own answers: the same runs, field for field. */
static void same_runs(struct tally *t, const char *name, const struct runs *a,
		      const struct runs *b)
{
	char a1[128], a2[128];
	int i;

	SAME(t, name, 0, b->n, a->n);
	for (i = 0; i < a->n && i < b->n; i++) {
		const struct ptscope_run *x = &a->r[i], *y = &b->r[i];

		t->fields += 9;
		if (x->va != y->va || x->size != y->size || x->pa != y->pa ||
		    x->swap_offset != y->swap_offset || x->flags != y->flags ||
		    x->page_shift != y->page_shift || x->state != y->state ||
		    x->region != y->region || x->swap_type != y->swap_type)
			MISMATCH(t, "%s run %d: %s, MAP_GET %s", name, i, run_text(y, a1),
				 run_text(x, a2));
	}
}

static const char *frame_text(const struct ptscope_run *r, char buf[128])
{
	snprintf(buf, 128, " mapcount %u node %u order %u backing %u folio map %u pkey %u mem %u",
		 r->mapcount, r->node, r->folio_order, r->backing, r->folio_map, r->pkey,
		 r->mem_type);
	return buf;
}

/*
 * The frames view against MAP_GET with frame info, every field but the
 * swap ones; how many runs differ, each reported when @t is given.
 */
static int diff_frame_runs(struct tally *t, const struct runs *a, const struct runs *b)
{
	int i, differ = a->n != b->n;
	char a1[128], a2[128], f1[128], f2[128];

	if (t)
		SAME(t, "debugfs frames runs", 0, b->n, a->n);
	for (i = 0; i < a->n && i < b->n; i++) {
		const struct ptscope_run *x = &a->r[i], *y = &b->r[i];

		if (t)
			t->fields += 13;
		if (x->va == y->va && x->size == y->size && x->pa == y->pa &&
		    x->flags == y->flags && x->page_shift == y->page_shift &&
		    x->state == y->state && x->region == y->region &&
		    x->mapcount == y->mapcount && x->node == y->node &&
		    x->folio_order == y->folio_order && x->backing == y->backing &&
		    x->folio_map == y->folio_map && x->pkey == y->pkey &&
		    x->mem_type == y->mem_type)
			continue;
		differ++;
		if (t)
			MISMATCH(t, "debugfs frames run %d: %s%s, MAP_GET %s%s", i, run_text(y, a1),
				 frame_text(y, f1), run_text(x, a2), frame_text(x, f2));
	}
	return differ;
}

/*
 * Frame info read twice, by MAP_GET and by the frames view: a page that
 * the target shares (see stable_mapcount()) may change its count in
 * between, so the two are read again, up to three times, before they
 * count as different.
 */
static int read_frame_info_twice(struct tally *t, pid_t pid, struct runs *info)
{
	struct runs dbg = {};
	int attempt, ret = 0;

	for (attempt = 0; attempt < 3; attempt++) {
		info->n = 0;
		dbg.n = 0;
		ret = read_frame_info(pid, info) ?: read_debugfs_frames(pid, &dbg);
		if (ret || !diff_frame_runs(NULL, info, &dbg))
			break;
	}
	if (!ret)
		diff_frame_runs(t, info, &dbg);
	free(dbg.r);
	return ret;
}

/* Every page of @v in ptscope's MAP_GET against the kernel's sources. */
static void check_vma(struct tally *t, pid_t pid, const struct vma *v,
		      const struct runs *map, int pagemap, int kflags, int kcount)
{
	unsigned long pages = (v->end - v->start) / PAGE_SZ, i;
	unsigned long resident = 0, huge_anon = 0, swapped = 0;
	uint64_t *cats = calloc(pages, sizeof(*cats));
	bool nx_cpu = true, scan, huge_protnone = false;

	scan = cats && scan_range(pagemap, v->start, v->end, cats) == 0;
	t->scan |= scan;
	t->vmas++;
	for (i = 0; i < pages; i++) {
		uint64_t va = v->start + i * PAGE_SZ;
		const struct ptscope_run *run = find(map, va);
		uint64_t pm = read_u64_at(pagemap, va / PAGE_SZ);
		struct page_view p;
		uint64_t kf, want_sd;
		bool is_present, is_entry;

		if (run && (run->va < v->start || run->va + run->size > v->end))
			MISMATCH(t, "run %#llx+%#llx crosses the VMA %#lx-%#lx",
				 run->va, run->size, v->start, v->end);
		if (!run) {
			t->fields++;
			if (pm & (PM_PRESENT | PM_SWAP))
				MISMATCH(t, "no run at %#" PRIx64 ", pagemap %#" PRIx64, va, pm);
			if (scan && cats[i])
				MISMATCH(t, "no run at %#lx, PAGEMAP_SCAN %#" PRIx64,
					 (unsigned long)va, cats[i]);
			continue;
		}
		t->pages++;
		p = page_of(run, va);
		is_present = p.state == PTSCOPE_STATE_PRESENT;
		/* pagemap reports no non-present hugetlb entry (see pagemap_hugetlb_range()). */
		is_entry = !is_present && !v->hugetlb_vma;

		/* pagemap */
		SAME(t, "pagemap present", va, is_present, !!(pm & PM_PRESENT));
		SAME(t, "pagemap swap", va, is_entry, !!(pm & PM_SWAP));
		if (is_present)
			SAME(t, "pagemap pfn", va, p.pa / PAGE_SZ, PM_PFN(pm));
		if (p.state == PTSCOPE_STATE_SWAP) {
			SAME(t, "pagemap swap type", va, p.swap_type, PM_SWAP_TYPE(pm));
			SAME(t, "pagemap swap offset", va, p.swap_offset, PM_SWAP_OFFSET(pm));
		} else if (is_entry && has_frame(p.state)) {
			SAME(t, "pagemap entry pfn", va, p.pa / PAGE_SZ, PM_SWAP_OFFSET(pm));
		}
		want_sd = v->hugetlb_vma ? !!(p.flags & PTSCOPE_FLAG_VMA_SOFT_DIRTY) :
			  !!(p.flags & (PTSCOPE_FLAG_SOFT_DIRTY | PTSCOPE_FLAG_VMA_SOFT_DIRTY));
		SAME(t, "pagemap soft-dirty", va, want_sd, !!(pm & PM_SOFT_DIRTY));
		SAME(t, "pagemap uffd-wp", va, !!(p.flags & PTSCOPE_FLAG_UFFD_WP),
		     !!(pm & PM_UFFD_WP));
		SAME(t, "smaps sd", va, !!(p.flags & PTSCOPE_FLAG_VMA_SOFT_DIRTY), v->soft_dirty);
		SAME(t, "smaps ht", va, !!(p.flags & PTSCOPE_FLAG_HUGETLB), v->hugetlb_vma);

		/* PAGEMAP_SCAN */
		if (scan) {
			uint64_t c = cats[i];

			SAME(t, "scan present", va, is_present, !!(c & PAGE_IS_PRESENT));
			SAME(t, "scan swapped", va, !is_present, !!(c & PAGE_IS_SWAPPED));
			SAME(t, "scan written", va, !(p.flags & PTSCOPE_FLAG_UFFD_WP),
			     !!(c & PAGE_IS_WRITTEN));
			/* The entry's bit or the VMA's, hugetlb too (pagemap_scan_test_walk()) */
			SAME(t, "scan soft-dirty", va,
			     !!(p.flags & (PTSCOPE_FLAG_SOFT_DIRTY | PTSCOPE_FLAG_VMA_SOFT_DIRTY)),
			     !!(c & PAGE_IS_SOFT_DIRTY));
			SAME(t, "scan huge", va, p.shift > page_shift(), !!(c & PAGE_IS_HUGE));
		}

		/* The entry's flags against the state and the VMA */
		SAME(t, "huge flag", va, !!(p.flags & PTSCOPE_FLAG_HUGE), p.shift > page_shift());
		SAME(t, "page size", va, p.shift == page_shift() || BIT(p.shift) == pmd_sz() ||
		     BIT(p.shift) == pud_sz(), 1);
		if (is_present) {
			bool protnone = !strncmp(v->perms, "---", 3);

			SAME(t, "protnone", va, !!(p.flags & PTSCOPE_FLAG_PROTNONE), protnone);
			SAME(t, "present flag", va, !!(p.flags & PTSCOPE_FLAG_PRESENT), !protnone);
			SAME(t, "global", va, !!(p.flags & PTSCOPE_FLAG_GLOBAL), 0);
			if (!protnone) {
				SAME(t, "user", va, !!(p.flags & PTSCOPE_FLAG_USER), 1);
				if (p.flags & PTSCOPE_FLAG_WRITE)
					SAME(t, "write in a writable VMA", va, v->perms[1], 'w');
				if (nx_cpu)
					SAME(t, "nx", va, !!(p.flags & PTSCOPE_FLAG_NX),
					     v->perms[2] != 'x');
			}
			SAME(t, "shadow stack (smaps ss)", va,
			     !!(p.flags & PTSCOPE_FLAG_SHADOW_STACK), v->shadow_stack);
			SAME(t, "marker bits", va, p.flags & (PTSCOPE_FLAG_POISONED |
							      PTSCOPE_FLAG_GUARD), 0);
		} else {
			SAME(t, "hardware bits of an entry not present", va,
			     p.flags & (PTSCOPE_FLAG_PRESENT | PTSCOPE_FLAG_USER |
					PTSCOPE_FLAG_ACCESSED | PTSCOPE_FLAG_DIRTY |
					PTSCOPE_FLAG_GLOBAL | PTSCOPE_FLAG_NX |
					PTSCOPE_FLAG_PROTNONE), 0);
			if (p.state == PTSCOPE_STATE_MARKER)
				SAME(t, "a marker says which", va,
				     !!(p.flags & (PTSCOPE_FLAG_UFFD_WP | PTSCOPE_FLAG_POISONED |
						   PTSCOPE_FLAG_GUARD)), 1);
			SAME(t, "state known", va, p.state != PTSCOPE_STATE_OTHER, 1);
		}
		if (!has_frame(p.state))
			SAME(t, "pa of a state without a frame", va, run->pa, 0);
		if (p.state != PTSCOPE_STATE_SWAP)
			SAME(t, "swap fields", va, run->swap_type | run->swap_offset, 0);

		/* kpageflags, kpagecount */
		if (is_present) {
			kf = read_u64_at(kflags, p.pa / PAGE_SZ);
			/* RAM is mapped write-back; with PROT_MTE, tagged (arm64). */
			if (!(kf & (1ULL << KPF_NOPAGE)))
				SAME(t, "memory type of RAM (smaps mt)", va, run->mem_type,
				     v->mte ? PTSCOPE_MEM_TYPE_TAGGED :
					      PTSCOPE_MEM_TYPE_WRITE_BACK);
			if (!(kf & (1ULL << KPF_NOPAGE)) && !(kf & (1ULL << KPF_ZERO_PAGE)))
				SAME(t, "kpagecount of a mapped frame", va,
				     read_u64_at(kcount, p.pa / PAGE_SZ) > 0, 1);
			if (scan)
				SAME(t, "zero page", va, !!(kf & (1ULL << KPF_ZERO_PAGE)),
				     !!(cats[i] & PAGE_IS_PFNZERO));
			if (p.shift > page_shift() && va == run->va) {
				uint64_t head_pfn = (p.pa >> p.shift << p.shift) / PAGE_SZ;
				uint64_t head = read_u64_at(kflags, head_pfn);

				SAME(t, "huge leaf is a compound head", va,
				     !!(head & (1ULL << KPF_COMPOUND_HEAD)), 1);
				SAME(t, "huge leaf is hugetlb or THP", va,
				     !!(head & (1ULL << (v->hugetlb_vma ? KPF_HUGE : KPF_THP))), 1);
			}
			/* smaps counts no page it finds no struct page for: the zero page */
			if (!(kf & (1ULL << KPF_ZERO_PAGE)))
				resident++;
			if (BIT(p.shift) == pmd_sz() && !v->hugetlb_vma && !v->path[0])
				huge_anon++;
			huge_protnone |= p.shift > page_shift() &&
					 (p.flags & PTSCOPE_FLAG_PROTNONE);
		}
		if (p.state == PTSCOPE_STATE_SWAP)
			swapped++;
		/* ...and counts migration and hwpoison entries' frames (smaps_pte_entry()) */
		if (!is_present && has_frame(p.state))
			resident++;
		if (v->hugetlb_vma)
			SAME(t, "hugetlb page size", va, 1UL << p.shift, v->kernel_page * 1024);

		/* TRANSLATE, page by page (huge pages: their first and last) */
		if (p.shift == page_shift() || va == run->va ||
		    va + PAGE_SZ == run->va + run->size) {
			struct translation tr;

			t->translated++;
			if (translate(pid, va, &tr) || !tr.leaf) {
				MISMATCH(t, "TRANSLATE %#lx: no leaf", (unsigned long)va);
			} else {
				SAME(t, "TRANSLATE pa", va, tr.page.pa,
				     has_frame(p.state) ? p.pa : 0);
				SAME(t, "TRANSLATE flags", va, tr.page.flags, p.flags);
				SAME(t, "TRANSLATE state", va, tr.page.state, p.state);
				SAME(t, "TRANSLATE page size", va, tr.page.shift, p.shift);
				SAME(t, "TRANSLATE region", va, tr.page.region, p.region);
				SAME(t, "TRANSLATE swap type", va, tr.page.swap_type, p.swap_type);
				SAME(t, "TRANSLATE swap offset", va, tr.page.swap_offset,
				     p.swap_offset);
			}
		}
	}

	/* smaps, per VMA: what ptscope's pages add up to */
	if (v->hugetlb_vma) {
		SAME(t, "smaps hugetlb kB", v->start, resident * page_kb(), v->hugetlb);
	} else if (huge_protnone && kernel_release() && kernel_release() < KERNEL_RELEASE(6, 12)) {
		/*
		 * smaps_pmd_entry() before 6.12 finds the page through
		 * follow_trans_huge_pmd(), which gives none for a PROT_NONE
		 * PMD: smaps counts nothing where pagemap sees 2 MiB present.
		 */
		t->fields++;
	} else {
		SAME(t, "smaps Rss kB", v->start, resident * page_kb(), v->rss);
		SAME(t, "smaps AnonHugePages kB", v->start, huge_anon * page_kb(), v->anon_huge);
		if (!strstr(v->path, "memfd:") && !strstr(v->path, "/dev/zero"))
			SAME(t, "smaps Swap kB", v->start, swapped * page_kb(), v->swap);
		SAME(t, "smaps Locked", v->start, v->locked > 0, v->mlocked && v->rss > 0);
	}
	free(cats);
}

/* REGIONS_GET (through debugfs) against maps: boundaries, perms, path, resident. */
static void check_regions(struct tally *t, pid_t pid, const struct vma *vmas, int n,
			  const struct runs *map)
{
	struct region_line *lines = NULL;
	int nl = ptscope_read_regions(pid, &lines), i;

	SAME(t, "VMAs", 0, nl, n);
	for (i = 0; i < n && i < nl; i++) {
		const struct ptscope_run *run;
		unsigned long resident = 0;
		uint64_t va;

		SAME(t, "VMA start", vmas[i].start, lines[i].start, vmas[i].start);
		SAME(t, "VMA end", vmas[i].start, lines[i].end, vmas[i].end);
		t->fields++;
		if (strcmp(lines[i].perms, vmas[i].perms))
			MISMATCH(t, "VMA %#lx perms %s, maps %s", vmas[i].start,
				 lines[i].perms, vmas[i].perms);
		for (va = vmas[i].start; va < vmas[i].end; va += PAGE_SZ) {
			run = find(map, va);
			resident += run && run->state == PTSCOPE_STATE_PRESENT;
			if (run && strcmp(region_names[run->region], lines[i].region))
				MISMATCH(t, "run at %#lx in region %s, its VMA in %s",
					 (unsigned long)va, region_names[run->region],
					 lines[i].region);
		}
		SAME(t, "VMA resident pages", vmas[i].start, lines[i].resident, resident);
	}
	free(lines);
}

/* Hold off what moves pages on its own while a target is read. */
static const struct {
	const char *path, *frozen;
} quiet[] = {
	{ "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "4000000000" },
	{ "/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs", "4000000000" },
	{ "/proc/sys/vm/compaction_proactiveness", "0" },
	{ "/proc/sys/kernel/numa_balancing", "0" },
};

/*
 * The order of the folio holding @pfn, from kpageflags: a compound head and
 * the tails after it.  @cache keeps the last folio found.
 */
struct folio_span {
	uint64_t head, pages;
};

static unsigned int folio_order_of(int kflags, uint64_t pfn, struct folio_span *cache)
{
	const uint64_t compound = (1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL);
	uint64_t head = pfn, pages = 1;
	unsigned int order = 0;

	if (cache->pages && pfn >= cache->head && pfn < cache->head + cache->pages)
		goto found;
	if (!(read_u64_at(kflags, pfn) & compound))
		return 0;
	while (head && read_u64_at(kflags, head) & (1ULL << KPF_COMPOUND_TAIL))
		head--;
	while (read_u64_at(kflags, head + pages) & (1ULL << KPF_COMPOUND_TAIL))
		pages++;
	*cache = (struct folio_span){ head, pages };
found:
	while ((1ULL << order) < cache->pages)
		order++;
	return order;
}

/* How @v maps the rest of @folio (kpageflags), read from pagemap. */
struct folio_mapped {
	uint64_t head, start;
	unsigned int map;
};

static unsigned int folio_map_of(int pagemap, const struct vma *v, uint64_t va, uint64_t pfn,
				 const struct folio_span *folio, struct folio_mapped *seen)
{
	uint64_t start, size = folio->pages * PAGE_SZ, *pm, i;

	if (folio->pages < 2 || pfn < folio->head || pfn >= folio->head + folio->pages)
		return PTSCOPE_FOLIO_MAP_NONE;
	start = va - (pfn - folio->head) * PAGE_SZ;
	if (seen->head == folio->head && seen->start == start)
		return seen->map;
	*seen = (struct folio_mapped){ folio->head, start, PTSCOPE_FOLIO_MAP_PARTIAL };
	if (start > va || start < v->start || start + size > v->end)
		return seen->map;
	pm = malloc(folio->pages * sizeof(*pm));
	if (!pm || pread(pagemap, pm, folio->pages * sizeof(*pm), start / PAGE_SZ * sizeof(*pm)) !=
		   (ssize_t)(folio->pages * sizeof(*pm)))
		abort();
	for (i = 0; i < folio->pages; i++)
		if (!(pm[i] & PM_PRESENT) || PM_PFN(pm[i]) != folio->head + i)
			break;
	free(pm);
	if (i == folio->pages)
		seen->map = start % size ? PTSCOPE_FOLIO_MAP_UNALIGNED : PTSCOPE_FOLIO_MAP_ALIGNED;
	return seen->map;
}

/* What kpageflags says a mapped frame holds, in enum ptscope_backing. */
static unsigned int backing_of(uint64_t kf, const struct vma *v)
{
	if (kf & (1ULL << KPF_NOPAGE))
		return PTSCOPE_BACKING_NO_PAGE;
	if (kf & (1ULL << KPF_ZERO_PAGE))
		return kf & (1ULL << KPF_THP) ? PTSCOPE_BACKING_HUGE_ZERO : PTSCOPE_BACKING_ZERO;
	/*
	 * KSM or not is checked by the count (check_frame_info()): 6.12's
	 * stable_page_flags() tests mapping & PAGE_MAPPING_KSM, which every
	 * anonymous page's mapping has a bit of, so KPF_KSM is on them all.
	 */
	if (kf & (1ULL << KPF_ANON))
		return PTSCOPE_BACKING_ANON;
	if (kf & (1ULL << KPF_SWAPBACKED))
		return PTSCOPE_BACKING_SHMEM;
	/* Page cache of a file the VMA maps, or a page of the kernel's ([vdso]). */
	return v->path[0] == '/' ? PTSCOPE_BACKING_FILE : PTSCOPE_BACKING_KERNEL;
}

/*
 * An anonymous page the target shares with other processes - the test
 * harness and this test, which it was forked from, their children - is
 * mapped, unmapped and copied by them while the target is frozen: this
 * test writing its own stack breaks the copy-on-write of a stack page the
 * target shared a moment ago, and the count drops from 2 to 1.  Where
 * ptscope's count @got differs from kpagecount's, such a page is asked
 * again: TRANSLATE's count, between two equal kpagecounts, is the one
 * compared.  Any other page is compared as it was read.
 */
static uint64_t stable_mapcount(pid_t pid, uint64_t va, uint64_t got, uint64_t kf,
				int kcount, uint64_t pfn)
{
	uint64_t before = read_u64_at(kcount, pfn);
	struct translation tr;

	if (got == before || !(kf & (1ULL << KPF_ANON)) ||
	    translate(pid, va, &tr) || read_u64_at(kcount, pfn) != before)
		return got;
	return tr.run.mapcount;
}

/*
 * The frame info of every page of @v (MAP_GET with PTSCOPE_A_FRAME_INFO,
 * in @info) against kpagecount, kpageflags, move_pages() (the node) and
 * smaps (ProtectionKey), and TRANSLATE's at the first page of each run.
 */
static void check_frame_info(struct tally *t, pid_t pid, const struct vma *v,
			     const struct runs *info, int pagemap, int kflags, int kcount)
{
	unsigned long pages = (v->end - v->start) / PAGE_SZ, i;
	void **addrs = calloc(pages, sizeof(*addrs));
	int *nodes = calloc(pages, sizeof(*nodes));
	struct folio_span folio = {};
	struct folio_mapped mapped = {};
	unsigned long ksm = 0, kpf_ksm = 0;
	bool numa;

	if (!addrs || !nodes)
		abort();
	for (i = 0; i < pages; i++)
		addrs[i] = (void *)(v->start + i * PAGE_SZ);
	/* Without NUMA (or a node list), move_pages() fails: node 0 for all. */
	numa = !syscall(SYS_move_pages, pid, pages, addrs, NULL, nodes, 0);
	for (i = 0; i < pages; i++) {
		uint64_t va = v->start + i * PAGE_SZ, pfn, kf;
		const struct ptscope_run *run = find(info, va);
		struct translation tr;

		if (!run)
			continue;
		if (run->state != PTSCOPE_STATE_PRESENT) {
			SAME(t, "frame info of an entry not present", va,
			     run->mapcount | run->folio_order | run->backing | run->pkey |
			     run->folio_map, 0);
			SAME(t, "node of an entry not present", va, run->node, PTSCOPE_NODE_NONE);
			continue;
		}
		pfn = (run->pa + va - run->va) / PAGE_SZ;
		kf = read_u64_at(kflags, pfn);
		ksm += run->backing == PTSCOPE_BACKING_KSM;
		kpf_ksm += !!(kf & (1ULL << KPF_KSM));
		SAME(t, "backing (kpageflags)", va,
		     run->backing == PTSCOPE_BACKING_KSM ? PTSCOPE_BACKING_ANON : run->backing,
		     backing_of(kf, v));
		SAME(t, "pkey (smaps ProtectionKey)", va, run->pkey, v->pkey);
		if (kf & (1ULL << KPF_NOPAGE)) {
			SAME(t, "node without a struct page", va, run->node, PTSCOPE_NODE_NONE);
			continue;
		}
		SAME(t, "mapcount (kpagecount)", va,
		     stable_mapcount(pid, va, run->mapcount, kf, kcount, pfn),
		     read_u64_at(kcount, pfn));
		SAME(t, "folio order (kpageflags)", va, run->folio_order,
		     folio_order_of(kflags, pfn, &folio));
		SAME(t, "folio map (kpageflags, pagemap)", va, run->folio_map,
		     folio_map_of(pagemap, v, va, pfn, &folio, &mapped));
		/*
		 * move_pages() looks the page up by follow_page(): not the zero
		 * page, nor a PROT_NONE one (-EFAULT).  Without NUMA it fails.
		 */
		if (!numa)
			SAME(t, "node (no NUMA)", va, run->node, 0);
		else if (nodes[i] >= 0 && !(kf & (1ULL << KPF_ZERO_PAGE)))
			SAME(t, "node (move_pages)", va, run->node, nodes[i]);
		if (va != run->va)
			continue;
		t->translated++;
		if (translate(pid, va, &tr) || !tr.leaf) {
			MISMATCH(t, "TRANSLATE %#lx: no leaf", (unsigned long)va);
			continue;
		}
		SAME(t, "TRANSLATE mapcount", va,
		     stable_mapcount(pid, va, tr.run.mapcount, kf, kcount, pfn),
		     read_u64_at(kcount, pfn));
		SAME(t, "TRANSLATE node", va, tr.run.node, run->node);
		SAME(t, "TRANSLATE folio order", va, tr.run.folio_order, run->folio_order);
		SAME(t, "TRANSLATE backing", va, tr.run.backing, run->backing);
		SAME(t, "TRANSLATE pkey", va, tr.run.pkey, run->pkey);
		SAME(t, "TRANSLATE folio map", va, tr.run.folio_map, run->folio_map);
	}
	/* KSM pages: smaps counts them (6.6+); before, KPF_KSM is right. */
	SAME(t, "KSM pages (smaps KSM, else kpageflags)", v->start, ksm,
	     v->ksm >= 0 ? v->ksm / page_kb() : kpf_ksm);
	free(addrs);
	free(nodes);
}

/*
 * Compare everything ptscope says of @pid (stopped) with the kernel.
 * Returns the tally; the caller asserts no mismatch.
 */
static struct tally oracle(pid_t pid)
{
	struct runs map = {}, dbg = {}, json = {}, info = {};
	struct tally t = {};
	struct vma *vmas = NULL;
	int n, i, pagemap, kflags, kcount;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pagemap = open(path, O_RDONLY);
	kflags = open("/proc/kpageflags", O_RDONLY);
	kcount = open("/proc/kpagecount", O_RDONLY);
	if (pagemap < 0 || kflags < 0 || kcount < 0 ||
	    read_netlink(pid, &map) || read_debugfs(pid, &dbg) ||
	    read_client_json(pid, &json) || read_frame_info_twice(&t, pid, &info)) {
		MISMATCH(&t, "cannot read one of the sources: %s", strerror(errno));
		goto out;
	}
	same_runs(&t, "debugfs", &map, &dbg);
	same_runs(&t, "client JSON", &map, &json);

	n = read_smaps(pid, &vmas);
	for (i = 0; i < n; i++) {
		/* pagemap cannot see into PFN maps ([vvar]): nothing to compare with. */
		if (pagemap_blind(pid, vmas[i].start))
			continue;
		check_vma(&t, pid, &vmas[i], &map, pagemap, kflags, kcount);
		check_frame_info(&t, pid, &vmas[i], &info, pagemap, kflags, kcount);
	}
	check_regions(&t, pid, vmas, n, &map);
	for (i = 0; i < map.n; i++)
		if (i && map.r[i].va < map.r[i - 1].va + map.r[i - 1].size)
			MISMATCH(&t, "runs overlap at %#llx", map.r[i].va);
out:
	free(vmas);
	free(map.r);
	free(dbg.r);
	free(json.r);
	free(info.r);
	close(pagemap);
	close(kflags);
	close(kcount);
	return t;
}

/* The zoo: each setup runs in the target and returns the address of its area. */

static char *map_anon(unsigned long len, unsigned long align, int advice)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (align)
		p = (char *)(((unsigned long)p + align - 1) & ~(align - 1));
	if (advice >= 0)
		madvise(p, len, advice);
	return p;
}

static void fill(char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += PAGE_SZ)
		p[off] = (char)(off / PAGE_SZ + 1);
}

static unsigned long zoo_anon(void *arg)
{
	char *p = map_anon(64 * PAGE_SZ, 0, MADV_NOHUGEPAGE);

	if (p)
		fill(p, 64 * PAGE_SZ);
	return (unsigned long)p;
}

/* Read every page of [p, p + len): faults without writing. */
static void read_pages(const char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += PAGE_SZ)
		__asm__ volatile("" : : "r"(p[off]));	/* a load the compiler keeps */
}

static unsigned long zoo_zero_page(void *arg)
{
	char *p = map_anon(64 * PAGE_SZ, 0, MADV_NOHUGEPAGE);

	if (p)
		read_pages(p, 64 * PAGE_SZ);
	return (unsigned long)p;
}

static unsigned long zoo_file(void *arg)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	char *priv, *shared;
	char tmp[] = "/tmp/oracle.XXXXXX";
	unsigned long off, len = 16 * PAGE_SZ, priv_len;
	struct stat st;

	/* Never past the file's end (SIGBUS): 16 pages of 64 KiB are more. */
	if (fd < 0 || fstat(fd, &st))
		return 0;
	priv_len = st.st_size / PAGE_SZ * PAGE_SZ;
	if (priv_len > len)
		priv_len = len;
	priv = mmap(NULL, priv_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	fd = mkstemp(tmp);
	if (priv == MAP_FAILED || fd < 0 || ftruncate(fd, len))
		return 0;
	unlink(tmp);
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (shared == MAP_FAILED)
		return 0;
	read_pages(priv, priv_len);
	for (off = 0; off < len; off += PAGE_SZ)
		shared[off] = 1;
	priv[0] = 1;	/* one copy-on-write page among page-cache pages */
	return (unsigned long)priv;
}

static unsigned long zoo_shmem(void *arg)
{
	int fd = memfd_create("oracle", 0);
	char *p;

	if (fd < 0 || ftruncate(fd, 32 * PAGE_SZ))
		return 0;
	p = mmap(NULL, 32 * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	fill(p, 16 * PAGE_SZ);
	return (unsigned long)p;
}

static unsigned long zoo_thp(void *arg)
{
	char *p = map_anon(2 * pmd_sz(), pmd_sz(), MADV_HUGEPAGE);

	if (p)
		fill(p, 2 * pmd_sz());
	return (unsigned long)p;
}

/*
 * THPs mapped by PTEs stay so while khugepaged, which the fixture's
 * settings wake for a scan, leaves MADV_NOHUGEPAGE areas alone.
 */
static unsigned long no_collapse(char *p)
{
	return p && !madvise(p, 2 * pmd_sz(), MADV_NOHUGEPAGE) ? (unsigned long)p : 0;
}

/*
 * A THP's PMD split into PTEs, the folio whole: an mprotect() of one page
 * splits the mapping, the one that undoes it merges the VMAs again.
 */
static unsigned long zoo_thp_pte_mapped(void *arg)
{
	char *p = (char *)zoo_thp(arg);

	if (!p || mprotect(p + PAGE_SZ, PAGE_SZ, PROT_READ) ||
	    mprotect(p + PAGE_SZ, PAGE_SZ, PROT_READ | PROT_WRITE))
		return 0;
	return no_collapse(p);
}

/* Part of a THP unmapped: the rest of the folio stays, mapped by PTEs. */
static unsigned long zoo_thp_partial(void *arg)
{
	char *p = (char *)zoo_thp(arg);

	if (!p || madvise(p + pmd_sz() / 2, 16 * PAGE_SZ, MADV_DONTNEED))
		return 0;
	return no_collapse(p);
}

/* THPs moved a page off their alignment: mremap() moves their PTEs. */
static unsigned long zoo_thp_unaligned(void *arg)
{
	char *p = (char *)zoo_thp(arg), *to = map_anon(2 * pmd_sz(), pmd_sz(), -1);

	if (!p || !to)
		return 0;
	to = mremap(p, 2 * pmd_sz(), 2 * pmd_sz(), MREMAP_MAYMOVE | MREMAP_FIXED, to + PAGE_SZ);
	return to == MAP_FAILED ? 0 : no_collapse(to);
}

static unsigned long zoo_protnone_pte(void *arg)
{
	char *p = (char *)zoo_anon(arg);

	if (p && mprotect(p + 16 * PAGE_SZ, 32 * PAGE_SZ, PROT_NONE))
		return 0;
	return (unsigned long)p;
}

static unsigned long zoo_protnone_pmd(void *arg)
{
	char *p = (char *)zoo_thp(arg);

	if (p && mprotect(p, pmd_sz(), PROT_NONE))
		return 0;
	return (unsigned long)p;
}

static unsigned long hugetlb(unsigned long size, bool protnone)
{
	int shift = __builtin_ctzl(size);
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (shift << MAP_HUGE_SHIFT),
		       -1, 0);

	if (p == MAP_FAILED)
		return 0;
	p[0] = 1;
	p[size - 1] = 1;
	if (protnone && mprotect(p, size, PROT_NONE))
		return 0;
	return (unsigned long)p;
}

static unsigned long zoo_hugetlb_pmd(void *arg)
{
	return hugetlb(pmd_sz(), false);
}

static unsigned long zoo_hugetlb_pud(void *arg)
{
	return hugetlb(pud_sz(), false);
}

static unsigned long zoo_protnone_pud(void *arg)
{
	return hugetlb(pud_sz(), true);
}

static unsigned long zoo_swap(void *arg)
{
	char *p = map_anon(64 * PAGE_SZ, 0, MADV_NOHUGEPAGE);

	if (!p)
		return 0;
	fill(p, 64 * PAGE_SZ);
	/* Every other page: swap runs between present ones. */
	for (unsigned long i = 0; i < 64; i += 2)
		madvise(p + i * PAGE_SZ, PAGE_SZ, MADV_PAGEOUT);
	return (unsigned long)p;
}

static unsigned long zoo_soft_dirty(void *arg)
{
	char *p = map_anon(64 * PAGE_SZ, 0, MADV_NOHUGEPAGE);
	char path[64];

	if (!p)
		return 0;
	fill(p, 64 * PAGE_SZ);
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", getpid());
	if (write_file(path, "4"))
		return 0;
	fill(p, 16 * PAGE_SZ);	/* soft-dirty again: the first 16 only */
	return (unsigned long)p;
}

static unsigned long zoo_ksm(void *arg)
{
	char *p = map_anon(64 * PAGE_SZ, 0, MADV_NOHUGEPAGE);

	if (!p)
		return 0;
	memset(p, 0x5a, 64 * PAGE_SZ);
	return madvise(p, 64 * PAGE_SZ, MADV_MERGEABLE) ? 0 : (unsigned long)p;
}

static unsigned long zoo_mlock(void *arg)
{
	char *p = (char *)zoo_anon(arg);

	return p && !mlock(p, 16 * PAGE_SZ) ? (unsigned long)p : 0;
}

/* Copy-on-write: the target forks; @arg says whether it writes after. */
static unsigned long zoo_fork(void *arg)
{
	char *p = (char *)zoo_anon(NULL);
	pid_t child;

	if (!p)
		return 0;
	child = fork();
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	if (arg)
		fill(p, 32 * PAGE_SZ);
	return (unsigned long)p;
}

/* Half of an area under a protection key of its own (x86 PKU: -cpu max). */
static unsigned long zoo_pkey(void *arg)
{
	char *p = map_anon(16 * PAGE_SZ, 0, MADV_NOHUGEPAGE);
	long key = syscall(SYS_pkey_alloc, 0, 0);

	if (!p || key < 0 ||
	    syscall(SYS_pkey_mprotect, p, 8 * PAGE_SZ, PROT_READ | PROT_WRITE, key))
		return 0;
	fill(p, 16 * PAGE_SZ);
	return (unsigned long)p;
}

/* One area of 256 pages cut into ~200 VMAs without touching its frames. */
static unsigned long zoo_split_vmas(void *arg)
{
	char *p = map_anon(256 * PAGE_SZ, 0, MADV_NOHUGEPAGE);
	unsigned long i;

	if (!p)
		return 0;
	fill(p, 256 * PAGE_SZ);
	for (i = 0; i < 256; i += 2)
		mprotect(p + i * PAGE_SZ, PAGE_SZ, PROT_READ);
	madvise(p + 64 * PAGE_SZ, 32 * PAGE_SZ, MADV_DONTFORK);
	mlock(p + 128 * PAGE_SZ, 16 * PAGE_SZ);
	return (unsigned long)p;
}

static unsigned long zoo_seed(void *arg)
{
	return map_seed_page(arg);
}

static void sigbus_seen(int sig)
{
}

static unsigned long zoo_hwpoison(void *arg)
{
	char *p = (char *)zoo_anon(arg);

	/*
	 * 6.12 (not 6.1) injects the error as MF_ACTION_REQUIRED: the
	 * process that maps the page gets a SIGBUS it must survive.
	 */
	signal(SIGBUS, sigbus_seen);

	if (!p || madvise(p + 8 * PAGE_SZ, PAGE_SZ, MADV_HWPOISON)) {
		fprintf(stderr, "# MADV_HWPOISON: %s\n", strerror(errno));
		return 0;
	}
	return (unsigned long)p;
}

static int uffd_open(uint64_t features, uint64_t *got)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*got = api.features;
	return fd;
}

/* uffd-wp: present pages write-protected, and markers in shmem where none was. */
static unsigned long zoo_uffd_wp(void *arg)
{
	char *anon = (char *)zoo_anon(NULL), *shm = (char *)zoo_shmem(NULL);
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = { .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	uint64_t features;
	int fd = uffd_open(UFFD_FEATURE_WP_HUGETLBFS_SHMEM, &features);

	if (fd < 0 || !anon || !shm || !(features & UFFD_FEATURE_WP_HUGETLBFS_SHMEM))
		return 0;
	reg.range = (struct uffdio_range){ (unsigned long)anon, 64 * PAGE_SZ };
	wp.range = (struct uffdio_range){ (unsigned long)anon, 32 * PAGE_SZ };
	if (ioctl(fd, UFFDIO_REGISTER, &reg) || ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		return 0;
	/* Pages 16-31 of the shmem area were never touched: markers. */
	reg.range = (struct uffdio_range){ (unsigned long)shm, 32 * PAGE_SZ };
	wp.range = (struct uffdio_range){ (unsigned long)shm + 8 * PAGE_SZ, 16 * PAGE_SZ };
	if (ioctl(fd, UFFDIO_REGISTER, &reg) || ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		return 0;
	return (unsigned long)anon;	/* the fd stays open with the target */
}

/* UFFDIO_POISON (6.6+): poison markers. */
static unsigned long zoo_poison_marker(void *arg)
{
	char *p = map_anon(16 * PAGE_SZ, 0, MADV_NOHUGEPAGE);
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct {
		struct uffdio_range range;
		uint64_t mode;
		int64_t updated;
	} poison = { .range = { (unsigned long)p + 4 * PAGE_SZ, 4 * PAGE_SZ } };
	uint64_t features;
	int fd = uffd_open(UFFD_FEATURE_POISON, &features);

	if (fd < 0 || !p || !(features & UFFD_FEATURE_POISON))
		return 0;
	reg.range = (struct uffdio_range){ (unsigned long)p, 16 * PAGE_SZ };
	if (ioctl(fd, UFFDIO_REGISTER, &reg) || ioctl(fd, UFFDIO_POISON, &poison))
		return 0;
	return (unsigned long)p;
}

/* What a zoo setup changed in the guest, to put back. */
struct zoo_changes {
	char saved[4][32];
	char mthp[32], thp[64], ksm_sleep[16];
	bool swapon, ksm;
	unsigned long hugepages_pmd, hugepages_pud;
};

FIXTURE(zoo) {
	struct target t;
	struct zoo_changes c;
};

FIXTURE_VARIANT(zoo) {
	unsigned long (*setup)(void *arg);
	void *arg;
	const char *needs;	/* what the kernel must offer, for the skip */
	unsigned long hugetlb_pmd, hugetlb_pud;
	bool swap, ksm, mthp, thp;	/* thp: transparent huge pages needed */
	/* What the area's first page is, where the variant makes it so (0: any) */
	unsigned int backing, folio_order, mapcount, pkey, folio_map;
	unsigned int flags;	/* it has these flags, at least */
};

FIXTURE_VARIANT_ADD(zoo, anon_private) { .setup = zoo_anon, .backing = PTSCOPE_BACKING_ANON,
					 .mapcount = 1,
					 .flags = PTSCOPE_FLAG_WRITE | PTSCOPE_FLAG_DIRTY };
FIXTURE_VARIANT_ADD(zoo, shared_zero_page) { .setup = zoo_zero_page,
					     .backing = PTSCOPE_BACKING_ZERO };
FIXTURE_VARIANT_ADD(zoo, file_private_and_shared) { .setup = zoo_file };
FIXTURE_VARIANT_ADD(zoo, shmem) { .setup = zoo_shmem, .backing = PTSCOPE_BACKING_SHMEM,
				  .mapcount = 1 };
FIXTURE_VARIANT_ADD(zoo, thp) { .setup = zoo_thp };
FIXTURE_VARIANT_ADD(zoo, thp_pte_mapped) { .setup = zoo_thp_pte_mapped, .thp = true,
					   .folio_order = ORDER_PMD,
					   .folio_map = PTSCOPE_FOLIO_MAP_ALIGNED };
FIXTURE_VARIANT_ADD(zoo, thp_partial) { .setup = zoo_thp_partial, .thp = true,
					.folio_order = ORDER_PMD,
					.folio_map = PTSCOPE_FOLIO_MAP_PARTIAL };
FIXTURE_VARIANT_ADD(zoo, thp_unaligned) { .setup = zoo_thp_unaligned, .thp = true,
					  .folio_order = ORDER_PMD,
					  .folio_map = PTSCOPE_FOLIO_MAP_UNALIGNED };
FIXTURE_VARIANT_ADD(zoo, mthp) { .setup = zoo_thp, .mthp = true, .needs = "mTHP",
				     .backing = PTSCOPE_BACKING_ANON, .folio_order = ORDER_MTHP,
				     .folio_map = PTSCOPE_FOLIO_MAP_ALIGNED };
FIXTURE_VARIANT_ADD(zoo, hugetlb_pmd) { .setup = zoo_hugetlb_pmd, .hugetlb_pmd = 2,
				       .folio_order = ORDER_PMD };
FIXTURE_VARIANT_ADD(zoo, pkey) { .setup = zoo_pkey, .needs = "protection keys (PKU)",
				 .pkey = 1 };
FIXTURE_VARIANT_ADD(zoo, hugetlb_pud) { .setup = zoo_hugetlb_pud, .hugetlb_pud = 1 };
FIXTURE_VARIANT_ADD(zoo, protnone_pte) { .setup = zoo_protnone_pte };
FIXTURE_VARIANT_ADD(zoo, protnone_pmd) { .setup = zoo_protnone_pmd };
FIXTURE_VARIANT_ADD(zoo, protnone_pud) { .setup = zoo_protnone_pud, .hugetlb_pud = 1 };
FIXTURE_VARIANT_ADD(zoo, swapped_out) { .setup = zoo_swap, .swap = true };
FIXTURE_VARIANT_ADD(zoo, soft_dirty_after_clear_refs) { .setup = zoo_soft_dirty };
FIXTURE_VARIANT_ADD(zoo, ksm_merged) { .setup = zoo_ksm, .ksm = true };
FIXTURE_VARIANT_ADD(zoo, uffd_wp) { .setup = zoo_uffd_wp, .needs = "uffd-wp on shmem" };
FIXTURE_VARIANT_ADD(zoo, poison_marker) { .setup = zoo_poison_marker,
					  .needs = "UFFDIO_POISON (6.6+)" };
FIXTURE_VARIANT_ADD(zoo, hwpoison) { .setup = zoo_hwpoison, .needs = "MADV_HWPOISON" };
FIXTURE_VARIANT_ADD(zoo, mlocked) { .setup = zoo_mlock };
/* Written before fork(), which write-protects it: still dirty. */
FIXTURE_VARIANT_ADD(zoo, fork_cow_before_write) { .setup = zoo_fork, .mapcount = 2,
						  .flags = PTSCOPE_FLAG_DIRTY };
FIXTURE_VARIANT_ADD(zoo, fork_cow_after_write) { .setup = zoo_fork, .arg = (void *)1,
						 .mapcount = 1 };
FIXTURE_VARIANT_ADD(zoo, many_vmas_one_area) { .setup = zoo_split_vmas };
FIXTURE_VARIANT_ADD(zoo, seed_page) { .setup = zoo_seed, .arg = "A" };

/* /sys/kernel/mm/hugepages/hugepages-<size>kB: PMD- or PUD-sized pages (0x... bytes) */
static const char *hugetlb_dir(unsigned long size)
{
	static char path[2][96];
	static int next;
	char *p = path[next++ % 2];

	snprintf(p, sizeof(path[0]), "/sys/kernel/mm/hugepages/hugepages-%lukB", size >> 10);
	return p;
}

static int set_hugepages(unsigned long size, unsigned long n)
{
	char path[128], value[32];

	snprintf(path, sizeof(path), "%s/nr_hugepages", hugetlb_dir(size));
	snprintf(value, sizeof(value), "%lu", n);
	if (write_file(path, value))
		return -1;
	read_file(path, value, sizeof(value));
	return strtoul(value, NULL, 10) >= n ? 0 : -1;
}

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define KSM_SLEEP "/sys/kernel/mm/ksm/sleep_millisecs"

static const char *mthp_enabled(void)
{
	static char path[80];

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/hugepages-%lukB/enabled",
		 mthp_sz() >> 10);
	return path;
}

/*
 * Everything the setup changed, put back: from the teardown, and from the
 * setup before it skips (the harness runs no teardown then), so that a
 * skipped variant leaves no THP, KSM, swap or hugetlb setting behind.
 */
static void zoo_restore(struct target *t, struct zoo_changes *c)
{
	unsigned int i;

	if (t->pid > 0) {
		kill(t->pid, SIGCONT);
		target_stop(t);
		t->pid = -1;
	}
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (c->saved[i][0])
			write_file(quiet[i].path, c->saved[i]);
	if (c->mthp[0])
		restore_setting(mthp_enabled(), c->mthp);
	if (c->thp[0])
		restore_setting(THP_ENABLED, c->thp);
	c->mthp[0] = '\0';
	c->thp[0] = '\0';
	if (c->ksm) {
		write_file("/sys/kernel/mm/ksm/run", "2");	/* unmerge */
		if (c->ksm_sleep[0])
			write_file(KSM_SLEEP, c->ksm_sleep);
	}
	if (c->swapon)
		swap_off_zram();
	if (c->hugepages_pmd)
		set_hugepages(pmd_sz(), 0);
	if (c->hugepages_pud)
		set_hugepages(pud_sz(), 0);
	c->ksm = false;
	c->swapon = false;
	c->hugepages_pmd = 0;
	c->hugepages_pud = 0;
}

FIXTURE_SETUP(zoo)
{
	char why[96];
	unsigned int i;

	memset(self, 0, sizeof(*self));
	self->t.pid = -1;
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		read_file(quiet[i].path, self->c.saved[i], sizeof(self->c.saved[i]));
	if (variant->pkey && !ON_X86) {
		snprintf(why, sizeof(why), "%s",
			 "protection keys are x86's PKU: ptscope reads no arm64 POE");
		goto skip;
	}
	if (variant->thp && access("/sys/kernel/mm/transparent_hugepage", F_OK)) {
		snprintf(why, sizeof(why), "no transparent huge pages in this kernel");
		goto skip;
	}
	if (variant->hugetlb_pmd) {
		/* 512 MiB each with 64 KiB pages: free them first. */
		free_memory_blocks();
		self->c.hugepages_pmd = variant->hugetlb_pmd;
		if (set_hugepages(pmd_sz(), variant->hugetlb_pmd)) {
			snprintf(why, sizeof(why), "cannot reserve %s hugetlb pages",
				 size_name(pmd_sz()));
			goto skip;
		}
	}
	if (variant->hugetlb_pud) {
		/* x86 without pdpe1gb (-cpu max has it); arm64 with 16 KiB pages: 64G */
		if (access(hugetlb_dir(pud_sz()), F_OK)) {
			snprintf(why, sizeof(why), "no %s (PUD) hugetlb pages here",
				 size_name(pud_sz()));
			goto skip;
		}
		self->c.hugepages_pud = variant->hugetlb_pud;
		/* A free, aligned 1 GiB: make one if the guest's memory allows. */
		free_memory_blocks();
		if (set_hugepages(pud_sz(), variant->hugetlb_pud)) {
			snprintf(why, sizeof(why), "cannot reserve a %s hugetlb page in this guest",
				 size_name(pud_sz()));
			goto skip;
		}
	}
	if (variant->swap) {
		if (swap_on_zram()) {
			snprintf(why, sizeof(why), "no swap on zram");
			goto skip;
		}
		self->c.swapon = true;
	}
	if (variant->mthp) {
		read_file(mthp_enabled(), self->c.mthp, sizeof(self->c.mthp));
		if (!self->c.mthp[0] || write_file(mthp_enabled(), "always")) {
			snprintf(why, sizeof(why), "no %s mTHP size (6.8+)", size_name(mthp_sz()));
			goto skip;
		}
		/* PMD-sized THP off for the area: mTHP folios, PTE-mapped. */
		read_file(THP_ENABLED, self->c.thp, sizeof(self->c.thp));
		write_file(THP_ENABLED, "never");
	}
	if (variant->ksm) {
		read_file(KSM_SLEEP, self->c.ksm_sleep, sizeof(self->c.ksm_sleep));
		self->c.ksm = true;
		if (write_file(KSM_SLEEP, "10") || write_file("/sys/kernel/mm/ksm/run", "1")) {
			snprintf(why, sizeof(why), "no KSM");
			goto skip;
		}
	}

	/*
	 * Where the kernel may lack what a variant needs, its setup failing
	 * is a skip; anywhere else it is a failure, never hidden as a skip.
	 */
	if (target_start(&self->t, variant->setup, variant->arg) || !self->t.value) {
		if (variant->needs) {
			snprintf(why, sizeof(why), "the target could not set up: %s",
				 variant->needs);
			goto skip;
		}
		zoo_restore(&self->t, &self->c);
		ASSERT_TRUE(false) TH_LOG("the target could not set up");
	}
	if (variant->ksm) {
		if (!ksm_wait_merged(32, 60000)) {
			snprintf(why, sizeof(why), "ksmd merged nothing in time");
			goto skip;
		}
		write_file("/sys/kernel/mm/ksm/run", "0");	/* merged pages stay */
	}
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		write_file(quiet[i].path, quiet[i].frozen);
	kill(self->t.pid, SIGSTOP);
	return;

skip:
	/* The harness runs no teardown after a skip in the setup. */
	zoo_restore(&self->t, &self->c);
	SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(zoo)
{
	zoo_restore(&self->t, &self->c);
}

TEST_F_TIMEOUT(zoo, every_field_agrees_with_the_kernel, 600)
{
	struct tally t = oracle(self->t.pid);
	struct translation tr;

	ksft_print_msg("%lu pages, %lu fields, %lu VMAs, %lu translations compared%s\n",
		       t.pages, t.fields, t.vmas, t.translated,
		       t.scan ? "" : " (no PAGEMAP_SCAN before 6.7)");
	EXPECT_EQ(0, t.mismatches);
	EXPECT_LT(0, t.pages);

	/* The frame info of the area's first page is what the variant made it. */
	if (!variant->backing && !variant->folio_order && !variant->mapcount && !variant->pkey &&
	    !variant->flags && !variant->folio_map)
		return;
	ASSERT_EQ(0, translate(self->t.pid, self->t.value, &tr));
	ASSERT_TRUE(tr.leaf);
	if (variant->backing)
		EXPECT_EQ(variant->backing, tr.run.backing);
	if (variant->folio_order)
		EXPECT_EQ(folio_order_wanted(variant->folio_order), tr.run.folio_order);
	if (variant->mapcount)
		EXPECT_EQ(variant->mapcount, tr.run.mapcount);
	if (variant->pkey)
		EXPECT_EQ(variant->pkey, tr.run.pkey);
	EXPECT_EQ(variant->flags, tr.run.flags & variant->flags);
	if (variant->folio_map)
		EXPECT_EQ(variant->folio_map, tr.run.folio_map);
}

int main(int argc, char **argv)
{
	exec_target_main(argc, argv);
	return test_harness_run(argc, argv);
}
