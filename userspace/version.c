// SPDX-License-Identifier: GPL-2.0
/* ptscope version: the client's version and the module's, side by side. */

#include <stdio.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_version.h>

#include "nl.h"
#include "subcommands.h"

/* The module publishes its version in sysfs, like every module does. */
static void read_module_version(char *buf, size_t size)
{
	FILE *f = fopen("/sys/module/ptscope/version", "r");

	snprintf(buf, size, "not loaded");
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int version_main(int argc, char *argv[])
{
	struct ptscope_nl nl;
	char module_version[64];
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("Usage: %s %s\n", PROG_NAME, argv[0]);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "Usage: %s %s\n", PROG_NAME, argv[0]);
		return 2;
	}
	printf("ptscope %s\n", PTSCOPE_VERSION);
	fflush(stdout);
	/* Resolving the family loads an installed module (its genl alias). */
	ret = ptscope_nl_open(&nl);
	read_module_version(module_version, sizeof(module_version));
	printf("module %s\n", module_version);
	if (ret < 0)
		return 1;
	printf("family %s version %u\n", PTSCOPE_GENL_NAME, nl.family_version);
	ptscope_nl_close(&nl);
	return 0;
}
