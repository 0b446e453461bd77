// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output: see output.h.
 *
 * A map of fragmented memory is a line a page, hundreds of thousands of
 * lines, and in the test guests, under emulation, printf() costs about a
 * microsecond a field.  So values are formatted here, by hand, into one
 * buffer that goes to stdout a block at a time.  Under emulation every
 * instruction counts, memory accesses and calls most: numbers are
 * converted a word at a time; formats, keys and names are looked at once
 * and found again by their address (they are strings that do not change,
 * but out_uint()'s keys, checked); the short texts they hold are then
 * copied a word at a time, the bytes beyond the ones that count landing
 * in room the buffer has, to be overwritten next.
 */

#define _GNU_SOURCE		/* vasprintf() */
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_DEPTH 8
/* The largest integer a double holds exactly. */
#define JSON_MAX_SAFE_INTEGER ((1ULL << 53) - 1)

bool out_json;
static bool pretty;
static bool started;		/* the outer JSON object is open */
static bool in_list;		/* out_list_begin(): outer objects go into an array */
static unsigned int listed;	/* outer objects started in it */
static unsigned int depth;	/* containers open */
static bool comma;		/* the innermost has an item: a comma is due */
static char closers[MAX_DEPTH];	/* '}' or ']' for each open container */

/*
 * The buffer, and where the next byte goes.  Functions writing to it keep
 * that position in a local p, and store it back when done.
 *
 * Each field starts by making FIELD_ROOM bytes of room: the steps below
 * then write without looking, none writing more than a short text, a
 * number padded to MAX_WIDTH, or 8 bytes beyond what counts.  A step
 * that may write more (a long text, an escaped string, an item of a list)
 * makes room again after itself.
 */
static char buf[1 << 18];
static char *pos = buf;
static uint64_t written;	/* bytes handed to stdout before buf */

#define BUF_END (buf + sizeof(buf))
/* Widths beyond this are cut to it: no field needs more. */
#define MAX_WIDTH 256
#define FIELD_ROOM 512
/* Texts this long or shorter are copied a word at a time: put_short(). */
#define SHORT 24

/* errno 0: stdout's error flag was set by an earlier write, reason unknown. */
static void __attribute__((noreturn)) write_error(void)
{
	if (errno)
		fprintf(stderr, "%s: write error: %s\n", PROG_NAME, strerror(errno));
	else
		fprintf(stderr, "%s: write error\n", PROG_NAME);
	exit(1);
}

static void flush(void)
{
	size_t n = pos - buf;

	if (n && fwrite(buf, 1, n, stdout) != n)
		write_error();
	written += n;
	pos = buf;
}

/* Write out the buffer up to @p; returns where the next byte goes. */
static char *flush_at(char *p)
{
	pos = p;
	flush();
	return pos;
}

/* @p, or the start of the buffer after a flush if @n bytes do not fit. */
static __always_inline char *room(char *p, size_t n)
{
	return (size_t)(BUF_END - p) < n ? flush_at(p) : p;
}

/* The bytes written so far, with @p the position in the buffer. */
static __always_inline uint64_t offset(const char *p)
{
	return written + (p - buf);
}

/*
 * The first @n of the SHORT bytes at @s, up to 8 bytes beyond them
 * written too: words, in general purpose registers, not vector ones (under
 * emulation a 16-byte vector move costs as much as a call).
 */
static __always_inline char *put_short(char *p, const char *s, size_t n)
{
	memcpy(p, s, 8);
	if (n > 8) {
		memcpy(p + 8, s + 8, 8);
		if (n > 16)
			memcpy(p + n - 8, s + n - 8, 8);
	}
	return p + n;
}

/* @n bytes @c, @n at most MAX_WIDTH; up to 8 bytes beyond them too. */
static __always_inline char *fill(char *p, char c, unsigned int n)
{
	uint64_t word = 0x0101010101010101ULL * (unsigned char)c;

	if (n > 16) {
		memset(p, c, n);
	} else {
		memcpy(p, &word, 8);
		if (n > 8)
			memcpy(p + n - 8, &word, 8);
	}
	return p + n;
}

/* Any number of bytes, making room as it goes. */
static char *put_bytes(char *p, const char *s, size_t n)
{
	if (n > (size_t)(BUF_END - p)) {
		p = flush_at(p);
		if (n > sizeof(buf)) {
			if (fwrite(s, 1, n, stdout) != n)
				write_error();
			written += n;
			return p;
		}
	}
	memcpy(p, s, n);
	return p + n;
}

static char *put_str(char *p, const char *s)
{
	return put_bytes(p, s, strlen(s));
}

/* A constant text: its length and, if short, a copy put_short() can read. */
struct text {
	const char *s;
	size_t len;
	char copy[SHORT];
};

static void text_init(struct text *t, const char *s, size_t len)
{
	*t = (struct text){ .s = s, .len = len };
	if (len <= SHORT)
		memcpy(t->copy, s, len);
}

static __always_inline char *put_const(char *p, const struct text *t)
{
	if (!t->len)
		return p;
	if (t->len <= SHORT)
		return put_short(p, t->copy, t->len);
	return room(put_bytes(p, t->s, t->len), FIELD_ROOM);
}

/*
 * Formats and names are kept in tables of 256 entries, each in the first
 * of PROBES slots from its own (Fibonacci hashing of its address) that
 * holds it or nothing; if none does, it takes its own slot over.
 */
#define SLOTS 256
#define PROBES 8

static __always_inline unsigned int slot(const char *s)
{
	return (uintptr_t)s * 0x9e3779b97f4a7c15ULL >> 56;
}

/* A format, parsed: the text before and after its conversion, and that. */
struct format {
	const char *fmt;	/* what was parsed */
	struct text prefix, suffix;
	unsigned int width;	/* at most MAX_WIDTH */
	bool left, zero, alt;
	char conv;		/* 0: none */
	/* Hex padded with zeros to 16 digits or less, or not padded: how many */
	unsigned int hex_digits;
	bool spaced;		/* decimal, right-aligned in blanks or not padded */
};

static struct format formats[SLOTS];

static void parse_format(struct format *f, const char *fmt)
{
	const char *s = fmt + strcspn(fmt, "%");

	*f = (struct format){ .fmt = fmt };
	text_init(&f->prefix, fmt, s - fmt);
	if (*s) {
		for (s++;; s++) {
			if (*s == '-')
				f->left = true;
			else if (*s == '0')
				f->zero = true;
			else if (*s == '#')
				f->alt = true;
			else
				break;
		}
		for (; *s >= '0' && *s <= '9'; s++)
			if (f->width < MAX_WIDTH)
				f->width = 10 * f->width + *s - '0';
		if (f->width > MAX_WIDTH)
			f->width = MAX_WIDTH;
		while (*s == 'l' || *s == 'h' || *s == 'j' || *s == 'z' || *s == 't')
			s++;
		f->conv = *s;
		if (*s)
			s++;
	}
	if (f->conv == 'x' && !f->alt && (!f->width || (f->zero && !f->left && f->width <= 16)))
		f->hex_digits = f->width ? f->width : 1;
	f->spaced = f->conv != 'x' && !f->left && !f->zero;
	text_init(&f->suffix, s, strlen(s));
}

static const struct format *__attribute__((noinline)) find_format(const char *fmt)
{
	struct format *f;
	unsigned int i;

	for (i = 0; i < PROBES; i++) {
		f = &formats[(slot(fmt) + i) % SLOTS];
		if (f->fmt == fmt)
			return f;
		if (!f->fmt)
			break;
	}
	if (i == PROBES)
		f = &formats[slot(fmt)];
	parse_format(f, fmt);
	return f;
}

/*
 * Formats are string literals: each is parsed once and found again by its
 * address.  A format built at run time would be found stale.
 */
static __always_inline const struct format *format(const char *fmt)
{
	const struct format *f = &formats[slot(fmt)];

	return f->fmt == fmt ? f : find_format(fmt);
}

/*
 * The 8 hex digits of @v, as the bytes of a word in memory, first digit
 * first, made all at once: each nibble spread to a byte of its own, 0x30
 * added ('0'), and 0x27 more where the nibble is 10 or more ('a').
 */
static __always_inline uint64_t hex_digits(uint32_t v)
{
	uint64_t x = v;

	x = (x | x << 16) & 0x0000ffff0000ffffULL;
	x = (x | x << 8) & 0x00ff00ff00ff00ffULL;
	x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fULL;
	x += 0x3030303030303030ULL +
	     ((x + 0x0606060606060606ULL) >> 4 & 0x0101010101010101ULL) * 0x27;
	return __builtin_bswap64(x);
}

/*
 * The @n last hex digits of @v, as words stored in place: the first
 * digits in memory are a word's lowest bytes, so a word shifted right
 * loses its leading digits.
 */
static __always_inline char *put_hex(char *p, uint64_t v, unsigned int n)
{
	uint64_t word;

	if (n > 8) {
		word = hex_digits(v >> 32) >> 8 * (16 - n);
		memcpy(p, &word, 8);
		p += n - 8;
		n = 8;
	}
	word = hex_digits(v) >> 8 * (8 - n);
	memcpy(p, &word, 8);
	return p + n;
}

/*
 * The last number put_decimal() wrote, if 8 digits or less, as a word: a
 * map's sizes and page counts are mostly the run before's, and a 64-bit
 * division costs much under emulation.
 */
static struct {
	uint64_t value;
	uint64_t digits;
	unsigned int n;
} last_decimal = { .value = UINT64_MAX };

/* @v in decimal, right-aligned to @width; @v below 10^16. */
static __always_inline char *put_decimal(char *p, uint64_t v, unsigned int width)
{
	/* The digits end at digits + 20; put_short() reads 8 bytes on. */
	char digits[32], *end = digits + 20, *d = end;
	unsigned int n, two;

	if (v == last_decimal.value) {
		n = last_decimal.n;
		p = fill(p, ' ', width > n ? width - n : 0);
		memcpy(p, &last_decimal.digits, 8);
		return p + n;
	}
	last_decimal.value = v;
	/* Two digits a division of the whole number. */
	for (; v >= 100; v /= 100) {
		two = v % 100;
		d -= 2;
		d[0] = '0' + two / 10;
		d[1] = '0' + two % 10;
	}
	if (v >= 10) {
		d -= 2;
		d[0] = '0' + v / 10;
		d[1] = '0' + v % 10;
	} else {
		*--d = '0' + v;
	}
	n = end - d;
	last_decimal.n = n;
	memcpy(&last_decimal.digits, d, 8);
	if (n > 8)
		last_decimal.value = UINT64_MAX;
	p = fill(p, ' ', width > n ? width - n : 0);
	return put_short(p, d, n);
}

/* @v as printf would write it with @f: in hex for %x, else in decimal. */
static char *put_number(char *p, uint64_t v, const struct format *f)
{
	/* Decimal digits end at digits + 20; put_short() reads 8 bytes on. */
	char digits[32], *end = digits + 20, *d = end;
	bool hex = f->conv == 'x', prefix = hex && f->alt && v;
	unsigned int n, lead;

	if (f->spaced && v < 10000000000000000ULL)
		return put_decimal(p, v, f->width);
	if (hex) {
		n = (67 - __builtin_clzll(v | 1)) / 4;
	} else {
		do {
			*--d = '0' + v % 10;
			v /= 10;
		} while (v);
		n = end - d;
	}
	lead = f->width > n + 2 * prefix ? f->width - n - 2 * prefix : 0;
	if (!f->left && !f->zero)
		p = fill(p, ' ', lead);
	if (prefix) {
		*p++ = '0';
		*p++ = 'x';
	}
	if (f->zero && !f->left)
		p = fill(p, '0', lead);
	if (hex) {
		p = put_hex(p, v, n);
	} else if (n <= SHORT) {
		p = put_short(p, d, n);
	} else {
		memcpy(p, d, n);
		p += n;
	}
	if (f->left)
		p = fill(p, ' ', lead);
	return p;
}

/* The usual case inline: an address, its digits and leading zeros at once. */
static __always_inline char *put_uint(char *p, uint64_t v, const struct format *f)
{
	unsigned int n;

	if (!f->hex_digits)
		return put_number(p, v, f);
	n = (67 - __builtin_clzll(v | 1)) / 4;
	return put_hex(p, v, n > f->hex_digits ? n : f->hex_digits);
}

static __always_inline bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The length of @s as put_text() writes it. */
static size_t text_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += is_control(*s) ? 4 : 1;
	return n;
}

