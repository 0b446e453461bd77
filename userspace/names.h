/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the UAPI's enum values, as the client prints and parses them. */
#ifndef PTSCOPE_NAMES_H
#define PTSCOPE_NAMES_H

#include <stdint.h>

const char *region_name(uint32_t region);
/* Returns the region for @name, or -1. */
int region_parse(const char *name);
const char *state_name(uint32_t state);
const char *level_name(uint32_t level);
/* The names of the bits set in @flags (enum ptscope_flag); returns how many. */
unsigned int flag_names(uint32_t flags, const char **names);
/* "r-xp" from enum ptscope_perm. */
void perms_string(uint32_t perms, char buf[5]);
/* "4K", "64K", "2M", "1G": in the largest unit that divides it; else bytes. */
const char *page_size_name(uint64_t size, char buf[24]);
/* enum ptscope_backing: "anon", "file", ... */
const char *backing_name(uint32_t backing);

#define MAX_FLAG_NAMES 16

#endif
