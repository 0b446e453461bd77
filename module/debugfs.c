// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only debugfs views under /sys/kernel/debug/ptscope:
 *
 *   target    the process the views show; write a pid (in your pid namespace)
 *   regions   one line per VMA: range, perms, region, resident pages, file
 *   map       one line per run of contiguous VA->PA mappings
 *   layout    one line per region, top of the address space first
 *   stats     longest mmap_lock hold, largest request; write to reset
 *
 * Physical addresses are for CAP_SYS_ADMIN in the initial user namespace
 * only, checked at open (file mode alone would let a root-owned file
 * descriptor passed to someone else be read).  As for /proc/PID/pagemap,
 * the opener also needs ptrace read access to the target, decided with the
 * opener's credentials (file->f_cred, as PTRACE_MODE_FSCREDS means) when
 * the target is chosen and whenever a view pins it.
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/ptscope.h>
#include <ptscope_names.h>

#include "ptscope.h"

static struct dentry *ptscope_debugfs_dir;

static DEFINE_MUTEX(target_lock);
static struct pid *target_pid;	/* protected by target_lock */

static bool may_see_physical(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/* Pin the target's mm for a view being opened (or read) through @file. */
static int view_target_get(const struct file *file, struct ptscope_target *target)
{
	struct pid *pid;
	int ret;

	mutex_lock(&target_lock);
	pid = get_pid(target_pid);
	mutex_unlock(&target_lock);
	if (!pid)
		return -ENOENT;	/* nothing written to "target" yet */
	ret = ptscope_target_get(pid, file, NULL, target);
	put_pid(pid);
	return ret;
}

static ssize_t target_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct ptscope_target target;
	struct pid *pid, *old;
	int nr, ret;

	if (!may_see_physical(file))
		return -EPERM;
	ret = kstrtoint_from_user(ubuf, count, 10, &nr);
	if (ret)
		return ret;
	if (nr <= 0)
		return -EINVAL;
	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	/*
	 * Refuse kernel threads, exited processes and targets the writer may
	 * not read now, not only at every open.
	 */
	ret = ptscope_target_get(pid, file, NULL, &target);
	if (ret) {
		put_pid(pid);
		return ret;
	}
	ptscope_target_put(&target);

	mutex_lock(&target_lock);
	old = target_pid;
	target_pid = pid;
	mutex_unlock(&target_lock);
	put_pid(old);
	return count;
}

static int target_show(struct seq_file *m, void *v)
{
	struct ptscope_target target;
	int ret = view_target_get(m->file, &target);

	if (ret == -ENOENT) {
		seq_puts(m, "none\n");
		return 0;
	}
	if (ret)
		return ret;
	seq_printf(m, "%d %s\n", target.tgid, target.comm);
	ptscope_target_put(&target);
	return 0;
}

static int target_open(struct inode *inode, struct file *file)
{
	if (!may_see_physical(file))
		return -EPERM;
	return single_open(file, target_show, NULL);
}

