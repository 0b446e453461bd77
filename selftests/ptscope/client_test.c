// SPDX-License-Identifier: GPL-2.0
/*
 * What the client reads and writes: addresses are hex with or without 0x,
 * as ptscope, pmap and /proc/PID/maps print them, anything else is a usage
 * error that names the argument; a file name cannot break a text row, and
 * JSON carries it exactly.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

/* Run @cmd by the shell; its exit status, and its output in @out. */
static int run_status(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int status;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static uint64_t pagemap_pa(pid_t pid, unsigned long va)
{
	uint64_t pme = pagemap_entry(pid, va);

	return pme & PM_PRESENT ? PM_PFN(pme) * PAGE_SZ : 0;
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
	json = run_output(cmd);
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

TEST_HARNESS_MAIN
