// SPDX-License-Identifier: GPL-2.0
/* Generic netlink plumbing for the ptscope client, on libmnl. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>
#include <ptscope_version.h>

#include "nl.h"
#include "page.h"

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
	/* Ask for the kernel's explanation of an error, without our request. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &(int){ 1 }, sizeof(int));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &(int){ 1 }, sizeof(int));

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
			"ptscope: the loaded module speaks version %u of netlink family \"%s\", this client (ptscope %s) speaks version %u: install a client and a module of the same release\n",
			nl->family_version, PTSCOPE_GENL_NAME, PTSCOPE_VERSION,
			PTSCOPE_GENL_VERSION);
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

struct nlmsghdr *ptscope_nl_request(struct ptscope_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->request);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = PTSCOPE_GENL_VERSION;
	return nlh;
}

static const char *error_context;
static bool errors_quiet;

void ptscope_error_context(const char *context)
{
	error_context = context;
}

void ptscope_errors_quiet(bool quiet)
{
	errors_quiet = quiet;
}

/*
 * The error of an NLMSG_ERROR or NLMSG_DONE message: errno from @error, the
 * extended-ack message from the TLVs that follow @offset.
 */
static int report_error(const struct nlmsghdr *nlh, int error, size_t offset)
{
	const char *msg = NULL;
	const struct nlattr *attr;
	uint32_t missing = 0;

	errno = -error;
	if (errors_quiet)
		return MNL_CB_ERROR;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(attr, nlh, offset) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				msg = mnl_attr_get_str(attr);
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MISS_TYPE &&
			    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				missing = mnl_attr_get_u32(attr);
		}
	}
	fprintf(stderr, "ptscope: %s%s", error_context ?: "", error_context ? ": " : "");
	if (msg)
		fprintf(stderr, "%s (%s)\n", msg, strerror(-error));
	else
		fprintf(stderr, "%s\n", strerror(-error));
	if (missing)
		fprintf(stderr, "ptscope: missing attribute %u\n", missing);
	errno = -error;
	return MNL_CB_ERROR;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_ERROR;
	if (!err->error)
		return MNL_CB_STOP;	/* the ack of a request that succeeded */
	/* NETLINK_CAP_ACK: only the header of our request is echoed. */
	return report_error(nlh, err->error, sizeof(*err));
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int error = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0)
		return report_error(nlh, error, sizeof(error));
	return MNL_CB_STOP;
}

static bool dump_interrupted;

bool ptscope_dump_interrupted(void)
{
	return dump_interrupted;
}

void ptscope_dump_interrupted_clear(void)
{
	dump_interrupted = false;
}

/*
 * NLM_F_DUMP_INTR: the module saw the target's address space change during
 * the dump.  libmnl would end the dump there with EINTR; the answer is
 * still the best there is, so remember it and let the dump go on.
 */
static void note_dump_interrupted(void *buf, size_t len)
{
	struct nlmsghdr *nlh = buf;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			dump_interrupted = true;
		nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
	}
}

static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

static char buf[PTSCOPE_NL_BUFSIZE];

static int run(struct ptscope_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "ptscope: netlink send: %s\n", strerror(errno));
		return -1;
	}
	do {
		len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (len < 0) {
			fprintf(stderr, "ptscope: netlink receive: %s\n", strerror(errno));
			return -1;
		}
		note_dump_interrupted(buf, len);
		ret = mnl_cb_run2(buf, len, nlh->nlmsg_seq, nl->portid, cb, data,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -1 : 0;
}

int ptscope_nl_receive(struct ptscope_nl *nl, mnl_cb_t cb, void *data)
{
	ssize_t len;

	len = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT);
	if (len < 0 && errno == ENOBUFS) {
		fprintf(stderr, "ptscope: the socket's receive buffer overflowed: messages lost\n");
		return 1;
	}
	if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (len < 0) {
		fprintf(stderr, "ptscope: netlink receive: %s\n", strerror(errno));
		return -1;
	}
	return mnl_cb_run2(buf, len, 0, nl->portid, cb, data, ctl, NLMSG_MIN_TYPE) < 0 ? -1 : 1;
}

int ptscope_nl_family_present(const struct ptscope_nl *nl)
{
	struct ptscope_nl now = { .seq = nl->seq };
	int ret = -1;

	now.sock = mnl_socket_open(NETLINK_GENERIC);
	if (!now.sock)
		return -1;
	if (mnl_socket_bind(now.sock, 0, MNL_SOCKET_AUTOPID) == 0) {
		now.portid = mnl_socket_get_portid(now.sock);
		if (resolve_family(&now) == 0)
			ret = now.family_id == nl->family_id;
		else if (errno == ENOENT)
			ret = 0;
	}
	mnl_socket_close(now.sock);
	return ret;
}

struct mnl_socket *ptscope_nl_ctrl_open(void)
{
	struct mnl_socket *sock = mnl_socket_open(NETLINK_GENERIC);
	int group = GENL_ID_CTRL;

	if (!sock)
		return NULL;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		mnl_socket_close(sock);
		return NULL;
	}
	return sock;
}

/* A CTRL_CMD_DELFAMILY of the family id at @data. */
static int delfamily_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	uint16_t *id = data;

	if (nlh->nlmsg_type != GENL_ID_CTRL || genl->cmd != CTRL_CMD_DELFAMILY)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0 && mnl_attr_get_u16(attr) == *id) {
			*id = 0;
			return MNL_CB_STOP;
		}
	}
	return MNL_CB_OK;
}

