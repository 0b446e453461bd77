/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The base page: the kernel's PAGE_SIZE (4 KiB on x86; 4, 16 or 64 KiB on
 * arm64), the unit of every count of pages the module sends and the size
 * of a frames record's pages.
 */
#ifndef _PTSCOPE_PAGE_H
#define _PTSCOPE_PAGE_H

#include <stdint.h>

extern unsigned int page_shift;

#define PAGE_BYTES ((uint64_t)1 << page_shift)

/* Before anything else: reads the page size the kernel gives this process. */
void page_shift_init(void);

#endif /* _PTSCOPE_PAGE_H */
