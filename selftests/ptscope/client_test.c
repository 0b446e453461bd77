// SPDX-License-Identifier: GPL-2.0
/*
 * What the client reads and writes: addresses are hex with or without 0x,
 * as ptscope, pmap and /proc/PID/maps print them, anything else is a usage
 * error that names the argument; a file name cannot break a text row, and
 * JSON carries it exactly.  Options go anywhere, processes are named by
 * pid, `self' or command name, and help is help.
 */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

static uint64_t pagemap_pa(pid_t pid, unsigned long va)
{
	uint64_t pme = pagemap_entry(pid, va);

	return pme & PM_PRESENT ? PM_PFN(pme) * PAGE_SZ : 0;
}

/*
 * The commands below name the seed page's range as 400000-401000, one
 * 4 KiB page: with larger pages its end is SEED_VA + PAGE_SZ (404000 with
 * 16 KiB pages), the same number of digits, rewritten in place.
 */
static char *seed_range(char *cmd)
{
	char end[16], *at = strstr(cmd, "401000");

	snprintf(end, sizeof(end), "%lx", SEED_VA + PAGE_SZ);
	if (at && strlen(end) == 6)
		memcpy(at, end, 6);
	return cmd;
}

TEST(translate_reads_the_address_as_hex_with_or_without_0x)
{
	static const char *const spellings[] = {
		"0000000000400000", "400000", "0x400000", "0X00400000",
	};
	char cmd[96], want[64], *json;
	struct target t;
	unsigned int i;

	ASSERT_EQ(0, target_start(&t, map_seed_page, (void *)'A'));
	ASSERT_EQ(SEED_VA, t.value);
	snprintf(want, sizeof(want), "\"pa\":\"0x%llx\"",
		 (unsigned long long)pagemap_pa(t.pid, SEED_VA));
	for (i = 0; i < ARRAY_SIZE(spellings); i++) {
		snprintf(cmd, sizeof(cmd), "ptscope translate -j %d %s", t.pid, spellings[i]);
		json = run_output(cmd);
		ASSERT_NE(NULL, json) TH_LOG("%s failed", cmd);
		EXPECT_NE(NULL, strstr(json, "\"va\":\"0x400000\"")) TH_LOG("%s: %s", cmd, json);
		EXPECT_NE(NULL, strstr(json, want)) TH_LOG("%s: %s", cmd, json);
		free(json);
	}
	target_stop(&t);
}

TEST(map_range_reads_both_ends_as_hex)
{
	char cmd[96], *json, *first;
	struct target t;

	ASSERT_EQ(0, target_start(&t, map_seed_page, (void *)'A'));
	ASSERT_EQ(SEED_VA, t.value);
	snprintf(cmd, sizeof(cmd), "ptscope map -j --range 400000-0000000000401000 %d", t.pid);
	json = run_output(seed_range(cmd));
	ASSERT_NE(NULL, json) TH_LOG("%s failed", cmd);
	first = strstr(json, "{\"va\":\"0x400000\",\"pa\":");
	EXPECT_NE(NULL, first) TH_LOG("%s", json);
	if (first)
		EXPECT_EQ(NULL, strstr(first + 1, "{\"va\"")) TH_LOG("more than one run: %s", json);
	free(json);
	target_stop(&t);
}

TEST(bad_address_is_a_usage_error_that_names_it)
{
	static const char *const bad[] = {
		"zz", "0x", "", "-400000", "+400000", " 400000", "0x0x400000",
		"400000junk", "10000000000000000",
	};
	char cmd[96], out[512], want[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(cmd, sizeof(cmd), "ptscope translate %d '%s' 2>&1", getpid(), bad[i]);
		EXPECT_EQ(2, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		snprintf(want, sizeof(want), "invalid address `%s'", bad[i]);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s: %s", cmd, out);
	}
	snprintf(cmd, sizeof(cmd), "ptscope map --range 400000-zz %d 2>&1", getpid());
	EXPECT_EQ(2, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "invalid address `zz'")) TH_LOG("%s", out);
}

/*
 * Text: a newline as /proc/PID/maps writes it (\012), and the other control
 * characters the same way.  JSON: the name as it is, in JSON's escapes.
 */
