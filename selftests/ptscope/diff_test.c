// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope diff and ptscope layout: the relation diff gives every page
 * agrees with pagemap (fork and copy-on-write, a shared library, the
 * seed's 0x00400000), a library is paired by file and offset under
 * address-space randomization, a frame at two addresses is the same frame
 * unless --by-address is asked for; layout lists the regions in
 * address-space order with the sizes of their VMAs, and its SVG is
 * well-formed XML.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

/* The JSON object of @json's diff entry starting at @va, or NULL. */
static const char *diff_entry(const char *json, unsigned long va)
{
	char key[48];

	snprintf(key, sizeof(key), "{\"va\":\"0x%lx\"", va);
	return strstr(json, key);
}

/* The first entry of @json's diff whose pages hold @va, or NULL. */
static const char *entry_holding(const char *json, unsigned long va)
{
	unsigned long start, size;
	const char *at;

	for (at = json; (at = strstr(at, "{\"va\":\"0x")); at++) {
		start = strtoul(at + 9, NULL, 16);
		size = strtoul(strstr(at, "\"size\":") + 7, NULL, 10);
		if (start <= va && va < start + size)
			return at;
	}
	return NULL;
}

/* Where "key": is in the object at @obj (not in a later one), or NULL. */
static const char *field(const char *obj, const char *key)
{
	char pattern[32];
	const char *at;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	at = strstr(obj, pattern);
	return at && at < strchr(obj, '}') ? at + strlen(pattern) : NULL;
}

/* Value of "key":"0x..." (absent or null: 0) in the object at @obj. */
static uint64_t hex_field(const char *obj, const char *key)
{
	const char *at = field(obj, key);

	if (!at || !strncmp(at, "null", 4))
		return 0;
	return strtoull(at + 1, NULL, 16);
}

static bool relation_is(const char *obj, const char *relation)
{
	char pattern[48];
	const char *end = strchr(obj, '}');

	snprintf(pattern, sizeof(pattern), "\"relation\":\"%s\"", relation);
	return strstr(obj, pattern) && strstr(obj, pattern) < end;
}

static char *diff_json_opt(const char *opt, pid_t a, pid_t b)
{
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "ptscope diff -j %s %d %d", opt, a, b);
	return run_output(cmd);
}

static char *diff_json(pid_t a, pid_t b)
{
	return diff_json_opt("", a, b);
}

static uint64_t pagemap_pa(pid_t pid, unsigned long va)
{
	uint64_t pme = pagemap_entry(pid, va);

	return pme & PM_PRESENT ? PM_PFN(pme) * PAGE_SZ : 0;
}

/* A page of its own, between guard pages, so its runs start at @page. */
static char *lone_page(void)
{
	char *p = mmap(NULL, 3 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE_SZ, PAGE_SZ, PROT_READ | PROT_WRITE))
		return NULL;
	p[PAGE_SZ] = 'p';
	return p + PAGE_SZ;
}

static char *cow_page;

static unsigned long nothing(void *arg)
{
	return 0;
}

static unsigned long write_cow_page(void *arg)
{
	cow_page[0] = 'c';
	return 0;
}

TEST(diff_fork_same_frame_until_the_child_writes)
{
	struct target child;
	const char *e;
	char *json;

	cow_page = lone_page();
	ASSERT_NE(NULL, cow_page);
	ASSERT_EQ(0, target_start(&child, nothing, NULL));

	json = diff_json(getpid(), child.pid);
	ASSERT_NE(NULL, json);
	e = diff_entry(json, (unsigned long)cow_page);
	ASSERT_NE(NULL, e) TH_LOG("no entry at %p", cow_page);
	EXPECT_TRUE(relation_is(e, "same"));
	EXPECT_EQ(pagemap_pa(getpid(), (unsigned long)cow_page), hex_field(e, "a_pa"));
	free(json);

	ASSERT_EQ(0, target_run(&child, write_cow_page, NULL));
	json = diff_json(getpid(), child.pid);
	ASSERT_NE(NULL, json);
	e = diff_entry(json, (unsigned long)cow_page);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "different"));
	EXPECT_EQ(pagemap_pa(getpid(), (unsigned long)cow_page), hex_field(e, "a_pa"));
	EXPECT_EQ(pagemap_pa(child.pid, (unsigned long)cow_page), hex_field(e, "b_pa"));
	EXPECT_NE(NULL, strstr(json, "\"kernel\":{")) TH_LOG("no kernel comparison");
	free(json);
	target_stop(&child);
}

TEST(diff_shared_library_page_is_the_same_frame)
{
	unsigned long page;
	struct target a, b;
	const char *e;
	char *json;

	ASSERT_EQ(0, exec_target_start(&a, true));
	ASSERT_EQ(0, exec_target_start(&b, true));
	ASSERT_EQ(a.value, b.value) TH_LOG("printf at %#lx and %#lx", a.value, b.value);
	page = a.value & ~(PAGE_SZ - 1);

	json = diff_json(a.pid, b.pid);
	ASSERT_NE(NULL, json);
	e = entry_holding(json, page);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "same"));
	EXPECT_EQ(pagemap_pa(a.pid, page),
		  hex_field(e, "a_pa") + (page - strtoull(e + 9, NULL, 16)));
	EXPECT_EQ(pagemap_pa(b.pid, page),
		  hex_field(e, "b_pa") + (page - strtoull(e + 9, NULL, 16)));
	free(json);
	target_stop(&a);
	target_stop(&b);
}

