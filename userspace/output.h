/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One code path for text and JSON, as iproute2's json_print does: each
 * call names the JSON key and the text format of one value.  A value with
 * an empty format is JSON only; one with a NULL key is text only (text
 * decoration also goes through out_text()).
 *
 * Formats are printf's, cut down to what a fast hand-written formatter
 * needs: literal text around at most one conversion, %[-0#][width], any
 * length modifiers (PRIu64 and PRIx64 fit), then s for a string, x for a
 * number in hex or u for one in decimal.  "%%" is not understood.  A
 * format must be a string literal: it is parsed once, and found again by
 * its address.  Keys are too, or names, strings that never change; but
 * out_uint()'s may be made at run time (a histogram's sizes).
 *
 * JSON integers above 2^53 - 1 are written as strings of their decimal
 * digits: a reader that holds numbers as doubles (jq, JavaScript) would
 * round them.  Addresses are always strings, "0x...".
 *
 * Output is written to stdout in large blocks.  A write that fails ends
 * the program: "ptscope: write error: <reason>" on stderr, exit status 1.
 * main() calls out_flush() after every command, so that what went to
 * stdout through stdio (help, Prometheus samples) is checked the same way.
 */
#ifndef PTSCOPE_OUTPUT_H
#define PTSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

/* JSON indented, one value a line (-p); call it before out_init(). */
void out_set_pretty(bool pretty);
void out_init(bool json);
bool out_is_json(void);
/* Close the JSON, write out what is buffered and check that stdout took it. */
void out_finish(void);
/*
 * Write out what is buffered, flush stdout and check that it took it all,
 * stdio's own writes too (its error flag): else "write error", exit 1.
 */
void out_flush(void);
/*
 * In JSON, the objects of the out_init()...out_finish() pairs in between
 * as one array, e.g. one object per process.
 */
void out_list_begin(void);
void out_list_end(void);

/*
 * Whether the output is JSON, as out_init() was told.  The functions below
 * are inline, so that a value for the other output only (an empty format
 * in text, a NULL key in JSON) costs no call: a map writes several a line.
 * The *_field() functions do the work; call the others.
 */
extern bool out_json;

void out_open_field(const char *key, char opener, char closer);
void out_close_field(void);
void out_hex_field(const char *key, const char *fmt, uint64_t value);
void out_uint_field(const char *key, const char *fmt, uint64_t value);
void out_string_field(const char *key, const char *fmt, const char *value);
void out_name_field(const char *key, const char *fmt, const char *name);
void out_null_field(const char *key, const char *fmt);
void out_list_field(const char *key, const char *fmt, const char *const *items,
		    unsigned int n);

static inline bool out_wanted(const char *key, const char *fmt)
{
	return out_json ? !!key : !!*fmt;
}

/* JSON only; the outer object opens with the first value. */
static inline void out_open_object(const char *key)
{
	if (out_json)
		out_open_field(key, '{', '}');
}

static inline void out_open_array(const char *key)
{
	if (out_json)
		out_open_field(key, '[', ']');
}

/* The outer object is closed by out_finish() only. */
static inline void out_close_object(void)
{
	if (out_json)
		out_close_field();
}

static inline void out_close_array(void)
{
	if (out_json)
		out_close_field();
}

/* JSON: "0x..." string; text: @fmt applied to the number. */
static inline void out_hex(const char *key, const char *fmt, uint64_t value)
{
	if (out_wanted(key, fmt))
		out_hex_field(key, fmt, value);
}

/* JSON: a number, a string above 2^53 - 1 (see above); text: @fmt applied. */
static inline void out_uint(const char *key, const char *fmt, uint64_t value)
{
	if (out_wanted(key, fmt))
		out_uint_field(key, fmt, value);
}

/* Text: control characters in @value as \ooo, as /proc/PID/maps writes "\n". */
static inline void out_string(const char *key, const char *fmt, const char *value)
{
	if (out_wanted(key, fmt))
		out_string_field(key, fmt, value);
}

/*
 * A name: a string of the client's own that never changes (an enum
 * value's name).  Names, like formats, are remembered by their address:
 * looked at once, then copied a word at a time.  Any other string goes
 * through out_string().
 */
static inline void out_name(const char *key, const char *fmt, const char *name)
{
	if (out_wanted(key, fmt))
		out_name_field(key, fmt, name);
}

/* JSON: null; text: @fmt applied to "-". */
static inline void out_null(const char *key, const char *fmt)
{
	if (out_wanted(key, fmt))
		out_null_field(key, fmt);
}

/* Names (as out_name() takes): an array in JSON, comma-separated (or "-") in text. */
static inline void out_string_list(const char *key, const char *fmt,
				   const char *const *items, unsigned int n)
{
	if (out_wanted(key, fmt))
		out_list_field(key, fmt, items, n);
}

/*
 * Fields written again as they were last time: in a map of scattered
 * memory each run differs from the one before in its addresses only, and
 * the rest of its line (sizes, region, state, flags) is copied whole
 * rather than formatted again.  @key is what those fields show, in up to
 * OUT_MEMO_WORDS words; out_again() writes what out_memo_keep() kept if
 * its key was the same and the output is where it was then (text or
 * JSON, at the same depth, after a value), and returns whether it did.
 * If not, the caller writes the fields between out_memo_start() and
 * out_memo_keep().  Fields that open a container close it again; a memo
 * starts out zeroed.
 */
#define OUT_MEMO_WORDS 4
#define OUT_MEMO_BYTES 248

struct out_memo {
	uint64_t key[OUT_MEMO_WORDS];
	uint64_t start;			/* out_memo_start(): where the fields begin */
	unsigned int where;		/* text or JSON, depth: see output.c */
	unsigned int len;		/* of text; 0: nothing kept */
	char text[OUT_MEMO_BYTES];
};

bool out_again(struct out_memo *m, const uint64_t key[OUT_MEMO_WORDS]);
void out_memo_start(struct out_memo *m);
void out_memo_keep(struct out_memo *m, const uint64_t key[OUT_MEMO_WORDS]);

/* Text only, any printf format. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct nlmsghdr;
/*
 * The pid and comm of a dump's first message, headed by @title in text
 * (NULL: "pid PID (COMM)"), then the text @columns and the opening of the
 * JSON array @key.  *@done remembers it was printed.
 */
void print_dump_header(const struct nlmsghdr *nlh, bool *done, const char *title,
		       const char *key, const char *columns);

/*
 * After a dump: if the module flagged it interrupted, say so on stderr
 * and, closing the dump's array, as "interrupted": true in JSON.
 */
void print_dump_interrupted(void);

#endif
