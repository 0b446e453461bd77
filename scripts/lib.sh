# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts: where caches live (outside the work tree, so a
# clean clone reuses them) and how a kernel name maps to its files.

PTSCOPE_CACHE=${PTSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptscope}
KSFT_DIR=$PTSCOPE_CACHE/kselftest
# The kernel's YNL library and CLI (tools/net/ynl), from linux-source-6.12.
YNL_DIR=$PTSCOPE_CACHE/ynl
PTSCOPE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# resolve_kernel NAME: NAME is "debug", a series ("6.12", "6.1") or a full
# release ("6.1.0-56-amd64").  Sets KERNEL_RELEASE, KERNEL_IMAGE, KERNEL_KDIR
# and KERNEL_MODULES (the kernel's own module tree, empty for debug).
resolve_kernel() {
	local name=$1 image

	if [ "$name" = debug ]; then
		KERNEL_KDIR=$("$PTSCOPE_TOP/scripts/debug-kernel") || return 1
		KERNEL_IMAGE=$KERNEL_KDIR/arch/x86/boot/bzImage
		KERNEL_RELEASE=$(cat "$KERNEL_KDIR/include/config/kernel.release")
		KERNEL_MODULES=
		return 0
	fi
	if [ -e "/boot/vmlinuz-$name" ]; then
		image=/boot/vmlinuz-$name
	else
		# "6.1" must not match 6.12: the series is followed by '.' or '-'.
		image=$(printf '%s\n' /boot/vmlinuz-"$name".* /boot/vmlinuz-"$name"-* |
			grep -v '\*' | sort -V | tail -n 1)
	fi
	if [ -z "$image" ]; then
		echo "no kernel '$name' in /boot (run 'make deps')" >&2
		return 1
	fi
	KERNEL_IMAGE=$image
	KERNEL_RELEASE=${image#/boot/vmlinuz-}
	KERNEL_KDIR=/lib/modules/$KERNEL_RELEASE/build
	KERNEL_MODULES=/lib/modules/$KERNEL_RELEASE
}

# build_module KDIR OUTDIR PATH...: build the out-of-tree module made of
# PATHs (a Kbuild and its sources) against KDIR, in a copy under OUTDIR, so
# builds for several kernels never share object files.
build_module() {
	local kdir=$1 out=$2

	shift 2
	mkdir -p "$out"
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' "$@" "$out/"
	make -s -C "$kdir" M="$out" modules >&2
}
