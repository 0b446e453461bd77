// SPDX-License-Identifier: GPL-2.0
/* Helpers for the ptscope kselftests: see ptscope_util.h. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/mempolicy.h>
#include <linux/ptscope.h>

#include "ptscope_util.h"

#define DEBUGFS "/sys/kernel/debug/ptscope/"
#define EXEC_CHILD_ARG "--ptscope-exec-child"

unsigned long page_sz(void)
{
	static unsigned long size;

	if (!size)
		size = sysconf(_SC_PAGESIZE);
	return size;
}

unsigned int page_shift(void)
{
	return __builtin_ctzl(page_sz());
}

unsigned long pmd_sz(void)
{
	static unsigned long size;
	FILE *f;

	if (size)
		return size;
	f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	if (!f || fscanf(f, "%lu", &size) != 1 || !size || (size & (size - 1)))
		size = page_sz() * (page_sz() / 8);
	if (f)
		fclose(f);
	return size;
}

unsigned int pmd_order(void)
{
	return __builtin_ctzl(pmd_sz()) - page_shift();
}

unsigned long pud_sz(void)
{
	return pmd_sz() * (page_sz() / 8);
}

unsigned int user_va_bits(void)
{
	static unsigned int bits;
	unsigned long top = (unsigned long)__builtin_frame_address(0);
	void *high;

	if (bits)
		return bits;
	bits = 64 - __builtin_clzl(top);
	high = mmap((void *)(1UL << 52), page_sz(), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (high != MAP_FAILED) {
		if (64 - __builtin_clzl((unsigned long)high) > bits)
			bits = ON_X86 ? 57 : 52;
		munmap(high, page_sz());
	}
	return bits;
}

unsigned int pt_levels(void)
{
	unsigned int per_level = page_shift() - 3;

	return (user_va_bits() - page_shift() + per_level - 1) / per_level;
}

const char *size_name(unsigned long bytes)
{
	static char names[4][24];
	static unsigned int next;
	const char *units = "KMGT";
	char *name = names[next++ % 4];
	int u = 0;

	bytes >>= 10;
	while (bytes >= 1024 && !(bytes & 1023) && units[u + 1]) {
		bytes >>= 10;
		u++;
	}
	snprintf(name, sizeof(names[0]), "%lu%c", bytes, units[u]);
	return name;
}

/* Run a command; return its whole stdout (caller frees) or NULL. */
char *run_output(const char *cmd)
{
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	FILE *p = popen(cmd, "r");
	size_t n;

	if (!out || !p) {
		free(out);
		return NULL;
	}
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
	}
	out[len] = '\0';
	if (pclose(p)) {
		free(out);
		return NULL;
	}
	return out;
}

int run_status(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	char rest[4096];
	size_t n;
	int status;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	/* The rest unread, the command would die of SIGPIPE. */
	while (fread(rest, 1, sizeof(rest), p))
		;
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int set_caps(uint32_t caps)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};

	data[0].effective = caps;
	data[0].permitted = caps;
	return syscall(SYS_capset, &hdr, data);
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (fd >= 0)
		close(fd);
}

void free_memory_blocks(void)
{
	write_file("/proc/sys/vm/drop_caches", "3");
	write_file("/proc/sys/vm/compact_memory", "1");
}

void restore_setting(const char *path, char *saved)
{
	char *open = strchr(saved, '['), *close = open ? strchr(open, ']') : NULL;

	if (close) {
		*close = '\0';
		write_file(path, open + 1);
	}
}

unsigned int kernel_release(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return KERNEL_RELEASE(major, minor);
}

int swap_on_zram(void)
{
	if (access("/sys/block/zram0", F_OK))
		system("modprobe zram num_devices=1 2>/dev/null");
	if (access("/sys/block/zram0", F_OK))
		return -ENODEV;
	if (write_file("/sys/block/zram0/disksize", "64M") ||
	    system("mkswap /dev/zram0 >/dev/null 2>&1") ||
	    system("swapon /dev/zram0 2>/dev/null"))
		return -1;
	return 0;
}

void swap_off_zram(void)
{
	system("swapoff /dev/zram0");
	write_file("/sys/block/zram0/reset", "1");
}

