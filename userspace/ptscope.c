// SPDX-License-Identifier: GPL-2.0
/* ptscope: show how a process's virtual memory is really backed. */

#include <stdio.h>
#include <string.h>

#include "subcommands.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *PROG_NAME = "ptscope";

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "version", version_main, "Shows the client's and the module's versions" },
};

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s <cmd> [<args>]\n\n", PROG_NAME);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(file, "  %s: %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(file, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, char *argv[])
{
	size_t i;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		show_usage(stdout);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")))
		return version_main(1, (char *[]){ "version", NULL });
	if (argc < 2) {
		show_usage(stderr);
		return 2;
	}

	for (i = 0; i < ARRAY_SIZE(subcommands); i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return 2;
}
