#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything ptscope needs from Debian's archive, unpack the
# kselftest framework from linux-source-6.12, and fetch the arm64 guests'
# kernels and libraries into the cache (scripts/arm64-deps).  Idempotent
# and quiet on a warm machine: apt is only called for packages that are
# missing.
set -euo pipefail

. "$(dirname "$0")/lib.sh"

packages=(
	build-essential pkg-config libmnl-dev
	qemu-system-x86 busybox-static cpio coreutils xz-utils
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian debootstrap
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
	linux-source-6.12
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	bc flex bison libelf-dev libssl-dev dwarves rsync kmod
	codespell python3 man-db python3-yaml python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	# A config-file question would stop an unattended run: keep old files.
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "${missing[@]}"
fi

# Only the selftest framework, checkpatch and the YNL schema are needed
# from the 140 MB source tarball on every run; the debug kernel build unpacks the rest (scripts/debug-kernel).
tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
# The stamp names the list below too: a longer list unpacks again.
stamp="$KSFT_DIR/.from-$(stat -c %Y "$tarball")-2"
if [ ! -e "$stamp" ]; then
	echo "deps: unpacking kselftest framework into $KSFT_DIR"
	rm -rf "$KSFT_DIR"
	mkdir -p "$KSFT_DIR"
	tar -xJf "$tarball" -C "$KSFT_DIR" --strip-components=1 \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/lib.mk \
		linux-source-6.12/tools/testing/selftests/kselftest \
		linux-source-6.12/tools/testing/selftests/run_kselftest.sh \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch \
		linux-source-6.12/Documentation/netlink/genetlink-legacy.yaml
	touch "$stamp"
fi
# YNL, which the spec must drive (scripts/spec-check, selftests/ptscope/
# ynl_test.py): a directory of its own, so that unpacking it never takes
# the kselftest framework away from a build using it.
stamp="$YNL_DIR/.from-$(stat -c %Y "$tarball")"
if [ ! -e "$stamp" ]; then
	echo "deps: unpacking YNL into $YNL_DIR"
	rm -rf "$YNL_DIR"
	mkdir -p "$YNL_DIR"
	tar -xJf "$tarball" -C "$YNL_DIR" --strip-components=4 \
		linux-source-6.12/tools/net/ynl/cli.py \
		linux-source-6.12/tools/net/ynl/lib
	touch "$stamp"
fi
# The arm64 guests: kernels, headers, busybox and the client's libraries,
# unpacked into the cache, never installed (see scripts/arm64-deps).
"$(dirname "$0")/arm64-deps"
echo "deps: ok"
