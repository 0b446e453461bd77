// SPDX-License-Identifier: GPL-2.0
/*
 * The "ptscope" generic netlink family: see include/uapi/linux/ptscope.h.
 *
 * Dumps keep their state (the pinned target and the walk cursor) in an
 * allocation owned by the netlink callback, from ->start to ->done.  Every
 * ->dumpit fills one message under mmap_lock and pauses the walk before it
 * returns, so the lock is never held while the message is sent.  A run that
 * did not fit stays in the state and opens the next message.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/ptscope.h>
#include <ptscope_names.h>

#include "arch.h"
#include "compat.h"
#include "ptscope.h"

static struct genl_family ptscope_genl_family;

static const struct nla_policy regions_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy map_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_REGION] = NLA_POLICY_MAX(NLA_U32, __PTSCOPE_REGION_MAX - 1),
	[PTSCOPE_A_FRAME_INFO] = { .type = NLA_FLAG },
};

static const struct nla_policy translate_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_A_ADDR] = { .type = NLA_U64 },
};

static const struct nla_policy kernel_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Check a user address: -EFAULT if non-canonical, -ERANGE if in the kernel. */
static int check_user_addr(unsigned long addr, const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	if (!ptscope_is_canonical(addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "non-canonical address");
		return -EFAULT;
	}
	if (addr >= ptscope_user_end()) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address in the kernel half");
		return -ERANGE;
	}
	return 0;
}

/* Explain an error of ptscope_target_get() or of a walk, at @attr. */
static void target_error(struct netlink_ext_ack *extack, const struct nlattr *attr,
			 int err)
{
	switch (err) {
	case -ESRCH:
		NL_SET_ERR_MSG_ATTR(extack, attr, "no process with this pid");
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG_ATTR(extack, attr, "kernel thread: it has no user address space");
		break;
	case -ENODATA:
		NL_SET_ERR_MSG_ATTR(extack, attr, "process has exited: its address space is gone");
		break;
	case -EACCES:
		/* ptscope_target_get() said why. */
		NL_SET_BAD_ATTR(extack, attr);
		break;
	case -EINTR:
		NL_SET_ERR_MSG(extack, "interrupted by a signal");
		break;
	}
}

/**
 * get_target() - permission check and target lookup shared by all commands
 * @skb: the request, whose sender's credentials are checked: here and in a
 *	dump's ->start, generic netlink runs inside the sender's sendmsg(), so
 *	the current task is the sender
 * @attrs: the parsed request
 * @pid_required: without PTSCOPE_A_PID, refuse; else look at the caller
 * @extack: where to say what went wrong
 * @target: pinned on success
 */
static int get_target(struct sk_buff *skb, struct nlattr **attrs, bool pid_required,
		      struct netlink_ext_ack *extack, struct ptscope_target *target)
{
	struct pid *pid;
	int ret;

	/* GENL_ADMIN_PERM would check CAP_NET_ADMIN, which says nothing here. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "physical addresses need CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (!attrs[PTSCOPE_A_PID] && pid_required) {
		NL_SET_ERR_MSG(extack, "PTSCOPE_A_PID is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, PTSCOPE_A_PID);
		return -EINVAL;
	}
	if (attrs[PTSCOPE_A_PID])
		pid = find_get_pid(nla_get_u32(attrs[PTSCOPE_A_PID]));
	else
		pid = get_task_pid(current, PIDTYPE_PID);
	ret = pid ? ptscope_target_get(pid, NULL, extack, target) : -ESRCH;
	put_pid(pid);
	if (ret)
		target_error(extack, attrs[PTSCOPE_A_PID], ret);
	return ret;
}

struct dump_state {
	struct ptscope_target target;
	int err;			/* to report at the next ->dumpit */
	struct netlink_ext_ack refusal;	/* what ->start said, on 6.1 */
	bool done;
	bool sent;			/* a message went out already */
	bool pending;			/* the current item waits for a message */
	union {
		struct {
			struct ptscope_walk walk;
			struct ptscope_run run;
			const u64 *run_frames;	/* the run is a frames record */
			u64 frames[PTSCOPE_WALK_FRAMES];
			bool filter;
			u32 region;
			bool tables;		/* the current item is the tables count */
			bool tables_sent;
		} map;
		struct {
			struct ptscope_walk walk;
			struct ptscope_vma vma;
			char *path;	/* PATH_MAX bytes */
		} regions;
		struct {
			unsigned int index;
			struct ptscope_kernel_entry entry;
		} kernel;
	};
};

