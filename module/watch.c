// SPDX-License-Identifier: GPL-2.0
/*
 * Watching a process's mappings change, with the kernel's reason.
 *
 * A watcher registers an mmu_notifier on the target's mm.  The kernel calls
 * it around every change it makes to the target's page tables (unmap,
 * copy-on-write, reclaim, migration, protection), with the range and the
 * cause, but not with what the range held before or holds after.  So the
 * watcher keeps a shadow of the watched range (one value per base page:
 * state, page size, the protection flags and the frame or swap slot, as
 * its last walk saw them) and re-reads a notified range with the ordinary
 * walk (ptscope_walk_*), from a work item, comparing page by page; a range
 * the kernel unmapped (MMU_NOTIFY_UNMAP) holds nothing after, and is not
 * read back.
 *
 * The callbacks only record ranges: they run where the kernel changes
 * page tables, possibly under spinlocks and with a range that must not
 * block (reclaim, the OOM reaper), so they take a spinlock, copy three
 * words into a preallocated ring and kick the work item; they never sleep
 * and never take mmap_lock.  invalidate_range_end records the range to
 * re-read (invalidate_range_start has the same range and cause, but a
 * re-read started then could see the range half changed);
 * invalidate_range_start only marks it busy, so that the periodic re-walk
 * leaves a change under way to the notified re-read, which knows its
 * cause.  When the ring is full the next re-read
 * covers the whole watched range, with cause OVERFLOW: changes are then
 * reported without their own cause, never lost.
 *
 * Page faults map pages without a notification, so the work item also
 * re-walks the watched range at the watch's interval, at most
 * WATCH_SAMPLE_PAGES pages each time, going on where it stopped: new
 * mappings (and anything else no notification announced, such as a write
 * fault reusing a page after copy-on-write) are found late, with cause
 * SAMPLED.
 *
 * Events go into a preallocated ring of WATCH_EVENTS; when it is full they
 * are counted in the watch's dropped counter, which every event the
 * reader takes carries.
 *
 * Lifetime: ptscope_watch_stop() unregisters the notifier (which waits for
 * running callbacks: SRCU) and cancels the work item, on every path: the
 * reader goes away, the module is unloaded.  When the target exits, the
 * kernel calls ->release and the watch's last event says so; the owner
 * then stops it.
 */

#include <linux/jiffies.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/ptscope.h>

#include <ptscope_names.h>

#include "ptscope.h"

/* Notified ranges kept until the work item re-reads them. */
#define WATCH_RANGES 128

/* Events kept until the reader takes them. */
#define WATCH_EVENTS 512

/* Notified ranges that come in a burst are re-read together, this often. */
#define WATCH_BATCH_MS 10

/* Base pages a periodic re-walk compares, at most, per interval. */
#define WATCH_SAMPLE_PAGES 65536

/*
 * A shadow value (an xarray value entry, so 63 bits): the state, the page
 * size as a level, the protection flags in SHADOW_FLAGS and the frame
 * number, or the swap offset of a swapped-out page.
 */
#define SH_STATE_BITS	3
#define SH_LEVEL_SHIFT	SH_STATE_BITS
#define SH_FLAGS_SHIFT	(SH_LEVEL_SHIFT + 2)
#define SH_FRAME_SHIFT	(SH_FLAGS_SHIFT + ARRAY_SIZE(shadow_flags))

/* The flags whose change is a protection change. */
static const u32 shadow_flags[] = {
	PTSCOPE_FLAG_WRITE, PTSCOPE_FLAG_USER, PTSCOPE_FLAG_NX,
	PTSCOPE_FLAG_PROTNONE, PTSCOPE_FLAG_UFFD_WP,
};

static const unsigned int level_shifts[] = { PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT };

struct watch_range {
	unsigned long start;
	unsigned long end;
	u8 cause;			/* enum ptscope_cause */
};