TEST(control_characters_in_a_path_keep_regions_rows_whole)
{
	static const char path[] = "/tmp/ptscope\nnew line\ttab\033esc";
	static const char text[] = " /tmp/ptscope\\012new line\\011tab\\033esc\n";
	static const char json_path[] =
		"\"path\":\"/tmp/ptscope\\u000anew line\\u0009tab\\u001besc\"";
	char cmd[64], start[32], *out, *row, *eol;
	int fd;
	char *p;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PAGE_SZ));
	p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, p[0]);

	snprintf(cmd, sizeof(cmd), "ptscope regions %d", getpid());
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	snprintf(start, sizeof(start), "\n%016lx ", (unsigned long)p);
	row = strstr(out, start);
	ASSERT_NE(NULL, row) TH_LOG("no row at %p:\n%s", p, out);
	eol = strchr(row + 1, '\n');
	ASSERT_NE(NULL, eol);
	EXPECT_TRUE(eol + 1 - row > strlen(text) &&
		    !strncmp(eol + 1 - strlen(text), text, strlen(text)))
		TH_LOG("the row does not end with the escaped path:%.*s", (int)(eol - row), row);
	free(out);

	snprintf(cmd, sizeof(cmd), "ptscope regions -j %d", getpid());
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, json_path)) TH_LOG("%s", out);
	free(out);
	munmap(p, PAGE_SZ);
	unlink(path);
}

/* A target named @name (its comm), holding the seed page. */
static unsigned long named_seed_page(void *name)
{
	prctl(PR_SET_NAME, name);
	return map_seed_page((void *)'A');
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

TEST(options_go_before_or_after_the_arguments)
{
	char cmd[160], out[4096], want[64];
	struct target t;
	unsigned int i;
	const char *const lines[] = {
		"ptscope map %d -j --range 400000-401000",
		"ptscope map -j %d --range 400000-401000",
		"ptscope -j map --range 400000-401000 %d",
		"ptscope map %d --range 400000-401000 -j",
		"ptscope map --range=400000-401000 %d --json",
		"ptscope translate %d -j 400000",
		"ptscope translate %d 400000 --json",
		"ptscope --json translate %d 400000",
		"ptscope map -j --range 400000-401000 -- %d",
	};

	ASSERT_EQ(0, target_start(&t, map_seed_page, (void *)'A'));
	snprintf(want, sizeof(want), "\"pid\":%d", t.pid);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		snprintf(cmd, sizeof(cmd), lines[i], t.pid);
		strcat(seed_range(cmd), " 2>&1");
		EXPECT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_EQ('{', out[0]) TH_LOG("%s: not JSON: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, "\"0x400000\"")) TH_LOG("%s: %s", cmd, out);
	}
	target_stop(&t);
}

/*
 * Every usage error says which word is wrong; a wrong command line (not
 * only a wrong value) then shows the usage.
 */
TEST(usage_errors_name_the_word)
{
	static const struct {
		const char *cmd, *says;
	} bad[] = {
		{ "ptscope map 1 --rgion heap", "unknown option `--rgion'" },
		{ "ptscope map 1 -jq", "unknown option `-q' in `-jq'" },
		{ "ptscope map 1 --region", "option `--region' needs a value" },
		{ "ptscope regions 1 --svg x.svg", "unknown option `--svg'" },
		{ "ptscope translate 1", "missing ADDR" },
		{ "ptscope translate", "missing PROC" },
		{ "ptscope translate 1 400000 extra", "unexpected argument `extra'" },
		{ "ptscope layout 1 2", "unexpected argument `2'" },
		{ "ptscope diff 1", "missing PROC2" },
		{ "ptscope version 1", "unexpected argument `1'" },
		{ "ptscope --jsn map 1", "unknown option `--jsn'" },
		{ "ptscope mop 1", "unknown command `mop'" },
		/* Wrong values from here on. */
		{ "ptscope map 1 --region hep", "unknown region `hep'" },
		{ "ptscope map 0", "invalid pid `0'" },
		{ "ptscope map 99999999999", "invalid pid `99999999999'" },
		{ "ptscope map ./x", "`./x' is not a pid, `self' or a process name" },
		{ "ptscope translate -- 1 -400000", "invalid address `-400000'" },
	};
	char cmd[128], out[2048];
	bool usage = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(cmd, sizeof(cmd), "%s 2>&1", bad[i].cmd);
		EXPECT_EQ(2, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, bad[i].says)) TH_LOG("%s: %s", cmd, out);
		EXPECT_EQ(usage, !!strstr(out, "Usage: ptscope")) TH_LOG("%s: %s", cmd, out);
		if (strstr(bad[i].says, "unknown command"))
			usage = false;
	}
}

