// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs views under /sys/kernel/debug/ptscope:
 *
 *   target    the process the views show unless told otherwise: write a pid
 *             (in your pid namespace), or "none"; reads "PID COMM",
 *             "PID (exited)" or "none"
 *   regions   one line per VMA: range, perms, region, resident and swapped
 *             pages, file
 *   map       one line per run of contiguous VA->PA mappings
 *   layout    one line per region, top of the address space first
 *   watch     the mapping changes of one or more processes, as they come
 *   stats     longest mmap_lock hold, largest request; write to reset
 *
 * Each open file of regions, map or layout shows one process: a pid written
 * to that file (opened read-write), else the one in "target" when the file
 * is first read.  So two shells, or two programs, each see their own process
 * whatever the other chooses:
 *
 *	exec 3<>/sys/kernel/debug/ptscope/map; echo 1234 >&3; cat <&3
 *
 * Writing a pid rewinds the file: the next read starts that process's view
 * from its first line.  Writing "none" makes the file follow "target" again.
 *
 * When there is no process to show, because none was chosen or it exited,
 * a view reads as one line saying so, and the read after that line fails
 * with ESRCH: cat prints the reason and exits non-zero, and a script sees
 * the error.  Other errors (EACCES, EINTR) fail the read with no line.
 *
 * Physical addresses are for CAP_SYS_ADMIN in the initial user namespace
 * only, checked at open (file mode alone would let a root-owned file
 * descriptor passed to someone else be read).  As for /proc/PID/pagemap,
 * the opener also needs ptrace read access to the target, decided with the
 * opener's credentials (file->f_cred, as PTRACE_MODE_FSCREDS means) when a
 * pid is written and when a view pins its process.
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <uapi/linux/ptscope.h>
#include <ptscope_names.h>

#include "arch.h"
#include "ptscope.h"

static struct dentry *ptscope_debugfs_dir;

static DEFINE_MUTEX(target_lock);
static struct pid *target_pid;	/* protected by target_lock */