/* The summary's count of shlib pages that are the same frame in both. */
#define SHLIB_SAME "\"shlib\":{\"same\":"

/* Under ASLR: printf's page is at another address in each, in one file. */
TEST(diff_pairs_a_library_page_by_file_and_offset_under_aslr)
{
	unsigned long page_a, page_b, off;
	struct target a, b;
	const char *e, *shlib;
	char *json;

	ASSERT_EQ(0, exec_target_start(&a, false));
	ASSERT_EQ(0, exec_target_start(&b, false));
	if (a.value == b.value) {
		target_stop(&a);
		target_stop(&b);
		SKIP(return, "printf at %#lx in both: address-space randomization is off",
		     a.value);
	}
	page_a = a.value & ~(PAGE_SZ - 1);
	page_b = b.value & ~(PAGE_SZ - 1);

	json = diff_json(a.pid, b.pid);
	ASSERT_NE(NULL, json);
	e = entry_holding(json, page_a);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "same")) TH_LOG("%.200s", e);
	off = page_a - strtoul(e + 9, NULL, 16);
	EXPECT_EQ(pagemap_pa(a.pid, page_a), hex_field(e, "a_pa") + off);
	EXPECT_EQ(pagemap_pa(b.pid, page_b), hex_field(e, "b_pa") + off);
	EXPECT_EQ(page_b, hex_field(e, "b_va") + off);
	/* Relocated pages: a copy in each, paired by file offset all the same. */
	EXPECT_NE(NULL, strstr(json, "\"relation\":\"different\",\"b_va\":"));
	shlib = strstr(json, SHLIB_SAME);
	ASSERT_NE(NULL, shlib);
	EXPECT_LT(0, strtoul(shlib + strlen(SHLIB_SAME), NULL, 10)) TH_LOG("%.300s", shlib);
	free(json);
	target_stop(&a);
	target_stop(&b);
}

static char *moved_page;

/* The child's copy of moved_page, moved elsewhere: the frame stays. */
static unsigned long move_page(void *arg)
{
	void *to = mmap(NULL, PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (to == MAP_FAILED)
		return 0;
	to = mremap(moved_page, PAGE_SZ, PAGE_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	return to == MAP_FAILED ? 0 : (unsigned long)to;
}

/* A page of ours that a child maps at another address, on the same frame. */
FIXTURE(moved_page) {
	struct target child;
	unsigned long va, moved;
};

FIXTURE_SETUP(moved_page)
{
	self->child.pid = -1;
	moved_page = lone_page();
	ASSERT_NE(NULL, moved_page);
	self->va = (unsigned long)moved_page;
	ASSERT_EQ(0, target_start(&self->child, move_page, NULL));
	self->moved = self->child.value;
	ASSERT_NE(0, self->moved);
	ASSERT_EQ(pagemap_pa(getpid(), self->va), pagemap_pa(self->child.pid, self->moved));
}

FIXTURE_TEARDOWN(moved_page)
{
	target_stop(&self->child);
	if (moved_page)
		munmap(moved_page - PAGE_SZ, 3 * PAGE_SZ);
}

TEST_F(moved_page, diff_one_frame_at_two_addresses_is_the_same_frame)
{
	unsigned long va = self->va;
	const char *e;
	char *json;

	json = diff_json(getpid(), self->child.pid);
	ASSERT_NE(NULL, json);
	e = entry_holding(json, va);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "same")) TH_LOG("%.200s", e);
	EXPECT_EQ(pagemap_pa(getpid(), va), hex_field(e, "a_pa") + va - strtoul(e + 9, NULL, 16));
	EXPECT_EQ(self->moved, hex_field(e, "b_va") + va - strtoul(e + 9, NULL, 16));
	free(json);
}

TEST_F(moved_page, diff_by_address_compares_only_pages_at_one_address)
{
	const char *e;
	char *json;

	json = diff_json_opt("--by-address", getpid(), self->child.pid);
	ASSERT_NE(NULL, json);
	e = entry_holding(json, self->va);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "only_a")) TH_LOG("%.200s", e);
	EXPECT_EQ(NULL, field(e, "b_va"));
	free(json);
}

TEST(diff_seed_same_va_different_frames)
{
	struct target a, b;
	const char *e;
	char *json;

	ASSERT_EQ(0, target_start(&a, map_seed_page, (void *)'A'));
	ASSERT_EQ(0, target_start(&b, map_seed_page, (void *)'B'));
	ASSERT_EQ(SEED_VA, a.value);
	ASSERT_EQ(SEED_VA, b.value);

	json = diff_json(a.pid, b.pid);
	ASSERT_NE(NULL, json);
	e = diff_entry(json, SEED_VA);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(relation_is(e, "different"));
	EXPECT_EQ(pagemap_pa(a.pid, SEED_VA), hex_field(e, "a_pa"));
	EXPECT_EQ(pagemap_pa(b.pid, SEED_VA), hex_field(e, "b_pa"));
	EXPECT_NE(hex_field(e, "a_pa"), hex_field(e, "b_pa"));
	free(json);
	target_stop(&a);
	target_stop(&b);
}

