// SPDX-License-Identifier: GPL-2.0
/*
 * REGIONS_GET and the regions views under layouts built to strain them:
 * a file whose path is near PATH_MAX, and file mappings split into
 * thousands of VMAs, whose classification takes many holds of mmap_lock.
 * /proc/PID/maps is the oracle for boundaries, permissions and the file
 * groups that decide the region.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/limits.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

/*
 * Below the kernel half: /proc/PID/maps also shows x86's [vsyscall], which
 * is no VMA.  (The user half itself ends at 47, 48, 52 or 56 bits: arm64
 * maps the stack and libraries above 1 << 47.)
 */
#define USER_END 0x8000000000000000UL

/* One VMA, as REGIONS_GET or /proc/PID/maps gives it. */
struct vma_rec {
	unsigned long start, end;
	char perms[5];		/* "rwxp" as maps prints them */
	unsigned long dev, inode;	/* maps only */
	int region;		/* REGIONS_GET only */
	char *path;
};

struct vma_list {
	struct vma_rec *v;
	int n, cap;
	int bad;		/* a VMA nest without its start or end */
};

static struct vma_rec *vma_add(struct vma_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	memset(&l->v[l->n], 0, sizeof(*l->v));
	l->v[l->n].region = -1;
	return &l->v[l->n++];
}

static void vma_list_free(struct vma_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

static void perms_string(uint32_t perms, char *s)
{
	s[0] = perms & PTSCOPE_PERM_READ ? 'r' : '-';
	s[1] = perms & PTSCOPE_PERM_WRITE ? 'w' : '-';
	s[2] = perms & PTSCOPE_PERM_EXEC ? 'x' : '-';
	s[3] = perms & PTSCOPE_PERM_SHARED ? 's' : 'p';
	s[4] = '\0';
}

static int vma_attr_cb(const struct nlattr *attr, void *data)
{
	struct vma_rec *v = data;

	switch (mnl_attr_get_type(attr)) {
	case PTSCOPE_VMA_A_START:
		v->start = mnl_attr_get_u64(attr);
		break;
	case PTSCOPE_VMA_A_END:
		v->end = mnl_attr_get_u64(attr);
		break;
	case PTSCOPE_VMA_A_PERMS:
		perms_string(mnl_attr_get_u32(attr), v->perms);
		break;
	case PTSCOPE_VMA_A_REGION:
		v->region = mnl_attr_get_u32(attr);
		break;
	case PTSCOPE_VMA_A_PATH:
		v->path = strndup(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));
		break;
	}
	return MNL_CB_OK;
}

/* Every PTSCOPE_A_VMA nest of a REGIONS_GET message, however many it packs. */
static int regions_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vma_list *l = data;
	const struct nlattr *attr;
	struct vma_rec *v;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_VMA)
			continue;
		v = vma_add(l);
		mnl_attr_parse_nested(attr, vma_attr_cb, v);
		if (!v->end)
			l->bad++;
	}
	return MNL_CB_OK;
}

static void put_pid(struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(pid_t *)arg);
}

/* REGIONS_GET of @pid into @l; 0 or the negative errno, with @extack. */
static int netlink_regions(pid_t pid, struct vma_list *l, char *extack, size_t len)
{
	return ptscope_request(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, put_pid, &pid,
			       regions_cb, l, extack, len);
}

/* /proc/PID/maps of the user half, lines of any length. */
static int maps_regions(pid_t pid, struct vma_list *l)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct vma_rec *v;
	int off = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct vma_rec r = {};
		unsigned long major, minor;

		if (sscanf(line, "%lx-%lx %4s %*x %lx:%lx %lu %n", &r.start, &r.end, r.perms,
			   &major, &minor, &r.inode, &off) < 6)
			continue;
		if (r.start >= USER_END)
			continue;
		r.dev = major << 20 | minor;
		line[strcspn(line, "\n")] = '\0';
		r.path = line[off] ? strdup(line + off) : NULL;
		r.region = -1;
		v = vma_add(l);
		*v = r;
	}
	free(line);
	fclose(f);
	return 0;
}

/* A file of @pages pages at @path (a mkstemp() template), sparse. */
static int sparse_file(char *path, unsigned long pages, struct stat *st)
{
	int fd = mkstemp(path), ret;

	if (fd < 0)
		return -1;
	ret = ftruncate(fd, pages * PAGE_SZ) || fstat(fd, st) ? -1 : 0;
	close(fd);
	return ret;
}

