/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_SUBCOMMANDS_H
#define PTSCOPE_SUBCOMMANDS_H

extern const char *PROG_NAME;

/* Each returns the process exit code: 0 done, 1 query failed, 2 usage. */
int version_main(int argc, char *argv[]);

#endif