/*
 * Text: control characters as \ooo, the way /proc/PID/maps writes a newline
 * in a path ("\012"), so that a file or command name can neither break a
 * row nor send escape sequences to the terminal.
 */
static char *put_text(char *p, const char *s)
{
	unsigned char c;

	for (;; s++) {
		c = *s;
		/* Printable ASCII, the usual byte, at one test. */
		if ((unsigned char)(c - 0x20) < 0x5f && p < BUF_END) {
			*p++ = c;
			continue;
		}
		if (!c)
			return room(p, FIELD_ROOM);
		p = room(p, 4);
		if (is_control(c)) {
			p[0] = '\\';
			p[1] = '0' + (c >> 6);
			p[2] = '0' + ((c >> 3) & 7);
			p[3] = '0' + (c & 7);
			p += 4;
		} else {
			*p++ = c;
		}
	}
}

static char *put_json_string(char *p, const char *s)
{
	unsigned char c;

	p = room(p, 1);
	*p++ = '"';
	while ((c = *s++)) {
		p = room(p, 6);
		if (c == '"' || c == '\\') {
			p[0] = '\\';
			p[1] = c;
			p += 2;
		} else if (c < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = '0' + (c >> 4);
			p[5] = "0123456789abcdef"[c & 15];
			p += 6;
		} else {
			*p++ = c;
		}
	}
	p = room(p, FIELD_ROOM);
	*p++ = '"';
	return p;
}