static struct dump_state *dump_state(struct netlink_callback *cb)
{
	return (struct dump_state *)cb->args[0];
}

/*
 * The ->start of every dump: permission, target, then @prepare checks the
 * command's own attributes and sets up the cursor.  6.1 gives ->start no
 * extack (6.2 does): there a refusal is kept in the state and returned by
 * the first ->dumpit, whose extack goes out with NLMSG_DONE, so every
 * kernel explains its refusals.
 */
static int dump_start(struct netlink_callback *cb, bool pid_required,
		      int (*prepare)(struct dump_state *state, struct nlattr **attrs,
				     struct netlink_ext_ack *extack))
{
	struct nlattr **attrs = ptscope_dump_attrs(cb);
	struct netlink_ext_ack *extack;
	struct dump_state *state;
	int ret;

	state = kzalloc(sizeof(*state), GFP_KERNEL_ACCOUNT);
	if (!state)
		return -ENOMEM;
	ptscope_stats_request_bytes(sizeof(*state));
	extack = cb->extack ?: &state->refusal;
	ret = get_target(cb->skb, attrs, pid_required, extack, &state->target);
	if (!ret && prepare)
		ret = prepare(state, attrs, extack);
	if (ret && cb->extack) {
		ptscope_target_put(&state->target);
		kfree(state);
		return ret;
	}
	state->err = ret;
	cb->args[0] = (long)state;
	/*
	 * Messages (and NLMSG_DONE) get NLM_F_DUMP_INTR when cb->seq moved
	 * since the one before; starting both at 1 flags the first message
	 * too.
	 */
	cb->seq = 1;
	cb->prev_seq = 1;
	return 0;
}

static int dump_done(struct netlink_callback *cb)
{
	struct dump_state *state = dump_state(cb);

	if (!state)
		return 0;
	ptscope_target_put(&state->target);
	kfree(state);
	return 0;
}

