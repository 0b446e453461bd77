#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install_test.sh [KERNEL...]: make install, DKMS and the Debian packages,
# from this tree, for each KERNEL (default: 6.12 6.1).  Prints KTAP; the
# guests' own results are nested ("# ok").
#
# On the host: the version strings agree; make install into a DESTDIR, for
# each kernel, gives exactly the expected files and a module built for each
# kernel; depmod indexes the module when asked; make uninstall removes
# every file; make deb gives the two packages with the expected files and
# dependencies, and lintian reports nothing.
# In a Debian 12 chroot (scripts/deb-chroot, under an overlay so the
# cached root never changes; the host's kernel headers bind-mounted in as
# if installed there): apt installs both packages and pulls in libmnl0;
# ptscope-dkms's postinst has DKMS build and install the module for each
# kernel (in a chroot whose host kernel is not installed, a first install
# builds for all); the client runs; purging both leaves no file behind.
# In a guest of each KERNEL: the packaged client refuses a family version
# it does not speak, loads the DKMS-built module through the family alias,
# reports the same version for both, and queries it.
#
# Runs in a private mount namespace, so no mount outlives it.
set -uo pipefail

if [ -z "${PTSCOPE_INSTALL_TEST_NS:-}" ] &&
	unshare --mount --propagation private true 2>/dev/null; then
	PTSCOPE_INSTALL_TEST_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
top=$PTSCOPE_TOP
[ $# -gt 0 ] || set -- 6.12 6.1
kernels=("$@")

out=$(mktemp -d)
art=$top/build/install
root=$out/overlay/root
cleanup() {
	mountpoint -q "$root" && umount -R "$root"
	rm -rf "$out"
}
trap cleanup EXIT

n=0 failed=0
: >"$out/log"
result() { # NAME OK [SKIP-REASON]
	n=$((n + 1))
	if [ -n "${3:-}" ]; then
		echo "ok $n $1 # SKIP $3"
	elif [ "$2" = 1 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		sed 's/^/# /' "$out/log"
		failed=1
	fi
	: >"$out/log"
}
check() { # NAME COMMAND...: ok when COMMAND succeeds; its output is the log
	local name=$1

	shift
	"$@" >>"$out/log" 2>&1
	result "$name" "$([ $? -eq 0 ] && echo 1)"
}
same() { # EXPECTED ACTUAL: equal, or a diff in the log
	diff -u <(echo "$1") <(echo "$2") >>"$out/log" && return 0
	return 1
}

version=$(sed -n 's/^#define PTSCOPE_VERSION "\(.*\)"$/\1/p' "$top/include/ptscope_version.h")
releases=()
for k in "${kernels[@]}"; do
	resolve_kernel "$k" || exit 1
	releases+=("$KERNEL_RELEASE")
done
release=${releases[0]}

echo "TAP version 13"
echo "1..$((12 + 2 * ${#kernels[@]}))"

# --- versions ---------------------------------------------------------------
versions() {
	local dkms deb man

	dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
	deb=$(cd "$top" && dpkg-parsechangelog -S Version)
	man=$(sed -n 's/^\.TH .*"ptscope \([^"]*\)".*/\1/p' "$top/userspace/ptscope.8")
	echo "ptscope_version.h $version, dkms.conf $dkms, debian/changelog $deb, ptscope.8 $man"
	[ "$dkms" = "$version" ] && [ "$deb" = "$version" ] && [ "$man" = "$version" ]
}
check versions_agree versions

# --- make install / uninstall -----------------------------------------------
files() { (cd "$1" && find . ! -type d | sed 's|^\./|/|' | sort); }
dest=$out/dest
for r in "${releases[@]}"; do
	make -s -C "$top" install DESTDIR="$dest" KVER="$r" >>"$out/log" 2>&1
done
same "$( (printf '/lib/modules/%s/updates/ptscope.ko\n' "${releases[@]}"
	echo /usr/local/include/linux/ptscope.h
	echo /usr/local/sbin/ptscope
	echo /usr/local/share/bash-completion/completions/ptscope
	echo /usr/local/share/man/man8/ptscope.8) | sort)" "$(files "$dest")"
result make_install_destdir_files "$([ $? -eq 0 ] && echo 1)"

modules() {
	local r ko

	for r in "${releases[@]}"; do
		ko=$dest/lib/modules/$r/updates/ptscope.ko
		echo "$(modinfo -F version "$ko") $(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	done
}
same "$(printf "$version %s\n" "${releases[@]}")" "$(modules)"
result make_install_module_version_and_kernel "$([ $? -eq 0 ] && echo 1)"