/* The change being collected into one event: neighbouring pages alike. */
struct watch_change {
	unsigned long va;
	unsigned long end;
	void *first_old, *first_new;	/* shadow values; NULL: nothing */
	void *last_old, *last_new;
	u8 event;
	u8 cause;
};

struct ptscope_watch {
	struct mmu_notifier mn;
	struct ptscope_target target;
	unsigned long start;
	unsigned long end;
	int region;			/* enum ptscope_region, or -1 for all */
	unsigned long interval;		/* jiffies */
	void (*notify)(void *owner);
	void *owner;
	struct delayed_work work;

	/* The work item's own (and the baseline walk's, before it). */
	struct xarray shadow;		/* page index -> shadow value */
	unsigned long sample_at;	/* where the next re-walk begins */
	unsigned long next_sample;	/* jiffies */
	bool baseline;			/* fill the shadow, report nothing */
	bool have_change;
	struct watch_change change;
	unsigned int unsent;		/* events made since the owner was told */
	struct watch_range work_ranges[WATCH_RANGES];

	spinlock_t lock;		/* protects everything below */
	struct watch_range ranges[WATCH_RANGES];
	unsigned int nr_ranges;
	bool overflow;			/* a range did not fit in ranges */
	unsigned int active;		/* invalidations begun, not ended, */
	unsigned long busy_start;	/* all inside [busy_start, busy_end) */
	unsigned long busy_end;
	bool kicked;			/* the work item is queued to run soon */
	unsigned long last_run;		/* jiffies when the work item last began */
	bool released;			/* the target's mm is going away */
	bool ended;			/* the end is queued for the reader */
	bool end_taken;
	bool stopping;
	bool running;			/* ptscope_watch_run() was called */
	unsigned int ev_head;
	unsigned int ev_count;
	u64 dropped;
	struct ptscope_watch_event events[WATCH_EVENTS];
};

static u8 cause_of(enum mmu_notifier_event event)
{
	switch (event) {
	case MMU_NOTIFY_UNMAP:
		return PTSCOPE_CAUSE_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return PTSCOPE_CAUSE_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:
		return PTSCOPE_CAUSE_PROTECTION_VMA;
	case MMU_NOTIFY_PROTECTION_PAGE:
		return PTSCOPE_CAUSE_PROTECTION_PAGE;
	case MMU_NOTIFY_SOFT_DIRTY:
		return PTSCOPE_CAUSE_SOFT_DIRTY;
	case MMU_NOTIFY_RELEASE:
		return PTSCOPE_CAUSE_RELEASE;
	case MMU_NOTIFY_MIGRATE:
		return PTSCOPE_CAUSE_MIGRATE;
	case MMU_NOTIFY_EXCLUSIVE:
		return PTSCOPE_CAUSE_EXCLUSIVE;
	}
	return PTSCOPE_CAUSE_CLEAR;
}

/*
 * Run the work item soon, unless it is already queued to: at once if it
 * last ran WATCH_BATCH_MS ago or more, else that long after that run.  A
 * process that changes its mappings without pause (a loop of mmap, fault,
 * munmap) then wakes the work item a hundred times a second, not once a
 * change, and waits for its re-reads' mmap_lock as rarely; an isolated
 * change is re-read at once.
 */
static void kick(struct ptscope_watch *w)
{
	unsigned long batch = msecs_to_jiffies(WATCH_BATCH_MS);

	lockdep_assert_held(&w->lock);
	if (w->kicked || w->stopping || !w->running)
		return;
	w->kicked = true;
	mod_delayed_work(system_unbound_wq, &w->work,
			 max_t(long, w->last_run + batch - jiffies, 0));
}

/*
 * The kernel is about to change [range->start, range->end): the re-walk
 * leaves those pages to the re-read that invalidate_range_end() asks for,
 * which knows the cause.  Possibly in a context that must not sleep.
 */