static bool may_see_physical(struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

static struct pid *global_target(void)
{
	struct pid *pid;

	mutex_lock(&target_lock);
	pid = get_pid(target_pid);
	mutex_unlock(&target_lock);
	return pid;
}

/*
 * A pid written to a file: a positive number in the writer's pid namespace,
 * or "none".  Return: the pid, referenced; NULL for "none"; or ERR_PTR()
 * of -EINVAL (not a pid) or -ESRCH (no such process).
 */
static struct pid *pid_from_user(const char __user *ubuf, size_t count)
{
	struct pid *pid;
	char buf[16];
	int nr;

	if (count >= sizeof(buf))
		return ERR_PTR(-EINVAL);
	if (copy_from_user(buf, ubuf, count))
		return ERR_PTR(-EFAULT);
	buf[count] = '\0';
	if (sysfs_streq(buf, "none"))
		return NULL;
	if (kstrtoint(buf, 10, &nr) || nr <= 0)
		return ERR_PTR(-EINVAL);
	pid = find_get_pid(nr);
	return pid ?: ERR_PTR(-ESRCH);
}

/*
 * The process whose pid is written to an open view, taken with the
 * opener's credentials.  Return: 0, with @target->mm NULL for "none"; or
 * -errno.
 */
static int target_from_user(struct file *file, const char __user *ubuf, size_t count,
			    struct ptscope_target *target)
{
	struct pid *pid = pid_from_user(ubuf, count);
	int ret;

	if (IS_ERR_OR_NULL(pid))
		return PTR_ERR_OR_ZERO(pid);
	ret = ptscope_target_get(pid, file, NULL, target);
	put_pid(pid);
	return ret;
}

static ssize_t target_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct ptscope_target target;
	struct pid *pid, *old;
	int ret;

	pid = pid_from_user(ubuf, count);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	/*
	 * Refuse kernel threads, exited processes and targets the writer may
	 * not read now, not only when a view pins them.
	 */
	if (pid) {
		ret = ptscope_target_get(pid, file, NULL, &target);
		if (ret) {
			put_pid(pid);
			return ret;
		}
		ptscope_target_put(&target);
	}

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
	struct pid *pid = global_target();
	int ret;

	if (!pid) {
		seq_puts(m, "none\n");
		return 0;
	}
	ret = ptscope_target_get(pid, m->file, NULL, &target);
	if (!ret) {
		seq_printf(m, "%d %s\n", target.tgid, target.comm);
		ptscope_target_put(&target);
	} else if (ret == -ESRCH || ret == -ENODATA) {
		/* Reaped or a zombie: the pid still knows its number. */
		seq_printf(m, "%d (exited)\n", pid_vnr(pid));
		ret = 0;
	}
	put_pid(pid);
	return ret;
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
 * regions, map and layout: records made by a walk and streamed through
 * seq_file, after a header (position 0).  The record at the view's position
 * is kept until the next one is made, because seq_file asks again for the
 * record at the same position when it did not fit in its buffer.  ->stop()
 * pauses the walk, so mmap_lock is never held while seq_file copies to
 * userspace.  seq_file calls ->start() to ->stop() under m->lock, which a
 * write of a pid takes too.
 */
struct view;

struct view_kind {
	const char *header;
	bool frame_info;			/* the walk reads frame info */
	int (*advance)(struct view *view);	/* make the next record */
	void (*show)(struct seq_file *m, struct view *view);
};

/* Why a view has no process to show: the line it reads as instead. */
enum view_note {
	VIEW_NOTE_NONE,
	VIEW_NOTE_NO_TARGET,
	VIEW_NOTE_EXITED,
};

/*
 * map and frames: the end of a line, from its page size on, and the run
 * it was made of (all but the addresses, which every line has its own).
 */
struct map_tail {
	unsigned int len;		/* 0: nothing made yet */
	u64 pages;
	struct ptscope_run run;
	/* "%-4s %6llu %-6s %-9s ", the frame info and the flags: under 256 */
	char text[320];
};

/* layout: a region's VMAs summed up. */
struct region_span {
	unsigned long start;
	unsigned long end;
	unsigned long mapped;		/* bytes in VMAs */
	unsigned long resident;		/* pages */
	unsigned long swap;		/* pages */
	unsigned int vmas;
};

struct view {
	const struct view_kind *kind;
	struct ptscope_target target;	/* mm NULL until pinned */
	struct ptscope_walk walk;
	loff_t pos;			/* of the record below, or of the note */
	bool eof;
	int err;			/* once set, the view reads no further */
	enum view_note note;		/* shown at pos, before err */
	pid_t note_pid;			/* the process that exited */

	/* map */
	u64 frames[PTSCOPE_WALK_FRAMES];
	struct ptscope_run run;		/* from the walk */
	const u64 *run_frames;		/* the run is a frames record */
	unsigned int piece_end;		/* of the line in the frames record */
	struct ptscope_run line;	/* the run or a piece of it */
	struct map_tail tail;

	/* regions */
	struct ptscope_vma vma;

	/* layout */
	struct region_span spans[__PTSCOPE_REGION_MAX];
	bool summed;			/* spans are the whole address space */
	unsigned int region;		/* the span to show */
};

#define VIEW_NOTE_TOKEN ((void *)2)

/* Walk again from the start: a read from offset 0, or a new pid. */
static void view_rewind(struct view *view)
{
	ptscope_walk_pause(&view->walk);
	if (view->target.mm)
		ptscope_walk_init(&view->walk, view->target.mm, 0, TASK_SIZE_MAX,
				  view->frames);
	view->walk.frame_info = view->kind->frame_info;
	ptscope_vma_release(&view->vma);
	view->run_frames = NULL;
	view->summed = false;
	view->pos = 0;
	view->eof = false;
	view->err = 0;
	view->note = VIEW_NOTE_NONE;
}

/*
 * Pin the process in "target" for @file, which was given no pid of its
 * own.  Return: 0, or -ESRCH with the reason in @note (and the process
 * that exited in @note_pid), or another errno.
 */
static int pin_global_target(const struct file *file, struct ptscope_target *target,
			     enum view_note *note, pid_t *note_pid)
{
	struct pid *pid = global_target();
	int ret;

	if (!pid) {
		*note = VIEW_NOTE_NO_TARGET;
		return -ESRCH;
	}
	ret = ptscope_target_get(pid, file, NULL, target);
	if (ret == -ESRCH || ret == -ENODATA) {
		*note = VIEW_NOTE_EXITED;
		*note_pid = pid_vnr(pid);
		ret = -ESRCH;
	}
	put_pid(pid);
	return ret;
}

/* No pid was written to the view's file: pin the one in "target". */
static int view_pin(struct view *view, const struct file *file)
{
	int ret = pin_global_target(file, &view->target, &view->note, &view->note_pid);

	if (!ret)
		view_rewind(view);
	return ret;
}

/* The record at @pos: the header, a record, the note, NULL at the end. */
static void *view_seek(struct seq_file *m, loff_t pos)
{
	struct view *view = m->private;
	int ret;

	if (pos < view->pos || (!pos && view->err))
		view_rewind(view);
	if (!view->target.mm && !view->err)
		view->err = view_pin(view, m->file);
	while (!view->err && view->pos < pos) {
		if (view->eof)
			return NULL;
		ret = view->kind->advance(view);
		if (ret > 0) {
			view->eof = true;
			return NULL;
		}
		view->pos++;
		if (ret == -ENODATA) {
			view->note = VIEW_NOTE_EXITED;
			view->note_pid = view->target.tgid;
			ret = -ESRCH;
		}
		view->err = ret;
	}
	if (view->err)
		return pos == view->pos && view->note ? VIEW_NOTE_TOKEN : ERR_PTR(view->err);
	return pos ? view : SEQ_START_TOKEN;
}

static void *view_start(struct seq_file *m, loff_t *pos)
{
	return view_seek(m, *pos);
}

static void *view_next(struct seq_file *m, void *v, loff_t *pos)
{
	return view_seek(m, ++*pos);
}

static void view_stop(struct seq_file *m, void *v)
{
	struct view *view = m->private;

	ptscope_walk_pause(&view->walk);
}

/* The line a file with no process to show reads as. */
static int note_line(char *buf, size_t len, enum view_note note, pid_t pid)
{
	if (note == VIEW_NOTE_NO_TARGET)
		return scnprintf(buf, len,
				 "no target: write a pid to /sys/kernel/debug/ptscope/target, or to this file\n");
	return scnprintf(buf, len, "target %d has exited\n", pid);
}

static int view_show(struct seq_file *m, void *v)
{
	struct view *view = m->private;
	char line[96];

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, view->kind->header);
	} else if (v != VIEW_NOTE_TOKEN) {
		view->kind->show(m, view);
	} else {
		note_line(line, sizeof(line), view->note, view->note_pid);
		seq_puts(m, line);
	}
	return 0;
}

