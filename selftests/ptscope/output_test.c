// SPDX-License-Identifier: GPL-2.0
/*
 * What the client writes, as a script or a reader of its tables relies on:
 * totals that are the sums of the rows, swapped-out pages shown next to
 * resident ones, a failed write or an unwritable SVG file as an error,
 * errors of diff that say which process they are about, the kernel half
 * in rows of its areas, pretty JSON that is the compact JSON, and numbers
 * a double cannot hold as strings.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define AREA_PAGES 64

/* An anonymous area of AREA_PAGES pages, each written; @arg: then paged out. */
static unsigned long map_area(void *arg)
{
	size_t len = AREA_PAGES * PAGE_SZ;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (p == MAP_FAILED)
		return 0;
	for (off = 0; off < len; off += PAGE_SZ)
		p[off] = (char)(off / PAGE_SZ + 1);	/* not zero: must really swap */
	if (arg && madvise(p, len, MADV_PAGEOUT))
		return 0;
	return (unsigned long)p;
}

/* A stopped target with the area, so that two reads of it agree. */
static void start_target(struct __test_metadata *_metadata, struct target *t, void *pageout)
{
	ASSERT_EQ(0, target_start(t, map_area, pageout));
	ASSERT_NE(0, t->value);
	kill(t->pid, SIGSTOP);
}

static void stop_target(struct target *t)
{
	kill(t->pid, SIGCONT);
	target_stop(t);
}

/* ptscope @args @pid: its stdout (free() it), or NULL if it failed. */
static char *client(const char *args, pid_t pid)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ptscope %s %d", args, pid);
	return run_output(cmd);
}

/* The number after "@key": in @json from @from on, or -1. */
static long long json_number(const char *from, const char *key)
{
	char pattern[64];
	const char *at;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	at = strstr(from, pattern);
	return at ? strtoll(at + strlen(pattern), NULL, 10) : -1;
}

static const char *const states[] = {
	"present", "swap", "migration", "other", "marker", "hwpoison",
	"device-private", "device-exclusive",
};

static int state_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (!strcmp(name, states[i]))
			return i;
	return -1;
}

TEST(map_text_total_is_the_sum_of_its_rows)
{
	unsigned long va, end, runs = 0, total_runs = 0, total_kib = 0, kib;
	uint64_t bytes[ARRAY_SIZE(states)] = {}, size = 0, total_state[ARRAY_SIZE(states)] = {};
	char *out, *line, *save, state[32], *item;
	bool seen_total = false;
	struct target t;
	int s;

	start_target(_metadata, &t, NULL);
	out = client("map", t.pid);
	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "total: %lu runs, %lu KiB", &total_runs, &total_kib) == 2) {
			seen_total = true;
			/* ": present N KiB, swap N KiB[, STATE N KiB]..." */
			for (item = strchr(line, ':'), item = item ? strchr(item + 1, ':') : NULL;
			     item && sscanf(item + 2, "%31s %lu KiB", state, &kib) == 2;
			     item = strchr(item + 2, ',')) {
				s = state_index(state);
				ASSERT_LE(0, s) TH_LOG("state `%s' in %s", state, line);
				total_state[s] = kib;
			}
			continue;
		}
		if (sscanf(line, "%lx %lx %*s %*s %*s %*s %31s", &va, &end, state) != 3)
			continue;
		s = state_index(state);
		ASSERT_LE(0, s) TH_LOG("no state in %s", line);
		bytes[s] += end - va;
		size += end - va;
		runs++;
	}
	ASSERT_TRUE(seen_total) TH_LOG("no total line");
	EXPECT_LE(AREA_PAGES * PAGE_SZ, bytes[0]) TH_LOG("the area is not all present");
	EXPECT_EQ(runs, total_runs);
	EXPECT_EQ(size >> 10, total_kib);
	for (s = 0; s < (int)ARRAY_SIZE(states); s++)
		EXPECT_EQ(bytes[s] >> 10, total_state[s]) TH_LOG("state %d", s);
	free(out);
	stop_target(&t);
}

