/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_SUBCOMMANDS_H
#define PTSCOPE_SUBCOMMANDS_H

#include <stdbool.h>
#include <stdint.h>

extern const char *PROG_NAME;

/* A command line, parsed: the options, then the arguments in order. */
struct cmd_args {
	const struct subcommand *cmd;
	bool json;		/* -j, --json */
	bool pretty;		/* -p, --pretty: indented JSON */
	const char *region;	/* --region */
	const char *range;	/* --range */
	const char *svg;	/* --svg */
	const char *format;	/* --format */
	bool by_address;	/* --by-address */
	bool extended;		/* -x, --extended */
	bool all;		/* --all */
	const char *interval;	/* --interval */
	unsigned int nargs;
	char **args;		/* the arguments, options and `--' removed */
};

/* Options a subcommand takes beyond -j, -p and -h. */
enum {
	OPT_REGION = 1,
	OPT_RANGE = 2,
	OPT_SVG = 4,
	OPT_BY_ADDRESS = 8,
	OPT_FORMAT = 16,
	OPT_EXTENDED = 32,
	OPT_ALL = 64,
	OPT_INTERVAL = 128,
};

#define ARGS_MANY (~0U)

struct subcommand {
	const char *name;
	/* Returns the exit code: 0 done, 1 query failed, 2 usage. */
	int (*run)(const struct cmd_args *args);
	unsigned int options;		/* OPT_* */
	unsigned int min_args, max_args;
	const char *synopsis;		/* after "ptscope NAME " */
	const char *summary;
	const char *help;		/* what `ptscope help NAME' adds */
};

int regions_main(const struct cmd_args *args);
int map_main(const struct cmd_args *args);
int translate_main(const struct cmd_args *args);
int kernel_main(const struct cmd_args *args);
int diff_main(const struct cmd_args *args);
int layout_main(const struct cmd_args *args);
int stat_main(const struct cmd_args *args);
int share_main(const struct cmd_args *args);
int who_main(const struct cmd_args *args);
int version_main(const struct cmd_args *args);
int watch_main(const struct cmd_args *args);

/*
 * Parse @argv (argv[0] is the subcommand) for @cmd into @args: options
 * anywhere, `--' ends them.  @args holds the global options already.
 * Returns 0, -1 after printing the help (--help), or 2 after printing
 * what was wrong and the usage to stderr.
 */
int parse_args(const struct subcommand *cmd, int argc, char *argv[], struct cmd_args *args);
/* "Usage: ptscope CMD SYNOPSIS" and where to read more, to stderr; returns 2. */
int usage_error(const struct subcommand *cmd);
void print_help(const struct subcommand *cmd);

/* An address is hex, with or without 0x; prints an error and returns -1 when invalid. */
int parse_addr(const char *s, uint64_t *addr);
/* START-END, each an address as parse_addr() reads it; -1 after an error. */
int parse_range(const char *s, uint64_t *start, uint64_t *end);
/* A region name; prints an error listing the names and returns -1 when unknown. */
int parse_region(const char *s);

/*
 * PROC, as the user names a process: a pid, `self', or a command name
 * (/proc/PID/comm, as pidof and pgrep -x match it).
 * resolve_proc(): exactly one process; a name that matches several is
 * refused with the list.  Prints an error and returns 1 (no such process)
 * or 2 (not a PROC, ambiguous); 0 on success.
 */
int resolve_proc(const char *word, uint32_t *pid);

/*
 * Run @show for every process @args names (every match of a name), one
 * after the other: in JSON an array of their objects when the command
 * line could name more than one (several PROCs, or a name), else the one
 * object.  Returns the worst exit code.
 */
typedef int (*proc_show_fn)(uint32_t pid, void *arg);

int show_processes(const struct cmd_args *args, proc_show_fn show, void *arg);

/*
 * The pids @args names, every match of a name, in the order given (free()
 * *@pids).  Returns 0, 1 after a name that matched nothing (the others
 * are still there), or 2 after a word that is not a PROC.
 */
int resolve_processes(const struct cmd_args *args, uint32_t **pids, unsigned int *n);
/* Every pid in /proc, kernel threads included; 0, or 1 after an error. */
int all_processes(uint32_t **pids, unsigned int *n);

#endif