static void *dump_header(struct sk_buff *skb, struct netlink_callback *cb,
			 struct dump_state *state, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&ptscope_genl_family, NLM_F_MULTI, cmd);

	if (!hdr)
		return NULL;
	if (nla_put_u32(skb, PTSCOPE_A_PID, state->target.tgid) ||
	    nla_put_string(skb, PTSCOPE_A_COMM, state->target.comm) ||
	    nla_put_u32(skb, PTSCOPE_A_ARCH, PTSCOPE_ARCH) ||
	    nla_put_u32(skb, PTSCOPE_A_PAGE_SHIFT, PAGE_SHIFT)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

/*
 * End a dump message holding @items entries.  @ret is what the cursor said
 * last: 1 at the end, < 0 on error (reported now if nothing was added, at
 * the next call otherwise).
 */
static int dump_finish(struct sk_buff *skb, struct netlink_callback *cb,
		       void *hdr, unsigned int items, int ret)
{
	struct dump_state *state = dump_state(cb);

	if (ret == 1)
		state->done = true;
	else if (ret < 0)
		state->err = ret;
	if (!items) {
		if (hdr)
			genlmsg_cancel(skb, hdr);
		if (state->err) {
			if (state->refusal._msg)
				*cb->extack = state->refusal;
			else
				target_error(cb->extack, NULL, state->err);
			return state->err;
		}
		/* Not even one entry fits in an empty message: give up. */
		if (!state->done)
			return -EMSGSIZE;
		/* An empty answer still says whose it is: pid and comm. */
		if (state->sent || !hdr)
			return 0;
		hdr = dump_header(skb, cb, state, genl_dumpit_info(cb)->op.cmd);
		if (!hdr)
			return -EMSGSIZE;
	}
	genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	state->sent = true;
	return skb->len;
}

/* How the commands' dumps differ: where items come from, how one is put. */
struct dump_ops {
	u8 cmd;
	/* Make the next item the current one: 0, 1 at the end, or -errno. */
	int (*next)(struct dump_state *state);
	/* Put the current item in @skb: 0, or -EMSGSIZE when it does not fit. */
	int (*put)(struct sk_buff *skb, struct dump_state *state);
	/* Let go of what next() holds before the message goes out (optional). */
	void (*pause)(struct dump_state *state);
	/* How often the mm was seen changed between lock holds (optional). */
	unsigned int (*mm_changes)(const struct dump_state *state);
};

/* One message of a dump: as many items as fit; the one that does not waits. */
static int dump_items(struct sk_buff *skb, struct netlink_callback *cb,
		      const struct dump_ops *ops)
{
	struct dump_state *state = dump_state(cb);
	unsigned int items = 0;
	void *hdr;
	int ret = 0;

	if (state->err || state->done)
		return dump_finish(skb, cb, NULL, 0, 0);
	hdr = dump_header(skb, cb, state, ops->cmd);
	if (!hdr)
		return -EMSGSIZE;
	for (;;) {
		if (!state->pending) {
			ret = ops->next(state);
			if (ret)
				break;
			state->pending = true;
		}
		if (ops->put(skb, state))
			break;
		state->pending = false;
		items++;
	}
	if (ops->pause)
		ops->pause(state);
	/* A generation for genl_dump_check_consistent(); 0 means none. */
	if (ops->mm_changes)
		cb->seq = 1 + ops->mm_changes(state);
	return dump_finish(skb, cb, hdr, items, ret);
}

/* MAP_GET */

/*
 * A run, or a frames record: its run header and its addresses, whole (2
 * KiB at most, so it fits the smallest message a dump is given).
 */
static int map_put_tables(struct sk_buff *skb, const struct ptscope_tables *t)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_TABLES);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_PTE, t->pte, PTSCOPE_TABLES_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_PMD, t->pmd, PTSCOPE_TABLES_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_PUD, t->pud, PTSCOPE_TABLES_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_P4D, t->p4d, PTSCOPE_TABLES_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_PTE_EMPTY, t->pte_empty,
			      PTSCOPE_TABLES_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_TABLES_A_PTE_DEPOSITED, t->pte_deposited,
			      PTSCOPE_TABLES_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int map_put(struct sk_buff *skb, struct dump_state *state)
{
	const struct ptscope_run *run = &state->map.run;
	struct nlattr *nest;

	if (state->map.tables)
		return map_put_tables(skb, &state->map.walk.tables);
	if (!state->map.run_frames)
		return nla_put(skb, PTSCOPE_A_RUN, sizeof(*run), run);
	nest = nla_nest_start(skb, PTSCOPE_A_FRAMES);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, PTSCOPE_FRAMES_A_RUN, sizeof(*run), run) ||
	    nla_put_64bit(skb, PTSCOPE_FRAMES_A_PA, (run->size >> PAGE_SHIFT) * sizeof(u64),
			  state->map.run_frames, PTSCOPE_FRAMES_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* PTSCOPE_A_START and PTSCOPE_A_END, checked; the whole user half without them. */
static int get_range(struct nlattr **attrs, struct netlink_ext_ack *extack,
		     unsigned long *startp, unsigned long *endp)
{
	struct nlattr *start_attr = attrs[PTSCOPE_A_START];
	struct nlattr *end_attr = attrs[PTSCOPE_A_END];
	unsigned long start = 0, end = ptscope_user_end();
	int ret;

	if (start_attr) {
		start = nla_get_u64(start_attr);
		ret = check_user_addr(start, start_attr, extack);
		if (ret)
			return ret;
	}
	if (end_attr) {
		end = nla_get_u64(end_attr);
		if (!end) {
			NL_SET_ERR_MSG_ATTR(extack, end_attr, "end must be above 0");
			return -ERANGE;
		}
		/* The end of the user half is a valid end, not a valid address. */
		ret = end == ptscope_user_end() ? 0 : check_user_addr(end - 1, end_attr, extack);
		if (ret)
			return ret;
	}
	if ((start | end) & ~PAGE_MASK) {
		NL_SET_ERR_MSG_ATTR(extack, start & ~PAGE_MASK ? start_attr : end_attr,
				    "range bounds must be page aligned");
		return -EINVAL;
	}
	if (start >= end) {
		NL_SET_ERR_MSG_ATTR(extack, start_attr ?: end_attr, "start must be below end");
		return -ERANGE;
	}
	*startp = start;
	*endp = end;
	return 0;
}

static int map_prepare(struct dump_state *state, struct nlattr **attrs,
		       struct netlink_ext_ack *extack)
{
	unsigned long start, end;
	int ret;

	ret = get_range(attrs, extack, &start, &end);
	if (ret)
		return ret;
	ptscope_walk_init(&state->map.walk, state->target.mm, start, end, state->map.frames);
	state->map.walk.frame_info = nla_get_flag(attrs[PTSCOPE_A_FRAME_INFO]);
	if (attrs[PTSCOPE_A_REGION]) {
		state->map.filter = true;
		state->map.region = nla_get_u32(attrs[PTSCOPE_A_REGION]);
	}
	return 0;
}

static int map_start(struct netlink_callback *cb)
{
	return dump_start(cb, true, map_prepare);
}

static int map_next(struct dump_state *state)
{
	int ret;

	do {
		ret = ptscope_walk_next(&state->map.walk, &state->map.run);
	} while (!ret && state->map.filter && state->map.run.region != state->map.region);
	state->map.run_frames = ptscope_walk_frames(&state->map.walk);
	/* With frame info, one more item after the last run: the tables count. */
	state->map.tables = ret == 1 && state->map.walk.frame_info && !state->map.tables_sent;
	if (state->map.tables) {
		state->map.tables_sent = true;
		return 0;
	}
	return ret;
}

static void map_pause(struct dump_state *state)
{
	ptscope_walk_pause(&state->map.walk);
}

static unsigned int map_mm_changes(const struct dump_state *state)
{
	return state->map.walk.mm_changes;
}

static int map_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = PTSCOPE_CMD_MAP_GET,
		.next = map_next,
		.put = map_put,
		.pause = map_pause,
		.mm_changes = map_mm_changes,
	};

	return dump_items(skb, cb, &ops);
}

