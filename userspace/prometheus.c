// SPDX-License-Identifier: GPL-2.0
/* The Prometheus text format: see prometheus.h. */

#include <inttypes.h>
#include <stdio.h>

#include "prometheus.h"

void prom_label(const char *value)
{
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			printf("\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", stdout);
		else
			putchar(*value);
	}
}

void prom_family(const char *name, const char *help)
{
	printf("# HELP ptscope_%s %s\n# TYPE ptscope_%s gauge\n", name, help, name);
}

void prom_write_sample(uint32_t pid, const char *comm, const char *name,
		       const char *labels, uint64_t value)
{
	printf("ptscope_%s{pid=\"%" PRIu32 "\",comm=\"", name, pid);
	prom_label(comm);
	printf("\"%s} %" PRIu64 "\n", labels, value);
}
