// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope layout PID [--svg FILE]: the address space drawn as the seed's
 * figure draws it, top to bottom: kernel, stack, the memory-mapped area
 * with the shared libraries, heap, data, code - with real addresses,
 * sizes, resident and swapped-out pages, and the unmapped gaps between them.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/ptscope.h>

#include "names.h"
#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* Neighbouring VMAs of one region, as one box of the picture. */
struct block {
	uint64_t start, end, mapped, resident, swap;
	uint32_t region, vmas;
};

struct layout {
	struct block *blocks;
	unsigned int n, cap;
	uint32_t pid;
	char comm[32];
};

static int add_vma(struct layout *l, const struct nlattr *nest)
{
	const struct nlattr *vma[__PTSCOPE_VMA_A_MAX];
	struct block *b;
	uint64_t start, end;
	uint32_t region;

	ptscope_nl_nested(nest, vma, __PTSCOPE_VMA_A_MAX - 1);
	start = attr_u64(vma[PTSCOPE_VMA_A_START]);
	end = attr_u64(vma[PTSCOPE_VMA_A_END]);
	region = attr_u32(vma[PTSCOPE_VMA_A_REGION]);

	b = l->n ? &l->blocks[l->n - 1] : NULL;
	if (!b || b->region != region) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 32;
			l->blocks = realloc(l->blocks, l->cap * sizeof(*l->blocks));
			if (!l->blocks)
				return MNL_CB_ERROR;
		}
		b = &l->blocks[l->n++];
		*b = (struct block){ .start = start, .region = region };
	}
	b->end = end;
	b->mapped += end - start;
	b->resident += attr_u64(vma[PTSCOPE_VMA_A_RESIDENT]);
	b->swap += attr_u64(vma[PTSCOPE_VMA_A_SWAP]);
	b->vmas++;
	return MNL_CB_OK;
}

