/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_NL_H
#define PTSCOPE_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ptscope.h>

/* Big enough for any message a dump sends (the kernel caps them at 32 KiB). */
#define PTSCOPE_NL_BUFSIZE 32768

/* A netlink socket bound to the ptscope generic netlink family. */
struct ptscope_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t family_version;
	char request[8192];
};

/*
 * Open a generic netlink socket and resolve the ptscope family.  Returns 0,
 * or -1 with a message already printed to stderr.
 */
int ptscope_nl_open(struct ptscope_nl *nl);
void ptscope_nl_close(struct ptscope_nl *nl);

/* Begin a request for @cmd (NLM_F_DUMP in @flags for a dump). */
struct nlmsghdr *ptscope_nl_request(struct ptscope_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * One request on a socket of its own: @put adds the attributes (@arg is
 * its), @cb sees every reply message.  Returns 0, or -1 with the kernel's
 * error (and its extended-ack message) printed to stderr.
 */
int ptscope_query(uint8_t cmd, uint16_t flags, void (*put)(struct nlmsghdr *nlh, void *arg),
		  void *arg, mnl_cb_t cb, void *data);
/*
 * The same on the open socket @nl, so that a command asking about many
 * processes resolves the family once.  errno is the kernel's error after
 * a failure.
 */
int ptscope_nl_query(struct ptscope_nl *nl, uint8_t cmd, uint16_t flags,
		     void (*put)(struct nlmsghdr *nlh, void *arg), void *arg, mnl_cb_t cb,
		     void *data);
/*
 * One message the kernel sent unasked (a watch's event) to @cb, if one
 * waits: 1 after one (or after saying on stderr that the receive buffer
 * overflowed), 0 when none waits, -1 after an error (said on stderr).
 */
int ptscope_nl_receive(struct ptscope_nl *nl, mnl_cb_t cb, void *data);
/*
 * Whether the family @nl resolved is still registered under the same id
 * (unloading and loading the module again gives it another): 1 or 0, or
 * -1 with errno.
 */
int ptscope_nl_family_present(const struct ptscope_nl *nl);
/*
 * A socket of its own on the generic netlink controller's multicast group,
 * which announces families coming and going; NULL with errno.
 */
struct mnl_socket *ptscope_nl_ctrl_open(void);
/*
 * Read what waits on @ctrl: 1 once @nl's family was removed (or, when
 * notifications were lost, is no longer there), 0 when not, -1 on an
 * error.
 */
int ptscope_nl_family_removed(struct mnl_socket *ctrl, const struct ptscope_nl *nl);
/*
 * Keep the kernel's errors off stderr (errno still says which): a command
 * that reads every process expects some to be kernel threads or gone, and
 * counts them instead.
 */
void ptscope_errors_quiet(bool quiet);
/*
 * What the kernel's errors printed from now on are about, e.g. "B (pid
 * 42)": "ptscope: B (pid 42): <message>".  NULL: nothing.  @context is
 * not copied.
 */
void ptscope_error_context(const char *context);
/* A put for ptscope_query(): PTSCOPE_A_PID from the uint32_t at @pid, unless 0. */
void ptscope_put_pid(struct nlmsghdr *nlh, void *pid);

/* A dump so far had NLM_F_DUMP_INTR: the target changed while it was read. */
bool ptscope_dump_interrupted(void);
/* Forget it: the next dumps are about another process. */
void ptscope_dump_interrupted_clear(void);

/* Attributes of a reply message (after its genl header), or of a nest. */
void ptscope_nl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max);
void ptscope_nl_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);
/* The value of an attribute; 0 or "" when it is absent or malformed. */
uint64_t attr_u64(const struct nlattr *attr);
uint32_t attr_u32(const struct nlattr *attr);
const char *attr_str(const struct nlattr *attr);
/* A run record, from a kernel with a shorter or longer one too. */
void attr_run(const struct nlattr *attr, struct ptscope_run *run);

/*
 * The runs of a MAP_GET reply message, in order: PTSCOPE_A_RUN records as
 * they come, PTSCOPE_A_FRAMES records cut into their physically contiguous
 * pieces.  A frames record that does not add up ends the runs, with
 * malformed set.
 */
struct ptscope_runs {
	const struct nlattr *attr;	/* the next attribute */
	const char *tail;		/* the end of the message */
	struct ptscope_run run;		/* the run returned last */
	uint64_t va;			/* where a frames record goes on */
	const char *pa;			/* its addresses still to come (4-byte aligned) */
	uint64_t left;			/* how many */
	bool malformed;			/* stopped at a record that does not add up */
};

void ptscope_runs_init(struct ptscope_runs *it, const struct nlmsghdr *nlh);
/*
 * The next run, valid until the next call (a pointer, not a copy: a map
 * of fragmented memory is a run a page); NULL after the last.
 */
const struct ptscope_run *ptscope_runs_next(struct ptscope_runs *it);

#endif
