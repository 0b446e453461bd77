// SPDX-License-Identifier: GPL-2.0
/*
 * Which process to look at: pid -> task -> mm, with the mm pinned, and
 * whether the caller may read it.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>

#include "ptscope.h"

/*
 * CAP_SYS_PTRACE over @ns, for whoever opened @file (a debugfs view) or,
 * without a file, for the current task (the sender of a netlink request,
 * whose handlers run inside its sendmsg()).
 */
static bool ptrace_capable(const struct file *file, struct user_namespace *ns)
{
	return file ? file_ns_capable(file, ns, CAP_SYS_PTRACE) : ns_capable(ns, CAP_SYS_PTRACE);
}

/*
 * May the caller read @task's memory map, as /proc/PID/pagemap decides it:
 * mm_access() with PTRACE_MODE_READ_FSCREDS, i.e. __ptrace_may_access() and
 * the capability LSM's cap_ptrace_access_check().  Neither they nor
 * security_ptrace_access_check() are exported, so this is their rules
 * written again with the caller's filesystem credentials (@file's opener,
 * or the current task's): the other LSMs' ptrace hooks (SELinux, AppArmor,
 * Smack, Landlock) cannot be asked.  Yama's hook restricts attaching only,
 * never PTRACE_MODE_READ.
 *
 * Called with @task's exec_update_lock held, so that @mm (its mm) and its
 * credentials belong to the same program.  Return: true if allowed.
 */
static bool may_read_task(struct task_struct *task, struct mm_struct *mm,
			  const struct file *file, struct netlink_ext_ack *extack)
{
	const struct cred *cred = file ? file->f_cred : current_cred();
	const struct cred *tcred;
	bool allowed = false;

	/* Introspection is never refused, as in mm_access(). */
	if (same_thread_group(task, current) || mm == current->mm)
		return true;

	rcu_read_lock();
	tcred = __task_cred(task);
	if (!(uid_eq(cred->fsuid, tcred->euid) && uid_eq(cred->fsuid, tcred->suid) &&
	      uid_eq(cred->fsuid, tcred->uid) && gid_eq(cred->fsgid, tcred->egid) &&
	      gid_eq(cred->fsgid, tcred->sgid) && gid_eq(cred->fsgid, tcred->gid)) &&
	    !ptrace_capable(file, tcred->user_ns)) {
		NL_SET_ERR_MSG(extack,
			       "target runs as another user, and the caller lacks CAP_SYS_PTRACE over its user namespace");
		goto out;
	}
	/*
	 * Dumpability after the credentials: a task that drops privileges
	 * becomes non-dumpable before its new credentials are visible
	 * (commit_creds()), as __ptrace_may_access() relies on.
	 */
	smp_rmb();
	if (get_dumpable(mm) != SUID_DUMP_USER && !ptrace_capable(file, mm->user_ns)) {
		NL_SET_ERR_MSG(extack,
			       "target is not dumpable, and the caller lacks CAP_SYS_PTRACE over its user namespace");
		goto out;
	}
	/* cap_ptrace_access_check(): with FSCREDS, against effective caps. */
	if (!(cred->user_ns == tcred->user_ns &&
	      cap_issubset(tcred->cap_permitted, cred->cap_effective)) &&
	    !ptrace_capable(file, tcred->user_ns)) {
		NL_SET_ERR_MSG(extack,
			       "target has capabilities the caller lacks, and the caller lacks CAP_SYS_PTRACE over its user namespace");
		goto out;
	}
	allowed = true;
out:
	rcu_read_unlock();
	return allowed;
}

/**
 * ptscope_target_get() - pin the address space of a process the caller may read
 * @pid: the process (any of its threads)
 * @file: a debugfs file whose opener is the caller, or NULL when the caller
 *	is the current task (a netlink request)
 * @extack: where to say why access is refused, or NULL
 * @target: filled in on success; release with ptscope_target_put()
 *
 * The caller needs what /proc/PID/pagemap asks of its opener: ptrace read
 * access to the process (see may_read_task() for what a module can check).
 *
 * The mm is pinned with mmgrab(): the mm_struct and its page-table root stay
 * allocated, but the process may still exit, so every walk takes
 * mmget_not_zero() for the time it reads the page tables.
 *
 * Return: 0; -ESRCH when no such process exists; -EOPNOTSUPP for a kernel
 * thread, which has no user address space; -ENODATA when the process has
 * exited and its address space is gone (a zombie); -EACCES when the caller
 * may not read it, as pagemap answers; -EINTR on a fatal signal.
 */
int ptscope_target_get(struct pid *pid, const struct file *file,
		       struct netlink_ext_ack *extack, struct ptscope_target *target)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return -ESRCH;

	if (task->flags & PF_KTHREAD) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	/* As mm_access(): an exec cannot swap mm and credentials meanwhile. */
	ret = down_read_killable(&task->signal->exec_update_lock);
	if (ret)
		goto out;
	mm = get_task_mm(task);
	if (!mm) {
		ret = -ENODATA;
		goto unlock;
	}
	if (!may_read_task(task, mm, file, extack)) {
		mmput(mm);
		ret = -EACCES;
		goto unlock;
	}
	mmgrab(mm);
	mmput(mm);

	target->mm = mm;
	target->tgid = task_tgid_vnr(task);
	get_task_comm(target->comm, task);
unlock:
	up_read(&task->signal->exec_update_lock);
out:
	put_task_struct(task);
	return ret;
}

void ptscope_target_put(struct ptscope_target *target)
{
	if (target->mm)
		mmdrop(target->mm);
	target->mm = NULL;
}
