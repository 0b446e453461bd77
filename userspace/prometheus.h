/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text format of Prometheus and node_exporter's textfile collector,
 * for --format prometheus: each family once, HELP and TYPE before its
 * samples, every sample labelled with the process it is about.
 */
#ifndef PTSCOPE_PROMETHEUS_H
#define PTSCOPE_PROMETHEUS_H

#include <stdint.h>

/* "# HELP ptscope_NAME HELP" and "# TYPE ptscope_NAME gauge". */
void prom_family(const char *name, const char *help);
/* A label value: backslash, double quote and newline escaped. */
void prom_label(const char *value);
/*
 * ptscope_NAME{pid="PID",comm="COMM"LABELS} VALUE; @labels is empty or
 * more labels, each starting with a comma.
 */
void prom_write_sample(uint32_t pid, const char *comm, const char *name,
		       const char *labels, uint64_t value);

#endif