/* REGIONS_GET */

static u32 vma_perms(vm_flags_t flags)
{
	return (flags & VM_READ ? PTSCOPE_PERM_READ : 0) |
	       (flags & VM_WRITE ? PTSCOPE_PERM_WRITE : 0) |
	       (flags & VM_EXEC ? PTSCOPE_PERM_EXEC : 0) |
	       (flags & VM_MAYSHARE ? PTSCOPE_PERM_SHARED : 0);
}

static int put_vma(struct sk_buff *skb, const struct ptscope_vma *vma, char *buf)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_VMA);
	char *path;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_VMA_A_START, vma->start, PTSCOPE_VMA_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_END, vma->end, PTSCOPE_VMA_A_PAD) ||
	    nla_put_u32(skb, PTSCOPE_VMA_A_PERMS, vma_perms(vma->flags)) ||
	    nla_put_u32(skb, PTSCOPE_VMA_A_REGION, vma->region) ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_RESIDENT, vma->resident, PTSCOPE_VMA_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_SWAP, vma->swap, PTSCOPE_VMA_A_PAD))
		goto cancel;
	if (vma->file) {
		path = file_path(vma->file, buf, PATH_MAX);
		if (IS_ERR(path))
			path = "?";
		if (nla_put_u64_64bit(skb, PTSCOPE_VMA_A_OFFSET,
				      (u64)vma->pgoff << PAGE_SHIFT, PTSCOPE_VMA_A_PAD) ||
		    nla_put_string(skb, PTSCOPE_VMA_A_PATH, path))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int regions_prepare(struct dump_state *state, struct nlattr **attrs,
			   struct netlink_ext_ack *extack)
{
	ptscope_walk_init(&state->regions.walk, state->target.mm, 0, TASK_SIZE_MAX, NULL);
	state->regions.path = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	ptscope_stats_request_bytes(sizeof(*state) + PATH_MAX);
	return state->regions.path ? 0 : -ENOMEM;
}

/*
 * The message one VMA may need on its own: pid, comm, and the VMA with a
 * path of PATH_MAX.  Dump messages are NLMSG_GOODSIZE (3.7 KiB) until the
 * reader shows a larger buffer, and a path may be 4,095 bytes: without
 * room for it the dump failed with EMSGSIZE.  The room is asked for rather
 * than the path cut, so that every path is whole, as in /proc/PID/maps.
 */
static size_t regions_msg_size(void)
{
	size_t vma = 5 * nla_total_size_64bit(sizeof(u64)) + 2 * nla_total_size(sizeof(u32)) +
		     nla_total_size(PATH_MAX);

	return nlmsg_total_size(genlmsg_msg_size(nla_total_size(sizeof(u32)) +
						 nla_total_size(TASK_COMM_LEN) +
						 nla_total_size(vma)));
}

static int regions_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = regions_msg_size();
	return dump_start(cb, true, regions_prepare);
}

static int regions_next(struct dump_state *state)
{
	/* The VMA before this one is in a message now: its file may go. */
	ptscope_vma_release(&state->regions.vma);
	return ptscope_vma_next(&state->regions.walk, &state->regions.vma);
}

