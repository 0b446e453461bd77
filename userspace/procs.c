// SPDX-License-Identifier: GPL-2.0
/* PROC on the command line: a pid, `self', or a command name. */

#define _GNU_SOURCE	/* versionsort() */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "subcommands.h"

/* The kernel keeps TASK_COMM_LEN - 1 bytes of a command name. */
#define COMM_LEN 15

struct pid_list {
	uint32_t *pids;
	unsigned int n, cap;
};

static int pid_list_add(struct pid_list *list, uint32_t pid)
{
	uint32_t *pids;

	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 16;
		pids = realloc(list->pids, list->cap * sizeof(*pids));
		if (!pids) {
			perror(PROG_NAME);
			return -1;
		}
		list->pids = pids;
	}
	list->pids[list->n++] = pid;
	return 0;
}

/*
 * Whether @pid's command is @name.  A name longer than the kernel keeps
 * matches on what it keeps, as pgrep -x does.
 */
static bool comm_is(const char *pid, const char *name)
{
	char path[300], comm[COMM_LEN + 2];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;	/* it exited */
	len = fgets(comm, sizeof(comm), f) ? strcspn(comm, "\n") : 0;
	fclose(f);
	comm[len] = '\0';
	return len && !strncmp(comm, name, COMM_LEN) && (strlen(name) >= COMM_LEN ?
		len == COMM_LEN : !name[len]);
}

/* Every process named @name, in pid order. */
static int find_named(const char *name, struct pid_list *list)
{
	struct dirent **entries;
	int i, n, ret = 0;

	/* versionsort orders the numeric names as numbers. */
	n = scandir("/proc", &entries, NULL, versionsort);
	if (n < 0) {
		fprintf(stderr, "%s: /proc: %s\n", PROG_NAME, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *d = entries[i]->d_name;

		if (!ret && d[strspn(d, "0123456789")] == '\0' && comm_is(d, name))
			ret = pid_list_add(list, strtoul(d, NULL, 10));
		free(entries[i]);
	}
	free(entries);
	return ret;
}

static bool is_pid(const char *word)
{
	return *word && !word[strspn(word, "0123456789")];
}

/* @word's processes onto @list; 0, or the exit code after an error. */
static int resolve(const char *word, struct pid_list *list)
{
	unsigned long pid;

	if (!strcmp(word, "self"))
		return pid_list_add(list, getpid()) ? 1 : 0;
	if (is_pid(word)) {
		errno = 0;
		pid = strtoul(word, NULL, 10);
		if (errno || !pid || pid > INT32_MAX) {
			fprintf(stderr, "%s: invalid pid `%s'\n", PROG_NAME, word);
			return 2;
		}
		return pid_list_add(list, pid) ? 1 : 0;
	}
	if (!*word || strchr(word, '/')) {
		fprintf(stderr, "%s: `%s' is not a pid, `self' or a process name\n", PROG_NAME,
			word);
		return 2;
	}
	if (find_named(word, list))
		return 1;
	return 0;
}

int resolve_proc(const char *word, uint32_t *pid)
{
	struct pid_list list = {};
	unsigned int i;
	int ret;

	ret = resolve(word, &list);
	if (!ret && list.n != 1) {
		if (!list.n) {
			fprintf(stderr, "%s: no process named `%s'\n", PROG_NAME, word);
			ret = 1;
		} else {
			fprintf(stderr, "%s: `%s' names %u processes, give one pid:", PROG_NAME,
				word, list.n);
			for (i = 0; i < list.n; i++)
				fprintf(stderr, " %u", list.pids[i]);
			fputc('\n', stderr);
			ret = 2;
		}
	}
	if (!ret)
		*pid = list.pids[0];
	free(list.pids);
	return ret;
}

/* Every process @args names; *@several: the command line could name more than one. */
static int resolve_all(const struct cmd_args *args, struct pid_list *list, bool *several)
{
	unsigned int i, before;
	int ret = 0, r;

	*several = args->nargs > 1;
	for (i = 0; i < args->nargs; i++) {
		before = list->n;
		r = resolve(args->args[i], list);
		if (!r && !is_pid(args->args[i]) && strcmp(args->args[i], "self")) {
			*several = true;
			if (list->n == before) {
				fprintf(stderr, "%s: no process named `%s'\n", PROG_NAME,
					args->args[i]);
				r = 1;
			}
		}
		if (r == 2)
			return 2;
		if (r > ret)
			ret = r;
	}
	return ret;
}

int resolve_processes(const struct cmd_args *args, uint32_t **pids, unsigned int *n)
{
	struct pid_list list = {};
	bool several;
	int ret = resolve_all(args, &list, &several);

	if (ret == 2) {
		free(list.pids);
		return 2;
	}
	*pids = list.pids;
	*n = list.n;
	return ret;
}

int all_processes(uint32_t **pids, unsigned int *n)
{
	struct pid_list list = {};
	struct dirent *e;
	DIR *dir = opendir("/proc");

	if (!dir) {
		fprintf(stderr, "%s: /proc: %s\n", PROG_NAME, strerror(errno));
		return 1;
	}
	while ((e = readdir(dir)))
		if (is_pid(e->d_name) && pid_list_add(&list, strtoul(e->d_name, NULL, 10))) {
			closedir(dir);
			free(list.pids);
			return 1;
		}
	closedir(dir);
	*pids = list.pids;
	*n = list.n;
	return 0;
}

int show_processes(const struct cmd_args *args, proc_show_fn show, void *arg)
{
	struct pid_list list = {};
	unsigned int i;
	bool several;
	int ret, r;

	ret = resolve_all(args, &list, &several);
	if (ret == 2) {
		free(list.pids);
		return 2;
	}
	out_init(args->json);
	if (several)
		out_list_begin();
	for (i = 0; i < list.n; i++) {
		/* Text blocks apart; a --format prints all processes at the end. */
		if (i && !args->json && !args->format)
			putchar('\n');
		r = show(list.pids[i], arg);
		if (r > ret)
			ret = r;
	}
	out_list_end();
	free(list.pids);
	return ret;
}
