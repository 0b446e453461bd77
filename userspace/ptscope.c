// SPDX-License-Identifier: GPL-2.0
/* ptscope: show how a process's virtual memory is really backed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "subcommands.h"
#include "page.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *PROG_NAME = "ptscope";

#define PROC_HELP \
	"PROC is a pid, `self', or a command name as in /proc/PID/comm (as pidof\n" \
	"matches it).\n"

static const struct subcommand subcommands[] = {
	{ "regions", regions_main, 0, 1, ARGS_MANY, "[-j] [-p] PROC...",
	  "Lists a process's VMAs by region, with resident and swapped pages",
	  "One line per VMA, as /proc/PID/maps orders them: start, end, permissions,\n"
	  "region, pages resident, pages in swap, file offset and path; a total at\n"
	  "the end.  A name takes every process of that name.\n\n" PROC_HELP "\n"
	  "Options:\n" },
	{ "map", map_main, OPT_REGION | OPT_RANGE | OPT_EXTENDED, 1, ARGS_MANY,
	  "[-j] [-p] [-x] [--region REGION] [--range START-END] PROC...",
	  "Shows a process's virtual-to-physical mappings, run by run",
	  "One line per run: pages next to each other in virtual and physical memory\n"
	  "with the same page size, region, state and flags.  Swapped pages show their\n"
	  "swap type and offset.  A total at the end.  See ptscope(8) for the states\n"
	  "and flags.\n\n" PROC_HELP "\n"
	  "Options:\n"
	  "  --region REGION      only the runs of REGION: code, data, heap, shlib,\n"
	  "                       mmap, stack or vdso\n"
	  "  --range START-END    only the runs from START to END (hex addresses)\n"
	  "  -x, --extended       what each frame is, too: how many mappings share it,\n"
	  "                       its NUMA node, the size of its folio, what backs it\n"
	  "                       (anon, ksm, file, shmem, zero, huge-zero, kernel,\n"
	  "                       no-page) and its protection key\n" },
	{ "translate", translate_main, 0, 2, 2, "[-j] [-p] PROC ADDR",
	  "Walks the page tables for one address, level by level",
	  "Each level's index and entry, then the physical address, page size, state\n"
	  "and flags, or the level where the walk stopped and why.  ADDR is hex, with\n"
	  "or without 0x.\n\n" PROC_HELP "\n"
	  "Options:\n" },
	{ "kernel", kernel_main, 0, 0, 1, "[-j] [-p] [PROC]",
	  "Shows the kernel half: top-level entries and their areas",
	  "The top-level page-table entries of the kernel half, neighbouring entries\n"
	  "of the same areas merged.  The kernel half is the same in every process;\n"
	  "PROC picks whose page tables are read.\n\n" PROC_HELP "\n"
	  "Options:\n" },
	{ "diff", diff_main, OPT_REGION | OPT_BY_ADDRESS, 2, 2,
	  "[-j] [-p] [--region REGION] [--by-address] PROC1 PROC2",
	  "Compares two processes' translations, frame by frame",
	  "Pages of the same file at the same offset are paired, wherever each process\n"
	  "maps them, and shown as the same frame or different ones; then a summary\n"
	  "per region.\n\n" PROC_HELP "\n"
	  "Options:\n"
	  "  --region REGION      only REGION (code, data, heap, shlib, mmap, stack,\n"
	  "                       vdso or kernel)\n"
	  "  --by-address         pair pages by virtual address instead\n" },
	{ "layout", layout_main, OPT_SVG, 1, 1, "[-j] [-p] [--svg FILE] PROC",
	  "Draws the address space, top to bottom, as text or SVG",
	  "The regions from the kernel half down to the code, with their addresses,\n"
	  "sizes, resident and swapped pages, and the gaps between them.\n\n" PROC_HELP "\n"
	  "Options:\n"
	  "  --svg FILE           also draw it into FILE, as SVG\n" },
	{ "stat", stat_main, OPT_REGION | OPT_FORMAT, 1, ARGS_MANY,
	  "[-j] [-p] [--region REGION] [--format prometheus] PROC...",
	  "Sums a process's memory up: Rss, Pss, Uss, Swap, page and folio sizes, nodes",
	  "Rss, Pss, Uss (private) and Swap as smaps_rollup defines them, per region\n"
	  "and in total, split into anonymous, file and shmem memory; hugetlb apart;\n"
	  "then the resident bytes by page size, by folio size and by NUMA node,\n"
	  "and the page-table pages per level (VmPTE) and the empty PTE tables.\n"
	  "One dump with frame info: the target's mmap_lock is held a few thousand\n"
	  "entries at a time, never for the whole walk as smaps_rollup holds it.\n"
	  "Text in kB, JSON in bytes.\n\n" PROC_HELP "\n"
	  "Options:\n"
	  "  --region REGION      only REGION: code, data, heap, shlib, mmap, stack\n"
	  "                       or vdso\n"
	  "  --format prometheus  the text format of Prometheus and node_exporter's\n"
	  "                       textfile collector, one family per figure\n" },
	{ "share", share_main, OPT_REGION | OPT_FORMAT | OPT_ALL, 0, ARGS_MANY,
	  "[-j] [-p] [--region REGION] [--format prometheus] PROC... | --all",
	  "Shows which frames processes share, and each one's Rss, Pss and Uss",
	  "For each process its Rss, Pss and Uss (as smaps_rollup counts them), then\n"
	  "the frames by how many of the processes map them, the memory of each region\n"
	  "that is shared or alone, the files whose frames are shared most, and for each\n"
	  "fork child read with its parent, its anonymous pages still shared with the\n"
	  "parent and those copied since (copy-on-write broken).  A process that exits\n"
	  "or whose VMAs change while it is read is reported, not counted; one the\n"
	  "caller may not read is counted and skipped.  Memory: 16 bytes per page\n"
	  "mapped more than once.  See ptscope(8).\n\n" PROC_HELP "\n"
	  "Options:\n"
	  "  --all                every process on the machine\n"
	  "  --region REGION      only REGION: code, data, heap, shlib, mmap, stack\n"
	  "                       or vdso\n"
	  "  --format prometheus  the text format of Prometheus and node_exporter's\n"
	  "                       textfile collector\n" },
	{ "who", who_main, 0, 1, 1, "[-j] [-p] PA[-END]",
	  "Finds every mapping of a physical address, in every process and the kernel",
	  "Every process's mappings of the physical address PA (or of [PA, END)), with\n"
	  "the virtual address, region, file, page size, state and flags of each and\n"
	  "what the frame is; then where the kernel maps it: the direct map (and the\n"
	  "kernel-text mapping of the kernel's own image), read through /proc/kcore.\n"
	  "Addresses are hex, with or without 0x.\n\n"
	  "Options:\n" },
	{ "watch", watch_main, OPT_REGION | OPT_RANGE | OPT_INTERVAL, 1, 1,
	  "[-j] [--region REGION] [--range START-END] [--interval MS] PROC",
	  "Shows a process's mappings as they change, with the kernel's reason",
	  "One line per change (a JSON object per line with -j) until the process\n"
	  "exits, the module is removed, or Ctrl-C: the time, the kind (mapped,\n"
	  "unmapped, remapped, promoted, split, swapped-out, swapped-in, protection),\n"
	  "the pages, the cause the kernel gave (unmap, clear, protection-vma, ...; or\n"
	  "sampled), and the first page before and after: physical address, page\n"
	  "size, state and flags.  Changes the kernel announces (munmap, copy-on-write,\n"
	  "swap-out, migration, mprotect) are exact and immediate; pages mapped by page\n"
	  "faults are found by re-walks every MS milliseconds and reported as sampled.\n\n"
	  PROC_HELP "\n"
	  "Options:\n"
	  "  --region REGION      only REGION: code, data, heap, shlib, mmap, stack\n"
	  "                       or vdso\n"
	  "  --range START-END    only the pages from START to END (hex addresses)\n"
	  "  --interval MS        re-walk every MS milliseconds (10 to 60000; 1000)\n" },
	{ "version", version_main, 0, 0, 0, "[-j] [-p]",
	  "Shows the client's and the module's versions",
	  "The client's version, the loaded module's and the netlink family's.\n\n"
	  "Options:\n" },
};

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s [-j] [-p] <command> [<options>] [<arguments>]\n"
		"       %s help [<command>]\n\nCommands:\n", PROG_NAME, PROG_NAME);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(file, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(file, "\nOptions go before or after the arguments:\n"
		"  -j, --json      JSON output\n"
		"  -p, --pretty    indented JSON output (implies -j)\n"
		"  -h, --help      help (of a command, after it)\n"
		"  -V, --version   the client's and the module's versions\n\n"
		"Run `%s help <command>' for a command's options, and see ptscope(8).\n",
		PROG_NAME);
}

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(name, subcommands[i].name))
			return &subcommands[i];
	fprintf(stderr, "%s: unknown command `%s'\n", PROG_NAME, name);
	show_usage(stderr);
	return NULL;
}

static int help_main(int argc, char *argv[])
{
	const struct subcommand *cmd;

	if (argc < 2) {
		show_usage(stdout);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "%s help: unexpected argument `%s'\n", PROG_NAME, argv[2]);
		return 2;
	}
	cmd = find_subcommand(argv[1]);
	if (!cmd)
		return 2;
	print_help(cmd);
	return 0;
}

static int run(int argc, char *argv[])
{
	struct cmd_args args = {};
	const struct subcommand *cmd;
	const char *name = NULL;
	int i, ret;

	page_shift_init();
	/* Options before the command are global, as in `ip -j link'. */
	for (i = 1; i < argc && !name; i++) {
		if (argv[i][0] != '-') {
			name = argv[i];
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			args.json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			args.pretty = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			show_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			name = "version";
		} else {
			fprintf(stderr, "%s: unknown option `%s'\n", PROG_NAME, argv[i]);
			show_usage(stderr);
			return 2;
		}
	}
	if (!name) {
		show_usage(stderr);
		return 2;
	}
	/* argv[i - 1] is the command: the subcommands' own argv[0]. */
	if (!strcmp(name, "help"))
		return help_main(argc - i + 1, argv + i - 1);
	cmd = find_subcommand(name);
	if (!cmd)
		return 2;
	ret = parse_args(cmd, argc - i + 1, argv + i - 1, &args);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = cmd->run(&args);
	free(args.args);
	return ret;
}

int main(int argc, char *argv[])
{
	int ret = run(argc, argv);

	/*
	 * Every command's output checked in one place, stdio's (help, the
	 * Prometheus format) as output.c checks its own: a write that failed
	 * is an error, not silently lost data.
	 */
	out_flush();
	return ret;
}