bool ksm_wait_merged(unsigned long pages, int ms)
{
	char buf[32];
	int i, fd;
	ssize_t n;

	for (i = 0; i < ms / 100; i++) {
		fd = open("/sys/kernel/mm/ksm/pages_sharing", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strtoul(buf, NULL, 10) >= pages)
			return true;
		usleep(100000);
	}
	return false;
}

int page_node(pid_t pid, unsigned long va)
{
	void *page = (void *)va;
	int status = -ENOENT;

	if (syscall(SYS_move_pages, pid, 1, &page, NULL, &status, 0))
		return -errno;
	return status;
}

int move_page_to(pid_t pid, unsigned long va, int node)
{
	void *page = (void *)va;
	int status = -ENOENT;

	if (syscall(SYS_move_pages, pid, 1, &page, &node, &status, MPOL_MF_MOVE))
		return -errno;
	return status < 0 ? status : 0;
}

int ptscope_set_target(pid_t pid)
{
	char buf[32];
	int fd, len, ret = 0;

	fd = open(DEBUGFS "target", O_WRONLY);
	if (fd < 0)
		return errno;
	len = snprintf(buf, sizeof(buf), "%d\n", pid);
	if (write(fd, buf, len) != len)
		ret = errno;
	close(fd);
	return ret;
}

/* "4K", "64K", "2M", "1G" in bytes; 0 if it is none of these. */
unsigned long page_size_of(const char *name)
{
	char *unit;
	unsigned long n = strtoul(name, &unit, 10);
	const char *units = "KMG", *u = *unit ? strchr(units, *unit) : NULL;

	if (!n || !u || unit[1])
		return 0;
	return n << (10 * (u - units + 1));
}

static int parse_map_line(const char *line, struct map_run *run)
{
	char pa[40], page[8];
	unsigned long pages;

	memset(run, 0, sizeof(*run));
	if (sscanf(line, "%lx %lx %39s %7s %lu %7s %15s %127s", &run->va, &run->end,
		   pa, page, &pages, run->region, run->state, run->flags) != 8)
		return -1;
	run->page_size = page_size_of(page);
	if (!strncmp(pa, "swap:", 5)) {
		if (sscanf(pa, "swap:%u:%lx", &run->swap_type,
			   (unsigned long *)&run->swap_offset) != 2)
			return -1;
	} else if (strcmp(pa, "-")) {
		run->pa = strtoull(pa, NULL, 16);
	}
	return 0;
}

/* The frames view: a map line with MAPS NODE FOLIO FOLIO-MAP BACKING MEMORY PKEY. */
static int parse_frames_line(const char *line, struct map_run *run)
{
	char pa[40], page[8], node[8], folio[8];
	unsigned long pages;

	memset(run, 0, sizeof(*run));
	if (sscanf(line, "%lx %lx %39s %7s %lu %7s %15s %u %7s %7s %11s %11s %19s %u %127s",
		   &run->va, &run->end, pa, page, &pages, run->region, run->state,
		   &run->mapcount, node, folio, run->folio_map, run->backing, run->mem_type,
		   &run->pkey, run->flags) != 15)
		return -1;
	run->page_size = page_size_of(page);
	run->node = strcmp(node, "-") ? strtoul(node, NULL, 10) : -1;
	run->folio_size = strcmp(folio, "-") ? page_size_of(folio) : 0;
	if (strcmp(pa, "-") && strncmp(pa, "swap:", 5))
		run->pa = strtoull(pa, NULL, 16);
	return 0;
}

