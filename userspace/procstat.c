// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/stat, the fields ptscope needs: see procstat.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procstat.h"

#define PF_KTHREAD 0x00200000

int proc_stat_read(uint32_t pid, struct proc_stat *st)
{
	unsigned long long v[52];
	char path[32], buf[1024], *p, *end;
	unsigned int field;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* The command may hold spaces and parentheses: the last ") " ends it. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	memset(st, 0, sizeof(*st));
	st->state = p[2];
	memset(v, 0, sizeof(v));
	/* Field 4 (ppid) on, numbered as proc(5) numbers them. */
	p += 3;
	for (field = 4; field < 52 && *p; field++) {
		v[field] = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	if (field < 29)
		return -1;
	st->ppid = v[4];
	st->kernel_thread = v[9] & PF_KTHREAD;
	st->start_time = v[22];
	st->start_stack = v[28];
	st->start_brk = v[47];
	st->arg_start = v[48];
	st->env_start = v[50];
	return 0;
}

bool proc_stat_same_image(const struct proc_stat *parent, const struct proc_stat *child)
{
	return parent->start_stack && parent->arg_start &&
	       parent->start_stack == child->start_stack &&
	       parent->start_brk == child->start_brk &&
	       parent->arg_start == child->arg_start &&
	       parent->env_start == child->env_start;
}