static const struct seq_operations view_seq_ops = {
	.start = view_start,
	.next = view_next,
	.stop = view_stop,
	.show = view_show,
};

static int view_open(struct file *file, const struct view_kind *kind)
{
	struct view *view;

	if (!may_see_physical(file))
		return -EPERM;
	view = __seq_open_private(file, &view_seq_ops, sizeof(*view));
	if (!view)
		return -ENOMEM;
	view->kind = kind;
	return 0;
}

/*
 * Show the process whose pid is written from now on, from its first line;
 * "none": the one in "target" at the next read.
 */
static ssize_t view_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct view *view = m->private;
	struct ptscope_target target = {};
	int ret;

	ret = target_from_user(file, ubuf, count, &target);
	if (ret)
		return ret;

	/* As psi_write() does: m->lock keeps ->start() to ->stop() out. */
	mutex_lock(&m->lock);
	swap(view->target, target);
	view_rewind(view);
	/*
	 * What seq_file has buffered and where it stands are the old
	 * process's: drop them, and read from the start (as lseek(fd, 0)
	 * would) after a write(2).
	 */
	m->count = 0;
	m->index = 0;
	m->read_pos = 0;
	*ppos = 0;
	mutex_unlock(&m->lock);
	ptscope_target_put(&target);
	return count;
}

static int view_release(struct inode *inode, struct file *file)
{
	struct view *view = ((struct seq_file *)file->private_data)->private;

	ptscope_vma_release(&view->vma);
	ptscope_target_put(&view->target);
	return seq_release_private(inode, file);
}

/* "4K", "64K", "2M", "1G": a power of two of bytes, 1 KiB or more. */
static const char *size_name(unsigned int shift, char buf[8])
{
	static const char units[] = "KMGTPE";
	unsigned int unit = min_t(unsigned int, (shift - 10) / 10, sizeof(units) - 2);

	snprintf(buf, 8, "%lu%c", 1UL << (shift - 10 - 10 * unit), units[unit]);
	return buf;
}

/* The frame info columns: MAPS NODE FOLIO FOLIO-MAP BACKING MEMORY PKEY. */
static unsigned int print_frame_info(char *buf, size_t len, const struct ptscope_run *run)
{
	static const char * const backings[] = PTSCOPE_BACKING_NAMES;
	static const char * const folio_maps[] = PTSCOPE_FOLIO_MAP_NAMES;
	static const char * const mem_types[] = PTSCOPE_MEM_TYPE_NAMES;
	char node[8] = "-", folio[8] = "-";

	if (run->state == PTSCOPE_STATE_PRESENT && run->backing != PTSCOPE_BACKING_NO_PAGE) {
		snprintf(node, sizeof(node), "%u", run->node);
		size_name(PAGE_SHIFT + run->folio_order, folio);
	}
	return scnprintf(buf, len, "%4u %4s %5s %-9s %-9s %-13s %4u ", run->mapcount, node, folio,
			 folio_maps[run->folio_map], backings[run->backing],
			 mem_types[run->mem_type], run->pkey);
}

