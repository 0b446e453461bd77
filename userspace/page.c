// SPDX-License-Identifier: GPL-2.0

#include <unistd.h>

#include "page.h"

unsigned int page_shift = 12;

void page_shift_init(void)
{
	long size = sysconf(_SC_PAGESIZE);

	if (size > 0)
		page_shift = __builtin_ctzl(size);
}