static int watch_invalidate_start(struct mmu_notifier *mn,
				  const struct mmu_notifier_range *range)
{
	struct ptscope_watch *w = container_of(mn, struct ptscope_watch, mn);
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	if (!w->active++) {
		w->busy_start = range->start;
		w->busy_end = range->end;
	} else {
		w->busy_start = min(w->busy_start, range->start);
		w->busy_end = max(w->busy_end, range->end);
	}
	spin_unlock_irqrestore(&w->lock, flags);
	return 0;
}

/*
 * Called once the kernel changed [range->start, range->end): possibly in a
 * context that must not sleep (see the top of the file).
 */
static void watch_invalidate_end(struct mmu_notifier *mn,
				 const struct mmu_notifier_range *range)
{
	struct ptscope_watch *w = container_of(mn, struct ptscope_watch, mn);
	unsigned long start = max(range->start, w->start);
	unsigned long end = min(range->end, w->end);
	u8 cause = cause_of(range->event);
	struct watch_range *last;
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	/* One begun before the notifier was registered ends unmatched. */
	if (w->active)
		w->active--;
	if (start >= end)
		goto out;
	last = w->nr_ranges ? &w->ranges[w->nr_ranges - 1] : NULL;
	if (last && last->cause == cause && start <= last->end && end >= last->start) {
		last->start = min(last->start, start);
		last->end = max(last->end, end);
	} else if (w->nr_ranges < WATCH_RANGES) {
		w->ranges[w->nr_ranges++] = (struct watch_range) {
			.start = start, .end = end, .cause = cause,
		};
	} else {
		w->overflow = true;
	}
	kick(w);
out:
	spin_unlock_irqrestore(&w->lock, flags);
}

/* The target's mm is being torn down (exit_mmap()), or the watch stopped. */
static void watch_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct ptscope_watch *w = container_of(mn, struct ptscope_watch, mn);
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	w->released = true;
	kick(w);
	spin_unlock_irqrestore(&w->lock, flags);
}

static const struct mmu_notifier_ops watch_mn_ops = {
	.release = watch_release,
	.invalidate_range_start = watch_invalidate_start,
	.invalidate_range_end = watch_invalidate_end,
};

static void *shadow_value(const struct ptscope_run *run, unsigned long va)
{
	unsigned long off = va - run->va, frame = 0;
	unsigned int i, level = 0, flags = 0;

	for (i = 0; i < ARRAY_SIZE(level_shifts); i++)
		if (run->page_shift == level_shifts[i])
			level = i;
	for (i = 0; i < ARRAY_SIZE(shadow_flags); i++)
		if (run->flags & shadow_flags[i])
			flags |= 1U << i;
	if (ptscope_state_has_frame(run->state))
		frame = PHYS_PFN(run->pa + off);
	else if (run->state == PTSCOPE_STATE_SWAP)
		frame = run->swap_offset + (off >> PAGE_SHIFT);
	return xa_mk_value(run->state | level << SH_LEVEL_SHIFT |
			   flags << SH_FLAGS_SHIFT | frame << SH_FRAME_SHIFT);
}

static unsigned int sh_state(void *v)
{
	return xa_to_value(v) & ((1U << SH_STATE_BITS) - 1);
}

static unsigned int sh_shift(void *v)
{
	return level_shifts[(xa_to_value(v) >> SH_LEVEL_SHIFT) & 3];
}

static unsigned long sh_frame(void *v)
{
	return xa_to_value(v) >> SH_FRAME_SHIFT;
}

/* What the next page holds if it continues @v's page (frame or slot + 1). */
static void *sh_next(void *v)
{
	unsigned int state;

	if (!v)
		return NULL;
	state = sh_state(v);
	if (ptscope_state_has_frame(state) || state == PTSCOPE_STATE_SWAP)
		return xa_mk_value(xa_to_value(v) + (1UL << SH_FRAME_SHIFT));
	return v;
}