TEST(map_json_total_is_the_sum_of_its_mappings)
{
	uint64_t bytes[ARRAY_SIZE(states)] = {}, size = 0, runs = 0;
	char *out, *at, *total, state[32];
	unsigned int s;
	struct target t;
	int n;

	start_target(_metadata, &t, NULL);
	out = client("map -j", t.pid);
	ASSERT_NE(NULL, out);
	total = strstr(out, "],\"total\":{");
	ASSERT_NE(NULL, total) TH_LOG("no total after the mappings: %.200s", out);
	for (at = strstr(out, "{\"va\":"); at && at < total; at = strstr(at + 1, "{\"va\":")) {
		n = sscanf(strstr(at, "\"state\":\"") + 9, "%31[^\"]", state);
		ASSERT_EQ(1, n);
		ASSERT_LE(0, state_index(state)) TH_LOG("%s", state);
		bytes[state_index(state)] += json_number(at, "size");
		size += json_number(at, "size");
		runs++;
	}
	EXPECT_LE(AREA_PAGES * PAGE_SZ, bytes[0]) TH_LOG("the area is not all present");
	EXPECT_EQ(runs, json_number(total, "runs"));
	EXPECT_EQ(size, json_number(total, "size"));
	for (s = 0; s < ARRAY_SIZE(states); s++)
		EXPECT_EQ(bytes[s], json_number(strstr(total, "\"states\":"), states[s]))
			TH_LOG("state %u", s);
	free(out);
	stop_target(&t);
}

TEST(regions_text_total_is_the_sum_of_its_rows)
{
	unsigned long start, end, resident, swap, vmas = 0, size = 0, sum_resident = 0,
		      sum_swap = 0, total_vmas = 0, total_kib = 0, total_resident = 0,
		      total_swap = 0;
	char *out, *line, *save;
	bool seen_total = false;
	struct target t;

	start_target(_metadata, &t, NULL);
	out = client("regions", t.pid);
	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "total: %lu VMAs, %lu KiB %lu %lu", &total_vmas, &total_kib,
			   &total_resident, &total_swap) == 4) {
			seen_total = true;
			continue;
		}
		/* START END PERM REGION RESIDENT SWAP OFFSET [PATH] */
		if (sscanf(line, "%lx %lx %*s %*s %lu %lu %*x", &start, &end, &resident,
			   &swap) != 4)
			continue;
		vmas++;
		size += end - start;
		sum_resident += resident;
		sum_swap += swap;
	}
	ASSERT_TRUE(seen_total) TH_LOG("no total line");
	EXPECT_LT(3, vmas);
	EXPECT_EQ(vmas, total_vmas);
	EXPECT_EQ(size >> 10, total_kib);
	EXPECT_EQ(sum_resident, total_resident);
	EXPECT_LT(AREA_PAGES - 1, sum_resident);
	EXPECT_EQ(sum_swap, total_swap);
	free(out);
	stop_target(&t);
}

TEST(regions_json_total_is_the_sum_of_its_regions)
{
	long long vmas = 0, size = 0, resident = 0, swap = 0;
	char *out, *at, *total;
	struct target t;

	start_target(_metadata, &t, NULL);
	out = client("regions -j", t.pid);
	ASSERT_NE(NULL, out);
	total = strstr(out, "],\"total\":{");
	ASSERT_NE(NULL, total) TH_LOG("no total after the regions: %.200s", out);
	for (at = strstr(out, "{\"start\":"); at && at < total;
	     at = strstr(at + 1, "{\"start\":")) {
		size += strtoull(strstr(at, "\"end\":\"") + 7, NULL, 16) -
			strtoull(at + 10, NULL, 16);
		resident += json_number(at, "resident_pages");
		swap += json_number(at, "swap_pages");
		vmas++;
	}
	EXPECT_LT(3, vmas);
	EXPECT_EQ(vmas, json_number(total, "vmas"));
	EXPECT_EQ(size, json_number(total, "size"));
	EXPECT_EQ(resident, json_number(total, "resident_pages"));
	EXPECT_EQ(swap, json_number(total, "swap_pages"));
	free(out);
	stop_target(&t);
}

FIXTURE(swapped) {
	bool swapon;
	struct target t;
};

FIXTURE_SETUP(swapped)
{
	int ret = swap_on_zram();

	self->swapon = false;
	self->t.pid = 0;
	if (ret == -ENODEV)
		SKIP(return, "no zram device");
	if (ret)
		SKIP(return, "cannot swap on zram0");
	self->swapon = true;
	start_target(_metadata, &self->t, (void *)1);
}