pid_t spawn_target(const char *path, int *in, char *line, size_t len)
{
	int to[2], from[2];
	pid_t pid;
	FILE *out;

	if (pipe(to))
		return -1;
	if (pipe(from)) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close_range(3, ~0U, 0);
		execl(path, path, NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	*in = to[1];
	out = fdopen(from[0], "r");
	if (pid > 0 && (!out || !fgets(line, len, out))) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	if (out)
		fclose(out);
	else
		close(from[0]);
	if (pid < 0)
		close(to[1]);
	return pid;
}

/*
 * Records read from a view or a dump.  A fixed buffer never grows: reading
 * into it allocates nothing, which matters when the target is the reader.
 */
struct records {
	char *buf;
	int n, cap;
	size_t size;
	bool fixed;
};

static void *records_add(struct records *r)
{
	if (r->n == r->cap) {
		if (r->fixed)
			return NULL;
		r->cap = r->cap ? 2 * r->cap : 256;
		r->buf = realloc(r->buf, r->cap * r->size);
		if (!r->buf)
			abort();
	}
	return r->buf + r->n++ * r->size;
}

/* Read all lines of a view after its header, with @parse. */
static int read_view(pid_t pid, const char *view, struct records *r,
		     int (*parse)(const char *line, void *rec))
{
	char line[512];
	void *rec;
	int ret;
	FILE *f;

	ret = ptscope_set_target(pid);
	if (ret)
		return -ret;
	f = fopen(view, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		ret = ferror(f) ? -errno : -ENODATA;
		fclose(f);
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		rec = records_add(r);
		if (!rec) {
			fclose(f);
			return -E2BIG;
		}
		if (parse(line, rec)) {
			fprintf(stderr, "unparsable line in %s: %s", view, line);
			r->n--;
		}
	}
	ret = ferror(f) ? -errno : r->n;
	fclose(f);
	return ret;
}

int ptscope_read_map(pid_t pid, struct map_run **runs)
{
	struct records r = { .size = sizeof(**runs) };
	int ret = read_view(pid, DEBUGFS "map", &r,
			    (int (*)(const char *, void *))parse_map_line);

	*runs = (struct map_run *)r.buf;
	return ret;
}

int ptscope_read_frames(pid_t pid, struct map_run **runs)
{
	struct records r = { .size = sizeof(**runs) };
	int ret = read_view(pid, DEBUGFS "frames", &r,
			    (int (*)(const char *, void *))parse_frames_line);

	*runs = (struct map_run *)r.buf;
	return ret;
}

const struct map_run *ptscope_find_run(const struct map_run *runs, int n,
				       unsigned long va)
{
	int i;

	for (i = 0; i < n; i++)
		if (runs[i].va <= va && va < runs[i].end)
			return &runs[i];
	return NULL;
}

static int parse_region_line(const char *line, struct region_line *r)
{
	unsigned long offset;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%lx %lx %4s %7s %lu %lu %lx %255s", &r->start, &r->end,
		   r->perms, r->region, &r->resident, &r->swap, &offset, r->path) < 7)
		return -1;
	return 0;
}

int ptscope_read_regions(pid_t pid, struct region_line **lines)
{
	struct records r = { .size = sizeof(**lines) };
	int ret = read_view(pid, DEBUGFS "regions", &r,
			    (int (*)(const char *, void *))parse_region_line);

	*lines = (struct region_line *)r.buf;
	return ret;
}

const struct region_line *ptscope_find_region(const struct region_line *lines,
					      int n, unsigned long va)
{
	int i;

	for (i = 0; i < n; i++)
		if (lines[i].start <= va && va < lines[i].end)
			return &lines[i];
	return NULL;
}

uint64_t pagemap_entry(pid_t pid, unsigned long va)
{
	char path[64];
	uint64_t entry = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), va / PAGE_SZ * sizeof(entry)) != sizeof(entry))
		entry = 0;
	close(fd);
	return entry;
}

int pagemap_access(pid_t pid)
{
	char path[64];
	uint64_t entry;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	if (pread(fd, &entry, sizeof(entry), 0) != sizeof(entry))
		err = errno;
	close(fd);
	return err;
}

/* Does ptscope's @run (may be NULL) say at @va what pagemap entry @pme says? */
static bool agrees(const struct map_run *run, unsigned long va, uint64_t pme)
{
	unsigned long off = run ? va - run->va : 0;

	if (pme & PM_PRESENT)
		return run && !strcmp(run->state, "present") &&
		       run->pa + off == PM_PFN(pme) * PAGE_SZ;
	if (!(pme & PM_SWAP))
		return !run;
	/* pagemap shows migration entries as swap entries holding the pfn */
	if (run && !strcmp(run->state, "migration"))
		return run->pa + off == PM_SWAP_OFFSET(pme) * PAGE_SZ;
	return run && !strcmp(run->state, "swap") &&
	       run->swap_type == PM_SWAP_TYPE(pme) &&
	       run->swap_offset + off / PAGE_SZ == PM_SWAP_OFFSET(pme);
}

