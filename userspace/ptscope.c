// SPDX-License-Identifier: GPL-2.0
/* ptscope: show how a process's virtual memory is really backed. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subcommands.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *PROG_NAME = "ptscope";

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "regions", regions_main, "Lists a process's VMAs by region, with resident pages" },
	{ "map", map_main, "Shows a process's virtual-to-physical mappings, run by run" },
	{ "translate", translate_main, "Walks the page tables for one address, level by level" },
	{ "kernel", kernel_main, "Shows the kernel half: top-level entries and their areas" },
	{ "diff", diff_main, "Compares two processes' translations, frame by frame" },
	{ "layout", layout_main, "Draws the address space, top to bottom, as text or SVG" },
	{ "version", version_main, "Shows the client's and the module's versions" },
};

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s <cmd> [<args>]\n\n", PROG_NAME);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(file, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(file, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int parse_args(int argc, char *argv[], const char *usage, const char *options,
	       int nargs, struct cmd_args *args)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "region", required_argument, NULL, 'r' },
		{ "range", required_argument, NULL, 'R' },
		{ "svg", required_argument, NULL, 's' },
		{ "by-address", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i;

	memset(args, 0, sizeof(*args));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+jh", long_options, NULL)) != -1) {
		if (c == 'h') {
			printf("Usage: %s %s %s\n", PROG_NAME, argv[0], usage);
			return ARGS_HELP;
		}
		if (c == 'j') {
			args->json = true;
			continue;
		}
		if (c != '?' && strchr(options, c)) {
			if (c == 'r')
				args->region = optarg;
			else if (c == 'R')
				args->range = optarg;
			else if (c == 's')
				args->svg = optarg;
			else
				args->by_address = true;
			continue;
		}
		goto usage;
	}
	if (argc - optind != nargs)
		goto usage;
	for (i = 0; i < nargs; i++)
		args->args[i] = argv[optind + i];
	return 0;
usage:
	fprintf(stderr, "Usage: %s %s %s\n", PROG_NAME, argv[0], usage);
	return 2;
}

int parse_pid(const char *s, uint32_t *pid)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || v > INT32_MAX) {
		fprintf(stderr, "%s: invalid pid `%s'\n", PROG_NAME, s);
		return -1;
	}
	*pid = v;
	return 0;
}

/*
 * Hex, with or without 0x, as ptscope itself, pmap and /proc/PID/maps print
 * addresses: base 0 would read 0000000000400000 as octal and 400000 as
 * decimal.  Nothing but hex digits after the 0x: strtoull() alone would
 * also take blanks, a sign and a second 0x.
 */
int parse_addr(const char *s, uint64_t *addr)
{
	const char *digits = s;

	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		digits += 2;
	errno = 0;
	if (*digits && !digits[strspn(digits, "0123456789abcdefABCDEF")])
		*addr = strtoull(digits, NULL, 16);
	else
		errno = EINVAL;
	if (errno) {
		fprintf(stderr, "%s: invalid address `%s': expected hex, e.g. 0x400000 or 400000\n",
			PROG_NAME, s);
		return -1;
	}
	return 0;
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