/*
 * The hostile layout: two files of SPLIT_PAGES pages each, mapped one
 * right after the other, each split into a VMA per page by making every
 * other page writable; the second file's last page is executable, which
 * makes all of its VMAs a library's (shlib), thousands of VMAs from the
 * first.  The first file has no executable page: all of it is mmap.
 */
#define SPLIT_PAGES 8000

static struct stat split_st[2];
static char split_path[2][32];

/*
 * The files, made before the target forks so that both know them (the
 * target closes what it inherits).
 */
static int split_files(void)
{
	for (int f = 0; f < 2; f++) {
		snprintf(split_path[f], sizeof(split_path[f]), "/tmp/ptscope_split.XXXXXX");
		if (sparse_file(split_path[f], SPLIT_PAGES, &split_st[f]))
			return -1;
	}
	return 0;
}

static void split_files_remove(void)
{
	unlink(split_path[0]);
	unlink(split_path[1]);
}

static unsigned long split_setup(void *arg)
{
	unsigned long len = SPLIT_PAGES * PAGE_SZ, i;
	char *area;
	int f, fd;

	area = mmap(NULL, 2 * len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 0;
	for (f = 0; f < 2; f++) {
		fd = open(split_path[f], O_RDONLY);
		if (fd < 0 || mmap(area + f * len, len, PROT_READ, MAP_PRIVATE | MAP_FIXED,
				   fd, 0) == MAP_FAILED)
			return 0;
		close(fd);
		for (i = 1; i < SPLIT_PAGES; i += 2)
			if (mprotect(area + f * len + i * PAGE_SZ, PAGE_SZ, PROT_READ | PROT_WRITE))
				return 0;
	}
	if (mprotect(area + 2 * len - PAGE_SZ, PAGE_SZ, PROT_READ | PROT_EXEC))
		return 0;
	/* Every page in memory, for the map view's runs. */
	if (madvise(area, 2 * len, MADV_POPULATE_READ))
		return 0;
	return (unsigned long)area;
}

static bool is_split_file(const struct vma_rec *v, const struct stat *st)
{
	return v->inode == st->st_ino && v->dev == (major(st->st_dev) << 20 | minor(st->st_dev));
}

/*
 * The region the oracle expects for line @i of maps: for a mapping of one
 * of the split files, shlib when any VMA of its group (adjacent VMAs of
 * the same file) is executable, mmap otherwise; -1 for lines the test did
 * not build.
 */
static int expected_region(const struct vma_list *maps, int i)
{
	const struct vma_rec *v = maps->v;
	int lo = i, hi = i, j;

	if (!is_split_file(&v[i], &split_st[0]) && !is_split_file(&v[i], &split_st[1]))
		return -1;
	while (lo > 0 && v[lo - 1].end == v[lo].start && v[lo - 1].inode == v[i].inode &&
	       v[lo - 1].dev == v[i].dev)
		lo--;
	while (hi + 1 < maps->n && v[hi + 1].start == v[hi].end &&
	       v[hi + 1].inode == v[i].inode && v[hi + 1].dev == v[i].dev)
		hi++;
	for (j = lo; j <= hi; j++)
		if (v[j].perms[2] == 'x')
			return PTSCOPE_REGION_SHLIB;
	return PTSCOPE_REGION_MMAP;
}

static const char *region_name(int region)
{
	static const char * const names[] = PTSCOPE_REGION_NAMES;

	return region >= 0 && region < __PTSCOPE_REGION_MAX ? names[region] : "?";
}

/*
 * Compare a listing with maps line by line: same VMAs, in order, same
 * permissions, and the region the oracle expects.  Returns the number of
 * lines that differ; the first few are reported.
 */
static int compare_with_maps(const char *what, const struct vma_list *got,
			     const struct vma_list *maps, int *split_vmas)
{
	int i, want, bad = 0;

	*split_vmas = 0;
	if (got->n != maps->n) {
		ksft_print_msg("%s: %d VMAs, maps has %d\n", what, got->n, maps->n);
		bad++;
	}
	for (i = 0; i < got->n && i < maps->n; i++) {
		const struct vma_rec *g = &got->v[i], *m = &maps->v[i];

		want = expected_region(maps, i);
		if (want >= 0)
			(*split_vmas)++;
		if (g->start == m->start && g->end == m->end && !strcmp(g->perms, m->perms) &&
		    (want < 0 || want == g->region))
			continue;
		if (bad++ < 5)
			ksft_print_msg("%s: %lx-%lx %s %s, maps %lx-%lx %s, expected %s\n", what,
				       g->start, g->end, g->perms, region_name(g->region),
				       m->start, m->end, m->perms, region_name(want));
	}
	return bad;
}

/* The debugfs regions view as a vma_list (its region names mapped back). */
static int debugfs_regions(pid_t pid, struct vma_list *l)
{
	struct region_line *lines;
	struct vma_rec *v;
	int n, i, r;

	n = ptscope_read_regions(pid, &lines);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		v = vma_add(l);
		v->start = lines[i].start;
		v->end = lines[i].end;
		memcpy(v->perms, lines[i].perms, sizeof(v->perms));
		for (r = 0; r < PTSCOPE_REGION_KERNEL; r++)
			if (!strcmp(lines[i].region, region_name(r)))
				v->region = r;
	}
	free(lines);
	return 0;
}

