// SPDX-License-Identifier: GPL-2.0
/* Which process to look at: pid -> task -> mm, with the mm pinned. */

#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "ptscope.h"

/**
 * ptscope_target_get() - pin the address space of a process
 * @pid: the process (any of its threads)
 * @target: filled in on success; release with ptscope_target_put()
 *
 * The mm is pinned with mmgrab(): the mm_struct and its page-table root stay
 * allocated, but the process may still exit, so every walk takes
 * mmget_not_zero() for the time it reads the page tables.
 *
 * Return: 0; -ESRCH when no such process exists; -EOPNOTSUPP for a kernel
 * thread, which has no user address space; -ENODATA when the process has
 * exited and its address space is gone (a zombie).
 */
int ptscope_target_get(struct pid *pid, struct ptscope_target *target)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int ret = 0;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return -ESRCH;

	if (task->flags & PF_KTHREAD) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	mm = get_task_mm(task);
	if (!mm) {
		ret = -ENODATA;
		goto out;
	}
	mmgrab(mm);
	mmput(mm);

	target->mm = mm;
	target->tgid = task_tgid_vnr(task);
	get_task_comm(target->comm, task);
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