/* Back to what an event reports of one page. */
static void sh_run(void *v, unsigned long va, unsigned long size, struct ptscope_run *run)
{
	unsigned int i, flags = (xa_to_value(v) >> SH_FLAGS_SHIFT) &
				((1U << ARRAY_SIZE(shadow_flags)) - 1);

	*run = (struct ptscope_run) { .va = va, .size = size, .state = PTSCOPE_STATE_NONE };
	if (!v)
		return;
	run->state = sh_state(v);
	run->page_shift = sh_shift(v);
	for (i = 0; i < ARRAY_SIZE(shadow_flags); i++)
		if (flags & (1U << i))
			run->flags |= shadow_flags[i];
	if (run->state == PTSCOPE_STATE_PRESENT)
		run->flags |= PTSCOPE_FLAG_PRESENT;
	if (ptscope_state_has_frame(run->state))
		run->pa = PFN_PHYS(sh_frame(v));
	else if (run->state == PTSCOPE_STATE_SWAP)
		run->swap_offset = sh_frame(v);
}

/* enum ptscope_event for a page that held @old and holds @new, or -1. */
static int classify(void *old, void *new)
{
	if (old == new)
		return -1;
	if (!old)
		return PTSCOPE_EVENT_MAPPED;
	if (!new)
		return PTSCOPE_EVENT_UNMAPPED;
	if (sh_state(old) == PTSCOPE_STATE_PRESENT && sh_state(new) == PTSCOPE_STATE_SWAP)
		return PTSCOPE_EVENT_SWAPPED_OUT;
	if (sh_state(old) == PTSCOPE_STATE_SWAP && sh_state(new) == PTSCOPE_STATE_PRESENT)
		return PTSCOPE_EVENT_SWAPPED_IN;
	if (sh_state(old) != sh_state(new))
		return PTSCOPE_EVENT_REMAPPED;
	if (sh_shift(new) > sh_shift(old))
		return PTSCOPE_EVENT_PROMOTED;
	if (sh_shift(new) < sh_shift(old))
		return PTSCOPE_EVENT_SPLIT;
	if (sh_frame(new) != sh_frame(old))
		return PTSCOPE_EVENT_REMAPPED;
	return PTSCOPE_EVENT_PROTECTION;
}

static void push_event(struct ptscope_watch *w, const struct ptscope_watch_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	if (w->ev_count == WATCH_EVENTS)
		w->dropped++;
	else
		w->events[(w->ev_head + w->ev_count++) % WATCH_EVENTS] = *ev;
	spin_unlock_irqrestore(&w->lock, flags);
}

/*
 * Pass the events made so far on when they fill half the ring, so that a
 * run that finds many changes (a re-read of a range where every other page
 * changed) does not drop the rest.  Not under mmap_lock: the owner may
 * send them.
 */
static void pass_on(struct ptscope_watch *w)
{
	if (w->unsent < WATCH_EVENTS / 2)
		return;
	w->unsent = 0;
	w->notify(w->owner);
}

static void flush_change(struct ptscope_watch *w)
{
	struct watch_change *c = &w->change;
	struct ptscope_watch_event ev = {
		.time = ktime_get_real_ns(),
		.event = c->event,
		.cause = c->cause,
		.end = -1,
	};

	if (!w->have_change)
		return;
	w->have_change = false;
	sh_run(c->first_old, c->va, c->end - c->va, &ev.before);
	sh_run(c->first_new, c->va, c->end - c->va, &ev.after);
	push_event(w, &ev);
	w->unsent++;
}

/*
 * Page @va held @old (NULL: nothing) and holds @new now.  A change goes on
 * while both follow on from the page before.  A promotion goes on while
 * the huge page does: the base pages it replaced were scattered, and one
 * event for each physically contiguous piece of them was up to 8192 events
 * for one collapse (64 KiB pages), more than the ring holds.  Its "before"
 * is the first page's, as every event's is.
 */
