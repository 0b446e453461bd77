/* SPDX-License-Identifier: GPL-2.0 */
/* The differences between the kernels ptscope builds on (6.1 to 6.12). */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/pgtable.h>

#ifndef pmdp_get_lockless
/* x86-64 reads a PMD in one access; 6.5 named that pmdp_get_lockless(). */
#define pmdp_get_lockless(pmdp) READ_ONCE(*(pmdp))
#endif

#endif /* _PTSCOPE_COMPAT_H */