/*
 * Names: constant strings of the client's own, enum values' names and
 * JSON keys, remembered by their address.
 */
struct name {
	struct text text;
	bool plain;		/* short, and nothing to escape in text or JSON */
	/* If plain and short enough: "name": as a JSON key, "name" as a value */
	char json[SHORT];
	size_t json_len;	/* of "name", 0 if not kept */
};

static struct name names[SLOTS];

static void name_init(struct name *n, const char *s)
{
	const char *c;

	text_init(&n->text, s, strlen(s));
	n->plain = n->text.len <= SHORT;
	for (c = s; *c; c++)
		if (is_control(*c) || *c == '"' || *c == '\\')
			n->plain = false;
	n->json_len = 0;
	if (n->plain && n->text.len + 3 <= SHORT) {
		n->json_len = n->text.len + 2;
		n->json[0] = '"';
		memcpy(n->json + 1, s, n->text.len);
		memcpy(n->json + n->text.len + 1, "\":", 2);
	}
}

static struct name *__attribute__((noinline)) find_name(const char *s)
{
	struct name *n;
	unsigned int i;

	for (i = 0; i < PROBES; i++) {
		n = &names[(slot(s) + i) % SLOTS];
		if (n->text.s == s)
			return n;
		if (!n->text.s)
			break;
	}
	if (i == PROBES)
		n = &names[slot(s)];
	name_init(n, s);
	return n;
}