static void note_page(struct ptscope_watch *w, unsigned long va, u8 cause, void *old, void *new)
{
	struct watch_change *c = &w->change;
	int event;

	if (w->baseline)
		return;
	event = classify(old, new);
	if (event < 0)
		return;
	if (w->have_change && c->event == event && c->cause == cause && c->end == va &&
	    (sh_next(c->last_old) == old || event == PTSCOPE_EVENT_PROMOTED) &&
	    sh_next(c->last_new) == new) {
		c->end += PAGE_SIZE;
		c->last_old = old;
		c->last_new = new;
		return;
	}
	flush_change(w);
	*c = (struct watch_change) {
		.va = va, .end = va + PAGE_SIZE, .event = event, .cause = cause,
		.first_old = old, .first_new = new, .last_old = old, .last_new = new,
	};
	w->have_change = true;
}

/*
 * Whether a change a re-walk found at @va is one a notification is about to
 * report, with its cause: the re-walk may read a page between the change
 * and invalidate_range_end(), or between that and the re-read it asks for.
 * Such a page is left alone (not reported, the shadow unchanged) for the
 * notified re-read.
 */
static bool notified_soon(struct ptscope_watch *w, unsigned long va, u8 cause)
{
	unsigned int i;
	bool soon;

	if (w->baseline || cause != PTSCOPE_CAUSE_SAMPLED)
		return false;
	spin_lock_irq(&w->lock);
	soon = w->overflow || (w->active && va >= w->busy_start && va < w->busy_end);
	for (i = 0; i < w->nr_ranges && !soon; i++)
		soon = va >= w->ranges[i].start && va < w->ranges[i].end;
	spin_unlock_irq(&w->lock);
	return soon;
}

/* Nothing is mapped in [start, end) now. */
static void note_gone(struct ptscope_watch *w, unsigned long start, unsigned long end, u8 cause)
{
	unsigned long index;
	void *old;

	if (start >= end)
		return;
	xa_for_each_range(&w->shadow, index, old, start >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1) {
		if (notified_soon(w, index << PAGE_SHIFT, cause))
			continue;
		note_page(w, index << PAGE_SHIFT, cause, old, NULL);
		xa_erase(&w->shadow, index);
	}
}

static void note_mapped(struct ptscope_watch *w, unsigned long va, u8 cause, void *new)
{
	void *old = xa_load(&w->shadow, va >> PAGE_SHIFT);

	if (old == new || notified_soon(w, va, cause))
		return;
	note_page(w, va, cause, old, new);
	if (xa_is_err(xa_store(&w->shadow, va >> PAGE_SHIFT, new, GFP_KERNEL_ACCOUNT))) {
		/* Not kept: the page will show as mapped again. */
		spin_lock_irq(&w->lock);
		w->dropped++;
		spin_unlock_irq(&w->lock);
	}
}

/*
 * Re-read [start, end) and report what changed, comparing at most @budget
 * base pages.  Return: where it stopped (@end when it read everything), or
 * a negative errno from the walk (-ENODATA: the target exited).
 */
static long rescan(struct ptscope_watch *w, unsigned long start, unsigned long end,
		   u8 cause, unsigned long budget)
{
	unsigned long at = start, va, run_end;
	struct ptscope_walk walk;
	struct ptscope_run run;
	int ret;

	ptscope_walk_init(&walk, w->target.mm, start, end, NULL);
	while ((ret = ptscope_walk_next(&walk, &run)) == 0) {
		if (w->region >= 0 && run.region != w->region)
			continue;
		va = max_t(unsigned long, run.va, start);
		run_end = min_t(unsigned long, run.va + run.size, end);
		note_gone(w, at, va, cause);
		for (; va < run_end; va += PAGE_SIZE) {
			note_mapped(w, va, cause, shadow_value(&run, va));
			if (w->unsent >= WATCH_EVENTS / 2) {
				/* The run is a copy: the walk can let go meanwhile. */
				ptscope_walk_pause(&walk);
				pass_on(w);
			}
		}
		at = run_end;
		budget -= min(budget, run.size >> PAGE_SHIFT);
		if (!budget)
			break;
	}
	ptscope_walk_pause(&walk);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		note_gone(w, at, end, cause);
		at = end;
	}
	return at;
}

