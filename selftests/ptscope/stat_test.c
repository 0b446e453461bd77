// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope stat against /proc/PID/smaps_rollup, for a process with private,
 * shared-after-fork, zero, shmem, file and THP memory (stat_target) and for
 * its child: Rss, Uss (Private_*), Swap, Pss_Anon and Pss_Shmem exactly,
 * Pss and Pss_File to the kB.  The one page set that moves is [vdso]'s,
 * which every process maps: the client maps it too while it reads, so
 * its share differs by a fraction of a page between the two reads.
 * Then the Prometheus format, line by line.
 */

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

/* ptscope stat -j, in kB as smaps_rollup rounds them. */
struct stat_figures {
	unsigned long rss, pss, uss, swap, anon_pss, file_pss, shmem_pss;
	unsigned long pte, pte_deposited, pmd, pud, p4d, table_bytes, pte_empty;
};

#define TOTAL "\"total\":{\"rss\":%lu,\"pss\":%lu,\"uss\":%lu,\"swap\":%lu,\"hugetlb\":%lu}"

#define TABLES "\"page_tables\":{\"pte\":%lu,\"pte_deposited\":%lu,\"pmd\":%lu," \
	"\"pud\":%lu,\"p4d\":%lu," \
	"\"bytes\":%lu,\"pte_empty\":%lu}"

static int read_stat(pid_t pid, struct stat_figures *s)
{
	unsigned long rss, uss, pss[3], hugetlb;
	static const char *const kinds[] = { "anon", "file", "shmem" };
	char cmd[64], key[32], *out, *at;
	int i, ret = -1;

	snprintf(cmd, sizeof(cmd), "ptscope stat -j %d", pid);
	out = run_output(cmd);
	if (!out)
		return -1;
	at = strstr(out, "\"total\":");
	if (!at || sscanf(at, TOTAL, &s->rss, &s->pss, &s->uss, &s->swap, &hugetlb) != 5)
		goto out;
	at = strstr(out, "\"page_tables\":");
	if (!at || sscanf(at, TABLES, &s->pte, &s->pte_deposited, &s->pmd, &s->pud, &s->p4d,
			  &s->table_bytes, &s->pte_empty) != 7)
		goto out;
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "\"%s\":{", kinds[i]);
		at = strstr(out, key);
		if (!at || sscanf(at + strlen(key), "\"rss\":%lu,\"pss\":%lu,\"uss\":%lu",
				  &rss, &pss[i], &uss) != 3)
			goto out;
	}
	s->rss >>= 10;
	s->pss >>= 10;
	s->uss >>= 10;
	s->swap >>= 10;
	s->anon_pss = pss[0] >> 10;
	s->file_pss = pss[1] >> 10;
	s->shmem_pss = pss[2] >> 10;
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "# cannot read: %s\n", out);
	free(out);
	return ret;
}

FIXTURE(stat_target) {
	pid_t pid, child;
	FILE *in;
};

FIXTURE_SETUP(stat_target)
{
	char line[32];
	int in;

	self->pid = spawn_target("./stat_target", &in, line, sizeof(line));
	ASSERT_LT(0, self->pid);
	self->in = fdopen(in, "w");
	self->child = atoi(line);
	ASSERT_LT(0, self->child);
	/* Both frozen: nothing of theirs moves between the two reads. */
	kill(self->pid, SIGSTOP);
	kill(self->child, SIGSTOP);
}

FIXTURE_TEARDOWN(stat_target)
{
	kill(self->child, SIGKILL);
	kill(self->pid, SIGKILL);
	fclose(self->in);
	waitpid(self->pid, NULL, 0);
}

static void compare(struct __test_metadata *_metadata, pid_t pid)
{
	struct stat_figures s;
	struct rollup r;

	ASSERT_EQ(0, read_stat(pid, &s));
	ASSERT_EQ(0, read_rollup(pid, &r));
	ksft_print_msg("pid %d: Rss %lu, Pss %lu (anon %lu, file %lu, shmem %lu), Uss %lu kB\n",
		       pid, r.rss, r.pss, r.pss_anon, r.pss_file, r.pss_shmem,
		       r.private);
	EXPECT_EQ(r.rss, s.rss);
	EXPECT_EQ(r.private, s.uss);
	EXPECT_EQ(r.swap, s.swap);
	EXPECT_EQ(r.pss_anon, s.anon_pss);
	EXPECT_EQ(r.pss_shmem, s.shmem_pss);
	EXPECT_GE(1, labs((long)r.pss - (long)s.pss));
	EXPECT_GE(1, labs((long)r.pss_file - (long)s.file_pss));
	/* Sharing after fork shows: part of the anonymous memory counts half. */
	EXPECT_LT(s.anon_pss, s.rss);
}

TEST_F(stat_target, figures_equal_smaps_rollup)
{
	compare(_metadata, self->pid);
}