/*
 * map prints a line per run: 262,144 of them for a fragmented 1 GiB area,
 * where vsnprintf()'s parsing of formats cost four fifths of the ~5 us a
 * line took under TCG.  So the addresses, which change on every line, are
 * written by hand (seq_put_hex_ll() would do, but is not exported, and
 * costs a loop turn per digit), and the rest of the line, which
 * neighbouring runs share, is formatted once and kept for as long as it
 * stays the same.
 */
static bool same_tail(const struct map_tail *tail, const struct ptscope_run *run, u64 pages)
{
	const struct ptscope_run *t = &tail->run;

	return tail->len && tail->pages == pages && t->flags == run->flags &&
	       t->page_shift == run->page_shift && t->region == run->region &&
	       t->state == run->state && t->mapcount == run->mapcount && t->node == run->node &&
	       t->folio_order == run->folio_order && t->folio_map == run->folio_map &&
	       t->backing == run->backing && t->pkey == run->pkey && t->mem_type == run->mem_type;
}

/* The names of @flags (enum ptscope_flag), comma-separated; "-" for none. */
static unsigned int print_flags(char *buf, size_t len, u32 flags)
{
	static const char * const names[] = PTSCOPE_FLAG_NAMES;
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & BIT(i))
			n += scnprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
	return n ?: scnprintf(buf, len, "-");
}

static void update_tail(struct map_tail *tail, const struct ptscope_run *run, bool frame_info)
{
	static const char * const states[] = PTSCOPE_STATE_NAMES;
	u64 pages = run->size >> run->page_shift;
	unsigned int len;
	char page[8];

	if (same_tail(tail, run, pages))
		return;
	len = scnprintf(tail->text, sizeof(tail->text), "%-4s %6llu %-6s %-9s ",
			size_name(run->page_shift, page), pages,
			ptscope_region_name(run->region), states[run->state]);
	if (frame_info)
		len += print_frame_info(tail->text + len, sizeof(tail->text) - len, run);
	len += print_flags(tail->text + len, sizeof(tail->text) - len, run->flags);
	len += scnprintf(tail->text + len, sizeof(tail->text) - len, "\n");
	tail->len = len;
	tail->pages = pages;
	tail->run = *run;
}

/*
 * The eight hex digits of @x, the first in the top byte.  Each nibble is
 * spread into a byte of its own; '0' is added to every byte, and the gap
 * from '9' to 'a' to those above 9, whose byte carries into bit 4 when 6
 * is added to it.
 */