/* Bytes of the VMAs of /proc/PID/maps inside [start, end). */
static unsigned long maps_bytes(pid_t pid, unsigned long start, unsigned long end)
{
	unsigned long s, e, sum = 0;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s >= start && e <= end)
			sum += e - s;
	fclose(f);
	return sum;
}

TEST(layout_lists_regions_top_down_with_their_vmas_sizes)
{
	static const char *const order[] = { "kernel", "stack", "heap", "data", "code" };
	unsigned long start, end, mapped, prev_start = ~0UL;
	const char *at, *found[5] = {};
	struct target t;
	char cmd[64], *json;
	unsigned int i, blocks = 0;

	ASSERT_EQ(0, exec_target_start(&t, false));
	kill(t.pid, SIGSTOP);
	snprintf(cmd, sizeof(cmd), "ptscope layout -j %d", t.pid);
	json = run_output(cmd);
	ASSERT_NE(NULL, json);

	for (at = json; (at = strstr(at, "{\"kind\":\"region\"")); at++) {
		start = hex_field(at, "start");
		end = hex_field(at, "end");
		for (i = 0; i < 5; i++) {
			char region[32];

			snprintf(region, sizeof(region), "\"region\":\"%s\"", order[i]);
			if (!found[i] && !strncmp(at + 17, region, strlen(region)))
				found[i] = at;
		}
		if (!strncmp(at + 17, "\"region\":\"kernel\"", 17))
			continue;
		blocks++;
		EXPECT_LT(start, prev_start) TH_LOG("not top down at %#lx", start);
		prev_start = start;
		mapped = strtoul(strstr(at, "\"mapped\":") + 9, NULL, 10);
		EXPECT_EQ(maps_bytes(t.pid, start, end), mapped)
			TH_LOG("block %#lx-%#lx", start, end);
	}
	EXPECT_LT(3, blocks);
	for (i = 0; i < 5; i++) {
		EXPECT_NE(NULL, found[i]) TH_LOG("no %s in the layout", order[i]);
		if (i && found[i] && found[i - 1])
			EXPECT_LT(found[i - 1], found[i])
				TH_LOG("%s above %s", order[i], order[i - 1]);
	}
	free(json);
	kill(t.pid, SIGCONT);
	target_stop(&t);
}

/*
 * Well-formed XML, for what ptscope writes: one root, every start tag
 * closed in order, attributes quoted, no bare '<' or '&' in text.
 */
static bool well_formed_xml(const char *s)
{
	char stack[32][32], name[32];
	int depth = 0, roots = 0;
	size_t n;

	if (!strncmp(s, "<?xml", 5))
		s = strstr(s, "?>") + 2;
	while (*s) {
		if (*s == '&')
			return false;
		if (*s != '<') {
			s++;
			continue;
		}
		if (s[1] == '/') {
			n = strcspn(s + 2, ">");
			if (!depth || n != strlen(stack[depth - 1]) ||
			    strncmp(s + 2, stack[--depth], n))
				return false;
			s += n + 3;
			continue;
		}
		n = strcspn(s + 1, " />");
		if (!n || n >= sizeof(name))
			return false;
		memcpy(name, s + 1, n);
		name[n] = '\0';
		s += 1 + n;
		while (*s && *s != '>' && !(*s == '/' && s[1] == '>')) {
			if (*s == '"') {
				s = strchr(s + 1, '"');
				if (!s)
					return false;
			}
			if (*s == '<')
				return false;
			s++;
		}
		if (!*s)
			return false;
		if (!depth)
			roots++;
		if (*s == '/') {
			s += 2;
		} else {
			if (depth == 32)
				return false;
			memcpy(stack[depth++], name, n + 1);
			s++;
		}
	}
	return !depth && roots == 1;
}

TEST(layout_svg_is_well_formed_xml)
{
	char cmd[96], *svg, *out;

	snprintf(cmd, sizeof(cmd), "ptscope layout --svg /tmp/layout_test.svg %d >/dev/null",
		 getpid());
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	free(out);
	svg = run_output("cat /tmp/layout_test.svg");
	ASSERT_NE(NULL, svg);
	EXPECT_TRUE(well_formed_xml(svg)) TH_LOG("%.400s", svg);
	EXPECT_NE(NULL, strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	EXPECT_NE(NULL, strstr(svg, ">stack (grows down)<"));
	EXPECT_FALSE(well_formed_xml("<svg><rect></svg>"));
	free(svg);
	unlink("/tmp/layout_test.svg");
}

int main(int argc, char **argv)
{
	exec_target_main(argc, argv);
	return test_harness_run(argc, argv);
}
