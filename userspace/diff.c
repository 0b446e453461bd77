// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope diff PID1 PID2 [--region R] [--by-address]: compare two
 * processes' translations.
 *
 * As the seed means it: a page of a file is compared with the same page of
 * the file in the other process (path and offset), wherever each maps it,
 * so that two instances of one program under address-space randomization
 * still share their libraries' frames; anonymous and special memory is
 * compared at the same address; and a frame mapped in both processes is
 * the same frame wherever it sits.  --by-address compares every page with
 * the other process's page at the same address, and nothing else.
 *
 * Every page of A gets a relation: same (its frame or swap slot is in B
 * too), different (B has another one at that file page or address) or
 * only_a; then every page of B that A has not got is only_b.  Both maps
 * are held in memory, sorted by file page and by frame: time is
 * O(n log n) in the number of runs.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_names.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"
#include "page.h"

enum relation { SAME, DIFFERENT, ONLY_A, ONLY_B, __RELATIONS };

static const char *const relation_names[] = {
	[SAME] = "same", [DIFFERENT] = "different",
	[ONLY_A] = "only_a", [ONLY_B] = "only_b",
};

struct run {
	uint64_t va, end, pa, swap_offset;
	uint32_t state, region, swap_type;
};

/* A run inside one VMA, and the key it is compared by. */
struct piece {
	struct run run;
	const char *path;	/* the VMA's file; NULL: by address */
	uint64_t pos;		/* the file offset of run.va, or run.va */
};

struct vma {
	uint64_t start, end, offset;
	char *path;
};

/*
 * Pieces sorted by an interval: of a file's offsets, or (space NULL) of
 * addresses or frames.  @reach is the highest end of this entry and the
 * ones before it in its space: a lookup then finds an interval that a
 * longer one before it overlaps (a file mapped twice, a frame mapped at
 * several addresses).
 */
struct entry {
	const char *space;
	uint64_t start, end, reach;
	const struct piece *piece;
};

struct index {
	struct entry *e;
	size_t n;
};

struct side {
	uint32_t pid;
	char name[24];		/* "A (pid 42)": what errors say */
	char comm[32];
	struct vma *vmas;
	size_t nvmas, vcap, vma;	/* vma: where the next run is looked for */
	struct piece *pieces;
	size_t n, cap;
	struct index by_key, by_frame;
};

struct request {
	uint32_t pid;
	int region;
};

static void put_map_request(struct nlmsghdr *nlh, void *arg)
{
	const struct request *req = arg;

	mnl_attr_put_u32(nlh, PTSCOPE_A_PID, req->pid);
	if (req->region >= 0)
		mnl_attr_put_u32(nlh, PTSCOPE_A_REGION, req->region);
}

/* Room for one more element in @array of @n, *@cap elements of @size. */
static void *room(void *array, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return array;
	*cap = *cap ? 2 * *cap : 64;
	array = realloc(array, *cap * size);
	if (!array) {
		perror(PROG_NAME);
		exit(1);
	}
	return array;
}

static int vmas_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[__PTSCOPE_VMA_A_MAX], *attr;
	struct side *s = data;
	struct vma *v;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_VMA)
			continue;
		ptscope_nl_nested(attr, tb, __PTSCOPE_VMA_A_MAX - 1);
		s->vmas = room(s->vmas, s->nvmas, &s->vcap, sizeof(*s->vmas));
		v = &s->vmas[s->nvmas++];
		*v = (struct vma) {
			.start = attr_u64(tb[PTSCOPE_VMA_A_START]),
			.end = attr_u64(tb[PTSCOPE_VMA_A_END]),
			.offset = attr_u64(tb[PTSCOPE_VMA_A_OFFSET]),
			.path = tb[PTSCOPE_VMA_A_PATH] ?
				strdup(attr_str(tb[PTSCOPE_VMA_A_PATH])) : NULL,
		};
	}
	return MNL_CB_OK;
}

/* @r from @off bytes on: where a page further in the run is. */
static struct run run_at(const struct run *r, uint64_t off)
{
	struct run at = *r;

	at.va += off;
	if (r->state == PTSCOPE_STATE_SWAP)
		at.swap_offset += off >> page_shift;
	else
		at.pa += off;
	return at;
}