static u64 hex_digits(u32 x)
{
	u64 n = x;

	n = (n | n << 16) & 0x0000ffff0000ffffULL;
	n = (n | n << 8) & 0x00ff00ff00ff00ffULL;
	n = (n | n << 4) & 0x0f0f0f0f0f0f0f0fULL;
	return n + 0x3030303030303030ULL +
	       (((n + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL) * ('a' - '9' - 1);
}

#define ADDRESS_LEN 17

/* "%016llx " */
static char *put_address(char *p, u64 v)
{
	__be64 digits[2] = { cpu_to_be64(hex_digits(v >> 32)), cpu_to_be64(hex_digits(v)) };

	memcpy(p, digits, sizeof(digits));
	p[16] = ' ';
	return p + ADDRESS_LEN;
}

static void print_run(struct seq_file *m, const struct ptscope_run *run,
		      struct map_tail *tail, bool frame_info)
{
	size_t len;
	char *p;

	update_tail(tail, run, frame_info);
	if (!ptscope_state_has_frame(run->state)) {
		/* No frame: rare enough for seq_printf(). */
		seq_printf(m, "%016llx %016llx ", run->va, run->va + run->size);
		if (run->state == PTSCOPE_STATE_SWAP)
			seq_printf(m, "swap:%u:%-9llx ", run->swap_type, run->swap_offset);
		else
			seq_printf(m, "%-16s ", "-");
		seq_write(m, tail->text, tail->len);
		return;
	}
	/* Straight into seq_file's buffer; if it is full, seq_file asks again. */
	len = 3 * ADDRESS_LEN + tail->len;
	if (seq_get_buf(m, &p) < len) {
		seq_commit(m, -1);
		return;
	}
	p = put_address(p, run->va);
	p = put_address(p, run->va + run->size);
	p = put_address(p, run->pa);
	memcpy(p, tail->text, tail->len);
	seq_commit(m, len);
}

/*
 * The next line: the next physically contiguous piece of a frames record,
 * else the walk's next run.  A line per record, not a frames record's up
 * to PTSCOPE_WALK_FRAMES lines, so that seq_file, which formats again the
 * record that did not fit in what is left of its buffer, never formats a
 * record of 30 KiB twice per read, nor needs a buffer that large.
 */
static int advance_map(struct view *view)
{
	unsigned int i = view->piece_end, nr = view->run.size >> PAGE_SHIFT;
	int ret;

	if (!view->run_frames || i == nr) {
		ret = ptscope_walk_next(&view->walk, &view->run);
		if (ret)
			return ret;
		view->line = view->run;
		view->run_frames = ptscope_walk_frames(&view->walk);
		if (!view->run_frames)
			return 0;
		/* Its lines need nothing from the target's page tables. */
		ptscope_walk_pause(&view->walk);
		i = 0;
		nr = view->run.size >> PAGE_SHIFT;
	}
	view->piece_end = i + ptscope_frames_piece(view->run_frames + i, nr - i);
	view->line.va = view->run.va + ((u64)i << PAGE_SHIFT);
	view->line.pa = view->run_frames[i];
	view->line.size = (u64)(view->piece_end - i) << PAGE_SHIFT;
	return 0;
}

static void show_map(struct seq_file *m, struct view *view)
{
	print_run(m, &view->line, &view->tail, view->kind->frame_info);
}

static const struct view_kind map_kind = {
	.header =
		"va_start         va_end           pa               page  pages region state     flags\n",
	.advance = advance_map,
	.show = show_map,
};

/* map with what each frame is: MAP_GET with PTSCOPE_A_FRAME_INFO. */
#define MAP_COLUMNS "va_start         va_end           pa               page  pages region state     "
#define FRAME_COLUMNS "maps node folio folio_map backing   memory        pkey flags\n"

static const struct view_kind frames_kind = {
	.header = MAP_COLUMNS FRAME_COLUMNS,
	.frame_info = true,
	.advance = advance_map,
	.show = show_map,
};

static int advance_regions(struct view *view)
{
	ptscope_vma_release(&view->vma);
	return ptscope_vma_next(&view->walk, &view->vma);
}

static void show_regions(struct seq_file *m, struct view *view)
{
	const struct ptscope_vma *vma = &view->vma;

	seq_printf(m, "%016lx %016lx %c%c%c%c %-6s %8lu %8lu %08lx",
		   vma->start, vma->end,
		   vma->flags & VM_READ ? 'r' : '-',
		   vma->flags & VM_WRITE ? 'w' : '-',
		   vma->flags & VM_EXEC ? 'x' : '-',
		   vma->flags & VM_MAYSHARE ? 's' : 'p',
		   ptscope_region_name(vma->region), vma->resident, vma->swap,
		   vma->file ? vma->pgoff << PAGE_SHIFT : 0);
	if (vma->file) {
		seq_putc(m, ' ');
		seq_file_path(m, vma->file, "\n");
	}
	seq_putc(m, '\n');
}

static const struct view_kind regions_kind = {
	.header =
		"start            end              perm region resident     swap offset   path\n",
	.advance = advance_regions,
	.show = show_regions,
};

/* layout: the regions summed up, in the order of the address space. */
static int sum_regions(struct view *view)
{
	struct region_span *s;
	int ret;

	memset(view->spans, 0, sizeof(view->spans));
	while ((ret = ptscope_vma_next(&view->walk, &view->vma)) == 0) {
		s = &view->spans[view->vma.region];
		if (!s->vmas)
			s->start = view->vma.start;
		s->end = view->vma.end;
		s->mapped += view->vma.end - view->vma.start;
		s->resident += view->vma.resident;
		s->swap += view->vma.swap;
		s->vmas++;
		ptscope_vma_release(&view->vma);
	}
	return ret < 0 ? ret : 0;
}

/* The kernel half first, then the highest region below the last shown. */
static int advance_layout(struct view *view)
{
	unsigned int i, top = __PTSCOPE_REGION_MAX;
	unsigned long above;
	int ret;

	if (!view->summed) {
		ret = sum_regions(view);
		if (ret)
			return ret;
		view->summed = true;
		view->region = PTSCOPE_REGION_KERNEL;
		return 0;
	}
	above = view->region == PTSCOPE_REGION_KERNEL ? ULONG_MAX : view->spans[view->region].end;
	for (i = 0; i < __PTSCOPE_REGION_MAX; i++) {
		if (view->spans[i].vmas && view->spans[i].end < above &&
		    (top == __PTSCOPE_REGION_MAX || view->spans[i].end > view->spans[top].end))
			top = i;
	}
	if (top == __PTSCOPE_REGION_MAX)
		return 1;
	view->region = top;
	return 0;
}

static void show_layout(struct seq_file *m, struct view *view)
{
	const struct region_span *s = &view->spans[view->region];

	if (view->region == PTSCOPE_REGION_KERNEL) {
		seq_printf(m, "%-6s %016lx %016lx %5s %12s %9s %9s\n",
			   ptscope_region_name(PTSCOPE_REGION_KERNEL),
			   ptscope_kernel_start(), ULONG_MAX, "-", "-", "-", "-");
		return;
	}
	seq_printf(m, "%-6s %016lx %016lx %5u %12lu %9lu %9lu\n",
		   ptscope_region_name(view->region), s->start, s->end, s->vmas,
		   s->mapped >> 10, s->resident, s->swap);
}

static const struct view_kind layout_kind = {
	.header =
		"region start            end               vmas   mapped_kib  resident      swap\n",
	.advance = advance_layout,
	.show = show_layout,
};

static int map_open(struct inode *inode, struct file *file)
{
	return view_open(file, &map_kind);
}

static int frames_open(struct inode *inode, struct file *file)
{
	return view_open(file, &frames_kind);
}

static int regions_open(struct inode *inode, struct file *file)
{
	return view_open(file, &regions_kind);
}

static int layout_open(struct inode *inode, struct file *file)
{
	return view_open(file, &layout_kind);
}

#define VIEW_FOPS(name) {			\
	.owner = THIS_MODULE,			\
	.open = name##_open,			\
	.read = seq_read,			\
	.write = view_write,			\
	.llseek = seq_lseek,			\
	.release = view_release,		\
}

static const struct file_operations map_fops = VIEW_FOPS(map);
static const struct file_operations frames_fops = VIEW_FOPS(frames);
static const struct file_operations regions_fops = VIEW_FOPS(regions);
static const struct file_operations layout_fops = VIEW_FOPS(layout);

/*
 * watch: a stream of the file's processes' mapping changes, a line each,
 * as `ptscope watch` prints them (the time in UTC), for cat to follow.
 * Each open file is a watcher of its own: every pid written to it adds a
 * process to those it watches (a file may watch many processes, and many
 * files one process); with none written, it watches the one in "target"
 * from its first read.  "none" ends its watches.  A read blocks until a
 * line is ready (unless O_NONBLOCK); a process's last line says that it
 * exited, and once every process the file watched has, reads return 0:
 * cat ends.  Events the reader did not take in time are counted and said
 * in a line of their own.
 *
 * The open file holds a reference on the module, as every open debugfs
 * file does (debugfs calls ->release through it), so rmmod is refused
 * while a watch file is open; netlink watches hold none, and end at rmmod.
 */
struct watch_file_entry {
	struct list_head node;
	struct ptscope_watch *watch;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	u64 register_ns;
	u64 dropped;			/* as the reader was told */
	bool announced;			/* its first line was read */
};

struct watch_file {
	struct mutex lock;		/* all below but ready */
	struct list_head entries;
	wait_queue_head_t wait;
	bool ready;			/* a watch has news: read without the lock */
	bool started;			/* it watched something: no more global pin */
	int err;			/* once the note was read */
	enum view_note note;
	pid_t note_pid;
	unsigned int len, off;		/* a line made, from off on not yet read */
	char text[1024];
};

/* From a watch's work item: its events (or its end) wait. */
static void watch_file_notify(void *owner)
{
	struct watch_file *wf = owner;

	WRITE_ONCE(wf->ready, true);
	wake_up_interruptible(&wf->wait);
}

/* Watch @target (taken over on success) in @wf too. */
static int watch_file_add(struct watch_file *wf, struct ptscope_target *target)
{
	struct watch_file_entry *e;

	lockdep_assert_held(&wf->lock);
	list_for_each_entry(e, &wf->entries, node)
		if (e->tgid == target->tgid)
			return -EEXIST;
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->tgid = target->tgid;
	memcpy(e->comm, target->comm, sizeof(e->comm));
	e->watch = ptscope_watch_start(target, 0, ptscope_user_end(), -1,
				       PTSCOPE_WATCH_INTERVAL_MS, watch_file_notify, wf,
				       &e->register_ns);
	if (IS_ERR(e->watch)) {
		int ret = PTR_ERR(e->watch);

		kfree(e);
		return ret;
	}
	list_add_tail(&e->node, &wf->entries);
	wf->started = true;
	ptscope_watch_run(e->watch);
	return 0;
}

static void watch_file_remove(struct watch_file_entry *e)
{
	list_del(&e->node);
	ptscope_watch_stop(e->watch);
	kfree(e);
}

static void watch_file_clear(struct watch_file *wf)
{
	struct watch_file_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &wf->entries, node)
		watch_file_remove(e);
	wf->started = false;
	wf->err = 0;
	wf->len = 0;
	wf->off = 0;
}

