#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ynl_test.py with the python that scripts/ynl-bundle installs beside it
# (the guest has none of its own), the installed spec and YNL's library.
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$dir/python/bin/python3" ]; then
	echo "SKIP: no $dir/python/bin/python3 (scripts/ynl-bundle makes it from make deps' YNL)"
	exit 4
fi
exec "$dir/python/bin/python3" -E -S "$dir/ynl_test.py" "$dir/ptscope.yaml" "$dir/python/ynl"