# depmod is skipped for a staged install unless DEPMOD says how to run it.
depmod_dest=$out/depmod
make -s -C "$top" install-module DESTDIR="$depmod_dest" KVER="$release" \
	DEPMOD="depmod -b $depmod_dest" >>"$out/log" 2>&1
moddir=$depmod_dest/lib/modules/$release
grep -qx 'updates/ptscope.ko:' "$moddir/modules.dep" &&
	grep -qx 'alias net-pf-16-proto-16-family-ptscope ptscope' "$moddir/modules.alias"
ok=$?
make -s -C "$top" uninstall DESTDIR="$depmod_dest" KVER="$release" \
	DEPMOD="depmod -b $depmod_dest" >>"$out/log" 2>&1
result make_install_depmod_indexes_family_alias \
	"$([ $ok -eq 0 ] && ! grep -q ptscope "$moddir/modules.dep" && echo 1)"

for r in "${releases[@]}"; do
	make -s -C "$top" uninstall DESTDIR="$dest" KVER="$r" >>"$out/log" 2>&1
done
same "" "$(files "$dest")"
result make_uninstall_leaves_no_file "$([ $? -eq 0 ] && echo 1)"

# --- make deb, lintian --------------------------------------------------------
debs=$top/build/deb
start=$SECONDS
make -s -C "$top" deb >>"$out/log" 2>&1
same "ptscope-dkms_${version}_all.deb
ptscope_${version}_amd64.deb" "$(cd "$debs" && ls ./*.deb | sed 's|^\./||')"
result make_deb_builds_two_packages "$([ $? -eq 0 ] && echo 1)"
echo "# make deb: $((SECONDS - start)) s"

contents() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort; }
client_deb=$debs/ptscope_${version}_amd64.deb
dkms_deb=$debs/ptscope-dkms_${version}_all.deb
same "/usr/sbin/ptscope
/usr/share/bash-completion/completions/ptscope
/usr/share/doc/ptscope/changelog.gz
/usr/share/doc/ptscope/copyright
/usr/share/man/man8/ptscope.8.gz" "$(contents "$client_deb")" &&
	depends=$(dpkg-deb -f "$client_deb" Depends) && echo "Depends: $depends" >>"$out/log" &&
	[[ $depends == *"libmnl0 (>="* ]]
result deb_ptscope_files_and_depends "$([ $? -eq 0 ] && echo 1)"

same "$( (echo /usr/share/doc/ptscope-dkms/changelog.gz
	echo /usr/share/doc/ptscope-dkms/copyright
	cd "$top" && git ls-files --cached --others --exclude-standard Kbuild dkms.conf module include |
		sed "s|^|/usr/src/ptscope-$version/|") | sort)" "$(contents "$dkms_deb")" &&
	depends=$(dpkg-deb -f "$dkms_deb" Depends) && echo "Depends: $depends" >>"$out/log" &&
	[[ $depends == dkms* ]]
result deb_ptscope_dkms_files_and_depends "$([ $? -eq 0 ] && echo 1)"

start=$SECONDS
lintian --info --pedantic --fail-on error,warning "$debs"/*.changes >>"$out/log" 2>&1
rc=$?
sed -i '/running with root privileges/d' "$out/log"
echo "# lintian $(lintian --version | cut -d' ' -f2): $(grep -c '^[EWIPX]: ' "$out/log") tags, $((SECONDS - start)) s"
sed 's/^/# /' "$out/log"
result lintian_reports_no_error_or_warning "$([ $rc -eq 0 ] && echo 1)"

# --- the packages in a Debian chroot ----------------------------------------
skip=
if [ -z "${PTSCOPE_INSTALL_TEST_NS:-}" ]; then
	skip="no private mount namespace (needs root)"
else
	start=$SECONDS
	lower=$("$top/scripts/deb-chroot" 2>>"$out/log") || skip="scripts/deb-chroot failed"
	echo "# chroot: $((SECONDS - start)) s to get it ready"
fi
if [ -z "$skip" ]; then
	mkdir -p "$out/overlay/upper" "$out/overlay/work" "$root"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$out/overlay/upper,workdir=$out/overlay/work" "$root" &&
		mount -t proc proc "$root/proc" &&
		mount -t devpts devpts "$root/dev/pts" >>"$out/log" 2>&1 ||
		skip="cannot mount an overlay"
fi
# The headers `make deps` installed, read-only, where their packages put them.
if [ -z "$skip" ]; then
	for d in /usr/src/linux-headers-* /usr/lib/linux-kbuild-*; do
		mkdir -p "$root$d"
		mount --bind "$d" "$root$d" && mount -o remount,bind,ro "$root$d"
	done
	for r in "${releases[@]}"; do
		mkdir -p "$root/lib/modules/$r"
		cp -P "/lib/modules/$r/build" "$root/lib/modules/$r/"
	done
fi
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

if [ -n "$skip" ]; then
	result apt_installs_both_packages_and_libmnl0 0 "$skip"
else
	cp "$client_deb" "$dkms_deb" "$root/tmp/"
	start=$SECONDS
	in_root apt-get install -q -y "/tmp/${client_deb##*/}" "/tmp/${dkms_deb##*/}" >>"$out/log" 2>&1
	rc=$?
	echo "# apt-get install, DKMS building for ${releases[*]}: $((SECONDS - start)) s"
	rm -f "$root/tmp/"*.deb
	same "install ok installed
install ok installed
install ok installed" "$(in_root dpkg-query -W -f='${Status}\n' libmnl0 ptscope ptscope-dkms)"
	result apt_installs_both_packages_and_libmnl0 "$([ $? -eq 0 ] && echo 1)"
fi

client_runs() {
	local text rc

	text=$(in_root ptscope --help) || return 1
	[[ $text == "Usage: ptscope"* ]] || return 1
	# The host cannot load modules: the client says so and exits 1.
	text=$(in_root ptscope version 2>&1)
	rc=$?
	[ $rc -eq 1 ] && same "ptscope $version
ptscope: module not loaded (no netlink family \"ptscope\")
module not loaded" "$text" || return 1
	test -s "$root/usr/share/man/man8/ptscope.8.gz" &&
		in_root bash -c '. /usr/share/bash-completion/completions/ptscope && complete -p ptscope'
}
if [ -n "$skip" ]; then
	result installed_client_runs_with_man_page_and_completion 0 "$skip"
else
	check installed_client_runs_with_man_page_and_completion client_runs
fi

mkdir -p "$art"
for r in "${releases[@]}"; do
	if [ -n "$skip" ]; then
		result "dkms_installs_module_for_$r" 0 "$skip"
		continue
	fi
	ko=$(ls "$root/lib/modules/$r/updates/dkms/"ptscope.ko* 2>/dev/null)
	in_root dkms status ptscope >>"$out/log" 2>&1
	rm -rf "${art:?}/$r"
	mkdir -p "$art/$r"
	cp -a "$root/lib/modules/$r" "$art/$r/modules" && rm -f "$art/$r/modules/build"
	grep -q "ptscope/$version, $r, x86_64: installed" "$out/log" && [ -n "$ko" ] &&
		same "$version" "$(in_root modinfo -F version "${ko#"$root"}")" &&
		grep -q 'updates/dkms/ptscope.ko' "$root/lib/modules/$r/modules.dep"
	result "dkms_installs_module_for_$r" "$([ $? -eq 0 ] && echo 1)"
done

if [ -n "$skip" ]; then
	result purge_leaves_no_ptscope_file 0 "$skip"
else
	cp "$root/usr/sbin/ptscope" "$art/ptscope"
	in_root apt-get purge -q -y ptscope ptscope-dkms >>"$out/log" 2>&1
	# Everything the packages changed is in the overlay's upper layer.
	same "" "$(cd "$out/overlay/upper" && find . -name '*ptscope*')"
	result purge_leaves_no_ptscope_file "$([ $? -eq 0 ] && echo 1)"
fi

# --- in a guest of each kernel ----------------------------------------------
for i in "${!kernels[@]}"; do
	k=${kernels[$i]} r=${releases[$i]}
	if [ -n "$skip" ]; then
		result "guest_$k" 0 "$skip"
		continue
	fi
	resolve_kernel "$k"
	fake=$top/build/fake_family/$r
	build_module "$KERNEL_KDIR" "$fake" "$here/fake_family/" "$top/include" >>"$out/log" 2>&1
	start=$SECONDS
	"$top/scripts/vm-run" --kernel "$k" --no-module --add "$art/ptscope" \
		--add "$art/$r/modules" --add "$fake/ptscope_fake_family.ko" \
		--add "$here/guest_test.sh" -- sh guest_test.sh "$version" >"$out/guest" 2>&1
	rc=$?
	sed 's/^/# /' "$out/guest"
	echo "# guest $k: $((SECONDS - start)) s"
	result "guest_$k" "$([ $rc -eq 0 ] && echo 1)"
done

exit $failed