static __always_inline struct name *name(const char *s)
{
	struct name *n = &names[slot(s)];

	return n->text.s == s ? n : find_name(s);
}

/*
 * A JSON key's name.  The keys of out_uint() may be made at run time (the
 * sizes of a histogram): with @check, one found by its address is checked
 * against the copy kept of it, a byte at a time (a fifth of the time of a
 * map's JSON line, under emulation, if every key were).
 */
static __always_inline const struct name *key_name(const char *key, bool check)
{
	struct name *n = name(key);
	size_t i, len = n->text.len;

	if (!check || !n->json_len)
		return n;
	/* A shorter key stops this at its end: the copy holds no NUL. */
	for (i = 0; i < len && key[i] == n->text.copy[i]; i++)
		;
	if (i < len || key[len])
		name_init(n, key);
	return n;
}

/* The text of a name, and its length in it. */
static __always_inline char *put_name_text(char *p, const struct name *n)
{
	return n->plain ? put_short(p, n->text.copy, n->text.len) : put_text(p, n->text.s);
}

static __always_inline size_t name_text_len(const struct name *n)
{
	return n->plain ? n->text.len : text_len(n->text.s);
}

static __always_inline char *put_json_name(char *p, const struct name *n)
{
	if (!n->json_len)
		return put_json_string(p, n->text.s);
	return put_short(p, n->json, n->json_len);
}

/* Padding to @f's width of a field @width long, if on this side (@left). */
static __always_inline char *pad(char *p, const struct format *f, uint64_t width, bool left)
{
	if (f->left == left && width < f->width)
		p = fill(p, ' ', f->width - width);
	return p;
}

/* Names, comma-separated, as printf's %s would write them with @f. */
static __always_inline char *put_names(char *p, const char *const *items, unsigned int n,
				       const struct format *f)
{
	uint64_t width = 0;
	unsigned int i;

	for (i = 0; f->width && i < n; i++)
		width += name_text_len(name(items[i])) + !!i;
	p = pad(p, f, width, false);
	for (i = 0; i < n; i++) {
		if (i) {
			p = room(p, FIELD_ROOM);
			*p++ = ',';
		}
		p = put_name_text(p, name(items[i]));
	}
	return pad(p, f, width, true);
}