FIXTURE_TEARDOWN(swapped)
{
	if (self->t.pid > 0)
		stop_target(&self->t);
	if (self->swapon)
		swap_off_zram();
}

/* The paged-out area's row: its SWAP column, and the area's total pages. */
TEST_F(swapped, regions_show_paged_out_pages_in_swap)
{
	unsigned long resident = 0, swap = 0;
	char *out, *row, *json, want[64];
	int n;

	out = client("regions", self->t.pid);
	ASSERT_NE(NULL, out);
	snprintf(want, sizeof(want), "\n%016lx ", self->t.value);
	row = strstr(out, want);
	ASSERT_NE(NULL, row) TH_LOG("no row at %#lx:\n%s", self->t.value, out);
	n = sscanf(row + 1, "%*x %*x %*s %*s %lu %lu", &resident, &swap);
	ASSERT_EQ(2, n);
	EXPECT_LT(0, swap) TH_LOG("%.100s", row + 1);
	EXPECT_GE(AREA_PAGES, resident + swap);
	free(out);

	json = client("regions -j", self->t.pid);
	ASSERT_NE(NULL, json);
	snprintf(want, sizeof(want), "{\"start\":\"%#lx\"", self->t.value);
	row = strstr(json, want);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(swap, json_number(row, "swap_pages"));
	free(json);
}

TEST_F(swapped, layout_and_map_total_show_swap)
{
	char *out, *at;
	long long swap = 0;
	unsigned long pages = 0;

	out = client("layout", self->t.pid);
	ASSERT_NE(NULL, out);
	for (at = strstr(out, " pages resident, "); at; at = strstr(at + 1, " pages resident, "))
		pages += strtoul(at + strlen(" pages resident, "), NULL, 10);
	EXPECT_LT(0, pages) TH_LOG("%s", out);
	free(out);

	out = client("layout -j", self->t.pid);
	ASSERT_NE(NULL, out);
	for (at = strstr(out, "\"swap_pages\":"); at; at = strstr(at + 1, "\"swap_pages\":"))
		swap += json_number(at, "swap_pages");
	EXPECT_EQ(pages, swap);
	free(out);

	out = client("map", self->t.pid);
	ASSERT_NE(NULL, out);
	at = strstr(out, "\ntotal: ");
	ASSERT_NE(NULL, at);
	at = strstr(at, ", swap ");
	ASSERT_NE(NULL, at);
	EXPECT_LT(0, strtoul(at + strlen(", swap "), NULL, 10)) TH_LOG("%s", at);
	free(out);
}

/*
 * Every way of writing to stdout is checked: output.c's buffer (map,
 * regions, layout), stdio's printf (help, the Prometheus format), and the
 * final flush.  Help and the Prometheus samples are shorter than stdio's
 * buffer or end in part of one, so they reach /dev/full only when flushed
 * at exit.  The reason is known when that last write fails, as it does
 * unless the output is an exact multiple of the buffer: for the longer
 * ones only "write error" is required.
 */
TEST(a_write_error_is_an_error)
{
	static const struct {
		const char *cmd;
		bool reason;
	} cmds[] = {
		{ "map %d", true },
		{ "map -j %d", true },
		{ "regions %d", true },
		{ "layout %d", true },
		{ "help", true },
		{ "--help", true },
		{ "map --help", true },
		{ "help stat", true },
		{ "stat --format prometheus %d", false },
		{ "share --format prometheus %d", false },
		{ "share --format prometheus %d 1", false },
	};
	char cmd[128], out[512];
	unsigned int i;
	pid_t pid = getpid();

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(cmd, sizeof(cmd), "ptscope ");
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), cmds[i].cmd, pid);
		/* First that it works: the failure below is the write's. */
		EXPECT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		strcat(cmd, " 2>&1 >/dev/full");
		EXPECT_EQ(1, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, cmds[i].reason ?
				       "ptscope: write error: No space left on device" :
				       "ptscope: write error")) TH_LOG("%s: %s", cmd, out);
	}
	snprintf(cmd, sizeof(cmd), "ptscope layout --svg /dev/full %d 2>&1 >/dev/null", pid);
	EXPECT_EQ(1, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
	EXPECT_NE(NULL, strstr(out, "/dev/full: write error: No space left on device"))
		TH_LOG("%s: %s", cmd, out);
}