static const struct file_operations target_fops = {
	.owner = THIS_MODULE,
	.open = target_open,
	.read = seq_read,
	.write = target_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * map and regions: the walk's records streamed through seq_file.  A record
 * is kept until the next one is made, because seq_file asks again for the
 * record at the same position when it did not fit in its buffer.  ->stop()
 * pauses the walk, so mmap_lock is never held while seq_file copies to
 * userspace.
 */
struct view {
	struct ptscope_target target;
	struct ptscope_walk walk;
	u64 frames[PTSCOPE_WALK_FRAMES];	/* map */
	const u64 *run_frames;		/* map: the run is a frames record */
	union {
		struct ptscope_run run;
		struct ptscope_vma vma;
	};
	loff_t pos;			/* position of the record above; 0: none */
	bool eof;
	int err;
	int (*advance)(struct view *view);
};

static int advance_map(struct view *view)
{
	int ret = ptscope_walk_next(&view->walk, &view->run);

	view->run_frames = ret ? NULL : ptscope_walk_frames(&view->walk);
	/*
	 * A frames record prints as up to PTSCOPE_WALK_FRAMES lines: format
	 * them without holding the target's mmap_lock (~2 ms under TCG).
	 */
	if (view->run_frames)
		ptscope_walk_pause(&view->walk);
	return ret;
}

static int advance_regions(struct view *view)
{
	ptscope_vma_release(&view->vma);
	return ptscope_vma_next(&view->walk, &view->vma);
}

static void view_rewind(struct view *view)
{
	ptscope_walk_pause(&view->walk);
	ptscope_walk_init(&view->walk, view->target.mm, 0, TASK_SIZE_MAX, view->frames);
	if (view->advance == advance_regions)
		ptscope_vma_release(&view->vma);
	view->pos = 0;
	view->eof = false;
}

/* Make the record at @pos (the header is position 0). */
static void *view_seek(struct view *view, loff_t pos)
{
	int ret;

	if (view->err)
		return ERR_PTR(view->err);
	if (pos == 0)
		return SEQ_START_TOKEN;
	if (pos < view->pos)
		view_rewind(view);
	while (view->pos < pos) {
		if (view->eof)
			return NULL;
		ret = view->advance(view);
		if (ret) {
			view->eof = true;
			if (ret < 0) {
				view->err = ret;
				return ERR_PTR(ret);
			}
			return NULL;
		}
		view->pos++;
	}
	return &view->run;
}

static void *view_start(struct seq_file *m, loff_t *pos)
{
	return view_seek(m->private, *pos);
}

static void *view_next(struct seq_file *m, void *v, loff_t *pos)
{
	return view_seek(m->private, ++*pos);
}

static void view_stop(struct seq_file *m, void *v)
{
	struct view *view = m->private;

	ptscope_walk_pause(&view->walk);
}

static void print_flags(struct seq_file *m, u32 flags)
{
	static const char * const names[] = PTSCOPE_FLAG_NAMES;
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (flags & (1U << i)) {
			seq_printf(m, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
	if (!*sep)
		seq_putc(m, '-');
}

static const char *page_size_name(unsigned int shift)
{
	switch (shift) {
	case PAGE_SHIFT:
		return "4K";
	case PMD_SHIFT:
		return "2M";
	case PUD_SHIFT:
		return "1G";
	default:
		return "?";
	}
}

static void print_run(struct seq_file *m, const struct ptscope_run *run)
{
	static const char * const states[] = PTSCOPE_STATE_NAMES;

	seq_printf(m, "%016llx %016llx ", run->va, run->va + run->size);
	if (ptscope_state_has_frame(run->state))
		seq_printf(m, "%016llx ", run->pa);
	else if (run->state == PTSCOPE_STATE_SWAP)
		seq_printf(m, "swap:%u:%-9llx ", run->swap_type, run->swap_offset);
	else
		seq_printf(m, "%-16s ", "-");
	seq_printf(m, "%-4s %6llu %-6s %-9s ", page_size_name(run->page_shift),
		   run->size >> run->page_shift, ptscope_region_name(run->region),
		   states[run->state]);
	print_flags(m, run->flags);
	seq_putc(m, '\n');
}

/* A run per line; a frames record is its physically contiguous pieces. */
static int map_show(struct seq_file *m, void *v)
{
	struct view *view = m->private;
	const struct ptscope_run *run = v;
	const u64 *frames = view->run_frames;
	struct ptscope_run piece;
	unsigned int i, len;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "va_start         va_end           pa               page  pages region state     flags\n");
		return 0;
	}
	if (!frames) {
		print_run(m, run);
		return 0;
	}
	piece = *run;
	for (i = 0; i < run->size >> PAGE_SHIFT; i += len) {
		len = ptscope_frames_piece(frames + i, (run->size >> PAGE_SHIFT) - i);
		piece.va = run->va + ((u64)i << PAGE_SHIFT);
		piece.pa = frames[i];
		piece.size = (u64)len << PAGE_SHIFT;
		print_run(m, &piece);
	}
	return 0;
}

static int regions_show(struct seq_file *m, void *v)
{
	struct ptscope_vma *vma = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "start            end              perm region resident offset   path\n");
		return 0;
	}
	seq_printf(m, "%016lx %016lx %c%c%c%c %-6s %8lu %08lx",
		   vma->start, vma->end,
		   vma->flags & VM_READ ? 'r' : '-',
		   vma->flags & VM_WRITE ? 'w' : '-',
		   vma->flags & VM_EXEC ? 'x' : '-',
		   vma->flags & VM_MAYSHARE ? 's' : 'p',
		   ptscope_region_name(vma->region), vma->resident,
		   vma->file ? vma->pgoff << PAGE_SHIFT : 0);
	if (vma->file) {
		seq_putc(m, ' ');
		seq_file_path(m, vma->file, "\n");
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations map_seq_ops = {
	.start = view_start,
	.next = view_next,
	.stop = view_stop,
	.show = map_show,
};

static const struct seq_operations regions_seq_ops = {
	.start = view_start,
	.next = view_next,
	.stop = view_stop,
	.show = regions_show,
};

static int view_open(struct file *file, const struct seq_operations *ops,
		     int (*advance)(struct view *view))
{
	struct view *view;
	int ret;

	if (!may_see_physical(file))
		return -EPERM;
	view = __seq_open_private(file, ops, sizeof(*view));
	if (!view)
		return -ENOMEM;
	ret = view_target_get(file, &view->target);
	if (ret) {
		seq_release_private(file->f_inode, file);
		return ret;
	}
	view->advance = advance;
	ptscope_walk_init(&view->walk, view->target.mm, 0, TASK_SIZE_MAX, view->frames);
	return 0;
}

static int view_release(struct inode *inode, struct file *file)
{
	struct view *view = ((struct seq_file *)file->private_data)->private;

	if (view->advance == advance_regions)
		ptscope_vma_release(&view->vma);
	ptscope_target_put(&view->target);
	return seq_release_private(inode, file);
}

static int map_open(struct inode *inode, struct file *file)
{
	return view_open(file, &map_seq_ops, advance_map);
}

static int regions_open(struct inode *inode, struct file *file)
{
	return view_open(file, &regions_seq_ops, advance_regions);
}

static const struct file_operations map_fops = {
	.owner = THIS_MODULE,
	.open = map_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = view_release,
};

static const struct file_operations regions_fops = {
	.owner = THIS_MODULE,
	.open = regions_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = view_release,
};

/* layout: the regions summed up, in the order of the address space. */
struct region_span {
	unsigned long start;
	unsigned long end;
	unsigned long mapped;		/* bytes in VMAs */
	unsigned long resident;		/* pages */
	unsigned int vmas;
};

static int layout_show(struct seq_file *m, void *v)
{
	struct region_span spans[__PTSCOPE_REGION_MAX] = {};
	struct ptscope_target target;
	struct ptscope_walk walk;
	struct ptscope_vma vma;
	unsigned long above;
	struct region_span *s;
	unsigned int i, top;
	int ret;

	ret = view_target_get(m->file, &target);
	if (ret)
		return ret;
	ptscope_walk_init(&walk, target.mm, 0, TASK_SIZE_MAX, NULL);
	while ((ret = ptscope_vma_next(&walk, &vma)) == 0) {
		s = &spans[vma.region];
		if (!s->vmas)
			s->start = vma.start;
		s->end = vma.end;
		s->mapped += vma.end - vma.start;
		s->resident += vma.resident;
		s->vmas++;
		ptscope_vma_release(&vma);
	}
	ptscope_target_put(&target);
	if (ret < 0)
		return ret;

	seq_printf(m, "%-6s %-16s %-16s %5s %12s %9s\n", "region", "start", "end",
		   "vmas", "mapped_kib", "resident");
	seq_printf(m, "%-6s %016lx %016lx %5s %12s %9s\n",
		   ptscope_region_name(PTSCOPE_REGION_KERNEL),
		   ~((1UL << __VIRTUAL_MASK_SHIFT) - 1), ULONG_MAX, "-", "-", "-");
	/* Highest region first, as the address space is usually drawn. */
	for (above = ULONG_MAX; ; above = spans[top].end) {
		top = __PTSCOPE_REGION_MAX;
		for (i = 0; i < __PTSCOPE_REGION_MAX; i++) {
			if (spans[i].vmas && spans[i].end < above &&
			    (top == __PTSCOPE_REGION_MAX || spans[i].end > spans[top].end))
				top = i;
		}
		if (top == __PTSCOPE_REGION_MAX)
			break;
		s = &spans[top];
		seq_printf(m, "%-6s %016lx %016lx %5u %12lu %9lu\n",
			   ptscope_region_name(top), s->start, s->end, s->vmas,
			   s->mapped >> 10, s->resident);
	}
	return 0;
}

static int layout_open(struct inode *inode, struct file *file)
{
	if (!may_see_physical(file))
		return -EPERM;
	return single_open(file, layout_show, NULL);
}

static const struct file_operations layout_fops = {
	.owner = THIS_MODULE,
	.open = layout_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int stats_open(struct inode *inode, struct file *file)
{
	if (!may_see_physical(file))
		return -EPERM;
	return single_open(file, ptscope_stats_show, NULL);
}

static ssize_t stats_write(struct file *file, const char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	if (!may_see_physical(file))
		return -EPERM;
	ptscope_stats_reset();
	return count;
}

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.open = stats_open,
	.read = seq_read,
	.write = stats_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * debugfs is a debugging aid: as everywhere in the kernel, a failure to
 * create it is not an error, and netlink stays the primary interface.
 */
void ptscope_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("ptscope", NULL);

	ptscope_debugfs_dir = dir;
	debugfs_create_file("target", 0600, dir, NULL, &target_fops);
	debugfs_create_file("regions", 0400, dir, NULL, &regions_fops);
	debugfs_create_file("map", 0400, dir, NULL, &map_fops);
	debugfs_create_file("layout", 0400, dir, NULL, &layout_fops);
	debugfs_create_file("stats", 0600, dir, NULL, &stats_fops);
}

void ptscope_debugfs_uninit(void)
{
	debugfs_remove(ptscope_debugfs_dir);
	put_pid(target_pid);
	target_pid = NULL;
}