/* "HH:MM:SS.uuuuuu pid N " (UTC) into @buf. */
static unsigned int watch_line_start(char *buf, size_t len, u64 time_ns, pid_t tgid)
{
	struct tm tm;
	u32 ns;
	s64 sec = div_u64_rem(time_ns, NSEC_PER_SEC, &ns);

	time64_to_tm(sec, 0, &tm);
	return scnprintf(buf, len, "%02d:%02d:%02d.%06u pid %d ", tm.tm_hour, tm.tm_min,
			 tm.tm_sec, ns / 1000, tgid);
}

/* One side of a change, as the client prints it: " PA SIZE STATE FLAGS", or " -". */
static unsigned int watch_side(char *buf, size_t len, const struct ptscope_run *run)
{
	static const char * const states[] = PTSCOPE_STATE_NAMES;
	unsigned int n;
	char page[8];

	if (run->state == PTSCOPE_STATE_NONE)
		return scnprintf(buf, len, " -");
	if (ptscope_state_has_frame(run->state))
		n = scnprintf(buf, len, " 0x%llx", run->pa);
	else
		n = scnprintf(buf, len, " -");
	if (run->state == PTSCOPE_STATE_SWAP)
		n += scnprintf(buf + n, len - n, " swap:0x%llx", run->swap_offset);
	n += scnprintf(buf + n, len - n, " %s %s ", size_name(run->page_shift, page),
		       states[run->state]);
	return n + print_flags(buf + n, len - n, run->flags);
}

