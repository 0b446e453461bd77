// SPDX-License-Identifier: GPL-2.0
/*
 * Under lockdown (confidentiality) the kernel half is refused, as
 * /proc/kcore is, while the user half still answers, as pagemap does.
 *
 * Lockdown is raised here, at run time through securityfs: a guest booted
 * with lockdown=confidentiality would refuse to load the unsigned
 * ptscope.ko, and a raised lockdown cannot be lowered again, so this
 * program runs last in its guest (see the Makefile).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <libmnl/libmnl.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"
#include "ptscope_util.h"

#define SECURITYFS "/sys/kernel/security"

/* NULL once the kernel is locked down for confidentiality; else why not. */
static const char *lock_down(void)
{
	static const char level[] = "confidentiality";
	char buf[128];
	ssize_t len;
	int fd;

	if (access(SECURITYFS "/lockdown", F_OK) &&
	    mount("securityfs", SECURITYFS, "securityfs", 0, NULL) && errno != EBUSY)
		return "cannot mount securityfs";
	fd = open(SECURITYFS "/lockdown", O_RDWR);
	if (fd < 0)
		return "kernel without the lockdown LSM";
	len = read(fd, buf, sizeof(buf) - 1);
	buf[len > 0 ? len : 0] = '\0';
	/* Raising it to the level it has already fails: ask first. */
	if (!strstr(buf, "[confidentiality]") &&
	    write(fd, level, strlen(level)) != (ssize_t)strlen(level)) {
		close(fd);
		return "cannot raise lockdown to confidentiality";
	}
	close(fd);
	return NULL;
}

/* 0 if /proc/kcore opens for this process, else the errno. */
static int kcore_access(void)
{
	int fd = open("/proc/kcore", O_RDONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int kernel_get(char *extack, size_t len)
{
	return -ptscope_request(PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, NULL, NULL, NULL, NULL,
				extack, len);
}

TEST(kernel_half_is_refused_as_kcore_is)
{
	char extack[200] = "";
	const char *why;
	int kcore;

	kcore = kcore_access();
	if (kcore == ENOENT)
		SKIP(return, "no /proc/kcore to compare with");
	EXPECT_EQ(kcore, kernel_get(extack, sizeof(extack))) TH_LOG("%s", extack);

	why = lock_down();
	if (why)
		SKIP(return, "%s", why);
	kcore = kcore_access();
	/* Else lockdown did not take, and nothing would be tested. */
	ASSERT_EQ(EPERM, kcore);
	EXPECT_EQ(kcore, kernel_get(extack, sizeof(extack)));
	EXPECT_NE(0, extack[0]);
	ksft_print_msg("kcore: %s; KERNEL_GET: %s\n", strerror(kcore), extack);
}

/* Another process: the harness, whose map view main() chose before lockdown. */
TEST(user_half_answers_as_pagemap_does)
{
	pid_t pid = getppid();
	char extack[200] = "", buf[4096];
	const char *why = lock_down();
	int fd, pagemap;

	if (why)
		SKIP(return, "%s", why);
	pagemap = pagemap_access(pid);
	ASSERT_EQ(0, pagemap);
	EXPECT_EQ(pagemap, -ptscope_request(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_pid_attr,
					    &pid, NULL, NULL, extack, sizeof(extack)))
		TH_LOG("%s", extack);
	EXPECT_EQ(pagemap, -ptscope_request(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, put_pid_attr,
					    &pid, NULL, NULL, extack, sizeof(extack)))
		TH_LOG("%s", extack);
	/* debugfs keeps its read-only files readable under lockdown. */
	fd = open("/sys/kernel/debug/ptscope/map", O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("map view: %s", strerror(errno));
	EXPECT_LT(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

int main(int argc, char **argv)
{
	/* Under lockdown "target" cannot be written: choose it now. */
	ptscope_set_target(getpid());
	return test_harness_run(argc, argv);
}
