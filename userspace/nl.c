// SPDX-License-Identifier: GPL-2.0
/* Generic netlink plumbing for the ptscope client, on libmnl. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "nl.h"

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct ptscope_nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		nl->family_id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		nl->family_version = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

static int resolve_family(struct ptscope_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	ssize_t len;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME);

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (len < 0)
			return -1;
		ret = mnl_cb_run(buf, len, nl->seq, nl->portid, family_cb, nl);
	} while (ret > 0);
	return ret;
}

int ptscope_nl_open(struct ptscope_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->seq = time(NULL);

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		fprintf(stderr, "ptscope: netlink socket: %s\n", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "ptscope: netlink bind: %s\n", strerror(errno));
		goto err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);

	if (resolve_family(nl) < 0) {
		if (errno == ENOENT)
			fprintf(stderr,
				"ptscope: module not loaded (no netlink family \"%s\")\n",
				PTSCOPE_GENL_NAME);
		else
			fprintf(stderr, "ptscope: resolving family \"%s\": %s\n",
				PTSCOPE_GENL_NAME, strerror(errno));
		goto err;
	}
	if (nl->family_version != PTSCOPE_GENL_VERSION) {
		fprintf(stderr,
			"ptscope: module speaks family version %u, client %u: install matching versions\n",
			nl->family_version, PTSCOPE_GENL_VERSION);
		goto err;
	}
	return 0;
err:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return -1;
}

void ptscope_nl_close(struct ptscope_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}
