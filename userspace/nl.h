/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_NL_H
#define PTSCOPE_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* A netlink socket bound to the ptscope generic netlink family. */
struct ptscope_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t family_version;
};

/*
 * Open a generic netlink socket and resolve the ptscope family.  Returns 0,
 * or -1 with a message already printed to stderr.
 */
int ptscope_nl_open(struct ptscope_nl *nl);
void ptscope_nl_close(struct ptscope_nl *nl);

#endif