int ptscope_nl_family_removed(struct mnl_socket *ctrl, const struct ptscope_nl *nl)
{
	char msgs[MNL_SOCKET_BUFFER_SIZE];
	uint16_t id = nl->family_id;
	ssize_t len;
	int present;

	for (;;) {
		len = recv(mnl_socket_get_fd(ctrl), msgs, sizeof(msgs), MSG_DONTWAIT);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (len < 0 && errno == ENOBUFS) {
			/* A notification was lost: ask. */
			present = ptscope_nl_family_present(nl);
			if (present < 0)
				return -1;
			if (!present)
				return 1;
			continue;
		}
		if (len < 0)
			return -1;
		mnl_cb_run(msgs, len, 0, 0, delfamily_cb, &id);
		if (!id)
			return 1;
	}
}

struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* A repeated attribute keeps its first occurrence; callers iterate. */
	if (type <= t->max && !t->tb[type])
		t->tb[type] = attr;
	return MNL_CB_OK;
}

void ptscope_nl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse(nlh, GENL_HDRLEN, attr_table_cb, &t);
}

void ptscope_nl_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_nested(nest, attr_table_cb, &t);
}

void attr_run(const struct nlattr *attr, struct ptscope_run *run)
{
	size_t len = mnl_attr_get_payload_len(attr);

	memset(run, 0, sizeof(*run));
	memcpy(run, mnl_attr_get_payload(attr), len < sizeof(*run) ? len : sizeof(*run));
}

void ptscope_runs_init(struct ptscope_runs *it, const struct nlmsghdr *nlh)
{
	*it = (struct ptscope_runs) {
		.attr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		.tail = (const char *)nlh + nlh->nlmsg_len,
	};
}

static uint64_t frame(const struct ptscope_runs *it, uint64_t i)
{
	uint64_t pa;

	memcpy(&pa, it->pa + i * sizeof(pa), sizeof(pa));
	return pa;
}

const struct ptscope_run *ptscope_runs_next(struct ptscope_runs *it)
{
	const struct nlattr *tb[__PTSCOPE_FRAMES_A_MAX], *attr;
	struct ptscope_run *run = &it->run;
	uint64_t pages, n;

	while (!it->left) {
		if (!mnl_attr_ok(it->attr, it->tail - (const char *)it->attr))
			return NULL;
		attr = it->attr;
		it->attr = mnl_attr_next(attr);
		if (mnl_attr_get_type(attr) == PTSCOPE_A_RUN) {
			attr_run(attr, run);
			return run;
		}
		if (mnl_attr_get_type(attr) != PTSCOPE_A_FRAMES)
			continue;
		ptscope_nl_nested(attr, tb, __PTSCOPE_FRAMES_A_MAX - 1);
		if (!tb[PTSCOPE_FRAMES_A_RUN] || !tb[PTSCOPE_FRAMES_A_PA])
			goto malformed;
		attr_run(tb[PTSCOPE_FRAMES_A_RUN], run);
		it->va = run->va;
		it->pa = mnl_attr_get_payload(tb[PTSCOPE_FRAMES_A_PA]);
		pages = mnl_attr_get_payload_len(tb[PTSCOPE_FRAMES_A_PA]);
		if (run->page_shift != page_shift || run->state != PTSCOPE_STATE_PRESENT ||
		    pages % sizeof(uint64_t) || !pages ||
		    pages / sizeof(uint64_t) != run->size >> page_shift)
			goto malformed;
		it->left = pages / sizeof(uint64_t);
	}
	/* The next piece of a frames record: only where and how long change. */
	for (n = 1; n < it->left && frame(it, n - 1) + PAGE_BYTES == frame(it, n); n++)
		;
	run->va = it->va;
	run->pa = frame(it, 0);
	run->size = n * PAGE_BYTES;
	it->va += run->size;
	it->pa += n * sizeof(uint64_t);
	it->left -= n;
	return run;

malformed:
	it->malformed = true;
	return NULL;
}

uint64_t attr_u64(const struct nlattr *attr)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_U64) == 0 ? mnl_attr_get_u64(attr) : 0;
}

uint32_t attr_u32(const struct nlattr *attr)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_U32) == 0 ? mnl_attr_get_u32(attr) : 0;
}

const char *attr_str(const struct nlattr *attr)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 ?
	       mnl_attr_get_str(attr) : "";
}

int ptscope_nl_query(struct ptscope_nl *nl, uint8_t cmd, uint16_t flags,
		     void (*put)(struct nlmsghdr *nlh, void *arg), void *arg, mnl_cb_t cb,
		     void *data)
{
	struct nlmsghdr *nlh = ptscope_nl_request(nl, cmd, flags);

	put(nlh, arg);
	return run(nl, nlh, cb, data);
}

int ptscope_query(uint8_t cmd, uint16_t flags, void (*put)(struct nlmsghdr *nlh, void *arg),
		  void *arg, mnl_cb_t cb, void *data)
{
	struct ptscope_nl nl;
	int ret, err;

	if (ptscope_nl_open(&nl))
		return -1;
	ret = ptscope_nl_query(&nl, cmd, flags, put, arg, cb, data);
	err = errno;
	ptscope_nl_close(&nl);
	errno = err;
	return ret;
}

void ptscope_put_pid(struct nlmsghdr *nlh, void *pid)
{
	if (*(uint32_t *)pid)
		mnl_attr_put_u32(nlh, PTSCOPE_A_PID, *(uint32_t *)pid);
}