TEST(an_svg_file_that_cannot_be_written_fails_before_any_output)
{
	char cmd[160], out[4096], err[512];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "ptscope layout --svg /nonexistent/dir/l.svg %d 2>/tmp/output_test.err",
		 getpid());
	EXPECT_EQ(1, run_status(cmd, out, sizeof(out)));
	EXPECT_STREQ("", out);
	f = fopen("/tmp/output_test.err", "r");
	ASSERT_NE(NULL, f);
	n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	unlink("/tmp/output_test.err");
	EXPECT_NE(NULL, strstr(err, "/nonexistent/dir/l.svg")) TH_LOG("%s", err);
}

/* A zombie (exited, not reaped) and a pid that is gone, on either side. */
TEST(diff_errors_name_the_process_and_its_side)
{
	char cmd[128], out[512], want[64];
	pid_t gone;
	int i;

	gone = fork();
	ASSERT_LE(0, gone);
	if (!gone)
		_exit(0);
	for (i = 0; i < 2; i++) {
		/* First a zombie, then, reaped, no process. */
		if (i)
			waitpid(gone, NULL, 0);
		else
			usleep(100000);
		snprintf(cmd, sizeof(cmd), "ptscope diff %d %d 2>&1 >/dev/null", getpid(), gone);
		EXPECT_EQ(1, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
		snprintf(want, sizeof(want), "ptscope: B (pid %d): ", gone);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s: %s", cmd, out);

		snprintf(cmd, sizeof(cmd), "ptscope diff %d %d 2>&1 >/dev/null", gone, getpid());
		EXPECT_EQ(1, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
		snprintf(want, sizeof(want), "ptscope: A (pid %d): ", gone);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s: %s", cmd, out);
	}
}

/* INDEX START END ENTRY AREAS, INDEX a number or a range FIRST-LAST. */
struct kernel_row {
	unsigned int first, last;
	char areas[128];
};

static int parse_kernel_row(const char *line, struct kernel_row *r)
{
	unsigned long long start, end;
	char index[32];

	if (sscanf(line, "%31s %llx %llx", index, &start, &end) != 3 ||
	    sscanf(index, "%u", &r->first) != 1)
		return -1;
	if (sscanf(index, "%*u-%u", &r->last) != 1)
		r->last = r->first;
	/* An entry of no area the module names (KASAN's shadow) has none. */
	snprintf(r->areas, sizeof(r->areas), "%s", strlen(line) > 61 ? line + 61 : "");
	return 0;
}

/* The top-level entries in `ptscope kernel -j`, -1 if it failed. */
static long long json_entries(void)
{
	char *json = run_output("ptscope kernel -j"), *at;
	long long n = 0;

	if (!json)
		return -1;
	for (at = strstr(json, "{\"index\":"); at; at = strstr(at + 1, "{\"index\":"))
		n++;
	free(json);
	return n;
}

TEST(kernel_half_is_headed_as_such_in_rows_of_its_areas)
{
	struct kernel_row row, prev = {};
	unsigned int rows = 0, ranges = 0, entries = 0;
	char *out, *line, *save;
	long long before = json_entries(), after;

	out = run_output("ptscope kernel");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, strncmp(out, "kernel half\n", 12)) TH_LOG("%.80s", out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (parse_kernel_row(line, &row))
			continue;
		EXPECT_FALSE(rows && prev.last + 1 == row.first && !strcmp(prev.areas, row.areas))
			TH_LOG("entries %u and %u, both %s, not merged", prev.last, row.first,
			       row.areas);
		ranges += row.last > row.first;
		entries += row.last - row.first + 1;
		prev = row;
		rows++;
	}
	EXPECT_LT(0, rows);
	/*
	 * x86 fills every top-level entry of vmalloc space at boot
	 * (preallocate_vmalloc_pages()): vmalloc alone spans many.  arm64's
	 * swapper table gets an entry where something is mapped, and with
	 * 52-bit addresses one entry spans 256 TiB.
	 */
	EXPECT_TRUE(!ON_X86 || ranges > 0) TH_LOG("vmalloc alone spans many top-level entries");
	free(out);

	/*
	 * JSON keeps every entry.  The debug kernel fills KASAN's shadow of
	 * vmalloc space as it goes: entries only come, between the two reads.
	 */
	after = json_entries();
	EXPECT_TRUE(before <= entries && entries <= after)
		TH_LOG("%u entries in text, %lld and %lld in JSON", entries, before, after);

	/* A process named: headed by it. */
	out = client("kernel", getpid());
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, strncmp(out, "pid ", 4)) TH_LOG("%.80s", out);
	free(out);
}

