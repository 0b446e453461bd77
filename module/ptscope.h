/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the files of the ptscope module. */
#ifndef _PTSCOPE_H
#define _PTSCOPE_H

void ptscope_debugfs_init(void);
void ptscope_debugfs_uninit(void);

int ptscope_genl_init(void);
void ptscope_genl_uninit(void);

#endif /* _PTSCOPE_H */
