/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One code path for text and JSON, as iproute2's json_print does: each
 * call names the JSON key and the text format of one value; text-only
 * decoration goes through out_text().
 */
#ifndef PTSCOPE_OUTPUT_H
#define PTSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

/* JSON indented, a value a line, as jq writes it (-p); before out_init(). */
void out_set_pretty(bool pretty);
void out_init(bool json);
bool out_is_json(void);
/*
 * Close the JSON and write out stdout's buffer.  A write that failed, now
 * or before, ends the program: "ptscope: write error: <reason>", status 1.
 */
void out_finish(void);
/*
 * In JSON, the objects of the out_init()...out_finish() pairs in between
 * as one array, e.g. one object per process.
 */
void out_list_begin(void);
void out_list_end(void);

void out_open_object(const char *key);
void out_close_object(void);
void out_open_array(const char *key);
void out_close_array(void);

/* JSON: "0x..." string; text: @fmt applied to the number. */
void out_hex(const char *key, const char *fmt, uint64_t value);
/*
 * JSON: a number, but above 2^53 - 1 a string of its decimal digits: a
 * reader that holds numbers as doubles (jq, JavaScript) would round it.
 * Text: @fmt applied to the number.
 */
void out_uint(const char *key, const char *fmt, uint64_t value);
/* Text: control characters in @value as \ooo, as /proc/PID/maps writes "\n". */
void out_string(const char *key, const char *fmt, const char *value);
/* JSON: null; text: @fmt applied to "-". */
void out_null(const char *key, const char *fmt);
/* An array of strings in JSON, a comma-separated list in text. */
void out_string_list(const char *key, const char *fmt, const char *const *items,
		     unsigned int n);
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct nlmsghdr;
/*
 * The pid and comm of a dump's first message, then the text @columns and
 * the opening of the JSON array @key.  *@done remembers it was printed.
 */
void print_dump_header(const struct nlmsghdr *nlh, bool *done, const char *key,
		       const char *columns);

/*
 * After a dump: if the module flagged it interrupted, say so on stderr
 * and, closing the dump's array, as "interrupted": true in JSON.
 */
void print_dump_interrupted(void);

#endif