/* @json without the blanks and newlines outside its strings. */
static void squeeze(char *json)
{
	bool in_string = false, escaped = false;
	char *d = json;

	for (; *json; json++) {
		if (in_string) {
			escaped = !escaped && *json == '\\';
			in_string = escaped || *json != '"';
		} else if (*json == ' ' || *json == '\n') {
			continue;
		} else {
			in_string = *json == '"';
		}
		*d++ = *json;
	}
	*d = '\0';
}

TEST(pretty_json_is_the_compact_json_indented)
{
	/* %1$d the target, %2$#lx its area. */
	static const char *const cmds[][2] = {
		{ "ptscope layout -j %1$d", "ptscope layout -p %1$d" },
		{ "ptscope regions -j %1$d", "ptscope -p regions %1$d" },
		{ "ptscope translate -j %1$d %2$#lx", "ptscope translate %1$d %2$#lx -p" },
	};
	char cmd[96], *compact, *pretty;
	unsigned int i;
	struct target t;

	start_target(_metadata, &t, NULL);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(cmd, sizeof(cmd), cmds[i][0], t.pid, t.value);
		compact = run_output(cmd);
		snprintf(cmd, sizeof(cmd), cmds[i][1], t.pid, t.value);
		pretty = run_output(cmd);
		ASSERT_NE(NULL, compact);
		ASSERT_NE(NULL, pretty);
		EXPECT_EQ(compact + strlen(compact) - 1, strchr(compact, '\n'))
			TH_LOG("compact JSON is one line: %s", compact);
		EXPECT_NE(NULL, strstr(pretty, "{\n  \"pid\": ")) TH_LOG("%s", pretty);
		squeeze(pretty);
		squeeze(compact);
		EXPECT_STREQ(compact, pretty);
		free(compact);
		free(pretty);
	}
	stop_target(&t);
}

/*
 * A map line whose fields after its addresses are the line before's is
 * written again from a copy: an area of REPEAT_PAGES where that happens
 * for many lines in a row (the first half, its pages scattered: faulted
 * odd after even), then for none (the second half, pages written between
 * pages only read, which map the zero page).
 */
#define REPEAT_PAGES 128
#define COMPACT_UNEVICTABLE "/proc/sys/vm/compact_unevictable_allowed"

