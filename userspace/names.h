/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the UAPI's enum values, as the client prints and parses them. */
#ifndef PTSCOPE_NAMES_H
#define PTSCOPE_NAMES_H

#include <stdint.h>
#include <linux/ptscope.h>

extern const char *const region_names[__PTSCOPE_REGION_MAX];
extern const char *const state_names[__PTSCOPE_STATE_MAX];

/* Inline, as a map prints a region and a state a line. */
static inline const char *region_name(uint32_t region)
{
	return region < __PTSCOPE_REGION_MAX && region_names[region] ?
	       region_names[region] : "unknown";
}

static inline const char *state_name(uint32_t state)
{
	return state < __PTSCOPE_STATE_MAX && state_names[state] ? state_names[state] : "unknown";
}

/* Returns the region for @name, or -1. */
int region_parse(const char *name);
const char *level_name(uint32_t level);
/* The names of the bits set in @flags (enum ptscope_flag); returns how many. */
unsigned int flag_names(uint32_t flags, const char **names);
/* "r-xp" from enum ptscope_perm. */
void perms_string(uint32_t perms, char buf[5]);
/*
 * "4K", "64K", "2M", "1G": in the largest unit that divides it; else bytes.
 * 4K, 2M and 1G, a map's every line, are constants; others are in @buf.
 */
const char *page_size_name(uint64_t size, char buf[24]);
/* enum ptscope_backing: "anon", "file", ... */
const char *backing_name(uint32_t backing);
/* enum ptscope_mem_type: "write-back", "device", ... */
const char *mem_type_name(uint32_t mem_type);
/* enum ptscope_arch: "x86_64", "arm64" */
const char *arch_name(uint32_t arch);
/* enum ptscope_folio_map: "aligned", "unaligned", "partial", "-" */
const char *folio_map_name(uint32_t folio_map);
/* enum ptscope_event: "mapped", "remapped", ... */
const char *event_name(uint32_t event);
/* enum ptscope_cause: "sampled", "clear", ... */
const char *cause_name(uint32_t cause);
/* enum ptscope_watch_end: "exited", "unloaded" */
const char *watch_end_name(uint32_t end);

#define MAX_FLAG_NAMES 32

#endif
