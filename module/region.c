// SPDX-License-Identifier: GPL-2.0
/* Which region of the address space a VMA belongs to (see enum ptscope_region). */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <uapi/linux/ptscope.h>
#include <ptscope_names.h>

#include "ptscope.h"

static const char * const region_names[] = PTSCOPE_REGION_NAMES;

const char *ptscope_region_name(unsigned int region)
{
	return region < ARRAY_SIZE(region_names) ? region_names[region] : "?";
}

static const struct inode *vma_inode(const struct vm_area_struct *vma)
{
	return vma && vma->vm_file ? file_inode(vma->vm_file) : NULL;
}

static bool is_exe_inode(struct mm_struct *mm, const struct inode *inode)
{
	struct file *exe;
	bool ret;

	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	ret = exe && file_inode(exe) == inode;
	rcu_read_unlock();
	return ret;
}

/*
 * What looking at one more VMA of a file's group costs, in the walk's
 * budget (page-table entries): a step of a VMA iterator and a few compares,
 * a quarter of what entering a VMA costs (PTSCOPE_WALK_VMA_COST in walk.c).
 */
#define PTSCOPE_REGION_SCAN_COST 16

/* Does @next, the VMA just below or above @addr, go on with @inode's group? */
static bool continues_group(const struct vm_area_struct *next,
			    const struct inode *inode, unsigned long addr)
{
	return next && vma_inode(next) == inode &&
	       (next->vm_end == addr || next->vm_start == addr);
}

/* Pay for looking at one more VMA; false, and nothing left, when it cannot. */
static bool charge(unsigned int *budget)
{
	if (*budget < PTSCOPE_REGION_SCAN_COST) {
		*budget = 0;
		return false;
	}
	*budget -= PTSCOPE_REGION_SCAN_COST;
	return true;
}

static void grow_group(struct ptscope_region_cache *cache, const struct vm_area_struct *vma)
{
	cache->start = min(cache->start, vma->vm_start);
	cache->end = max(cache->end, vma->vm_end);
	cache->exec |= !!(vma->vm_flags & VM_EXEC);
}

/*
 * Grow the known part of the group, [cache->start, cache->end), down and up
 * to its ends.  False when @budget ran out first: the cache says how far
 * the scan got.
 */
static bool scan_group(struct mm_struct *mm, struct ptscope_region_cache *cache,
		       unsigned int *budget)
{
	VMA_ITERATOR(down, mm, cache->start);
	VMA_ITERATOR(up, mm, cache->end);
	struct vm_area_struct *next;

	while (!cache->start_found) {
		if (!charge(budget))
			return false;
		next = vma_prev(&down);
		cache->start_found = !continues_group(next, cache->inode, cache->start);
		if (!cache->start_found)
			grow_group(cache, next);
	}
	while (!cache->end_found) {
		if (!charge(budget))
			return false;
		next = vma_next(&up);
		cache->end_found = !continues_group(next, cache->inode, cache->end);
		if (!cache->end_found)
			grow_group(cache, next);
	}
	return true;
}

/*
 * Is @vma's file mapped executable in its mm?  The ELF loader maps all
 * segments of a library next to each other (text, read-only data, RELRO,
 * data, and PROT_NONE padding between them), so look at the group of
 * adjacent VMAs of the same file, once: a process may split one mapping
 * into tens of thousands of VMAs (mprotect of every other page), and
 * scanning the group again for each of them took time quadratic in its
 * size.
 *
 * The cache outlives a drop of mmap_lock, so a group too large for one
 * hold is scanned over several, and is not scanned again after each.  Its
 * inode is compared, never dereferenced, so it needs no reference.  What
 * it says is what the group was when it was looked at: if the address
 * space changes during the dump, a VMA read after the change may be
 * classified by its group as it was before, in a dump that mixes the two
 * address spaces anyway, as every dump that drops the lock may.
 *
 * Return: 1 or 0, or -EAGAIN when @budget ran out first.
 */
static int file_group_is_exec(struct vm_area_struct *vma,
			      struct ptscope_region_cache *cache, unsigned int *budget)
{
	const struct inode *inode = vma_inode(vma);

	if (cache->inode != inode || vma->vm_start < cache->start || vma->vm_end > cache->end)
		*cache = (struct ptscope_region_cache) {
			.inode = inode,
			.start = vma->vm_start,
			.end = vma->vm_end,
			.exec = vma->vm_flags & VM_EXEC,
		};
	if (!scan_group(vma->vm_mm, cache, budget))
		return -EAGAIN;
	return cache->exec;
}

/* The anonymous bss the ELF loader puts right after the writable data. */
static bool follows_exe_data(struct vm_area_struct *vma)
{
	VMA_ITERATOR(vmi, vma->vm_mm, vma->vm_start);
	struct vm_area_struct *prev = vma_prev(&vmi);

	return prev && prev->vm_end == vma->vm_start &&
	       (prev->vm_flags & VM_WRITE) && prev->vm_file &&
	       is_exe_inode(vma->vm_mm, vma_inode(prev));
}

/**
 * ptscope_vma_region() - classify a VMA
 * @vma: the VMA, under mmap_read_lock
 * @cache: what the last calls learnt about a file's group of VMAs, zeroed
 *	before the first; kept across drops of mmap_lock
 * @budget: what the caller may still spend under this hold of mmap_lock
 *	(see PTSCOPE_WALK_BUDGET); what the classification costs is taken
 *	off, beyond the flat cost of looking at @vma itself
 *
 * Return: the region (enum ptscope_region), or -EAGAIN when @budget ran out
 * first: drop mmap_lock and call again for the same address with a new
 * budget and the same cache, which goes on from where this call stopped.
 */
int ptscope_vma_region(struct vm_area_struct *vma, struct ptscope_region_cache *cache,
		       unsigned int *budget)
{
	struct mm_struct *mm = vma->vm_mm;
	int exec;

	/* _install_special_mapping(): [vdso], [vvar], [uprobes] */
	if (vma->vm_ops && vma->vm_ops->name)
		return PTSCOPE_REGION_VDSO;
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return PTSCOPE_REGION_STACK;
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return PTSCOPE_REGION_HEAP;
	if (vma->vm_file) {
		if (is_exe_inode(mm, vma_inode(vma)))
			return vma->vm_flags & VM_WRITE ? PTSCOPE_REGION_DATA :
							  PTSCOPE_REGION_CODE;
		exec = file_group_is_exec(vma, cache, budget);
		if (exec < 0)
			return exec;
		return exec ? PTSCOPE_REGION_SHLIB : PTSCOPE_REGION_MMAP;
	}
	if (follows_exe_data(vma))
		return PTSCOPE_REGION_DATA;
	return PTSCOPE_REGION_MMAP;
}