static void watch_work(struct work_struct *work)
{
	struct ptscope_watch *w = container_of(to_delayed_work(work), struct ptscope_watch, work);
	unsigned int i, nr;
	bool overflow, released, stopping;
	long at;

	spin_lock_irq(&w->lock);
	nr = w->nr_ranges;
	memcpy(w->work_ranges, w->ranges, nr * sizeof(w->ranges[0]));
	w->nr_ranges = 0;
	overflow = w->overflow;
	w->overflow = false;
	w->kicked = false;
	w->last_run = jiffies;
	released = w->released;
	stopping = w->stopping;
	spin_unlock_irq(&w->lock);

	/* Unregistering calls ->release too: that is no exit to report. */
	if (stopping)
		return;
	if (released)
		goto end;
	if (overflow)
		nr = 0;
	if (overflow && rescan(w, w->start, w->end, PTSCOPE_CAUSE_OVERFLOW, ULONG_MAX) == -ENODATA)
		goto end;
	for (i = 0; i < nr; i++) {
		struct watch_range *r = &w->work_ranges[i];

		/*
		 * munmap, mremap's source, the OOM reaper: nothing is left
		 * mapped in the range, no need to read it back (and take
		 * mmap_lock).  What is mapped there again since is new, the
		 * re-walk's to find.
		 */
		if (r->cause == PTSCOPE_CAUSE_UNMAP)
			note_gone(w, r->start, r->end, r->cause);
		else if (rescan(w, r->start, r->end, r->cause, ULONG_MAX) == -ENODATA)
			goto end;
		pass_on(w);
	}
	if (time_after_eq(jiffies, w->next_sample)) {
		at = rescan(w, w->sample_at, w->end, PTSCOPE_CAUSE_SAMPLED, WATCH_SAMPLE_PAGES);
		if (at == -ENODATA)
			goto end;
		if (at >= 0)
			w->sample_at = at < w->end ? at : w->start;
		w->next_sample = jiffies + w->interval;
	}
	flush_change(w);
	w->unsent = 0;
	w->notify(w->owner);
	queue_delayed_work(system_unbound_wq, &w->work,
			   max_t(long, w->next_sample - jiffies, 0));
	return;

end:
	/* The mm is gone: ->release came, or will (the walk found no users). */
	flush_change(w);
	spin_lock_irq(&w->lock);
	w->ended = true;
	spin_unlock_irq(&w->lock);
	w->unsent = 0;
	w->notify(w->owner);
}

/**
 * ptscope_watch_start() - watch a target's mappings in [@start, @end)
 * @target: the target, pinned; the watch takes it over on success
 * @start: first address watched
 * @end: end, exclusive
 * @region: enum ptscope_region to watch, or -1 for all
 * @interval_ms: milliseconds between re-walks for unnotified changes
 * @notify: called from the watch's work item when events or the end wait
 *	for ptscope_watch_next(); it may not stop the watch
 * @owner: @notify's argument
 * @register_ns: how long registering the notifier took, holding the
 *	target's mmap_lock for write
 *
 * Registers the notifier, then reads the range once (the baseline the
 * changes are measured from), in the caller's context.  Changes are
 * recorded from then on; ptscope_watch_run() lets the work item report
 * them.
 *
 * Return: the watch, or an ERR_PTR(): -ENODATA when the target exited,
 * -EINTR on a fatal signal, -ENOMEM.
 */
