// SPDX-License-Identifier: GPL-2.0
/* Names of the UAPI's enum values: see names.h. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *const region_names[__PTSCOPE_REGION_MAX] = PTSCOPE_REGION_NAMES;

const char *const state_names[__PTSCOPE_STATE_MAX] = PTSCOPE_STATE_NAMES;

static const char *const levels[] = {
	[PTSCOPE_LEVEL_NONE] = "none",
	[PTSCOPE_LEVEL_PTE] = "pte",
	[PTSCOPE_LEVEL_PMD] = "pmd",
	[PTSCOPE_LEVEL_PUD] = "pud",
	[PTSCOPE_LEVEL_P4D] = "p4d",
	[PTSCOPE_LEVEL_PGD] = "pgd",
};

static const char *const flags[] = PTSCOPE_FLAG_NAMES;

static const char *const backings[] = PTSCOPE_BACKING_NAMES;
static const char *const folio_maps[] = PTSCOPE_FOLIO_MAP_NAMES;
static const char *const mem_types[] = PTSCOPE_MEM_TYPE_NAMES;
static const char *const arches[] = PTSCOPE_ARCH_NAMES;
static const char *const events[] = PTSCOPE_EVENT_NAMES;
static const char *const causes[] = PTSCOPE_CAUSE_NAMES;
static const char *const watch_ends[] = PTSCOPE_WATCH_END_NAMES;

static const char *lookup(const char *const *names, size_t n, uint32_t value)
{
	return value < n && names[value] ? names[value] : "unknown";
}

int region_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(region_names); i++)
		if (region_names[i] && !strcmp(name, region_names[i]))
			return i;
	return -1;
}

const char *level_name(uint32_t level)
{
	return lookup(levels, ARRAY_SIZE(levels), level);
}

unsigned int flag_names(uint32_t bits, const char **names)
{
	unsigned int i, n = 0;

	/* Only the bits that are set: a map prints a line a page. */
	for (; bits && n < MAX_FLAG_NAMES; bits &= bits - 1) {
		i = __builtin_ctz(bits);
		if (i < ARRAY_SIZE(flags))
			names[n++] = flags[i];
	}
	return n;
}

void perms_string(uint32_t perms, char buf[5])
{
	buf[0] = perms & PTSCOPE_PERM_READ ? 'r' : '-';
	buf[1] = perms & PTSCOPE_PERM_WRITE ? 'w' : '-';
	buf[2] = perms & PTSCOPE_PERM_EXEC ? 'x' : '-';
	buf[3] = perms & PTSCOPE_PERM_SHARED ? 's' : 'p';
	buf[4] = '\0';
}

const char *page_size_name(uint64_t size, char buf[24])
{
	static const char units[] = "KMG";
	unsigned int u = 0;

	/* A map's every line: not formatted, and names out_name() can take. */
	if (size == 4096)
		return "4K";
	if (size == 2 << 20)
		return "2M";
	if (size == 1 << 30)
		return "1G";
	if (!size || size % 1024) {
		snprintf(buf, 24, "%" PRIu64, size);
		return buf;
	}
	for (size /= 1024; u + 1 < sizeof(units) - 1 && !(size % 1024); size /= 1024)
		u++;
	snprintf(buf, 24, "%" PRIu64 "%c", size, units[u]);
	return buf;
}

const char *backing_name(uint32_t backing)
{
	return lookup(backings, ARRAY_SIZE(backings), backing);
}

const char *mem_type_name(uint32_t mem_type)
{
	return lookup(mem_types, ARRAY_SIZE(mem_types), mem_type);
}

const char *arch_name(uint32_t arch)
{
	return lookup(arches, ARRAY_SIZE(arches), arch);
}

const char *folio_map_name(uint32_t folio_map)
{
	return lookup(folio_maps, ARRAY_SIZE(folio_maps), folio_map);
}

const char *event_name(uint32_t event)
{
	return lookup(events, ARRAY_SIZE(events), event);
}

const char *cause_name(uint32_t cause)
{
	return lookup(causes, ARRAY_SIZE(causes), cause);
}

const char *watch_end_name(uint32_t end)
{
	return lookup(watch_ends, ARRAY_SIZE(watch_ends), end);
}