static int regions_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *attr;
	struct layout *l = data;

	ptscope_nl_attrs(nlh, tb, PTSCOPE_A_MAX);
	l->pid = attr_u32(tb[PTSCOPE_A_PID]);
	snprintf(l->comm, sizeof(l->comm), "%s", attr_str(tb[PTSCOPE_A_COMM]));
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == PTSCOPE_A_VMA && add_vma(l, attr) != MNL_CB_OK)
			return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static const char *human(uint64_t bytes, char buf[32])
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	snprintf(buf, 32, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

static const char *growth(uint32_t region)
{
	if (region == PTSCOPE_REGION_STACK)
		return "down";
	if (region == PTSCOPE_REGION_HEAP)
		return "up";
	return NULL;
}

#ifdef __aarch64__
/*
 * arm64: TTBR0 maps the user half [0, 2^bits), TTBR1 the kernel half
 * [-2^bits, 2^64), bits 47 or 48 as wide as the stack at the top shows,
 * or 52 where the kernel honours a hint above 48 bits (LPA2, 64K pages).
 */
static struct block kernel_block(const struct layout *l, uint64_t *user_end)
{
	uint64_t top = l->n ? l->blocks[l->n - 1].end : 0;
	unsigned int bits = top > 1 ? 64 - __builtin_clzll(top - 1) : 48;
	void *high = mmap((void *)(1UL << 51), 1, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (high != MAP_FAILED) {
		if ((uint64_t)high >= 1ULL << 48)
			bits = 52;
		munmap(high, 1);
	}
	if (bits < 47)
		bits = 47;
	*user_end = 1ULL << bits;
	return (struct block){
		.start = -(1ULL << bits),
		.region = PTSCOPE_REGION_KERNEL,
	};
}
#else
/*
 * The kernel half, and the end of the user half below the non-canonical
 * hole.  5-level paging is the only way a user mapping lies above 47 bits;
 * a process without one is drawn with the 4-level split.
 */
static struct block kernel_block(const struct layout *l, uint64_t *user_end)
{
	uint64_t top = l->n ? l->blocks[l->n - 1].end : 0;
	bool five = top > (1ULL << 47);

	*user_end = five ? 1ULL << 56 : 1ULL << 47;
	return (struct block){
		.start = five ? 0xff00000000000000ULL : 0xffff800000000000ULL,
		.region = PTSCOPE_REGION_KERNEL,
	};
}
#endif

static void print_gap(const char *kind, uint64_t start, uint64_t end)
{
	char buf[32];

	out_open_object(NULL);
	out_string("kind", "", kind);
	out_hex("start", "", start);
	out_hex("end", "", end);
	out_uint("size", "", end - start);
	out_text("                 : %-13s %-28s :\n",
		 strcmp(kind, "gap") ? "non-canonical" : "unmapped", human(end - start, buf));
	out_close_object();
}

/* @joined: the block above ends where this one starts; its line is shared. */
static void print_block(const struct block *b, bool joined)
{
	const char *grows = growth(b->region);
	char size[32], label[96];

	snprintf(label, sizeof(label), "%s%s", region_name(b->region),
		 !grows ? "" : strcmp(grows, "down") ? "   ^ grows up" : "   v grows down");
	out_open_object(NULL);
	out_string("kind", "", "region");
	out_string("region", "", region_name(b->region));
	out_hex("start", "", b->start);
	out_hex("end", "", b->end);
	out_uint("size", "", b->end - b->start);
	if (b->region == PTSCOPE_REGION_KERNEL) {
		out_text("%016" PRIx64 " +--------------------------------------------+\n",
			 UINT64_MAX);
		out_text("                 | %-42s |\n", "kernel  (the same in every process)");
	} else {
		out_uint("vmas", "", b->vmas);
		out_uint("mapped", "", b->mapped);
		out_uint("resident_pages", "", b->resident);
		out_uint("swap_pages", "", b->swap);
		if (!joined)
			out_text("%016" PRIx64 " +--------------------------------------------+\n",
				 b->end);
		out_text("                 | %-42s |\n", label);
		snprintf(label, sizeof(label), "%s in %u VMA%s", human(b->mapped, size), b->vmas,
			 b->vmas == 1 ? "" : "s");
		out_text("                 | %-42s |\n", label);
		snprintf(label, sizeof(label), "%" PRIu64 " pages resident, %" PRIu64 " in swap",
			 b->resident, b->swap);
		out_text("                 | %-42s |\n", label);
	}
	if (grows)
		out_string("grows", "", grows);
	else
		out_null("grows", "");
	out_text("%016" PRIx64 " +--------------------------------------------+\n",
		 b->start);
	out_close_object();
}

/*
 * The picture's items, top down: the kernel, then the blocks from the
 * highest address; NULL after the last.
 */
static const struct block *item(const struct layout *l, const struct block *kernel,
				unsigned int i)
{
	if (i == 0)
		return kernel;
	return i <= l->n ? &l->blocks[l->n - i] : NULL;
}

/* One <text> element; @fmt must not produce markup characters. */
static void __attribute__((format(printf, 4, 5)))
svg_text(FILE *f, unsigned int x, unsigned int y, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "<text x=\"%u\" y=\"%u\">", x, y);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputs("</text>\n", f);
}

/* A box is taller the larger it is: log2 of its size. */
static unsigned int box_height(const struct block *b)
{
	return 24 + 4 * (63 - __builtin_clzll((b->end - b->start) | 1));
}

static unsigned int svg_height(const struct layout *l, const struct block *kernel)
{
	const struct block *b, *above = NULL;
	unsigned int i, y = 50;

	for (i = 0; (b = item(l, kernel, i)); above = b, i++)
		y += box_height(b) + (above && above->start != b->end ? 32 : 0);
	return y + 30;
}

/*
 * The SVG file, opened before the query so that a path that cannot be
 * written fails at once, not after the picture was printed.
 */
static FILE *open_svg(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "%s: cannot write the SVG to %s: %m\n", PROG_NAME, path);
	return f;
}

/*
 * The SVG: the same boxes, their heights growing with log2 of the size.
 * Closes @f; 0, or -1 with the write error printed.
 */
