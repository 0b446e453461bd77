// SPDX-License-Identifier: GPL-2.0
/*
 * The subcommands' command lines: options anywhere, before or after the
 * arguments, as GNU tools take them; `--' ends the options.  Parsed by
 * hand rather than by getopt_long(), so that an address such as -400000
 * reaches parse_addr() and is reported as the address it is, and so that
 * every error names the word that is wrong.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "output.h"
#include "subcommands.h"

/* The long options; a value is the next word or after `='. */
static const struct {
	const char *name;
	unsigned int option;		/* OPT_*; 0: every subcommand has it */
	bool takes_value;
	size_t flag;			/* else offsetof the bool it sets */
} long_options[] = {
	{ .name = "json", .flag = offsetof(struct cmd_args, json) },
	{ .name = "pretty", .flag = offsetof(struct cmd_args, pretty) },
	{ .name = "region", .option = OPT_REGION, .takes_value = true },
	{ .name = "range", .option = OPT_RANGE, .takes_value = true },
	{ .name = "svg", .option = OPT_SVG, .takes_value = true },
	{ .name = "format", .option = OPT_FORMAT, .takes_value = true },
	{ .name = "by-address", .option = OPT_BY_ADDRESS,
	  .flag = offsetof(struct cmd_args, by_address) },
	{ .name = "extended", .option = OPT_EXTENDED,
	  .flag = offsetof(struct cmd_args, extended) },
	{ .name = "all", .option = OPT_ALL, .flag = offsetof(struct cmd_args, all) },
	{ .name = "interval", .option = OPT_INTERVAL, .takes_value = true },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int usage_error(const struct subcommand *cmd)
{
	fprintf(stderr, "Usage: %s %s %s\nRun `%s help %s' for more.\n", PROG_NAME, cmd->name,
		cmd->synopsis, PROG_NAME, cmd->name);
	return 2;
}

void print_help(const struct subcommand *cmd)
{
	printf("Usage: %s %s %s\n\n%s.\n\n%s", PROG_NAME, cmd->name, cmd->synopsis,
	       cmd->summary, cmd->help);
	printf("  -j, --json           JSON output\n"
	       "  -p, --pretty         indented JSON output (implies -j)\n"
	       "  -h, --help           this help\n");
}

static const char **option_value(struct cmd_args *args, const char *name)
{
	if (!strcmp(name, "region"))
		return &args->region;
	if (!strcmp(name, "range"))
		return &args->range;
	if (!strcmp(name, "format"))
		return &args->format;
	if (!strcmp(name, "interval"))
		return &args->interval;
	return &args->svg;
}

/* --NAME or --NAME=VALUE at argv[*i]; VALUE may be the next word. */
static int parse_long(const struct subcommand *cmd, int argc, char *argv[], int *i,
		      struct cmd_args *args)
{
	char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(long_options); k++) {
		if (strlen(long_options[k].name) != len || strncmp(word, long_options[k].name, len))
			continue;
		if (long_options[k].option && !(cmd->options & long_options[k].option))
			break;
		if (!long_options[k].takes_value) {
			if (eq) {
				fprintf(stderr, "%s %s: option `--%s' takes no value\n", PROG_NAME,
					cmd->name, long_options[k].name);
				return -1;
			}
			*(bool *)((char *)args + long_options[k].flag) = true;
			return 0;
		}
		if (!eq && *i + 1 >= argc) {
			fprintf(stderr, "%s %s: option `--%s' needs a value\n", PROG_NAME,
				cmd->name, long_options[k].name);
			return -1;
		}
		*option_value(args, long_options[k].name) = eq ? eq + 1 : argv[++*i];
		return 0;
	}
	if (!strcmp(word, "help"))
		return 1;
	fprintf(stderr, "%s %s: unknown option `%s'\n", PROG_NAME, cmd->name, argv[*i]);
	return -1;
}

/* -jphx, letters together as getopt takes them. */
static int parse_short(const struct subcommand *cmd, const char *word, struct cmd_args *args)
{
	const char *c;

	for (c = word + 1; *c; c++) {
		if (*c == 'h')
			return 1;
		if (*c == 'j') {
			args->json = true;
		} else if (*c == 'p') {
			args->pretty = true;
		} else if (*c == 'x' && (cmd->options & OPT_EXTENDED)) {
			args->extended = true;
		} else {
			fprintf(stderr, "%s %s: unknown option `-%c' in `%s'\n", PROG_NAME,
				cmd->name, *c, word);
			return -1;
		}
	}
	return 0;
}

/* An option, as opposed to "-", an argument, or a negative number or address. */
static bool is_option(const char *word)
{
	return word[0] == '-' && word[1] && !(word[1] >= '0' && word[1] <= '9');
}

/* The name the synopsis gives the argument at @n, outside [...] groups. */
static const char *argument_name(const struct subcommand *cmd, unsigned int n)
{
	static char name[32];
	const char *s = cmd->synopsis;
	size_t len;

	while (*s) {
		if (*s == '[') {
			s = strchr(s, ']') ? strchr(s, ']') + 1 : s + strlen(s);
			continue;
		}
		len = strcspn(s, " [");
		if (len && !n--) {
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(s, " [."), s);
			return name;
		}
		s += len ? len : 1;
	}
	return "an argument";
}

int parse_args(const struct subcommand *cmd, int argc, char *argv[], struct cmd_args *args)
{
	bool options = true;
	int i, ret;

	args->cmd = cmd;
	args->nargs = 0;
	args->args = calloc(argc, sizeof(*args->args));
	if (!args->args) {
		perror(PROG_NAME);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (options && !strcmp(argv[i], "--")) {
			options = false;
			continue;
		}
		if (!options || !is_option(argv[i])) {
			args->args[args->nargs++] = argv[i];
			continue;
		}
		if (argv[i][1] == '-')
			ret = parse_long(cmd, argc, argv, &i, args);
		else
			ret = parse_short(cmd, argv[i], args);
		if (ret > 0) {
			print_help(cmd);
			return -1;
		}
		if (ret < 0)
			return usage_error(cmd);
	}
	if (args->nargs < cmd->min_args) {
		fprintf(stderr, "%s %s: missing %s\n", PROG_NAME, cmd->name,
			argument_name(cmd, args->nargs));
		return usage_error(cmd);
	}
	if (args->nargs > cmd->max_args) {
		fprintf(stderr, "%s %s: unexpected argument `%s'\n", PROG_NAME, cmd->name,
			args->args[cmd->max_args]);
		return usage_error(cmd);
	}
	args->json |= args->pretty;
	out_set_pretty(args->pretty);
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

int parse_region(const char *s)
{
	int region = region_parse(s);

	if (region < 0)
		fprintf(stderr,
			"%s: unknown region `%s' (code, data, heap, shlib, mmap, stack, vdso, kernel)\n",
			PROG_NAME, s);
	return region;
}

/* START-END, each an address as parse_addr() reads it. */
int parse_range(const char *s, uint64_t *start, uint64_t *end)
{
	char *copy = strdup(s), *dash;
	int ret = -1;

	if (!copy)
		return -1;
	dash = strchr(copy, '-');
	if (dash) {
		*dash = '\0';
		ret = parse_addr(copy, start) || parse_addr(dash + 1, end) ? -1 : 0;
	} else {
		fprintf(stderr, "%s: invalid range `%s': expected START-END\n", PROG_NAME, s);
	}
	free(copy);
	return ret;
}