int compare_with_pagemap(pid_t pid, const struct map_run *runs, int n,
			 unsigned long start, unsigned long end,
			 unsigned long *checked, bool quiet)
{
	const struct map_run *run;
	unsigned long va;
	uint64_t pme;
	int bad = 0;

	for (va = start; va < end; va += PAGE_SZ) {
		run = ptscope_find_run(runs, n, va);
		pme = pagemap_entry(pid, va);
		(*checked)++;
		if (agrees(run, va, pme))
			continue;
		bad++;
		if (quiet)
			continue;
		fprintf(stderr, "%#lx: pagemap %#llx; ptscope %s", va,
			(unsigned long long)pme, run ? run->state : "unmapped");
		if (run && !strcmp(run->state, "swap"))
			fprintf(stderr, " %u:%#llx\n", run->swap_type,
				(unsigned long long)(run->swap_offset + (va - run->va) / PAGE_SZ));
		else
			fprintf(stderr, " %#llx\n",
				run ? (unsigned long long)(run->pa + va - run->va) : 0ULL);
	}
	return bad;
}

unsigned long map_seed_page(void *fill)
{
	char *p = mmap((void *)SEED_VA, PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	memset(p, (long)fill, PAGE_SZ);
	return (unsigned long)p;
}

bool pagemap_blind(pid_t pid, unsigned long va)
{
	unsigned long start, end;
	char path[64], line[512];
	bool in = false, blind = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start <= va && va < end;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			blind = strstr(line, " pf") || strstr(line, " io");
			break;
		}
	}
	fclose(f);
	return blind;
}

struct netlink_map {
	struct records *runs;
	pid_t pid;
	unsigned long start, end;
	bool overflow;
};

char *map_scattered(unsigned long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long off;

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	for (off = 0; off < len; off += 2 * PAGE_SZ)
		p[off] = 1;
	for (off = PAGE_SZ; off < len; off += 2 * PAGE_SZ)
		p[off] = 1;
	return p;
}

static void copy_run(const struct nlattr *attr, struct ptscope_run *run)
{
	size_t len = mnl_attr_get_payload_len(attr);

	memset(run, 0, sizeof(*run));
	memcpy(run, mnl_attr_get_payload(attr), len < sizeof(*run) ? len : sizeof(*run));
}

/*
 * A frames record, cut into its physically contiguous pieces; -1 if it does
 * not add up (an address per page of a present 4 KiB run).
 */
static int frames_runs(const struct nlattr *nest,
		       void (*fn)(const struct ptscope_run *run, void *arg), void *arg)
{
	const struct nlattr *a, *header = NULL, *addrs = NULL;
	struct ptscope_run frames, run;
	uint64_t pages, pa, next, i;
	const char *p;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == PTSCOPE_FRAMES_A_RUN)
			header = a;
		if (mnl_attr_get_type(a) == PTSCOPE_FRAMES_A_PA)
			addrs = a;
	}
	if (!header || !addrs)
		return -1;
	copy_run(header, &frames);
	pages = mnl_attr_get_payload_len(addrs) / sizeof(uint64_t);
	if (frames.page_shift != page_shift() || frames.state != PTSCOPE_STATE_PRESENT ||
	    pages < 2 ||
	    pages * sizeof(uint64_t) != mnl_attr_get_payload_len(addrs) ||
	    pages != frames.size / PAGE_SZ)
		return -1;
	p = mnl_attr_get_payload(addrs);
	for (i = 0; i < pages; i++) {
		memcpy(&pa, p + i * sizeof(pa), sizeof(pa));
		if (i && pa == next) {
			run.size += PAGE_SZ;
		} else {
			if (i)
				fn(&run, arg);
			run = frames;
			run.va = frames.va + i * PAGE_SZ;
			run.pa = pa;
			run.size = PAGE_SZ;
		}
		next = pa + PAGE_SZ;
	}
	fn(&run, arg);
	return 0;
}

int ptscope_visit_runs(const struct nlmsghdr *nlh,
		       void (*fn)(const struct ptscope_run *run, void *arg), void *arg)
{
	const struct nlattr *attr;
	struct ptscope_run run;
	int frames = 0;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == PTSCOPE_A_RUN) {
			copy_run(attr, &run);
			fn(&run, arg);
		} else if (mnl_attr_get_type(attr) == PTSCOPE_A_FRAMES) {
			if (frames_runs(attr, fn, arg))
				return -1;
			frames++;
		}
	}
	return frames;
}