/*
 * The fields, text and JSON each a function of its own, the out_*()
 * functions choosing one: each saves only the registers it uses.  In text
 * an empty format is a JSON-only value.
 */
static __always_inline void text_names(const char *fmt, const char *const *items,
				       unsigned int n)
{
	const struct format *f;
	char *p;

	if (!*fmt)
		return;
	f = format(fmt);
	p = put_const(room(pos, FIELD_ROOM), &f->prefix);
	if (f->conv)
		p = put_names(p, items, n, f);
	pos = put_const(p, &f->suffix);
}

static void __attribute__((noinline)) text_name(const char *fmt, const char *s)
{
	const struct format *f;
	const struct name *nm;
	size_t width;
	char *p;

	if (!*fmt)
		return;
	f = format(fmt);
	p = put_const(room(pos, FIELD_ROOM), &f->prefix);
	if (f->conv) {
		nm = name(s);
		width = name_text_len(nm);
		p = pad(p, f, width, false);
		p = put_name_text(p, nm);
		p = pad(p, f, width, true);
	}
	pos = put_const(p, &f->suffix);
}

static void __attribute__((noinline)) text_list(const char *fmt, const char *const *items,
						unsigned int n)
{
	text_names(fmt, items, n);
}

static void __attribute__((noinline)) text_string(const char *fmt, const char *s)
{
	const struct format *f;
	uint64_t start;
	char *p;

	if (!*fmt)
		return;
	f = format(fmt);
	p = put_const(room(pos, FIELD_ROOM), &f->prefix);
	if (f->conv) {
		if (f->width && !f->left)
			p = pad(p, f, text_len(s), false);
		start = offset(p);
		p = put_text(p, s);
		p = pad(p, f, offset(p) - start, true);
	}
	pos = put_const(p, &f->suffix);
}

static void __attribute__((noinline)) text_uint(const char *fmt, uint64_t value)
{
	const struct format *f;
	char *p;

	if (!*fmt)
		return;
	f = format(fmt);
	p = put_const(room(pos, FIELD_ROOM), &f->prefix);
	if (f->conv)
		p = put_uint(p, value, f);
	pos = put_const(p, &f->suffix);
}

/* Pretty JSON: a new line, indented to @level. */
static __always_inline char *json_indent(char *p, unsigned int level)
{
	*p++ = '\n';
	return fill(p, ' ', 2 * level);
}

/*
 * Comma and key before a JSON value (@key NULL: an array's element); the
 * outer object opens on first use.  Makes the room of a field.  @check:
 * the key may have been made at run time.
 */
static __always_inline char *json_key_checked(char *p, const char *key, bool check)
{
	const struct name *nm;

	p = room(p, FIELD_ROOM);
	if (!started) {
		started = true;
		if (in_list && listed++)
			*p++ = ',';
		if (in_list && pretty)
			p = json_indent(p, 1);
		*p++ = '{';
		closers[0] = '}';
		depth = 1;
		comma = false;
	}
	if (comma)
		*p++ = ',';
	comma = true;
	if (pretty)
		p = json_indent(p, depth + in_list);
	if (key) {
		nm = key_name(key, check);
		if (nm->json_len) {
			p = put_short(p, nm->json, nm->json_len + 1);
		} else {
			p = put_json_string(p, key);
			*p++ = ':';
		}
		if (pretty)
			*p++ = ' ';
	}
	return p;
}

static __always_inline char *json_key(char *p, const char *key)
{
	return json_key_checked(p, key, false);
}

static void json_close(void)
{
	char *p = room(pos, FIELD_ROOM);

	depth--;
	if (pretty && comma)
		p = json_indent(p, depth + in_list);
	*p++ = closers[depth];
	pos = p;
	comma = true;
}

void out_open_field(const char *key, char opener, char closer)
{
	char *p;

	if (depth >= MAX_DEPTH)
		return;
	p = json_key(pos, key);
	*p++ = opener;
	pos = p;
	closers[depth++] = closer;
	comma = false;
}

/* The outer object is only closed by out_finish(). */
void out_close_field(void)
{
	if (depth > 1)
		json_close();
}