static int regions_put(struct sk_buff *skb, struct dump_state *state)
{
	return put_vma(skb, &state->regions.vma, state->regions.path);
}

static unsigned int regions_mm_changes(const struct dump_state *state)
{
	return state->regions.walk.mm_changes;
}

static int regions_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = PTSCOPE_CMD_REGIONS_GET,
		.next = regions_next,
		.put = regions_put,
		.mm_changes = regions_mm_changes,
	};

	return dump_items(skb, cb, &ops);
}

static int regions_done(struct netlink_callback *cb)
{
	struct dump_state *state = dump_state(cb);

	if (state) {
		ptscope_vma_release(&state->regions.vma);
		kfree(state->regions.path);
	}
	return dump_done(cb);
}

static int map_done(struct netlink_callback *cb)
{
	struct dump_state *state = dump_state(cb);

	if (state)
		ptscope_walk_pause(&state->map.walk);
	return dump_done(cb);
}

/* KERNEL_GET */

static int put_kernel_entry(struct sk_buff *skb, const struct ptscope_kernel_entry *e)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_KERNEL);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_KERNEL_A_INDEX, e->index) ||
	    nla_put_u64_64bit(skb, PTSCOPE_KERNEL_A_START, e->start, PTSCOPE_KERNEL_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_KERNEL_A_END, e->end, PTSCOPE_KERNEL_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_KERNEL_A_ENTRY, e->entry, PTSCOPE_KERNEL_A_PAD) ||
	    nla_put_string(skb, PTSCOPE_KERNEL_A_AREAS, e->areas)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The kernel half shows where KASLR put the kernel's areas and where its
 * page tables are: under lockdown (confidentiality), refuse it as
 * /proc/kcore is refused.
 */
static int kernel_prepare(struct dump_state *state, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	int ret = security_locked_down(LOCKDOWN_KCORE);

	if (ret)
		NL_SET_ERR_MSG(extack,
			       "kernel is locked down (confidentiality): its page tables are not shown");
	return ret;
}

static int kernel_start(struct netlink_callback *cb)
{
	return dump_start(cb, false, kernel_prepare);
}

static int kernel_next(struct dump_state *state)
{
	return ptscope_kernel_next(state->target.mm, &state->kernel.index,
				   &state->kernel.entry);
}

static int kernel_put(struct sk_buff *skb, struct dump_state *state)
{
	return put_kernel_entry(skb, &state->kernel.entry);
}

static int kernel_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = PTSCOPE_CMD_KERNEL_GET,
		.next = kernel_next,
		.put = kernel_put,
	};

	return dump_items(skb, cb, &ops);
}

/* TRANSLATE */