/* VmPTE in /proc/PID/status counts the PTE (with those set aside), PMD and PUD tables. */
static unsigned long vm_pte_kb(pid_t pid)
{
	char path[64], line[128];
	unsigned long kb = ~0UL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return kb;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

TEST_F(stat_target, page_tables_equal_vmpte)
{
	struct stat_figures s;

	ASSERT_EQ(0, read_stat(self->pid, &s));
	ksft_print_msg("%lu PTE (+%lu set aside), %lu PMD, %lu PUD, %lu P4D tables, %lu empty\n",
		       s.pte, s.pte_deposited, s.pmd, s.pud, s.p4d, s.pte_empty);
	/* Each table is a page. */
	EXPECT_EQ(vm_pte_kb(self->pid),
		  (s.pte + s.pte_deposited + s.pmd + s.pud) * (PAGE_SZ >> 10));
	/* The PMD's worth given back with MADV_DONTNEED left its table behind. */
	EXPECT_LE(1, s.pte_empty);
	EXPECT_LT(s.pte_empty, s.pte);
}

TEST_F(stat_target, the_child_figures_equal_smaps_rollup)
{
	compare(_metadata, self->child);
}

/* Resident bytes per node in /proc/PID/numa_maps, hugetlb left out. */
static void numa_maps_bytes(pid_t pid, unsigned long *bytes, int nodes)
{
	char path[64], line[1024], *tok, *save;
	unsigned long pages[8] = {}, kb;
	int node;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, " huge"))
			continue;
		kb = PAGE_SZ >> 10;
		memset(pages, 0, sizeof(pages));
		line[strcspn(line, "\n")] = '\0';
		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			unsigned long n;

			if (sscanf(tok, "N%d=%lu", &node, &n) == 2 && node >= 0 && node < 8)
				pages[node] = n;
			else if (sscanf(tok, "kernelpagesize_kB=%lu", &n) == 1)
				kb = n;
		}
		for (node = 0; node < nodes && node < 8; node++)
			bytes[node] += pages[node] * kb * 1024;
	}
	fclose(f);
}

/*
 * A two-node guest (make check's 6.1 guest): the target's own pages
 * moved to node 1 by migrate_pages(), those it shares with its child left
 * where they were; each node's bytes as numa_maps counts them, and [vdso]'s,
 * which numa_maps leaves out (its pages are the kernel's, PageReserved).
 */
TEST_F(stat_target, nodes_equal_numa_maps)
{
	unsigned long from = 1, to = 2, want[2] = {}, got[2] = {}, vdso = 0;
	char cmd[64], *out, *at;
	int n;

	if (access("/sys/devices/system/node/node1", F_OK))
		SKIP(return, "one NUMA node (vm-run --numa 2 makes two)");
	ASSERT_LE(0, syscall(SYS_migrate_pages, self->pid, 8 * sizeof(long), &from, &to));
	snprintf(cmd, sizeof(cmd), "ptscope stat -j %d", self->pid);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	at = strstr(out, "\"nodes\":{");
	ASSERT_NE(NULL, at) TH_LOG("%s", out);
	/* A node with nothing is left out. */
	for (n = 0; n < 2; n++) {
		char key[16], *v;

		snprintf(key, sizeof(key), "\"%d\":", n);
		v = strstr(at, key);
		if (v && v < strchr(at, '}'))
			got[n] = strtoul(v + strlen(key), NULL, 10);
	}
	at = strstr(out, "\"vdso\":{\"rss\":");
	if (at && sscanf(at, "\"vdso\":{\"rss\":%lu", &vdso) != 1)
		vdso = 0;
	numa_maps_bytes(self->pid, want, 2);
	ksft_print_msg("node 0: %lu kB, node 1: %lu kB ([vdso] %lu kB)\n", got[0] >> 10,
		       got[1] >> 10, vdso >> 10);
	/* [vdso]'s page is the kernel's: on whichever node its image is. */
	EXPECT_TRUE((got[0] == want[0] + vdso && got[1] == want[1]) ||
		    (got[0] == want[0] && got[1] == want[1] + vdso))
		TH_LOG("numa_maps: node 0 %lu, node 1 %lu bytes", want[0], want[1]);
	EXPECT_LT(0, got[1]);
	free(out);
}

/* A label value in double quotes: only backslash, quote and n may be escaped. */
static const char *label_value(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++)
		if (*s == '\\' && !strchr("\\\"n", *++s))
			return NULL;
	return *s == '"' ? s + 1 : NULL;
}

/*
 * The text exposition format, strictly: HELP and TYPE once per family,
 * before its samples; samples name{label="value",...} integer.
 */
TEST_F(stat_target, prometheus_format_parses)
{
	char cmd[96], family[64] = "", *out, *line, *save;
	unsigned int samples = 0, families = 0;
	bool typed = false;

	snprintf(cmd, sizeof(cmd), "ptscope stat --format prometheus %d %d", self->pid,
		 self->child);
	out = run_output(cmd);
	ASSERT_NE(NULL, out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line;
		char name[64];
		int len = 0;

		if (sscanf(line, "# HELP %63s%n", name, &len) == 1 && len) {
			EXPECT_STRNE(family, name) TH_LOG("HELP twice: %s", line);
			snprintf(family, sizeof(family), "%s", name);
			typed = false;
			families++;
			continue;
		}
		if (sscanf(line, "# TYPE %63s gauge", name) == 1) {
			EXPECT_STREQ(family, name);
			typed = true;
			continue;
		}
		ASSERT_TRUE(typed) TH_LOG("a sample before its TYPE: %s", line);
		EXPECT_EQ(0, strncmp(line, family, strlen(family))) TH_LOG("%s", line);
		p += strlen(family);
		ASSERT_EQ('{', *p) TH_LOG("%s", line);
		do {
			p++;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			ASSERT_EQ('=', *p++) TH_LOG("%s", line);
			p = label_value(p);
			ASSERT_NE(NULL, p) TH_LOG("%s", line);
		} while (*p == ',');
		ASSERT_EQ('}', *p++) TH_LOG("%s", line);
		ASSERT_EQ(' ', *p++) TH_LOG("%s", line);
		EXPECT_EQ(strlen(p), strspn(p, "0123456789")) TH_LOG("%s", line);
		samples++;
	}
	EXPECT_EQ(10, families);
	EXPECT_LT(10, samples);
	free(out);
}

TEST_HARNESS_MAIN