static int write_svg(FILE *f, const char *path, const struct layout *l,
		     const struct block *kernel)
{
	static const char *const colours[] = {
		[PTSCOPE_REGION_CODE] = "#8fbcbb", [PTSCOPE_REGION_DATA] = "#a3be8c",
		[PTSCOPE_REGION_HEAP] = "#ebcb8b", [PTSCOPE_REGION_SHLIB] = "#b48ead",
		[PTSCOPE_REGION_MMAP] = "#d8dee9", [PTSCOPE_REGION_STACK] = "#d08770",
		[PTSCOPE_REGION_VDSO] = "#88c0d0", [PTSCOPE_REGION_KERNEL] = "#81a1c1",
	};
	static const char *const header =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"%u\" font-family=\"monospace\" font-size=\"12\">\n";
	static const char *const rect =
		"<rect x=\"190\" y=\"%u\" width=\"300\" height=\"%u\" fill=\"%s\"/>\n";
	const struct block *b, *above = NULL;
	unsigned int i, h, y = 50;
	char size[32];
	bool failed;

	fprintf(f, header, svg_height(l, kernel));
	fprintf(f, "<title>Address space of pid %u</title>\n", l->pid);
	fputs("<style>rect { stroke: #2e3440; }</style>\n", f);
	svg_text(f, 20, 28, "Address space of pid %u, top to bottom (ptscope layout)", l->pid);
	for (i = 0; (b = item(l, kernel, i)); above = b, i++) {
		h = box_height(b);
		if (above && above->start != b->end) {
			svg_text(f, 200, y + 20, ": %s %s",
				 above == kernel ? "non-canonical hole and unmapped" : "unmapped",
				 human(above->start - b->end, size));
			y += 32;
		}
		if (!above || above->start != b->end)
			svg_text(f, 20, y + 4, "0x%016" PRIx64, b == kernel ? UINT64_MAX : b->end);
		fprintf(f, rect, y, h, colours[b->region % 8]);
		svg_text(f, 200, y + 16, "%s%s", region_name(b->region),
			 !growth(b->region) ? "" :
			 b->region == PTSCOPE_REGION_STACK ? " (grows down)" : " (grows up)");
		if (b != kernel)
			svg_text(f, 500, y + 16,
				 "%s, %" PRIu64 " pages resident, %" PRIu64 " in swap",
				 human(b->mapped, size), b->resident, b->swap);
		y += h;
		svg_text(f, 20, y + 4, "0x%016" PRIx64, b->start);
	}
	fputs("</svg>\n", f);
	failed = ferror(f);
	if (fclose(f) || failed) {
		fprintf(stderr, "%s: %s: write error: %m\n", PROG_NAME, path);
		return -1;
	}
	return 0;
}

int layout_main(const struct cmd_args *args)
{
	struct layout l = {};
	const struct block *b, *above = NULL;
	struct block kernel;
	uint64_t user_end;
	FILE *svg = NULL;
	uint32_t pid;
	unsigned int i;
	int ret;

	ret = resolve_proc(args->args[0], &pid);
	if (ret)
		return ret;
	if (args->svg) {
		svg = open_svg(args->svg);
		if (!svg)
			return 1;
	}
	if (ptscope_query(PTSCOPE_CMD_REGIONS_GET, NLM_F_DUMP, ptscope_put_pid, &pid,
			  regions_cb, &l)) {
		if (svg)
			fclose(svg);
		return 1;
	}

	kernel = kernel_block(&l, &user_end);
	out_init(args->json);
	out_uint("pid", "pid %" PRIu64, l.pid);
	out_string("comm", " (%s), top to bottom\n", l.comm);
	out_open_array("layout");
	for (i = 0; (b = item(&l, &kernel, i)); above = b, i++) {
		if (above == &kernel) {
			print_gap("hole", user_end, kernel.start);
			if (b->end != user_end)
				print_gap("gap", b->end, user_end);
		} else if (above && above->start != b->end) {
			print_gap("gap", b->end, above->start);
		}
		print_block(b, above && above != &kernel && above->start == b->end);
	}
	out_close_array();
	out_finish();
	if (svg && write_svg(svg, args->svg, &l, &kernel))
		ret = 1;
	free(l.blocks);
	return ret;
}