/* Cut @r at the side's VMA boundaries, each piece keyed by its VMA's file. */
static void add_run(struct side *s, struct run r)
{
	const struct vma *v;
	struct piece *p;

	while (r.va < r.end) {
		while (s->vma < s->nvmas && s->vmas[s->vma].end <= r.va)
			s->vma++;
		v = s->vma < s->nvmas ? &s->vmas[s->vma] : NULL;
		s->pieces = room(s->pieces, s->n, &s->cap, sizeof(*s->pieces));
		p = &s->pieces[s->n++];
		*p = (struct piece){ .run = r, .pos = r.va };
		if (v && v->start <= r.va) {
			p->run.end = r.end < v->end ? r.end : v->end;
			if (v->path) {
				p->path = v->path;
				p->pos = v->offset + r.va - v->start;
			}
		} else if (v && v->start < r.end) {
			p->run.end = v->start;
		}
		r = run_at(&r, p->run.end - r.va);
	}
}

static int runs_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct side *s = data;
	const struct ptscope_run *run;
	struct ptscope_runs runs;

	if (!s->comm[0]) {
		ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
		snprintf(s->comm, sizeof(s->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
	}
	ptscope_runs_init(&runs, nlh);
	while ((run = ptscope_runs_next(&runs)))
		add_run(s, (struct run) {
			.va = run->va,
			.end = run->va + run->size,
			.pa = run->pa,
			.state = run->state,
			.region = run->region,
			.swap_type = run->swap_type,
			.swap_offset = run->swap_offset,
		});
	if (runs.malformed) {
		fprintf(stderr, "%s: %s: the module sent a malformed frames record\n", PROG_NAME,
			s->name);
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int cmp_space(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return a ? 1 : -1;
	return strcmp(a, b);
}

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = cmp_space(a->space, b->space);

	if (c)
		return c;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

static bool present(const struct run *r)
{
	return ptscope_state_has_frame(r->state);
}

/* The side's pieces by key, and (@frames) its present pieces by frame. */
static void index_side(struct side *s, bool frames)
{
	struct index *idx[] = { &s->by_key, &s->by_frame };
	const struct piece *p;
	struct entry *e;
	size_t i, k;

	/* n + 1: calloc(0) may return NULL. */
	s->by_key.e = calloc(s->n + 1, sizeof(struct entry));
	s->by_frame.e = calloc(s->n + 1, sizeof(struct entry));
	if (!s->by_key.e || !s->by_frame.e) {
		perror(PROG_NAME);
		exit(1);
	}
	for (i = 0; i < s->n; i++) {
		p = &s->pieces[i];
		s->by_key.e[s->by_key.n++] = (struct entry) {
			.space = p->path,
			.start = p->pos,
			.end = p->pos + p->run.end - p->run.va,
			.piece = p,
		};
		if (frames && present(&p->run))
			s->by_frame.e[s->by_frame.n++] = (struct entry) {
				.start = p->run.pa,
				.end = p->run.pa + p->run.end - p->run.va,
				.piece = p,
			};
	}
	for (k = 0; k < 2; k++) {
		qsort(idx[k]->e, idx[k]->n, sizeof(struct entry), cmp_entry);
		for (i = 0, e = idx[k]->e; i < idx[k]->n; i++, e++)
			e->reach = i && !cmp_space(e[-1].space, e->space) && e[-1].reach > e->end ?
				   e[-1].reach : e->end;
	}
}

/*
 * The entry of @idx whose interval holds @pos in @space, or NULL.  *@len
 * is cut to how far the answer stays the same from @pos on.
 */
static const struct entry *lookup(const struct index *idx, const char *space,
				  uint64_t pos, uint64_t *len)
{
	struct entry key = { .space = space, .start = pos };
	size_t lo = 0, hi = idx->n, mid, i;
	const struct entry *e;

	while (lo < hi) {	/* the first entry that starts above @pos */
		mid = lo + (hi - lo) / 2;
		if (cmp_entry(&idx->e[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0;) {
		e = &idx->e[i];
		if (cmp_space(e->space, space) || e->reach <= pos)
			break;
		if (e->end > pos) {
			if (e->end - pos < *len)
				*len = e->end - pos;
			return e;
		}
	}
	e = &idx->e[lo];
	if (lo < idx->n && !cmp_space(e->space, space) && e->start - pos < *len)
		*len = e->start - pos;
	return NULL;
}

static bool same_backing(const struct run *a, const struct run *b)
{
	if (a->state != b->state)
		return false;
	if (a->state == PTSCOPE_STATE_SWAP)
		return a->swap_type == b->swap_type && a->swap_offset == b->swap_offset;
	return ptscope_state_has_frame(a->state) && a->pa == b->pa;
}

/* A place in a side's map: a piece and an offset into it. */
struct place {
	const struct piece *piece;
	uint64_t off;
};

/*
 * What the page at @x is to side @y, for *@len bytes from it (cut to where
 * that stays true): SAME, DIFFERENT or ONLY_A, and *@peer, @y's page it was
 * compared with.  The page at the same key is preferred to another one
 * mapping the same frame.
 */
static enum relation classify(struct place x, const struct side *y, uint64_t *len,
			      struct place *peer)
{
	const struct piece *p = x.piece;
	struct run a = run_at(&p->run, x.off), b;
	const struct entry *k, *f;

	k = lookup(&y->by_key, p->path, p->pos + x.off, len);
	if (k) {
		*peer = (struct place){ k->piece, p->pos + x.off - k->start };
		b = run_at(&k->piece->run, peer->off);
		if (same_backing(&a, &b))
			return SAME;
	}
	if (present(&a)) {
		f = lookup(&y->by_frame, NULL, a.pa, len);
		if (f) {
			*peer = (struct place){ f->piece, a.pa - f->start };
			return SAME;
		}
	}
	return k ? DIFFERENT : ONLY_A;
}

static void print_pa(const char *key, const struct run *r)
{
	if (r && present(r))
		out_hex(key, " %016" PRIx64, r->pa);
	else
		out_null(key, " %-16s");
}

/* @len bytes from @a in A and @b in B (either NULL when it has none). */
static void report(struct place a, struct place b, uint64_t len, enum relation rel,
		   uint64_t pages[][__RELATIONS])
{
	struct run ra = {}, rb = {};
	const struct run *first;

	if (a.piece)
		ra = run_at(&a.piece->run, a.off);
	if (b.piece)
		rb = run_at(&b.piece->run, b.off);
	first = a.piece ? &ra : &rb;
	out_open_object(NULL);
	out_hex("va", "%016" PRIx64, first->va);
	out_hex(NULL, " %016" PRIx64, first->va + len);
	out_uint("size", "", len);
	print_pa("a_pa", a.piece ? &ra : NULL);
	print_pa("b_pa", b.piece ? &rb : NULL);
	out_name("region", " %-6s", region_name(first->region));
	out_name("relation", " %s", relation_names[rel]);
	if (a.piece && b.piece && ra.va != rb.va)
		out_hex("b_va", " b_va 0x%" PRIx64, rb.va);
	out_text("\n");
	out_close_object();
	pages[first->region % __PTSCOPE_REGION_MAX][rel] += len >> page_shift;
}

/* Every page of A, then the pages of B not already reported with A's. */
static void compare(const struct side *a, const struct side *b,
		    uint64_t pages[][__RELATIONS])
{
	struct place x, peer, back;
	enum relation rel;
	uint64_t len, size;
	size_t i;

	for (i = 0; i < a->n; i++) {
		x.piece = &a->pieces[i];
		size = x.piece->run.end - x.piece->run.va;
		for (x.off = 0; x.off < size; x.off += len) {
			len = size - x.off;
			rel = classify(x, b, &len, &peer);
			report(x, rel == ONLY_A ? (struct place){} : peer, len, rel, pages);
		}
	}
	for (i = 0; i < b->n; i++) {
		x.piece = &b->pieces[i];
		size = x.piece->run.end - x.piece->run.va;
		for (x.off = 0; x.off < size; x.off += len) {
			len = size - x.off;
			rel = classify(x, a, &len, &peer);
			if (rel == ONLY_A)
				report((struct place){}, x, len, ONLY_B, pages);
			/*
			 * Different: A's page at this key was reported as
			 * different from this one, unless its frame is
			 * elsewhere in B and it was reported as the same.
			 */
			else if (rel == DIFFERENT && classify(peer, b, &len, &back) == SAME)
				report(peer, x, len, DIFFERENT, pages);
		}
	}
}

/* Side @letter's maps; its errors name it. */
static int read_side(struct side *s, char letter, int region, bool by_address)
{
	struct request req = { s->pid, region };

	snprintf(s->name, sizeof(s->name), "%c (pid %" PRIu32 ")", letter, s->pid);
	ptscope_error_context(s->name);
	if (!by_address &&
	    ptscope_query(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, ptscope_put_pid, &s->pid,
			  vmas_cb, s))
		return -1;
	if (ptscope_query(PTSCOPE_CMD_MAP_GET, NLM_F_DUMP, put_map_request, &req, runs_cb, s))
		return -1;
	index_side(s, !by_address);
	return 0;
}

static void free_side(struct side *s)
{
	size_t i;

	for (i = 0; i < s->nvmas; i++)
		free(s->vmas[i].path);
	free(s->vmas);
	free(s->pieces);
	free(s->by_key.e);
	free(s->by_frame.e);
}

struct kernel_side {
	uint64_t entry[512];
	bool present[512];
};

static int kernel_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_side *k = data;
	const struct nlattr *attr;
	const struct nlattr *tb[__PTSCOPE_KERNEL_A_MAX];
	uint32_t i;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != PTSCOPE_A_KERNEL)
			continue;
		ptscope_nl_nested(attr, tb, __PTSCOPE_KERNEL_A_MAX - 1);
		i = attr_u32(tb[PTSCOPE_KERNEL_A_INDEX]);
		if (i < 512) {
			k->present[i] = true;
			k->entry[i] = attr_u64(tb[PTSCOPE_KERNEL_A_ENTRY]);
		}
	}
	return MNL_CB_OK;
}

static int read_kernel(struct side *s, struct kernel_side *k)
{
	memset(k, 0, sizeof(*k));
	ptscope_error_context(s->name);
	return ptscope_query(PTSCOPE_CMD_KERNEL_GET, NLM_F_DUMP, ptscope_put_pid, &s->pid,
			     kernel_cb, k);
}

/* The kernel half: every process should map the same top-level entries. */
static int diff_kernel(struct side *side_a, struct side *side_b)
{
	static struct kernel_side a, b;
	unsigned int i, entries = 0, same = 0;

	if (read_kernel(side_a, &a) || read_kernel(side_b, &b))
		return -1;
	for (i = 0; i < 512; i++) {
		if (!a.present[i] && !b.present[i])
			continue;
		entries++;
		same += a.present[i] && b.present[i] && a.entry[i] == b.entry[i];
	}
	out_open_object("kernel");
	out_uint("entries", "kernel: %" PRIu64 " top-level entries", entries);
	out_uint("same", ", %" PRIu64 " the same in both", same);
	out_uint("different", ", %" PRIu64 " different\n", entries - same);
	out_close_object();
	return 0;
}

int diff_main(const struct cmd_args *args)
{
	uint64_t pages[__PTSCOPE_REGION_MAX][__RELATIONS] = {};
	uint64_t total[__RELATIONS] = {};
	static struct side a, b;
	int ret, region = -1, r, i;
	char size[24];

	if (args->region) {
		region = parse_region(args->region);
		if (region < 0)
			return 2;
	}
	ret = resolve_proc(args->args[0], &a.pid);
	if (!ret)
		ret = resolve_proc(args->args[1], &b.pid);
	if (ret)
		return ret;
	if (read_side(&a, 'A', region, args->by_address) ||
	    read_side(&b, 'B', region, args->by_address)) {
		ret = 1;
		goto out;
	}

	out_init(args->json);
	out_uint("a", "diff: A = pid %" PRIu64, a.pid);
	out_string("a_comm", " (%s)", a.comm);
	out_uint("b", ", B = pid %" PRIu64, b.pid);
	out_string("b_comm", " (%s)\n", b.comm);
	out_text("%-16s %-16s %-16s %-16s REGION RELATION\n", "VA", "END", "A_PA", "B_PA");
	out_open_array("entries");
	compare(&a, &b, pages);
	out_close_array();

	out_text("\nREGION      SAME  DIFFERENT     ONLY_A     ONLY_B  (%s pages)\n",
		 page_size_name(PAGE_BYTES, size));
	out_open_object("summary");
	for (r = 0; r < __PTSCOPE_REGION_MAX; r++) {
		if (!pages[r][SAME] && !pages[r][DIFFERENT] && !pages[r][ONLY_A] &&
		    !pages[r][ONLY_B])
			continue;
		out_open_object(region_name(r));
		out_text("%-6s", region_name(r));
		for (i = 0; i < __RELATIONS; i++) {
			out_uint(relation_names[i], i ? " %10" PRIu64 : " %9" PRIu64, pages[r][i]);
			total[i] += pages[r][i];
		}
		out_text("\n");
		out_close_object();
	}
	out_open_object("total");
	out_text("%-6s", "total");
	for (i = 0; i < __RELATIONS; i++)
		out_uint(relation_names[i], i ? " %10" PRIu64 : " %9" PRIu64, total[i]);
	out_text("\n");
	out_close_object();
	out_close_object();
	if ((region < 0 || region == PTSCOPE_REGION_KERNEL) && diff_kernel(&a, &b))
		ret = 1;
out:
	out_finish();
	free_side(&a);
	free_side(&b);
	return ret;
}