static const char *const state_names[] = {
	"present", "swap", "migration", "other", "marker", "hwpoison",
	"device-private", "device-exclusive",
};

static const char *const region_names[] = {
	"code", "data", "heap", "shlib", "mmap", "stack", "vdso", "kernel",
};

static void add_run(const struct ptscope_run *run, void *arg)
{
	struct netlink_map *m = arg;
	struct map_run *r = records_add(m->runs);

	if (!r) {
		m->overflow = true;
		return;
	}
	*r = (struct map_run) {
		.va = run->va,
		.end = run->va + run->size,
		.page_size = 1ULL << run->page_shift,
		.pa = run->pa,
		.swap_type = run->swap_type,
		.swap_offset = run->swap_offset,
	};
	snprintf(r->state, sizeof(r->state), "%s", run->state < 8 ? state_names[run->state] : "?");
	snprintf(r->region, sizeof(r->region), "%s", region_names[run->region & 7]);
}

static int netlink_run_cb(const struct nlmsghdr *nlh, void *data)
{
	struct netlink_map *m = data;

	if (ptscope_visit_runs(nlh, add_run, data) < 0)
		m->overflow = true;	/* fails the read, as running out of room does */
	return MNL_CB_OK;
}

static void put_map_request(struct nlmsghdr *nlh, void *arg)
{
	struct netlink_map *m = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, m->pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_START, m->start);
	mnl_attr_put_u64(nlh, PTSCOPE_A_END, m->end);
}

/*
 * Room for the runs of check_against_pagemap(), allocated and faulted in
 * once: most tests look at their own address space, which reading into a
 * growing buffer would change under the comparison.
 */
#define POOL_RUNS 65536

static struct map_run *run_pool(int which)
{
	static struct map_run *pools[2];

	if (!pools[which]) {
		pools[which] = mmap(NULL, POOL_RUNS * sizeof(struct map_run),
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (pools[which] == MAP_FAILED)
			abort();
	}
	return pools[which];
}

/*
 * Do MAP_GET over [start, end) and the debugfs map agree on the runs that
 * start in the range?  (Flags are compared by the client tests.)
 */
static int compare_with_netlink(pid_t pid, const struct map_run *runs, int n,
				unsigned long start, unsigned long end, bool quiet)
{
	struct records r = { (char *)run_pool(1), 0, POOL_RUNS, sizeof(struct map_run), true };
	struct netlink_map m = { .runs = &r, .pid = pid };
	const struct map_run *nl = (const struct map_run *)r.buf;
	int i, j = 0, bad = 0;

	m.start = start & ~(PAGE_SZ - 1);
	m.end = (end + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
	if (ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_map_request, &m,
			    netlink_run_cb, &m, NULL, 0) || m.overflow)
		return 1;
	for (i = 0; i < n; i++) {
		const struct map_run *d = &runs[i];
		unsigned long cut;

		if (d->va < m.start || d->va >= m.end)
			continue;
		/* MAP_GET stops at the range's end, but never inside a page. */
		cut = (m.end + d->page_size - 1) & ~(d->page_size - 1);
		while (j < r.n && nl[j].va < d->va)
			j++;
		if (j == r.n || nl[j].va != d->va || nl[j].end != (d->end < cut ? d->end : cut) ||
		    nl[j].pa != d->pa || nl[j].page_size != d->page_size ||
		    strcmp(nl[j].state, d->state) || strcmp(nl[j].region, d->region) ||
		    nl[j].swap_offset != d->swap_offset) {
			if (!quiet)
				fprintf(stderr, "%#lx: debugfs and MAP_GET differ\n", d->va);
			bad++;
		}
	}
	return bad;
}

int check_against_pagemap(pid_t pid, unsigned long start, unsigned long end,
			  unsigned long *checked)
{
	unsigned long pages = 0;
	int attempt, n, bad = 0;
	struct records r;

	/* Both pools exist before the first read, so no read sees them appear. */
	run_pool(0);
	run_pool(1);
	for (attempt = 1; attempt <= 5; attempt++) {
		r = (struct records){ (char *)run_pool(0), 0, POOL_RUNS,
				      sizeof(struct map_run), true };
		n = read_view(pid, DEBUGFS "map", &r,
			      (int (*)(const char *, void *))parse_map_line);
		if (n < 0)
			return -1;
		pages = 0;
		bad = compare_with_pagemap(pid, (struct map_run *)r.buf, n, start, end,
					   &pages, attempt < 5);
		bad += compare_with_netlink(pid, (struct map_run *)r.buf, n, start, end,
					    attempt < 5);
		if (!bad)
			break;
		usleep(20000);
	}
	*checked += pages;
	return bad;
}

/* What target_run() sends to the child. */
struct command {
	unsigned long (*fn)(void *arg);
	void *arg;
};

/*
 * Keep only stdio and the two pipe ends at @keep[]: a target that inherited
 * another target's command pipe would keep it from ever seeing EOF.
 */
static void close_inherited_fds(int *keep, int n)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = fcntl(keep[i], F_DUPFD, 1000 + i);
		if (fd != 1000 + i)
			_exit(1);
		keep[i] = fd;
	}
	close_range(3, 999, 0);
	close_range(1000 + n, ~0U, 0);
}

