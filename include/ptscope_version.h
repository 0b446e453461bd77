/* SPDX-License-Identifier: GPL-2.0 */
/* One version for the module and the client, so they can be matched. */
#ifndef PTSCOPE_VERSION
#define PTSCOPE_VERSION "0.1.0"
#endif