TEST(self_is_ptscope_itself)
{
	char out[1 << 16];

	ASSERT_EQ(0, run_status("ptscope regions self", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "pid ", 4)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, " (ptscope)\n")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_status("ptscope translate self 400000 2>&1", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(ptscope) va 0x400000")) TH_LOG("%s", out);
}

/*
 * A name takes every process of that name where a command takes several,
 * one JSON object each in an array; where it takes one, a name that
 * matches several is refused with their pids.
 */
TEST(a_name_takes_all_its_processes_or_lists_them)
{
	char cmd[128], out[1 << 16], want[64];
	struct target a, b;

	ASSERT_EQ(0, target_start(&a, named_seed_page, "ptscope-twin"));
	ASSERT_EQ(0, target_start(&b, named_seed_page, "ptscope-twin"));

	snprintf(cmd, sizeof(cmd), "ptscope map -j ptscope-twin --range 400000-401000");
	ASSERT_EQ(0, run_status(seed_range(cmd), out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ('[', out[0]) TH_LOG("%s", out);
	EXPECT_EQ(2, count(out, "\"comm\":\"ptscope-twin\"")) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\"pid\":%d,", a.pid);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\"pid\":%d,", b.pid);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);

	ASSERT_EQ(0, run_status("ptscope regions ptscope-twin", out, sizeof(out)));
	EXPECT_EQ(2, count(out, "(ptscope-twin)\n")) TH_LOG("%s", out);

	/* Several PROCs, a pid and a name. */
	snprintf(cmd, sizeof(cmd), "ptscope regions -j %d self", a.pid);
	ASSERT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ('[', out[0]) TH_LOG("%s", out);
	EXPECT_EQ(1, count(out, "\"comm\":\"ptscope\"")) TH_LOG("%s", out);

	EXPECT_EQ(2, run_status("ptscope translate ptscope-twin 400000 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "`ptscope-twin' names 2 processes")) TH_LOG("%s", out);
	snprintf(want, sizeof(want), " %d", a.pid);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), " %d", b.pid);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);

	target_stop(&b);
	/* One left: a name is as good as its pid. */
	ASSERT_EQ(0, run_status("ptscope translate -j ptscope-twin 400000", out, sizeof(out)))
		TH_LOG("%s", out);
	snprintf(want, sizeof(want), "{\"pid\":%d,", a.pid);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s", out);
	target_stop(&a);

	EXPECT_EQ(1, run_status("ptscope map ptscope-twin 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no process named `ptscope-twin'")) TH_LOG("%s", out);
}

/* A name of 15 bytes or more matches what the kernel keeps of it. */
TEST(a_long_name_matches_its_first_15_bytes)
{
	char out[4096], want[64];
	struct target t;

	ASSERT_EQ(0, target_start(&t, named_seed_page, "ptscope-long-name-x"));
	ASSERT_EQ(0, run_status("ptscope translate -j ptscope-long-name-xyz 400000 2>&1",
				out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "{\"pid\":%d,", t.pid);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s", out);
	EXPECT_EQ(1, run_status("ptscope translate ptscope-long 400000 2>&1", out, sizeof(out)))
		TH_LOG("%s", out);
	target_stop(&t);
}

TEST(help_is_help)
{
	static const char *const cmds[] = {
		"regions", "map", "translate", "kernel", "diff", "layout", "version",
	};
	char cmd[96], out[8192], again[8192];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(cmd, sizeof(cmd), "ptscope help %s", cmds[i]);
		ASSERT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, "Usage: ptscope ")) TH_LOG("%s: %s", cmd, out);
		EXPECT_NE(NULL, strstr(out, "--json")) TH_LOG("%s: %s", cmd, out);
		EXPECT_LT(6, count(out, "\n")) TH_LOG("%s: one line is no help: %s", cmd, out);
		snprintf(cmd, sizeof(cmd), "ptscope %s --help", cmds[i]);
		ASSERT_EQ(0, run_status(cmd, again, sizeof(again))) TH_LOG("%s", cmd);
		EXPECT_STREQ(out, again);
		snprintf(cmd, sizeof(cmd), "ptscope %s 1 2 3 -h", cmds[i]);
		ASSERT_EQ(0, run_status(cmd, again, sizeof(again))) TH_LOG("%s", cmd);
		EXPECT_STREQ(out, again);
	}
	ASSERT_EQ(0, run_status("ptscope help map", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--region REGION")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "--range START-END")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_status("ptscope help layout", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--svg FILE")) TH_LOG("%s", out);

	ASSERT_EQ(0, run_status("ptscope help", out, sizeof(out)));
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		EXPECT_NE(NULL, strstr(out, cmds[i])) TH_LOG("command %u missing: %s", i, out);
	EXPECT_EQ(2, run_status("ptscope help mop 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "unknown command `mop'")) TH_LOG("%s", out);
}

/* The node is where the seed page's frame is, as move_pages() finds it. */
#define MAP_X_JSON \
	"\"mapcount\":1,\"node\":%d,\"folio_size\":%lu,\"folio_map\":null,\"backing\":\"anon\"," \
	"\"mem_type\":\"write-back\",\"pkey\":0,"
#define MAP_X_COLUMNS "MAPS NODE FOLIO FOLIO-MAP BACKING   MEMORY        PKEY FLAGS"
#define MAP_X_TEXT "    1 %4d %5s -         anon      write-back       0 present"
#define TRANSLATE_TEXT \
	"  frame anon, in a %s folio, node %d, mapped 1 time(s), write-back memory, pkey 0\n"
#define TRANSLATE_JSON \
	"\"frame\":{\"backing\":\"anon\",\"folio_size\":%lu,\"node\":%d,\"mapcount\":1," \
	"\"mem_type\":\"write-back\",\"pkey\":0}"

/* -x: what the frame is; translate always says it. */
TEST(map_x_and_translate_say_what_the_frame_is)
{
	char cmd[128], out[4096], want[256];
	void *page = (void *)SEED_VA;
	struct target t;
	int node = 0;

	ASSERT_EQ(0, target_start(&t, map_seed_page, (void *)'A'));
	/* Without NUMA move_pages() fails, and every frame is on node 0. */
	syscall(SYS_move_pages, t.pid, 1, &page, NULL, &node, 0);
	ASSERT_LE(0, node);
	snprintf(cmd, sizeof(cmd), "ptscope map -x -j %d --range 400000-401000", t.pid);
	ASSERT_EQ(0, run_status(seed_range(cmd), out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), MAP_X_JSON, node, PAGE_SZ);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "ptscope map --extended %d --range 400000-401000", t.pid);
	ASSERT_EQ(0, run_status(seed_range(cmd), out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, MAP_X_COLUMNS)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), MAP_X_TEXT, node, size_name(PAGE_SZ));
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "ptscope map %d --range 400000-401000", t.pid);
	ASSERT_EQ(0, run_status(seed_range(cmd), out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "anon")) TH_LOG("frame info without -x: %s", out);

	snprintf(cmd, sizeof(cmd), "ptscope translate %d 400000", t.pid);
	ASSERT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), TRANSLATE_TEXT, size_name(PAGE_SZ), node);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "ptscope translate -j %d 400000", t.pid);
	ASSERT_EQ(0, run_status(cmd, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), TRANSLATE_JSON, PAGE_SZ, node);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_EQ(2, run_status("ptscope regions -x 1 2>&1", out, sizeof(out))) TH_LOG("%s", out);
	target_stop(&t);
}

TEST(version_takes_json)
{
	char out[1024];

	ASSERT_EQ(0, run_status("ptscope version -j", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "{\"client\":\"", 11)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"family\":\"ptscope\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"family_version\":")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_status("ptscope -V", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "ptscope ", 8)) TH_LOG("%s", out);
	ASSERT_EQ(0, run_status("ptscope -j -V", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ('{', out[0]) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
