// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output: see output.h. */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ptscope.h>

#include "nl.h"
#include "output.h"
#include "subcommands.h"

#define MAX_DEPTH 8
/* The largest integer a double holds exactly. */
#define JSON_MAX_SAFE_INTEGER ((1ULL << 53) - 1)

static bool json, pretty;
static bool started;		/* the outer JSON object is open */
static unsigned int depth;
static bool in_list;		/* out_list_begin(): objects go into an array */
static unsigned int listed;	/* objects started in it */
static bool has_items[MAX_DEPTH];	/* a comma is due before the next item */
static char closers[MAX_DEPTH];		/* '}' or ']' for each open container */

static void close_container(void);

void out_set_pretty(bool as_pretty)
{
	pretty = as_pretty;
}

void out_init(bool as_json)
{
	json = as_json;
	started = false;
	depth = 0;
}

bool out_is_json(void)
{
	return json;
}

/*
 * Write out what stdio holds and check that stdout took it all: a script
 * writing to a full disk or a closed pipe must not see exit status 0.
 */
static void out_flush(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", PROG_NAME, strerror(errno));
		exit(1);
	}
}

void out_finish(void)
{
	if (json && started) {
		while (depth)
			close_container();
		if (!in_list)
			putchar('\n');
	}
	out_flush();
}

void out_list_begin(void)
{
	if (!json)
		return;
	in_list = true;
	listed = 0;
	putchar('[');
}

void out_list_end(void)
{
	if (!in_list)
		return;
	in_list = false;
	puts(pretty && listed ? "\n]" : "]");
	out_flush();
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Comma and key before a JSON value; the outer object opens on first use. */
/* Pretty JSON: a new line, indented to @level (an array of objects is one deeper). */
static void json_indent(unsigned int level)
{
	printf("\n%*s", 2 * (level + in_list), "");
}

static void json_key(const char *key)
{
	if (!started) {
		started = true;
		if (in_list && listed++)
			putchar(',');
		if (in_list && pretty)
			json_indent(0);
		putchar('{');
		has_items[0] = false;
		closers[0] = '}';
		depth = 1;
	}
	if (depth && has_items[depth - 1])
		putchar(',');
	if (depth)
		has_items[depth - 1] = true;
	if (pretty)
		json_indent(depth);
	if (key) {
		json_string(key);
		fputs(pretty ? ": " : ":", stdout);
	}
}

static void open_container(const char *key, char opener, char closer)
{
	if (!json || depth >= MAX_DEPTH)
		return;
	json_key(key);
	putchar(opener);
	has_items[depth] = false;
	closers[depth] = closer;
	depth++;
}

static void close_container(void)
{
	if (!json || !depth)
		return;
	depth--;
	if (pretty && has_items[depth])
		json_indent(depth);
	putchar(closers[depth]);
}

void out_open_object(const char *key)
{
	open_container(key, '{', '}');
}

void out_close_object(void)
{
	close_container();
}

void out_open_array(const char *key)
{
	open_container(key, '[', ']');
}

void out_close_array(void)
{
	close_container();
}

void out_hex(const char *key, const char *fmt, uint64_t value)
{
	if (json) {
		json_key(key);
		printf("\"0x%" PRIx64 "\"", value);
	} else {
		printf(fmt, value);
	}
}

void out_uint(const char *key, const char *fmt, uint64_t value)
{
	if (json) {
		json_key(key);
		printf(value > JSON_MAX_SAFE_INTEGER ? "\"%" PRIu64 "\"" : "%" PRIu64, value);
	} else {
		printf(fmt, value);
	}
}

/*
 * Text: control characters as \ooo, the way /proc/PID/maps writes a newline
 * in a path ("\012"), so that a file or command name can neither break a
 * row nor send escape sequences to the terminal.
 */
static void text_string(const char *fmt, const char *value)
{
	const char *s = value;
	char *escaped, *d;

	while (*s && !iscntrl((unsigned char)*s))
		s++;
	if (!*s) {
		printf(fmt, value);
		return;
	}
	escaped = malloc(4 * strlen(value) + 1);
	if (!escaped) {
		perror(PROG_NAME);
		exit(1);
	}
	for (s = value, d = escaped; *s; s++) {
		if (iscntrl((unsigned char)*s))
			d += sprintf(d, "\\%03o", (unsigned char)*s);
		else
			*d++ = *s;
	}
	*d = '\0';
	printf(fmt, escaped);
	free(escaped);
}

void out_string(const char *key, const char *fmt, const char *value)
{
	if (json) {
		json_key(key);
		json_string(value);
	} else {
		text_string(fmt, value);
	}
}

void out_null(const char *key, const char *fmt)
{
	if (json) {
		json_key(key);
		fputs("null", stdout);
	} else {
		printf(fmt, "-");
	}
}

void out_string_list(const char *key, const char *fmt, const char *const *items,
		     unsigned int n)
{
	char text[256] = "";
	size_t len = 0;
	unsigned int i;

	if (json) {
		out_open_array(key);
		for (i = 0; i < n; i++) {
			json_key(NULL);
			json_string(items[i]);
		}
		out_close_array();
		return;
	}
	for (i = 0; i < n && len < sizeof(text); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s%s", i ? "," : "", items[i]);
	printf(fmt, n ? text : "-");
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_dump_header(const struct nlmsghdr *nlh, bool *done, const char *key,
		       const char *columns)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];

	if (*done)
		return;
	*done = true;
	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	out_uint("pid", "pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
	out_string("comm", " (%s)\n", attr_str(tb[PTSCOPE_A_COMM]));
	out_text("%s\n", columns);
	out_open_array(key);
}

void print_dump_interrupted(void)
{
	if (!ptscope_dump_interrupted())
		return;
	fprintf(stderr, "%s: warning: the target's VMAs changed during the dump\n", PROG_NAME);
	if (!json)
		return;
	out_close_array();
	json_key("interrupted");
	fputs("true", stdout);
}