static int put_translation(struct sk_buff *skb, unsigned long addr,
			   const struct ptscope_translation *t)
{
	const struct ptscope_run *leaf = &t->leaf;
	unsigned long off = addr - leaf->va;
	struct nlattr *nest;
	unsigned int i;

	if (nla_put_u64_64bit(skb, PTSCOPE_A_ADDR, addr, PTSCOPE_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < t->nr_levels; i++) {
		nest = nla_nest_start(skb, PTSCOPE_A_LEVEL);
		if (!nest ||
		    nla_put_u32(skb, PTSCOPE_LEVEL_A_LEVEL, t->levels[i].level) ||
		    nla_put_u32(skb, PTSCOPE_LEVEL_A_INDEX, t->levels[i].index) ||
		    nla_put_u64_64bit(skb, PTSCOPE_LEVEL_A_ENTRY, t->levels[i].entry,
				      PTSCOPE_LEVEL_A_PAD) ||
		    nla_put_u64_64bit(skb, PTSCOPE_LEVEL_A_TABLE, t->levels[i].table,
				      PTSCOPE_LEVEL_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	if (t->in_vma && nla_put_u32(skb, PTSCOPE_A_REGION, leaf->region))
		return -EMSGSIZE;
	if (t->reason)
		return nla_put_string(skb, PTSCOPE_A_REASON, t->reason) ?:
		       nla_put_u32(skb, PTSCOPE_A_STOP_LEVEL, t->stop_level);

	if (nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_SIZE, leaf->size, PTSCOPE_A_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_FLAGS, leaf->flags) ||
	    nla_put_u32(skb, PTSCOPE_A_STATE, leaf->state) ||
	    nla_put(skb, PTSCOPE_A_RUN, sizeof(*leaf), leaf))
		return -EMSGSIZE;
	if (ptscope_state_has_frame(leaf->state))
		return nla_put_u64_64bit(skb, PTSCOPE_A_PA, leaf->pa + off, PTSCOPE_A_PAD);
	if (leaf->state == PTSCOPE_STATE_SWAP)
		return nla_put_u32(skb, PTSCOPE_A_SWAP_TYPE, leaf->swap_type) ?:
		       nla_put_u64_64bit(skb, PTSCOPE_A_SWAP_OFFSET,
					 leaf->swap_offset + (off >> PAGE_SHIFT), PTSCOPE_A_PAD);
	return 0;
}

static int translate_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *addr_attr = info->attrs[PTSCOPE_A_ADDR];
	struct ptscope_translation *t;
	struct ptscope_target target;
	struct sk_buff *msg;
	unsigned long addr;
	void *hdr;
	int ret;

	ret = get_target(skb, info->attrs, true, info->extack, &target);
	if (ret)
		return ret;
	t = NULL;
	msg = NULL;
	if (GENL_REQ_ATTR_CHECK(info, PTSCOPE_A_ADDR)) {
		NL_SET_ERR_MSG(info->extack, "PTSCOPE_A_ADDR is required");
		ret = -EINVAL;
		goto err;
	}
	addr = nla_get_u64(addr_attr);
	ret = check_user_addr(addr, addr_attr, info->extack);
	if (ret)
		goto err;

	ret = -ENOMEM;
	t = kmalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	ptscope_stats_request_bytes(sizeof(*t) + NLMSG_GOODSIZE);
	if (!t || !msg)
		goto err;
	ret = ptscope_translate(target.mm, addr, t);
	if (ret) {
		target_error(info->extack, info->attrs[PTSCOPE_A_PID], ret);
		goto err;
	}
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, PTSCOPE_CMD_TRANSLATE);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, PTSCOPE_A_PID, target.tgid) ||
	    nla_put_string(msg, PTSCOPE_A_COMM, target.comm) ||
	    put_translation(msg, addr, t))
		goto err;
	genlmsg_end(msg, hdr);
	kfree(t);
	ptscope_target_put(&target);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	kfree(t);
	ptscope_target_put(&target);
	return ret;
}

/*
 * WATCH: a stream per watch, unicast to the socket that asked, from the
 * watch's work item (see watch.c).  Not a multicast group: a group sends
 * every watch's events to every listener, which would then filter them, and
 * outlives its listeners, so nothing would end a watch when its reader went
 * away.  Not a dump that blocks: a dump holds a reference on the module for
 * as long as it runs (rmmod would fail while anyone watched) and the
 * socket's dump mutex with it.  A unicast stream needs neither: the watch
 * belongs to the socket's port, ends when the socket closes
 * (NETLINK_URELEASE) or its target exits, and at rmmod it is stopped and
 * told so.  A full receive buffer costs events, which are counted
 * (PTSCOPE_A_DROPPED), never the module's memory.
 */
struct watch_sub {
	struct list_head node;		/* in watch_subs */
	struct ptscope_watch *watch;
	struct net *net;		/* referenced */
	u32 portid;
	u32 tgid;
	bool dead;			/* to be reaped: under watch_subs_lock */
};

static LIST_HEAD(watch_subs);
static DEFINE_SPINLOCK(watch_subs_lock);
static bool watch_closing;		/* the module is going: no new watches */

static void watch_reap(struct work_struct *work);
static DECLARE_WORK(watch_reap_work, watch_reap);

/* Too large for NLA_POLICY_RANGE(), whose bounds are s16; 6.1 takes no const. */
static struct netlink_range_validation watch_interval_range = {
	.min = 10,
	.max = 60000,
};

static const struct nla_policy watch_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_REGION] = NLA_POLICY_MAX(NLA_U32, __PTSCOPE_REGION_MAX - 1),
	[PTSCOPE_A_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32, &watch_interval_range),
};

static int put_run_attr(struct sk_buff *skb, int type, const struct ptscope_run *run)
{
	if (run->state == PTSCOPE_STATE_NONE)
		return 0;
	return nla_put(skb, type, sizeof(*run), run);
}