/* The line for @ev of @e's watch (what was dropped before it first). */
static unsigned int watch_line(char *buf, size_t len, struct watch_file_entry *e,
			       const struct ptscope_watch_event *ev)
{
	static const char * const events[] = PTSCOPE_EVENT_NAMES;
	static const char * const causes[] = PTSCOPE_CAUSE_NAMES;
	static const char * const ends[] = PTSCOPE_WATCH_END_NAMES;
	unsigned int n = 0;

	if (ev->dropped > e->dropped) {
		n += watch_line_start(buf, len, ev->time, e->tgid);
		n += scnprintf(buf + n, len - n, "%llu event(s) dropped: the reader fell behind\n",
			       ev->dropped - e->dropped);
		e->dropped = ev->dropped;
	}
	n += watch_line_start(buf + n, len - n, ev->time, e->tgid);
	if (ev->end >= 0)
		return n + scnprintf(buf + n, len - n,
				     "watch ended: %s (the target's address space is gone)\n",
				     ends[ev->end]);
	n += scnprintf(buf + n, len - n, "%-11s 0x%llx-0x%llx %s:", events[ev->event],
		       ev->before.va, ev->before.va + ev->before.size, causes[ev->cause]);
	n += watch_side(buf + n, len - n, &ev->before);
	n += scnprintf(buf + n, len - n, " ->");
	n += watch_side(buf + n, len - n, &ev->after);
	return n + scnprintf(buf + n, len - n, "\n");
}

/*
 * Make the next line into wf->text: a watch's first line, else the next
 * event of one watch, each in turn.  Return: true with a line, false when
 * none waits.
 */
static bool watch_file_next(struct watch_file *wf)
{
	struct watch_file_entry *e;
	struct ptscope_watch_event ev;

	list_for_each_entry(e, &wf->entries, node) {
		if (!e->announced) {
			e->announced = true;
			wf->len = scnprintf(wf->text, sizeof(wf->text),
					    "watching pid %d (%s): notifier registered in %llu us\n",
					    e->tgid, e->comm,
					    div_u64(e->register_ns, NSEC_PER_USEC));
			wf->off = 0;
			return true;
		}
		if (!ptscope_watch_next(e->watch, &ev))
			continue;
		wf->len = watch_line(wf->text, sizeof(wf->text), e, &ev);
		wf->off = 0;
		if (ev.end >= 0)
			watch_file_remove(e);
		else
			list_move_tail(&e->node, &wf->entries);
		return true;
	}
	return false;
}

/*
 * A line ready for the reader, made if need be.  Return: 1, 0 at the end
 * (every process the file watched exited), -EAGAIN when none is ready yet,
 * or another negative errno.
 */
static int watch_file_ready(struct watch_file *wf, struct file *file)
{
	struct ptscope_target target = {};
	int ret;

	if (wf->off < wf->len)
		return 1;
	if (wf->err)
		return wf->err;
	if (!wf->started) {
		ret = pin_global_target(file, &target, &wf->note, &wf->note_pid);
		if (!ret)
			ret = watch_file_add(wf, &target);
		ptscope_target_put(&target);
		if (ret == -ESRCH) {
			/* The note, then the error. */
			wf->err = ret;
			wf->len = note_line(wf->text, sizeof(wf->text), wf->note, wf->note_pid);
			wf->off = 0;
			return 1;
		}
		if (ret)
			return ret;
	}
	WRITE_ONCE(wf->ready, false);
	/* Clear it first: a notify from now on is seen by the wait. */
	smp_mb();
	if (watch_file_next(wf))
		return 1;
	return list_empty(&wf->entries) ? 0 : -EAGAIN;
}

