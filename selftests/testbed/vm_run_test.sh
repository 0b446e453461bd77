#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_run_test.sh [--no-module] KERNEL [ARCH]: tests of the test bed itself,
# run on the host, for the guest KERNEL of ARCH (x86_64 or arm64).  A
# runner that cannot fail proves nothing, so check that scripts/vm-run
# passes exit statuses through, and fails on a WARN and on a guest that
# does not finish.  --no-module: the guests without ptscope.ko (an
# architecture it does not build for yet); the WARN comes from a module of
# its own either way.  Prints KTAP.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
vm_run=$PTSCOPE_TOP/scripts/vm-run
nomod=()
if [ "${1:-}" = --no-module ]; then
	nomod=(--no-module)
	shift
fi
kernel=${1:-6.12}
arch=${2:-x86_64}
vm() { "$vm_run" --arch "$arch" --kernel "$kernel" "${nomod[@]}" "$@"; }
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

vm -- true >"$out/log" 2>&1
result "vm_run_true_exits_zero" "$([ $? -eq 0 ] && echo 1)"

vm -- false >"$out/log" 2>&1
result "vm_run_false_exits_nonzero" "$([ $? -ne 0 ] && echo 1)"

resolve_kernel "$kernel" "$arch" >/dev/null
warn=$PTSCOPE_TOP/build/warn_module/$arch/$KERNEL_RELEASE
build_module "$KERNEL_KDIR" "$warn" "$here/warn_module/" >"$out/log" 2>&1
vm --add "$warn/ptscope_warn_test.ko" -- insmod ptscope_warn_test.ko >"$out/log" 2>&1
rc=$?
result "vm_run_fails_on_guest_warning" \
	"$([ $rc -ne 0 ] && grep -q 'deliberate warning' "$out/log" && echo 1)"

vm --timeout 30 -- sleep 600 >"$out/log" 2>&1
rc=$?
result "vm_run_fails_on_guest_timeout" \
	"$([ $rc -ne 0 ] && grep -q 'did not finish' "$out/log" && echo 1)"

exit $failed
