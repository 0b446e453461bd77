# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts: where caches live (outside the work tree, so a
# clean clone reuses them) and how a kernel name maps to its files.

PTSCOPE_CACHE=${PTSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptscope}
KSFT_DIR=$PTSCOPE_CACHE/kselftest
# The kernel's YNL library and CLI (tools/net/ynl), from linux-source-6.12.
YNL_DIR=$PTSCOPE_CACHE/ynl
# The arm64 guests' kernels and userland, unpacked by scripts/arm64-deps.
ARM64_DIR=$PTSCOPE_CACHE/arm64
ARM64_SYSROOT=$ARM64_DIR/sysroot
ARM64_CROSS=aarch64-linux-gnu-
PTSCOPE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# resolve_kernel NAME [ARCH]: the kernel NAME of ARCH (x86_64, the
# default, or arm64).  On x86_64 NAME is "debug", "rt" (the PREEMPT_RT
# 6.12), a series ("6.12", "6.1": the newest of that series, never an RT
# one) or a full release ("6.1.0-56-amd64"); on arm64 it is "debug" (16 KiB
# pages, scripts/arm64-kernel), "debug64k" (64 KiB pages, 52-bit VA), a
# series or a full release of the kernels
# scripts/arm64-deps unpacked into the cache.  Sets KERNEL_ARCH,
# KERNEL_RELEASE, KERNEL_IMAGE, KERNEL_KDIR, KERNEL_MODULES (the kernel's
# own module tree, empty for debug) and KERNEL_MODROOT (the root that tree
# is under, for modprobe -d).
resolve_kernel() {
	local name=$1 arch=${2:-x86_64} image boot=/boot rt pages

	KERNEL_ARCH=$arch
	KERNEL_MODROOT=/
	case "$arch" in
	x86_64) ;;
	arm64)
		if [ "$name" = debug ] || [ "$name" = debug64k ]; then
			pages=16k
			[ "$name" = debug ] || pages=64k
			KERNEL_KDIR=$("$PTSCOPE_TOP/scripts/arm64-kernel" --pages $pages) || return 1
			KERNEL_IMAGE=$KERNEL_KDIR/arch/arm64/boot/Image
			KERNEL_RELEASE=$(cat "$KERNEL_KDIR/include/config/kernel.release")
			KERNEL_MODULES=
			return 0
		fi
		# One root per release: boot/, lib/modules/ and usr/src/.
		image=$(printf '%s\n' "$ARM64_DIR"/kernels/*/boot/vmlinuz-* | grep -v '\*' |
			awk -F/boot/vmlinuz- -v n="$name" '$2 == n || index($2, n ".") == 1 ||
				index($2, n "-") == 1' | sort -V | tail -n 1)
		if [ -z "$image" ]; then
			echo "no arm64 kernel '$name' in $ARM64_DIR/kernels (run 'make deps')" >&2
			return 1
		fi
		KERNEL_IMAGE=$image
		KERNEL_RELEASE=${image##*/vmlinuz-}
		KERNEL_MODROOT=${image%/boot/vmlinuz-*}
		KERNEL_KDIR=$KERNEL_MODROOT/usr/src/linux-headers-$KERNEL_RELEASE
		KERNEL_MODULES=$KERNEL_MODROOT/lib/modules/$KERNEL_RELEASE
		return 0 ;;
	*)
		echo "no architecture '$arch' (x86_64 or arm64)" >&2
		return 1 ;;
	esac

	if [ "$name" = debug ]; then
		KERNEL_KDIR=$("$PTSCOPE_TOP/scripts/debug-kernel") || return 1
		KERNEL_IMAGE=$KERNEL_KDIR/arch/x86/boot/bzImage
		KERNEL_RELEASE=$(cat "$KERNEL_KDIR/include/config/kernel.release")
		KERNEL_MODULES=
		return 0
	fi
	# "rt" is the newest PREEMPT_RT 6.12; a series names a stock kernel,
	# never an RT one (6.12.x-rt-amd64 sorts after 6.12.x-amd64).
	rt="-v"
	if [ "$name" = rt ]; then
		name=6.12 rt=
	fi
	if [ -e "$boot/vmlinuz-$name" ]; then
		image=$boot/vmlinuz-$name
	else
		# "6.1" must not match 6.12: the series is followed by '.' or '-'.
		image=$(printf '%s\n' "$boot"/vmlinuz-"$name".* "$boot"/vmlinuz-"$name"-* |
			grep -v '\*' | grep $rt -- '-rt-amd64$' | sort -V | tail -n 1)
	fi
	if [ -z "$image" ]; then
		echo "no kernel '$1' in $boot (run 'make deps')" >&2
		return 1
	fi
	KERNEL_IMAGE=$image
	KERNEL_RELEASE=${image#"$boot"/vmlinuz-}
	KERNEL_KDIR=/lib/modules/$KERNEL_RELEASE/build
	KERNEL_MODULES=/lib/modules/$KERNEL_RELEASE
}

# build_module KDIR OUTDIR PATH...: build the out-of-tree module made of
# PATHs (a Kbuild and its sources) against KDIR, in a copy under OUTDIR, so
# builds for several kernels never share object files.  An arm64 KDIR (its
# .config says so) is built with the cross compiler.
build_module() {
	local kdir=$1 out=$2 cross=()

	shift 2
	mkdir -p "$out"
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' "$@" "$out/"
	grep -qx 'CONFIG_ARM64=y' "$kdir/.config" 2>/dev/null &&
		cross=(ARCH=arm64 CROSS_COMPILE="$ARM64_CROSS")
	make -s -C "$kdir" "${cross[@]}" M="$out" modules >&2
}
