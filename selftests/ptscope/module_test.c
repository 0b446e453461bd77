// SPDX-License-Identifier: GPL-2.0
/*
 * The ptscope module is loaded and reachable: its debugfs directory exists
 * and its generic netlink family resolves through the controller.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

#include "kselftest_harness.h"

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, size, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST(module_is_live)
{
	char state[32];

	ASSERT_EQ(0, read_line("/sys/module/ptscope/initstate", state, sizeof(state)))
		TH_LOG("ptscope.ko is not loaded");
	EXPECT_STREQ("live", state);
}

TEST(debugfs_dir_exists)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/kernel/debug/ptscope", &st))
		TH_LOG("/sys/kernel/debug/ptscope: %s", strerror(errno));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

struct family {
	int id;
	unsigned int version;
	char name[GENL_NAMSIZ];
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family *family = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		family->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_FAMILY_NAME:
		snprintf(family->name, sizeof(family->name), "%s",
			 mnl_attr_get_str(attr));
		break;
	case CTRL_ATTR_VERSION:
		family->version = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

TEST(family_resolves_through_controller)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family family = { .id = -1 };
	struct mnl_socket *sock;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	ssize_t len;
	int ret;

	sock = mnl_socket_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, sock);
	ASSERT_EQ(0, mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID));

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME);
	ASSERT_LT(0, mnl_socket_sendto(sock, nlh, nlh->nlmsg_len));

	do {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		ASSERT_LT(0, len);
		ret = mnl_cb_run(buf, len, 1, mnl_socket_get_portid(sock),
				 family_cb, &family);
	} while (ret > 0);
	ASSERT_EQ(0, ret) TH_LOG("CTRL_CMD_GETFAMILY: %s", strerror(errno));

	EXPECT_LT(GENL_MIN_ID - 1, family.id);
	EXPECT_STREQ(PTSCOPE_GENL_NAME, family.name);
	EXPECT_EQ(PTSCOPE_GENL_VERSION, family.version);
	mnl_socket_close(sock);
}

TEST_HARNESS_MAIN