void out_set_pretty(bool as_pretty)
{
	pretty = as_pretty;
}

void out_init(bool as_json)
{
	out_json = as_json;
	started = false;
	depth = 0;
}

bool out_is_json(void)
{
	return out_json;
}

void out_flush(void)
{
	flush();
	errno = 0;
	if (fflush(stdout) || ferror(stdout))
		write_error();
}

void out_finish(void)
{
	if (out_json && started) {
		while (depth)
			json_close();
		if (!in_list)
			pos = put_str(pos, "\n");
	}
	out_flush();
}

void out_list_begin(void)
{
	if (!out_json)
		return;
	in_list = true;
	listed = 0;
	pos = put_str(pos, "[");
}

void out_list_end(void)
{
	if (!in_list)
		return;
	in_list = false;
	pos = put_str(pos, pretty && listed ? "\n]\n" : "]\n");
	out_flush();
}

static void __attribute__((noinline)) json_hex(const char *key, uint64_t value)
{
	static const struct format hex = { .conv = 'x', .hex_digits = 1 };
	char *p = json_key(pos, key);

	memcpy(p, "\"0x", 3);
	p = put_uint(p + 3, value, &hex);
	*p++ = '"';
	pos = p;
}

static void __attribute__((noinline)) json_uint(const char *key, uint64_t value)
{
	static const struct format decimal = { .conv = 'u', .spaced = true };
	char *p = json_key_checked(pos, key, true);

	if (value <= JSON_MAX_SAFE_INTEGER) {
		pos = put_decimal(p, value, 0);
		return;
	}
	*p++ = '"';
	p = put_number(p, value, &decimal);
	*p++ = '"';
	pos = p;
}

static void __attribute__((noinline)) json_name(const char *key, const char *value)
{
	pos = put_json_name(json_key(pos, key), name(value));
}

void out_hex_field(const char *key, const char *fmt, uint64_t value)
{
	if (out_json)
		json_hex(key, value);
	else
		text_uint(fmt, value);
}

void out_uint_field(const char *key, const char *fmt, uint64_t value)
{
	if (out_json)
		json_uint(key, value);
	else
		text_uint(fmt, value);
}

void out_string_field(const char *key, const char *fmt, const char *value)
{
	if (out_json)
		pos = put_json_string(json_key(pos, key), value);
	else
		text_string(fmt, value);
}

void out_name_field(const char *key, const char *fmt, const char *value)
{
	if (out_json)
		json_name(key, value);
	else
		text_name(fmt, value);
}

void out_null_field(const char *key, const char *fmt)
{
	if (out_json)
		pos = put_str(json_key(pos, key), "null");
	else
		text_name(fmt, "-");
}

/*
 * The last list of names written, and its text (@fmt NULL: the elements of
 * a compact JSON array), to write it again: a map's runs mostly have the
 * flags of the run before.
 */
static struct {
	const char *items[8];
	unsigned int n;
	const char *fmt;
	char text[256];
	size_t len;		/* 8 bytes less than text at most */
} last_list;

/*
 * The list written again if it is the last one, in room made for it: a
 * word at a time (memcpy() would be a call, and use vector registers).
 */
static bool list_again(const char *fmt, const char *const *items, unsigned int n)
{
	uint64_t word;
	unsigned int i;

	if (fmt != last_list.fmt || n != last_list.n)
		return false;
	for (i = 0; i < n; i++)
		if (items[i] != last_list.items[i])
			return false;
	for (i = 0; i < last_list.len; i += 8) {
		memcpy(&word, last_list.text + i, 8);
		memcpy(pos + i, &word, 8);
	}
	pos += last_list.len;
	return true;
}

/* Remember the list written from @start on, unless it did not fit. */
static void list_written(const char *fmt, const char *const *items, unsigned int n,
			 const char *start)
{
	if (n > ARRAY_SIZE(last_list.items) || pos < start ||
	    (size_t)(pos - start) > sizeof(last_list.text) - 8)
		return;
	last_list.fmt = fmt;
	last_list.n = n;
	memcpy(last_list.items, items, n * sizeof(*items));
	last_list.len = pos - start;
	memcpy(last_list.text, start, last_list.len);
}

/* A compact JSON array of names, whole: its text is what list_again() keeps. */
static char *put_json_names(char *p, const char *const *items, unsigned int n)
{
	unsigned int i;

	*p++ = '[';
	for (i = 0; i < n; i++) {
		p = room(p, FIELD_ROOM);
		if (i)
			*p++ = ',';
		p = put_json_name(p, name(items[i]));
	}
	*p++ = ']';
	return p;
}

