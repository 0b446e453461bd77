// SPDX-License-Identifier: GPL-2.0
/* A process's VMAs, read with REGIONS_GET: see vmas.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subcommands.h"
#include "vmas.h"

static int vmas_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[__PTSCOPE_VMA_A_MAX], *top[PTSCOPE_A_MAX + 1], *attr;
	struct vma_table *t = data;
	struct vma_info *v;

	if (!t->comm[0]) {
		ptscope_nl_attrs(nlh, top, PTSCOPE_A_MAX);
		snprintf(t->comm, sizeof(t->comm), "%s", attr_str(top[PTSCOPE_A_COMM]));
	}
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_VMA)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 32;
			v = realloc(t->v, t->cap * sizeof(*v));
			if (!v) {
				perror(PROG_NAME);
				return MNL_CB_ERROR;
			}
			t->v = v;
		}
		ptscope_nl_nested(attr, tb, __PTSCOPE_VMA_A_MAX - 1);
		v = &t->v[t->n++];
		*v = (struct vma_info){
			.start = attr_u64(tb[PTSCOPE_VMA_A_START]),
			.end = attr_u64(tb[PTSCOPE_VMA_A_END]),
			.offset = attr_u64(tb[PTSCOPE_VMA_A_OFFSET]),
			.resident = attr_u64(tb[PTSCOPE_VMA_A_RESIDENT]),
			.perms = attr_u32(tb[PTSCOPE_VMA_A_PERMS]),
			.region = attr_u32(tb[PTSCOPE_VMA_A_REGION]),
		};
		if (tb[PTSCOPE_VMA_A_PATH]) {
			v->path = strdup(attr_str(tb[PTSCOPE_VMA_A_PATH]));
			if (!v->path) {
				perror(PROG_NAME);
				return MNL_CB_ERROR;
			}
		}
	}
	return MNL_CB_OK;
}

void vmas_free(struct vma_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int vmas_read(struct ptscope_nl *nl, uint32_t pid, struct vma_table *t)
{
	vmas_free(t);
	return ptscope_nl_query(nl, PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
				vmas_cb, t);
}

const struct vma_info *vmas_find(const struct vma_table *t, uint64_t va)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (va < t->v[mid].start)
			hi = mid;
		else if (va >= t->v[mid].end)
			lo = mid + 1;
		else
			return &t->v[mid];
	}
	return NULL;
}

bool vmas_equal(const struct vma_table *a, const struct vma_table *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct vma_info *x = &a->v[i], *y = &b->v[i];

		if (x->start != y->start || x->end != y->end || x->offset != y->offset ||
		    x->perms != y->perms || !x->path != !y->path ||
		    (x->path && strcmp(x->path, y->path)))
			return false;
	}
	return true;
}

uint64_t vmas_resident(const struct vma_table *t)
{
	uint64_t pages = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		pages += t->v[i].resident;
	return pages;
}