static void target_child(int cmd_fd, int report_fd,
			 unsigned long (*setup)(void *arg), void *arg)
{
	int fds[2] = { cmd_fd, report_fd };
	struct command cmd;
	unsigned long value;

	close_inherited_fds(fds, 2);
	cmd_fd = fds[0];
	report_fd = fds[1];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	value = setup(arg);
	if (write(report_fd, &value, sizeof(value)) != sizeof(value))
		_exit(1);
	while (read(cmd_fd, &cmd, sizeof(cmd)) == sizeof(cmd)) {
		value = cmd.fn(cmd.arg);
		if (write(report_fd, &value, sizeof(value)) != sizeof(value))
			_exit(1);
	}
	_exit(0);
}

static int target_wait_report(struct target *t)
{
	return read(t->report_fd, &t->value, sizeof(t->value)) == sizeof(t->value) ?
	       0 : -1;
}

/*
 * Fork a target with its command and report pipes.  Returns 0 in the
 * child, with its ends in *@cmd_fd and *@report_fd; the pid (or -1) in the
 * parent, which keeps the other ends in @t.
 */
static pid_t fork_target(struct target *t, int *cmd_fd, int *report_fd)
{
	int cmd[2], report[2];

	t->pid = -1;
	if (pipe(cmd) || pipe(report))
		return -1;
	t->pid = fork();
	if (t->pid == 0) {
		close(cmd[1]);
		close(report[0]);
		*cmd_fd = cmd[0];
		*report_fd = report[1];
		return 0;
	}
	close(cmd[0]);
	close(report[1]);
	t->cmd_fd = cmd[1];
	t->report_fd = report[0];
	return t->pid;
}

int target_start(struct target *t, unsigned long (*setup)(void *arg), void *arg)
{
	int cmd_fd, report_fd;

	if (fork_target(t, &cmd_fd, &report_fd) == 0)
		target_child(cmd_fd, report_fd, setup, arg);
	return t->pid < 0 ? -1 : target_wait_report(t);
}

int target_run(struct target *t, unsigned long (*fn)(void *arg), void *arg)
{
	struct command cmd = { .fn = fn, .arg = arg };

	if (write(t->cmd_fd, &cmd, sizeof(cmd)) != sizeof(cmd))
		return -1;
	return target_wait_report(t);
}

void target_stop(struct target *t)
{
	if (t->pid <= 0)
		return;
	close(t->cmd_fd);
	close(t->report_fd);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
}

int exec_target_start(struct target *t, bool same_layout)
{
	int cmd_fd, report_fd;

	if (fork_target(t, &cmd_fd, &report_fd) == 0) {
		dup2(cmd_fd, 0);
		dup2(report_fd, 1);
		close_range(3, ~0U, 0);
		if (same_layout)
			personality(ADDR_NO_RANDOMIZE);
		execl("/proc/self/exe", "ptscope-exec-child", EXEC_CHILD_ARG, NULL);
		_exit(127);
	}
	return t->pid < 0 ? -1 : target_wait_report(t);
}