void out_list_field(const char *key, const char *fmt, const char *const *items,
		    unsigned int n)
{
	unsigned int i;
	char *start;

	if (!out_json && !n) {
		out_null_field(key, fmt);
		return;
	}
	if (!out_json) {
		start = room(pos, FIELD_ROOM);
		pos = start;
		if (!list_again(fmt, items, n)) {
			text_list(fmt, items, n);
			list_written(fmt, items, n, start);
		}
		return;
	}
	if (pretty || depth >= MAX_DEPTH) {
		out_open_array(key);
		for (i = 0; i < n; i++)
			pos = put_json_name(json_key(pos, NULL), name(items[i]));
		out_close_array();
		return;
	}
	start = json_key(pos, key);
	pos = start;
	if (!list_again(NULL, items, n)) {
		pos = put_json_names(start, items, n);
		list_written(NULL, items, n, start);
	}
}

/*
 * Where the output is, as far as the bytes of a field depend on it: JSON
 * or text, pretty or not, the outer object open, in a list, the depth and
 * whether a comma is due.
 */
static unsigned int memo_where(void)
{
	return out_json | pretty << 1 | started << 2 | in_list << 3 | comma << 4 | depth << 5;
}

bool out_again(struct out_memo *m, const uint64_t key[OUT_MEMO_WORDS])
{
	uint64_t word;
	unsigned int i;
	char *p;

	if (!m->len || m->where != memo_where() || key[0] != m->key[0] ||
	    key[1] != m->key[1] || key[2] != m->key[2] || key[3] != m->key[3])
		return false;
	/* A word at a time, as list_again(): up to 7 bytes beyond, in the room. */
	p = room(pos, OUT_MEMO_BYTES);
	for (i = 0; i < m->len; i += 8) {
		memcpy(&word, m->text + i, 8);
		memcpy(p + i, &word, 8);
	}
	pos = p + m->len;
	/* The fields wrote a value: a comma is due in JSON, as after them. */
	comma = true;
	return true;
}

void out_memo_start(struct out_memo *m)
{
	m->len = 0;
	m->where = memo_where();
	m->start = offset(pos);
}

/* Kept only if the fields are still in the buffer, fit, and left the depth as it was. */
void out_memo_keep(struct out_memo *m, const uint64_t key[OUT_MEMO_WORDS])
{
	uint64_t len = offset(pos) - m->start;
	unsigned int i;

	if (m->start < written || len > OUT_MEMO_BYTES || (m->where >> 5) != depth ||
	    (out_json && !comma))
		return;
	memcpy(m->text, buf + (m->start - written), len);
	m->len = len;
	for (i = 0; i < OUT_MEMO_WORDS; i++)
		m->key[i] = key[i];
}

void out_text(const char *fmt, ...)
{
	char *s;
	va_list ap;
	int ret;

	if (out_json)
		return;
	if (!strchr(fmt, '%')) {
		pos = put_str(pos, fmt);
		return;
	}
	va_start(ap, fmt);
	ret = vsnprintf(pos, BUF_END - pos, fmt, ap);
	va_end(ap);
	if (ret >= 0 && ret < BUF_END - pos) {
		pos += ret;
		return;
	}
	/* Longer than the room left: on its own. */
	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		perror(PROG_NAME);
		exit(1);
	}
	pos = put_bytes(pos, s, ret);
	free(s);
}

void print_dump_header(const struct nlmsghdr *nlh, bool *done, const char *title,
		       const char *key, const char *columns)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];

	if (*done)
		return;
	*done = true;
	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	out_uint("pid", title ? "" : "pid %" PRIu64, attr_u32(tb[PTSCOPE_A_PID]));
	out_string("comm", title ? "" : " (%s)\n", attr_str(tb[PTSCOPE_A_COMM]));
	if (title)
		out_text("%s\n", title);
	out_text("%s\n", columns);
	out_open_array(key);
}

void print_dump_interrupted(void)
{
	if (!ptscope_dump_interrupted())
		return;
	fprintf(stderr, "%s: warning: the target's VMAs changed during the dump\n", PROG_NAME);
	if (!out_json)
		return;
	out_close_array();
	pos = put_str(json_key(pos, "interrupted"), "true");
}