static int put_watch_event(struct sk_buff *skb, u32 tgid, const struct ptscope_watch_event *ev)
{
	const struct ptscope_run *run = &ev->before;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &ptscope_genl_family, 0, PTSCOPE_CMD_WATCH);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_A_PID, tgid) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_TIME, ev->time, PTSCOPE_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_DROPPED, ev->dropped, PTSCOPE_A_PAD))
		goto err;
	if (ev->end >= 0) {
		if (nla_put_u32(skb, PTSCOPE_A_WATCH_END, ev->end))
			goto err;
	} else if (nla_put_u64_64bit(skb, PTSCOPE_A_START, run->va, PTSCOPE_A_PAD) ||
		   nla_put_u64_64bit(skb, PTSCOPE_A_END, run->va + run->size, PTSCOPE_A_PAD) ||
		   nla_put_u32(skb, PTSCOPE_A_EVENT, ev->event) ||
		   nla_put_u32(skb, PTSCOPE_A_CAUSE, ev->cause) ||
		   put_run_attr(skb, PTSCOPE_A_BEFORE, &ev->before) ||
		   put_run_attr(skb, PTSCOPE_A_AFTER, &ev->after)) {
		goto err;
	}
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Send @ev to the watch's socket.  Never waits: a full receive buffer
 * refuses the message.  Return: 0, or a negative errno (-ECONNREFUSED: the
 * socket is gone).
 */
static int watch_send(struct watch_sub *sub, const struct ptscope_watch_event *ev)
{
	struct sk_buff *msg = genlmsg_new(2 * sizeof(struct ptscope_run) + 128, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	if (put_watch_event(msg, sub->tgid, ev)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_unicast(sub->net, msg, sub->portid);
}

static void watch_kill(struct watch_sub *sub)
{
	spin_lock_bh(&watch_subs_lock);
	sub->dead = true;
	spin_unlock_bh(&watch_subs_lock);
	schedule_work(&watch_reap_work);
}

/* From the watch's work item: pass its events on. */
static void watch_notify(void *owner)
{
	struct watch_sub *sub = owner;
	struct ptscope_watch_event ev;
	int ret;

	while (ptscope_watch_next(sub->watch, &ev)) {
		ret = watch_send(sub, &ev);
		if (ret == -ECONNREFUSED || ev.end >= 0) {
			watch_kill(sub);
			return;
		}
		if (ret)
			ptscope_watch_drop(sub->watch);
	}
}

static void watch_sub_free(struct watch_sub *sub)
{
	put_net(sub->net);
	kfree(sub);
}

/* Stop the watches whose socket closed or whose target exited. */
static void watch_reap(struct work_struct *work)
{
	struct watch_sub *sub, *tmp;
	LIST_HEAD(dead);

	spin_lock_bh(&watch_subs_lock);
	list_for_each_entry_safe(sub, tmp, &watch_subs, node)
		if (sub->dead)
			list_move(&sub->node, &dead);
	spin_unlock_bh(&watch_subs_lock);
	list_for_each_entry_safe(sub, tmp, &dead, node) {
		ptscope_watch_stop(sub->watch);
		watch_sub_free(sub);
	}
}

/* A netlink socket closed: its watches end. */
static int watch_netlink_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct watch_sub *sub;
	bool found = false;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	spin_lock_bh(&watch_subs_lock);
	list_for_each_entry(sub, &watch_subs, node) {
		if (sub->portid == n->portid && net_eq(sub->net, n->net)) {
			sub->dead = true;
			found = true;
		}
	}
	spin_unlock_bh(&watch_subs_lock);
	if (found)
		schedule_work(&watch_reap_work);
	return NOTIFY_DONE;
}

static struct notifier_block watch_netlink_nb = {
	.notifier_call = watch_netlink_event,
};

static int watch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	unsigned int interval = PTSCOPE_WATCH_INTERVAL_MS;
	struct ptscope_target target;
	char comm[TASK_COMM_LEN];
	unsigned long start, end;
	struct watch_sub *sub;
	struct sk_buff *msg;
	int region = -1, ret;
	u64 register_ns;
	void *hdr;

	if (!IS_ENABLED(CONFIG_MMU_NOTIFIER)) {
		NL_SET_ERR_MSG(info->extack,
			       "this kernel has no mmu notifiers (CONFIG_MMU_NOTIFIER)");
		return -EOPNOTSUPP;
	}
	ret = get_target(skb, attrs, true, info->extack, &target);
	if (ret)
		return ret;
	ret = get_range(attrs, info->extack, &start, &end);
	if (ret)
		goto err_target;
	if (attrs[PTSCOPE_A_REGION])
		region = nla_get_u32(attrs[PTSCOPE_A_REGION]);
	if (attrs[PTSCOPE_A_INTERVAL])
		interval = nla_get_u32(attrs[PTSCOPE_A_INTERVAL]);
	ret = -ENOMEM;
	sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!sub || !msg)
		goto err_free;
	sub->portid = info->snd_portid;
	sub->tgid = target.tgid;
	memcpy(comm, target.comm, sizeof(comm));
	sub->watch = ptscope_watch_start(&target, start, end, region, interval, watch_notify,
					 sub, &register_ns);
	if (IS_ERR(sub->watch)) {
		ret = PTR_ERR(sub->watch);
		target_error(info->extack, attrs[PTSCOPE_A_PID], ret);
		goto err_free;
	}
	sub->net = get_net(genl_info_net(info));

	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, PTSCOPE_CMD_WATCH);
	if (!hdr || nla_put_u32(msg, PTSCOPE_A_PID, sub->tgid) ||
	    nla_put_string(msg, PTSCOPE_A_COMM, comm) ||
	    nla_put_u64_64bit(msg, PTSCOPE_A_REGISTER_NS, register_ns, PTSCOPE_A_PAD))
		goto err_stop;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
	if (ret)
		goto err_stop;

	/* Events only after the reply: the reader learns the watch began first. */
	spin_lock_bh(&watch_subs_lock);
	if (watch_closing) {
		spin_unlock_bh(&watch_subs_lock);
		ret = -ESHUTDOWN;
		goto err_stop;
	}
	list_add(&sub->node, &watch_subs);
	ptscope_watch_run(sub->watch);
	spin_unlock_bh(&watch_subs_lock);
	return 0;