static unsigned long map_repeats(void *arg)
{
	char *p = mmap(NULL, REPEAT_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int i;

	if (p == MAP_FAILED)
		return 0;
	madvise(p, REPEAT_PAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	for (i = 0; i < REPEAT_PAGES / 2; i += 2)
		p[i * PAGE_SZ] = 1;
	for (i = 1; i < REPEAT_PAGES / 2; i += 2)
		p[i * PAGE_SZ] = 1;
	for (i = REPEAT_PAGES / 2; i < REPEAT_PAGES; i++)
		if (i % 2)
			p[i * PAGE_SZ] = 1;
		else
			__asm__ volatile("" : : "r"(p[i * PAGE_SZ]));	/* a load kept */
	/*
	 * Held where they are (with compact_unevictable_allowed 0, which the
	 * test sets): compaction moving a page between two reads made the
	 * views differ five times in a row on the 64 KiB-page debug kernel.
	 * On fault: locking faults nothing in, the zero pages stay.
	 */
	mlockall(MCL_CURRENT | MCL_ONFAULT);
	return (unsigned long)p;
}

/* map -x's MAPS NODE FOLIO FOLIO-MAP BACKING MEMORY PKEY, as words. */
#define X_COLUMNS "%23s %23s %23s %23s %23s %23s %23s"
#define JSON_RUN "{\"va\":\"0x%lx\",\"pa\":%s,\"size\":%lu,\"page_size\":%lu,\"region\":\"%s\",\"state\":\"%s\","
#define JSON_X "\"mapcount\":%s,\"node\":%s,\"folio_size\":%s,\"folio_map\":%s,\"backing\":\"%s\",\"mem_type\":\"%s\",\"pkey\":%s,"

/* A size as map writes it: "4K", "2M", or bytes. */
static unsigned long size_of(const char *name)
{
	return page_size_of(name) ?: strtoul(name, NULL, 10);
}

/* A text column as a JSON value: "-" null, else a number or a string. */
static void json_value(char *buf, size_t len, const char *text, bool string)
{
	snprintf(buf, len, !strcmp(text, "-") ? "null" : string ? "\"%s\"" : "%s", text);
}

/*
 * The JSON object of the map text line @line (with -x: @extended), up to
 * its closing brace; false if @line is not a run.
 */
static bool line_as_json(const char *line, bool extended, char *buf, size_t len)
{
	char pa[40], page[16], region[16], state[24], flags[512], x[7][24], v[7][32];
	char jpa[96], jflags[768], *flag, *save, *at;
	unsigned long va, end, pages, type, offset;
	int n;

	if (extended)
		n = sscanf(line, "%lx %lx %39s %15s %lu %15s %23s " X_COLUMNS " %511s", &va, &end,
			   pa, page, &pages, region, state, x[0], x[1], x[2], x[3], x[4], x[5],
			   x[6], flags);
	else
		n = sscanf(line, "%lx %lx %39s %15s %lu %15s %23s %511s", &va, &end, pa, page,
			   &pages, region, state, flags);
	if (n != (extended ? 15 : 8))
		return false;
	if (sscanf(pa, "swap:%lu:%lx", &type, &offset) == 2)
		snprintf(jpa, sizeof(jpa), "null,\"swap_type\":%lu,\"swap_offset\":%lu", type,
			 offset);
	else if (!strcmp(pa, "-"))
		snprintf(jpa, sizeof(jpa), "null");
	else
		snprintf(jpa, sizeof(jpa), "\"0x%lx\"", strtoul(pa, NULL, 16));
	at = jflags;
	*at++ = '[';
	for (flag = strcmp(flags, "-") ? strtok_r(flags, ",", &save) : NULL; flag;
	     flag = strtok_r(NULL, ",", &save))
		at += sprintf(at, "%s\"%s\"", at == jflags + 1 ? "" : ",", flag);
	snprintf(at, 2, "]");
	n = snprintf(buf, len, JSON_RUN, va, jpa, end - va, size_of(page), region, state);
	if (extended) {
		/* MAPS NODE FOLIO FOLIO-MAP BACKING MEMORY PKEY */
		json_value(v[0], sizeof(v[0]), x[0], false);
		json_value(v[1], sizeof(v[1]), x[1], false);
		if (strcmp(x[2], "-"))
			snprintf(x[2], sizeof(x[2]), "%lu", size_of(x[2]));
		json_value(v[2], sizeof(v[2]), x[2], false);
		json_value(v[3], sizeof(v[3]), x[3], true);
		n += snprintf(buf + n, len - n, JSON_X, v[0], v[1], v[2], v[3], x[4], x[5], x[6]);
	}
	snprintf(buf + n, len - n, "\"flags\":%s}", jflags);
	return true;
}

/*
 * How many lines of map's text @text are not, in order, objects of @json;
 * one more if the JSON has other objects, or there are not @least lines.
 */
static int json_text_differ(const char *text, const char *json, bool extended, int least)
{
	char *copy = strdup(text), *line, *save, want[1024];
	const char *at = json;
	int lines = 0, objects = 0, differ = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!line_as_json(line, extended, want, sizeof(want)))
			continue;
		lines++;
		at = strstr(at, want);
		if (!at) {
			if (!differ++)
				fprintf(stderr, "# not in the JSON, or not in order: %s\n", want);
			at = json;
			continue;
		}
		at++;
	}
	for (at = json; (at = strstr(at, "{\"va\":")); at++)
		objects++;
	free(copy);
	if (lines < least || objects != lines)
		fprintf(stderr, "# %d lines, %d objects\n", lines, objects);
	return differ + (lines < least || objects != lines);
}

/* The run lines of a map's text from @start to @end, in one string (free() it). */
static char *run_lines(const char *text, unsigned long start, unsigned long end)
{
	char *lines = calloc(1, strlen(text) + 1), *at = lines;
	const char *line, *eol;
	unsigned long va, va_end;

	for (line = text; lines && *line; line = eol + 1) {
		eol = strchrnul(line, '\n');
		if (sscanf(line, "%lx %lx ", &va, &va_end) == 2 && va >= start && va < end) {
			memcpy(at, line, eol - line + 1);
			at += eol - line + 1;
		}
		if (!*eol)
			break;
	}
	return lines;
}