/*
 * 16,000 VMAs made and read take more than the harness's default 30 s on
 * the arm64 debug kernel (KASAN, lockdep, 16 KiB pages zeroed under TCG).
 */
FIXTURE(split_file_mappings) {
};

FIXTURE_SETUP(split_file_mappings)
{
}

FIXTURE_TEARDOWN(split_file_mappings)
{
}

TEST_F_TIMEOUT(split_file_mappings, list_every_vma_with_its_region, 240)
{
	struct vma_list maps = {}, nl = {}, dfs = {};
	char extack[256];
	struct target t;
	int split_vmas;

	ASSERT_EQ(0, split_files());
	ASSERT_EQ(0, target_start(&t, split_setup, NULL));
	ASSERT_NE(0, t.value);
	ASSERT_EQ(0, maps_regions(t.pid, &maps));

	EXPECT_EQ(0, netlink_regions(t.pid, &nl, extack, sizeof(extack))) {
		TH_LOG("REGIONS_GET: %s", extack);
	}
	EXPECT_EQ(0, nl.bad);
	EXPECT_EQ(0, compare_with_maps("REGIONS_GET", &nl, &maps, &split_vmas));
	EXPECT_EQ(2 * SPLIT_PAGES, split_vmas);

	ASSERT_EQ(0, debugfs_regions(t.pid, &dfs));
	EXPECT_EQ(0, compare_with_maps("debugfs regions", &dfs, &maps, &split_vmas));
	EXPECT_EQ(2 * SPLIT_PAGES, split_vmas);
	ksft_print_msg("%d VMAs of the split files, as maps says, by netlink and debugfs\n",
		       split_vmas);

	vma_list_free(&maps);
	vma_list_free(&nl);
	vma_list_free(&dfs);
	target_stop(&t);
	split_files_remove();
}

/*
 * The map walk classifies too, with its own cache, and drops the lock
 * every few dozen VMAs: every run of a split file carries its VMA's region.
 */
TEST_F_TIMEOUT(split_file_mappings, map_runs_carry_their_region, 240)
{
	struct vma_list maps = {};
	struct map_run *runs;
	int n, i, j = 0, want, bad = 0, checked = 0;
	struct target t;

	ASSERT_EQ(0, split_files());
	ASSERT_EQ(0, target_start(&t, split_setup, NULL));
	ASSERT_NE(0, t.value);
	ASSERT_EQ(0, maps_regions(t.pid, &maps));
	n = ptscope_read_map(t.pid, &runs);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		while (j < maps.n && maps.v[j].end <= runs[i].va)
			j++;
		if (j == maps.n || maps.v[j].start > runs[i].va)
			continue;
		want = expected_region(&maps, j);
		if (want < 0)
			continue;
		checked++;
		if (strcmp(runs[i].region, region_name(want)) && bad++ < 5)
			ksft_print_msg("run at %lx: %s, expected %s\n", runs[i].va,
				       runs[i].region, region_name(want));
	}
	EXPECT_EQ(0, bad);
	/* Every page is faulted in; neighbouring VMAs never share a run. */
	EXPECT_LE(2 * SPLIT_PAGES, checked);
	free(runs);
	vma_list_free(&maps);
	target_stop(&t);
	split_files_remove();
}

