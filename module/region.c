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
 * Is @vma's file mapped executable in its mm?  The ELF loader maps all
 * segments of a library next to each other (text, read-only data, RELRO,
 * data, and PROT_NONE padding between them), so look at the group of
 * adjacent VMAs of the same file.  The answer is cached for the rest of
 * the group, which is walked next.
 */
static bool file_group_is_exec(struct vm_area_struct *vma,
			       struct ptscope_region_cache *cache)
{
	VMA_ITERATOR(back, vma->vm_mm, vma->vm_start);
	VMA_ITERATOR(fwd, vma->vm_mm, vma->vm_end);
	const struct inode *inode = vma_inode(vma);
	struct vm_area_struct *cur, *next, *prev;
	bool exec = vma->vm_flags & VM_EXEC;

	if (cache->inode == inode && vma->vm_start < cache->end)
		return cache->exec;

	for (cur = vma; !exec; cur = prev) {
		prev = vma_prev(&back);
		if (!prev || prev->vm_end != cur->vm_start || vma_inode(prev) != inode)
			break;
		exec = prev->vm_flags & VM_EXEC;
	}

	for (cur = vma; ; cur = next) {
		next = vma_next(&fwd);
		if (!next || next->vm_start != cur->vm_end || vma_inode(next) != inode)
			break;
		exec |= !!(next->vm_flags & VM_EXEC);
	}

	cache->inode = inode;
	cache->end = cur->vm_end;
	cache->exec = exec;
	return exec;
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
 * @cache: remembers the last file group; reset it when the lock is dropped
 */
u8 ptscope_vma_region(struct vm_area_struct *vma, struct ptscope_region_cache *cache)
{
	struct mm_struct *mm = vma->vm_mm;

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
		return file_group_is_exec(vma, cache) ? PTSCOPE_REGION_SHLIB :
							PTSCOPE_REGION_MMAP;
	}
	if (follows_exe_data(vma))
		return PTSCOPE_REGION_DATA;
	return PTSCOPE_REGION_MMAP;
}