/*
 * Every map line, as the debugfs view writes it (map, or frames for -x),
 * as text, JSON and indented JSON, says the same of its run: the whole
 * address space, then with -x the area (how many map a shared library's
 * frames changes as ptscope and cat come and go).  The target is
 * stopped and its pages locked, out of compaction's reach; anything else
 * that changes a page between two reads is retried.
 */
TEST(map_json_and_text_say_the_same_of_every_run)
{
	static const char *const as[] = { "", " -j", " -p" };
	char *text = NULL, *json = NULL, *pretty = NULL, area[64], args[3][96];
	char *view, *ours, *module;
	unsigned long start, end;
	int attempt, differ = 1, x, i;
	char compact_unevictable[16] = "";
	struct target t;

	read_file(COMPACT_UNEVICTABLE, compact_unevictable, sizeof(compact_unevictable));
	write_file(COMPACT_UNEVICTABLE, "0");
	ASSERT_EQ(0, target_start(&t, map_repeats, NULL));
	ASSERT_NE(0, t.value);
	kill(t.pid, SIGSTOP);
	snprintf(area, sizeof(area), " -x --range %lx-%lx", t.value,
		 t.value + REPEAT_PAGES * PAGE_SZ);
	ASSERT_EQ(0, ptscope_set_target(t.pid));
	for (x = 0; x < 2; x++) {
		for (i = 0; i < 3; i++)
			snprintf(args[i], sizeof(args[i]), "map%s%s", as[i], x ? area : "");
		start = x ? t.value : 0;
		end = x ? t.value + REPEAT_PAGES * PAGE_SZ : -1UL;
		for (attempt = 0, differ = 1; attempt < 5 && differ; attempt++) {
			free(text);
			free(json);
			free(pretty);
			view = run_output(x ? "cat /sys/kernel/debug/ptscope/frames" :
					  "cat /sys/kernel/debug/ptscope/map");
			text = client(args[0], t.pid);
			json = client(args[1], t.pid);
			pretty = client(args[2], t.pid);
			ASSERT_NE(NULL, view);
			ASSERT_NE(NULL, text);
			ASSERT_NE(NULL, json);
			ASSERT_NE(NULL, pretty);
			module = run_lines(view, start, end);
			ours = run_lines(text, start, end);
			differ = strcmp(module, ours) ? 1 : 0;
			if (differ)
				fprintf(stderr, "# debugfs:\n%s# client:\n%s", module, ours);
			free(module);
			free(ours);
			free(view);
			squeeze(json);
			squeeze(pretty);
			differ += json_text_differ(text, json, x, x ? REPEAT_PAGES / 2 : 100) +
				  !!strcmp(pretty, json);
		}
		EXPECT_EQ(0, differ) TH_LOG("%s: %.2000s", args[0], text);
		EXPECT_STREQ(json, pretty);
	}
	free(text);
	free(json);
	free(pretty);
	kill(t.pid, SIGCONT);
	target_stop(&t);
	if (compact_unevictable[0])
		write_file(COMPACT_UNEVICTABLE, compact_unevictable);
}

/* The hole between the halves is about 2^64 bytes; doubles hold 2^53. */
TEST(json_numbers_beyond_2_to_the_53_are_strings)
{
	char *out, *hole, *gap;
	unsigned long long size;

	out = client("layout -j", getpid());
	ASSERT_NE(NULL, out);
	hole = strstr(out, "{\"kind\":\"hole\"");
	ASSERT_NE(NULL, hole) TH_LOG("%.300s", out);
	hole = strstr(hole, "\"size\":");
	ASSERT_NE(NULL, hole);
	ASSERT_EQ('"', hole[7]) TH_LOG("%.40s", hole);
	size = strtoull(hole + 8, NULL, 10);
	EXPECT_LT(1ULL << 53, size);
	EXPECT_EQ('"', hole[8 + strspn(hole + 8, "0123456789")]);
	/* Smaller sizes stay numbers. */
	gap = strstr(out, "{\"kind\":\"gap\"");
	ASSERT_NE(NULL, gap);
	gap = strstr(gap, "\"size\":");
	EXPECT_TRUE(gap[7] >= '0' && gap[7] <= '9') TH_LOG("%.40s", gap);
	free(out);
}

TEST_HARNESS_MAIN