/*
 * A file whose path is 4,032 bytes long (PATH_MAX allows 4,095), under
 * directories of 250-byte names in /tmp.
 */
#define LONG_PATH 4032

static char long_path[PATH_MAX];
/* Low, so that it is the first VMA, in the first (smallest) dump message. */
#define LONG_PATH_VA 0x100000UL

static int make_long_path(void)
{
	char name[251];
	size_t len;
	int fd;

	snprintf(long_path, sizeof(long_path), "/tmp/ptscope_long.XXXXXX");
	if (!mkdtemp(long_path))
		return -1;
	memset(name, 'd', 250);
	name[250] = '\0';
	/* Directories until what is left fits one name (255 bytes at most). */
	while (LONG_PATH - (len = strlen(long_path)) > 256) {
		snprintf(long_path + len, sizeof(long_path) - len, "/%s", name);
		if (mkdir(long_path, 0700))
			return -1;
	}
	len = strlen(long_path);
	memset(long_path + len, 'f', LONG_PATH - len);
	long_path[len] = '/';
	long_path[LONG_PATH] = '\0';
	fd = open(long_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, PAGE_SZ))
		return -1;
	close(fd);
	return 0;
}

static unsigned long map_long_path(void *arg)
{
	int fd = open(long_path, O_RDONLY);
	char *p;

	if (fd < 0)
		return 0;
	p = mmap((void *)LONG_PATH_VA, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE,
		 fd, 0);
	close(fd);
	if (p == MAP_FAILED || madvise(p, PAGE_SZ, MADV_POPULATE_READ))
		return 0;
	return (unsigned long)p;
}

/* The line of a text listing that starts with @start, as a new string. */
static char *line_starting(const char *text, const char *start)
{
	const char *l;

	for (l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, start, strlen(start)))
			return strndup(l, strcspn(l, "\n"));
	return NULL;
}

/* Does the line end with " " and the long path, whole? */
static bool ends_with_long_path(const char *line)
{
	size_t len = line ? strlen(line) : 0;

	return len > LONG_PATH && line[len - LONG_PATH - 1] == ' ' &&
	       !strcmp(line + len - LONG_PATH, long_path);
}

TEST(long_path_is_listed_whole)
{
	struct vma_list maps = {}, nl = {};
	char extack[256], cmd[64], start[32];
	char *out, *line;
	struct target t;
	int i;

	ASSERT_EQ(0, make_long_path());
	ASSERT_EQ(LONG_PATH, strlen(long_path));
	ASSERT_EQ(0, target_start(&t, map_long_path, NULL));
	ASSERT_EQ(LONG_PATH_VA, t.value);
	ASSERT_EQ(0, maps_regions(t.pid, &maps));

	/* Netlink: every VMA, this one first, with its path whole. */
	EXPECT_EQ(0, netlink_regions(t.pid, &nl, extack, sizeof(extack))) {
		TH_LOG("REGIONS_GET: %s", extack);
	}
	EXPECT_EQ(maps.n, nl.n);
	for (i = 0; i < nl.n && nl.v[i].start != LONG_PATH_VA; i++)
		;
	ASSERT_GT(nl.n, i);
	ASSERT_NE(NULL, nl.v[i].path);
	EXPECT_STREQ(long_path, nl.v[i].path);

	/* debugfs and the client: the line of the VMA ends with the path. */
	snprintf(start, sizeof(start), "%016lx", LONG_PATH_VA);
	ASSERT_EQ(0, ptscope_set_target(t.pid));
	out = run_output("cat /sys/kernel/debug/ptscope/regions");
	ASSERT_NE(NULL, out);
	line = line_starting(out, start);
	EXPECT_TRUE(ends_with_long_path(line));
	free(line);
	free(out);

	snprintf(cmd, sizeof(cmd), "ptscope regions %d", t.pid);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	line = line_starting(out, start);
	EXPECT_TRUE(ends_with_long_path(line)) {
		TH_LOG("client: %.80s", line ? line : "(no line)");
	}
	free(line);
	free(out);

	vma_list_free(&maps);
	vma_list_free(&nl);
	target_stop(&t);
}

TEST_HARNESS_MAIN