struct ptscope_watch *ptscope_watch_start(struct ptscope_target *target, unsigned long start,
					  unsigned long end, int region, unsigned int interval_ms,
					  void (*notify)(void *owner), void *owner,
					  u64 *register_ns)
{
	struct ptscope_watch *w;
	u64 t0;
	long at;
	int ret;

	w = kvzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return ERR_PTR(-ENOMEM);
	w->mn.ops = &watch_mn_ops;
	w->start = start;
	w->end = end;
	w->region = region;
	w->interval = max(msecs_to_jiffies(interval_ms), 1UL);
	w->notify = notify;
	w->owner = owner;
	w->sample_at = start;
	w->last_run = jiffies - msecs_to_jiffies(WATCH_BATCH_MS);
	w->baseline = true;
	INIT_DELAYED_WORK(&w->work, watch_work);
	xa_init(&w->shadow);
	spin_lock_init(&w->lock);

	/* mmu_notifier_register() wants mm_users, and holds mmap_lock for write. */
	if (!mmget_not_zero(target->mm)) {
		ret = -ENODATA;
		goto err_free;
	}
	t0 = ktime_get_ns();
	ret = mmu_notifier_register(&w->mn, target->mm);
	*register_ns = ktime_get_ns() - t0;
	mmput(target->mm);
	if (ret)
		goto err_free;
	w->target = *target;

	at = rescan(w, start, end, PTSCOPE_CAUSE_SAMPLED, ULONG_MAX);
	if (at < 0) {
		ret = at;
		goto err_unregister;
	}
	w->baseline = false;
	w->next_sample = jiffies + w->interval;
	target->mm = NULL;
	return w;

err_unregister:
	/* Not running: no callback queued the work item. */
	mmu_notifier_unregister(&w->mn, w->target.mm);
	xa_destroy(&w->shadow);
err_free:
	kvfree(w);
	return ERR_PTR(ret);
}

/**
 * ptscope_watch_run() - start reporting: the owner is ready for @notify
 * @w: the watch
 */
void ptscope_watch_run(struct ptscope_watch *w)
{
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	w->running = true;
	kick(w);
	spin_unlock_irqrestore(&w->lock, flags);
}

/**
 * ptscope_watch_stop() - end a watch and free it
 * @w: the watch, from ptscope_watch_start()
 *
 * Unregisters the notifier, which waits for callbacks under way, and
 * waits for the work item.  May sleep.
 *
 * Return: how many events were dropped, in all.
 */
u64 ptscope_watch_stop(struct ptscope_watch *w)
{
	u64 dropped;

	spin_lock_irq(&w->lock);
	w->stopping = true;
	spin_unlock_irq(&w->lock);
	mmu_notifier_unregister(&w->mn, w->target.mm);
	cancel_delayed_work_sync(&w->work);
	xa_destroy(&w->shadow);
	ptscope_target_put(&w->target);
	dropped = w->dropped;
	kvfree(w);
	return dropped;
}

/**
 * ptscope_watch_next() - take the watch's next event
 * @w: the watch
 * @ev: the event; or, after the last one, the end (ev->end set)
 *
 * Return: true with @ev filled in, false when nothing waits.
 */
bool ptscope_watch_next(struct ptscope_watch *w, struct ptscope_watch_event *ev)
{
	bool got = true;

	spin_lock_irq(&w->lock);
	if (w->ev_count) {
		*ev = w->events[w->ev_head];
		w->ev_head = (w->ev_head + 1) % WATCH_EVENTS;
		w->ev_count--;
	} else if (w->ended && !w->end_taken) {
		*ev = (struct ptscope_watch_event) {
			.time = ktime_get_real_ns(),
			.end = PTSCOPE_WATCH_END_EXITED,
		};
		w->end_taken = true;
	} else {
		got = false;
	}
	ev->dropped = w->dropped;
	spin_unlock_irq(&w->lock);
	return got;
}

/**
 * ptscope_watch_drop() - count an event its reader could not pass on
 * @w: the watch
 */
void ptscope_watch_drop(struct ptscope_watch *w)
{
	spin_lock_irq(&w->lock);
	w->dropped++;
	spin_unlock_irq(&w->lock);
}