/* Wait for a line: return as watch_file_ready() does, with wf->lock held on 1. */
static int watch_file_wait(struct watch_file *wf, struct file *file)
{
	int ret;

	for (;;) {
		if (mutex_lock_interruptible(&wf->lock))
			return -ERESTARTSYS;
		ret = watch_file_ready(wf, file);
		if (ret > 0)
			return ret;
		mutex_unlock(&wf->lock);
		if (ret != -EAGAIN)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(wf->wait, READ_ONCE(wf->ready)))
			return -ERESTARTSYS;
	}
}

/* Blocks for the first line only, then takes what else is ready. */
static ssize_t watch_file_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct watch_file *wf = file->private_data;
	size_t done = 0, n;
	int ret;

	ret = watch_file_wait(wf, file);
	if (ret <= 0)
		return ret;
	do {
		n = min_t(size_t, count - done, wf->len - wf->off);
		if (copy_to_user(ubuf + done, wf->text + wf->off, n)) {
			ret = -EFAULT;
			break;
		}
		wf->off += n;
		done += n;
	} while (done < count && watch_file_ready(wf, file) > 0);
	mutex_unlock(&wf->lock);
	*ppos += done;
	return done ?: ret;
}

static __poll_t watch_file_poll(struct file *file, struct poll_table_struct *pt)
{
	struct watch_file *wf = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &wf->wait, pt);
	mutex_lock(&wf->lock);
	/* Readable: a line, an error or the end waits, or news from a watch. */
	if (wf->off < wf->len || wf->err || !wf->started || list_empty(&wf->entries) ||
	    READ_ONCE(wf->ready))
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&wf->lock);
	return mask;
}

/* Watch the process whose pid is written too; "none": end every watch. */
static ssize_t watch_file_write(struct file *file, const char __user *ubuf, size_t count,
				loff_t *ppos)
{
	struct watch_file *wf = file->private_data;
	struct ptscope_target target = {};
	int ret;

	ret = target_from_user(file, ubuf, count, &target);
	if (ret)
		return ret;
	mutex_lock(&wf->lock);
	if (!target.mm) {
		watch_file_clear(wf);
		ret = 0;
	} else {
		if (!wf->started)
			wf->err = 0;
		ret = watch_file_add(wf, &target);
	}
	mutex_unlock(&wf->lock);
	ptscope_target_put(&target);
	return ret ?: count;
}

static int watch_file_open(struct inode *inode, struct file *file)
{
	struct watch_file *wf;

	if (!may_see_physical(file))
		return -EPERM;
	wf = kzalloc(sizeof(*wf), GFP_KERNEL_ACCOUNT);
	if (!wf)
		return -ENOMEM;
	mutex_init(&wf->lock);
	INIT_LIST_HEAD(&wf->entries);
	init_waitqueue_head(&wf->wait);
	file->private_data = wf;
	return nonseekable_open(inode, file);
}

static int watch_file_release(struct inode *inode, struct file *file)
{
	struct watch_file *wf = file->private_data;

	watch_file_clear(wf);
	mutex_destroy(&wf->lock);
	kfree(wf);
	return 0;
}

static const struct file_operations watch_fops = {
	.owner = THIS_MODULE,
	.open = watch_file_open,
	.read = watch_file_read,
	.write = watch_file_write,
	.poll = watch_file_poll,
	.release = watch_file_release,
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
 *
 * The views take a pid written to them, yet are 0400: under lockdown
 * debugfs refuses to open any file with a write bit in its mode, even for
 * reading (debugfs_locked_down()), and cat must keep working there.  Root
 * opens them read-write all the same, and lockdown refuses that open.
 */
void ptscope_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("ptscope", NULL);

	ptscope_debugfs_dir = dir;
	debugfs_create_file("target", 0600, dir, NULL, &target_fops);
	debugfs_create_file("regions", 0400, dir, NULL, &regions_fops);
	debugfs_create_file("map", 0400, dir, NULL, &map_fops);
	debugfs_create_file("frames", 0400, dir, NULL, &frames_fops);
	debugfs_create_file("layout", 0400, dir, NULL, &layout_fops);
	debugfs_create_file("watch", 0400, dir, NULL, &watch_fops);
	debugfs_create_file("stats", 0600, dir, NULL, &stats_fops);
}

void ptscope_debugfs_uninit(void)
{
	debugfs_remove(ptscope_debugfs_dir);
	put_pid(target_pid);
	target_pid = NULL;
}