void exec_target_main(int argc, char **argv)
{
	unsigned long addr = (unsigned long)&printf;
	char c, *heap;

	if (argc != 2 || strcmp(argv[1], EXEC_CHILD_ARG))
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A heap, as every region of the seed's figure should be there. */
	heap = malloc(64 << 10);
	if (!heap)
		_exit(1);
	memset(heap, 1, 64 << 10);
	/* Fault in the page of printf's code. */
	memcpy(&c, (void *)addr, 1);
	asm volatile("" : : "r" (c));
	if (write(1, &addr, sizeof(addr)) != sizeof(addr))
		_exit(1);
	while (read(0, &c, 1) > 0)
		;
	_exit(0);
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		*(int *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

static void put_family_name(struct nlmsghdr *nlh, void *name)
{
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
}

/* Send one request on a new socket; see ptscope_request(). */
static int request(uint16_t type, uint8_t cmd, uint16_t flags,
		   void (*build)(struct nlmsghdr *nlh, void *arg), void *arg,
		   int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
		   char *extack, size_t extack_len)
{
	static char buf[32768];	/* what libmnl calls MNL_SOCKET_DUMP_SIZE */
	struct mnl_socket *sock;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	const struct nlattr *attr;
	int ret = 0, err = 0;
	ssize_t len;

	if (extack)
		extack[0] = '\0';
	sock = mnl_socket_open(NETLINK_GENERIC);
	if (!sock)
		return -errno;
	mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &(int){ 1 }, sizeof(int));
	mnl_socket_setsockopt(sock, NETLINK_CAP_ACK, &(int){ 1 }, sizeof(int));
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	if (build)
		build(nlh, arg);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	/* Read until the ack, NLMSG_DONE or an error, whatever @cb says. */
	for (;;) {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (len < 0) {
			ret = -errno;
			goto out;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			size_t offset;

			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
				offset = sizeof(struct nlmsgerr);
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				err = *(int *)mnl_nlmsg_get_payload(nlh);
				offset = sizeof(int);
			} else {
				if (cb)
					cb(nlh, data);
				continue;
			}
			if (extack && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
				mnl_attr_for_each(attr, nlh, offset)
					if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
						snprintf(extack, extack_len, "%s",
							 mnl_attr_get_str(attr));
			}
			ret = err;
			goto out;
		}
	}
out:
	mnl_socket_close(sock);
	return ret;
}

int genl_family_id(const char *name)
{
	int id = -1;

	if (request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, put_family_name, (void *)name,
		    family_cb, &id, NULL, 0))
		return -1;
	return id;
}

void put_pid_attr(struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(pid_t *)arg);
}

void put_pid_addr(struct nlmsghdr *nlh, void *arg)
{
	const struct pid_addr *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	mnl_attr_put_u64(nlh, PTSCOPE_A_ADDR, req->addr);
}

int ptscope_request(uint8_t cmd, uint16_t flags,
		    void (*build)(struct nlmsghdr *nlh, void *arg), void *arg,
		    int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
		    char *extack, size_t extack_len)
{
	/* The id stays while the module is loaded; ask the controller once. */
	static int id = -1;

	if (id < 0)
		id = genl_family_id(PTSCOPE_GENL_NAME);
	if (id < 0)
		return -ENOENT;
	return request(id, cmd, flags, build, arg, cb, data, extack, extack_len);
}

int read_rollup(pid_t pid, struct rollup *r)
{
	char path[64], line[256], name[64];
	unsigned long kb;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	memset(r, 0, sizeof(*r));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lu kB", name, &kb) != 2)
			continue;
		if (!strcmp(name, "Rss"))
			r->rss = kb;
		else if (!strcmp(name, "Pss"))
			r->pss = kb;
		else if (!strcmp(name, "Pss_Anon"))
			r->pss_anon = kb;
		else if (!strcmp(name, "Pss_File"))
			r->pss_file = kb;
		else if (!strcmp(name, "Pss_Shmem"))
			r->pss_shmem = kb;
		else if (!strcmp(name, "Private_Clean") || !strcmp(name, "Private_Dirty"))
			r->private += kb;
		else if (!strcmp(name, "Swap"))
			r->swap = kb;
	}
	fclose(f);
	return 0;
}

int module_load(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

int module_unload(void)
{
	return syscall(SYS_delete_module, "ptscope", O_NONBLOCK) ? -errno : 0;
}
