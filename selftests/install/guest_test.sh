#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest_test.sh VERSION: run in a guest (busybox) by install_test.sh, from
# /root, which holds what apt and DKMS installed in the Debian chroot:
# ptscope (the packaged client), modules/ (the chroot's
# /lib/modules/RELEASE, with ptscope.ko where DKMS put it and depmod's
# files), and ptscope_fake_family.ko.  Prints KTAP.
version=$1
n=0 failed=0
result() { # STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}
show() { printf '%s\n' "$1" | sed 's/^/# /'; }

echo "TAP version 13"
echo "1..4"

# A module whose family is at a version this client does not speak.
insmod ptscope_fake_family.ko
out=$(./ptscope regions 1 2>&1)
rc=$?
show "$out"
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q \
	"speaks version 2 of netlink family \"ptscope\", this client (ptscope $version) speaks version 1"
result $? client_refuses_a_family_version_it_does_not_speak
rmmod ptscope_fake_family

# Where DKMS installed it, the module is loaded by the client's first
# family lookup (the genl alias that depmod indexed).
mkdir -p "/lib/modules/$(uname -r)"
cp -a modules/. "/lib/modules/$(uname -r)/"
out=$(./ptscope --version 2>&1)
rc=$?
show "$out"
[ $rc -eq 0 ] && [ "$out" = "ptscope $version
module $version
family ptscope version 1" ]
result $? version_autoloads_module_and_versions_agree

out=$(./ptscope regions 1 2>&1)
rc=$?
show "$(printf '%s\n' "$out" | head -n 4)"
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q ' stack '
result $? packaged_client_queries_dkms_module

modprobe -r ptscope && ! grep -q '^ptscope ' /proc/modules
result $? dkms_module_unloads
exit $failed
