#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_run_test.sh KERNEL: tests of the test bed itself, run on the host.  A
# runner that cannot fail proves nothing, so check that scripts/vm-run
# passes exit statuses through, and fails on a WARN and on a guest that
# does not finish.  Prints KTAP.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
vm_run=$PTSCOPE_TOP/scripts/vm-run
kernel=${1:-6.12}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

n=0 failed=0
result() { # NAME OK
	n=$((n + 1))
	if [ "$2" = 1 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		sed 's/^/# /' "$out/log"
		failed=1
	fi
}

echo "TAP version 13"
echo "1..4"

"$vm_run" --kernel "$kernel" -- true >"$out/log" 2>&1
result "vm_run_true_exits_zero" "$([ $? -eq 0 ] && echo 1)"

"$vm_run" --kernel "$kernel" -- false >"$out/log" 2>&1
result "vm_run_false_exits_nonzero" "$([ $? -ne 0 ] && echo 1)"

resolve_kernel "$kernel" >/dev/null
build_module "$KERNEL_KDIR" "$PTSCOPE_TOP/build/warn_module/$KERNEL_RELEASE" \
	"$here/warn_module/" >"$out/log" 2>&1
"$vm_run" --kernel "$kernel" --add "$PTSCOPE_TOP/build/warn_module/$KERNEL_RELEASE/ptscope_warn_test.ko" \
	-- insmod ptscope_warn_test.ko >"$out/log" 2>&1
rc=$?
result "vm_run_fails_on_guest_warning" \
	"$([ $rc -ne 0 ] && grep -q 'deliberate warning' "$out/log" && echo 1)"

"$vm_run" --kernel "$kernel" --timeout 30 -- sleep 600 >"$out/log" 2>&1
rc=$?
result "vm_run_fails_on_guest_timeout" \
	"$([ $rc -ne 0 ] && grep -q 'did not finish' "$out/log" && echo 1)"

exit $failed
