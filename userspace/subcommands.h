/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_SUBCOMMANDS_H
#define PTSCOPE_SUBCOMMANDS_H

#include <stdbool.h>
#include <stdint.h>

extern const char *PROG_NAME;

/* Each returns the process exit code: 0 done, 1 query failed, 2 usage. */
int regions_main(int argc, char *argv[]);
int map_main(int argc, char *argv[]);
int translate_main(int argc, char *argv[]);
int kernel_main(int argc, char *argv[]);
int diff_main(int argc, char *argv[]);
int layout_main(int argc, char *argv[]);
int version_main(int argc, char *argv[]);

/* What the subcommands' command lines hold. */
struct cmd_args {
	bool json;
	const char *region;	/* --region */
	const char *range;	/* --range */
	const char *svg;	/* --svg */
	bool by_address;	/* --by-address */
	char *args[2];		/* positional arguments */
};

#define ARGS_HELP (-1)

/*
 * Parse -j/--json, -h/--help and the options named in @options ("r":
 * --region, "R": --range, "s": --svg, "A": --by-address), and exactly
 * @nargs positional arguments.
 * Returns 0, ARGS_HELP after printing @usage to stdout, or 2 after printing
 * it to stderr.
 */
int parse_args(int argc, char *argv[], const char *usage, const char *options,
	       int nargs, struct cmd_args *args);
/* Parse a pid or an address; print an error and return -1 when invalid. */
int parse_pid(const char *s, uint32_t *pid);
/* An address is hex, with or without 0x. */
int parse_addr(const char *s, uint64_t *addr);

#endif