err_stop:
	ptscope_watch_stop(sub->watch);
	put_net(sub->net);
err_free:
	nlmsg_free(msg);
	kfree(sub);
err_target:
	ptscope_target_put(&target);
	return ret;
}

/* rmmod: every watch ends, and its reader is told why. */
static void watch_uninit(void)
{
	struct ptscope_watch_event ev = { .end = PTSCOPE_WATCH_END_UNLOADED };
	struct watch_sub *sub, *tmp;
	LIST_HEAD(all);

	netlink_unregister_notifier(&watch_netlink_nb);
	spin_lock_bh(&watch_subs_lock);
	watch_closing = true;
	list_splice_init(&watch_subs, &all);
	spin_unlock_bh(&watch_subs_lock);
	list_for_each_entry_safe(sub, tmp, &all, node) {
		ev.dropped = ptscope_watch_stop(sub->watch);
		ev.time = ktime_get_real_ns();
		if (!sub->dead)
			watch_send(sub, &ev);
		watch_sub_free(sub);
	}
	/* A reaper under way may still be stopping watches it took. */
	flush_work(&watch_reap_work);
}

static const struct genl_ops ptscope_genl_ops[] = {
	{
		.cmd = PTSCOPE_CMD_REGIONS_GET,
		.start = regions_start,
		.dumpit = regions_dumpit,
		.done = regions_done,
		.policy = regions_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_MAP_GET,
		.start = map_start,
		.dumpit = map_dumpit,
		.done = map_done,
		.policy = map_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_TRANSLATE,
		.doit = translate_doit,
		.policy = translate_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_KERNEL_GET,
		.start = kernel_start,
		.dumpit = kernel_dumpit,
		.done = dump_done,
		.policy = kernel_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_WATCH,
		.doit = watch_doit,
		.policy = watch_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
};

static struct genl_family ptscope_genl_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION,
	.maxattr = PTSCOPE_A_MAX,
	.ops = ptscope_genl_ops,
	.n_ops = ARRAY_SIZE(ptscope_genl_ops),
	.module = THIS_MODULE,
	/* Queries only read their target: no need for genl_mutex. */
	.parallel_ops = true,
	.netnsok = true,
};

int __init ptscope_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&watch_netlink_nb);
	if (ret)
		return ret;
	ret = genl_register_family(&ptscope_genl_family);
	if (ret)
		netlink_unregister_notifier(&watch_netlink_nb);
	return ret;
}

void ptscope_genl_uninit(void)
{
	/* First: a watch's last message still goes out under the family's id. */
	watch_uninit();
	genl_unregister_family(&ptscope_genl_family);
}

/* Lets the first query of the family autoload the module. */
MODULE_ALIAS_GENL_FAMILY(PTSCOPE_GENL_NAME);
