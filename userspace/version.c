// SPDX-License-Identifier: GPL-2.0
/* ptscope version: the client's version and the module's, side by side. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/ptscope.h>
#include <ptscope_version.h>

#include "nl.h"
#include "output.h"
#include "subcommands.h"

/* The module publishes its version in sysfs, like every module does. */
static void read_module_version(char *buf, size_t size)
{
	FILE *f = fopen("/sys/module/ptscope/version", "r");

	snprintf(buf, size, "not loaded");
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int version_main(const struct cmd_args *args)
{
	struct ptscope_nl nl;
	char module_version[64];
	int ret;

	out_init(args->json);
	out_string("client", "ptscope %s\n", PTSCOPE_VERSION);
	/* Before whatever opening the family says on stderr. */
	out_flush();
	/* Resolving the family loads an installed module (its genl alias). */
	ret = ptscope_nl_open(&nl);
	read_module_version(module_version, sizeof(module_version));
	out_string("module", "module %s\n", module_version);
	if (!ret) {
		out_string("family", "family %s", PTSCOPE_GENL_NAME);
		out_uint("family_version", " version %" PRIu64 "\n", nl.family_version);
		ptscope_nl_close(&nl);
	}
	out_finish();
	return ret < 0 ? 1 : 0;
}
