# SPDX-License-Identifier: GPL-2.0
#
# make            build ptscope.ko (for KDIR) and userspace/ptscope
# make deps       install what the project needs from Debian (scripts/deps.sh)
# make check      build for x86 6.12, 6.1, PREEMPT_RT and debug and for
#                 arm64 6.12, 6.1 and debug (16 KiB pages; PTSCOPE_ARM64=0
#                 leaves arm64 out), run the kselftests in a guest of each;
#                 test make install, DKMS and the .debs (selftests/install)
# make demo       the seed's scenario, in a guest (ARCH=arm64: an arm64 one)
# make docs       regenerate the examples in README.md and docs/*.md, in a guest
# make stress     the stress kselftests with long counts, on the debug kernel
# make bench      ptscope against pagemap and PAGEMAP_SCAN, in one guest boot
# make install    ptscope.ko into /lib/modules/RELEASE/updates (then depmod),
#                 the client, its man page and bash completion and the UAPI
#                 header under PREFIX (/usr/local); DESTDIR=... stages them
# make uninstall  remove what make install put there
# make install-dkms  the module's sources and dkms.conf into /usr/src
# make deb        build/deb/: ptscope (client) and ptscope-dkms (module) .debs

# The running kernel's build dir when it has one (a developer's own box),
# else the newest installed headers of a stock kernel, not PREEMPT_RT's
# (this project's build machines, whose own kernel cannot load modules).
# KVER=... or KDIR=... picks another.
ifneq ($(origin KVER),undefined)
KDIR ?= /lib/modules/$(KVER)/build
else
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build), \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | grep -v -- '-rt-' | sort -V | tail -n 1))
endif

PTSCOPE_VERSION := $(shell sed -n 's/^\#define PTSCOPE_VERSION "\(.*\)"$$/\1/p' \
	include/ptscope_version.h)
# The release the module is built for (its vermagic); Debian's 6.1 headers
# have a shorter include/config/kernel.release.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INCLUDEDIR ?= $(PREFIX)/include
MODDIR = /lib/modules/$(KRELEASE)/updates
DKMSDIR ?= /usr/src/ptscope-$(PTSCOPE_VERSION)
# A staged install (DESTDIR) is not the running system's module tree: the
# package that ships it runs depmod when it is installed (or say how to
# run it, e.g. DEPMOD="depmod -b $DESTDIR").
DEPMOD ?= $(if $(DESTDIR),,depmod)

all: module client

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no kernel build dir '$(KDIR)': run 'make deps' or set KVER/KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

client:
	$(MAKE) -C userspace

deps:
	scripts/deps.sh

check: deps
	scripts/check

demo: deps
	ARCH=$(ARCH) scripts/demo

docs: deps
	scripts/docs

stress: deps
	scripts/check --stress

bench: deps
	scripts/bench

install: install-module install-client install-header

install-module: module
	install -D -m 0644 ptscope.ko $(DESTDIR)$(MODDIR)/ptscope.ko
	$(if $(DEPMOD),$(DEPMOD) -a $(KRELEASE))

install-client:
	$(MAKE) -C userspace ptscope
	install -D -m 0755 userspace/ptscope $(DESTDIR)$(SBINDIR)/ptscope
	install -D -m 0644 userspace/ptscope.8 $(DESTDIR)$(MANDIR)/man8/ptscope.8
	install -D -m 0644 userspace/completion/ptscope.bash \
		$(DESTDIR)$(BASHCOMPDIR)/ptscope

install-header:
	install -D -m 0644 include/uapi/linux/ptscope.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/ptscope.h

# What DKMS needs to build the module: the Kbuild, its sources and headers.
install-dkms:
	install -D -m 0644 -t $(DESTDIR)$(DKMSDIR) dkms.conf Kbuild
	install -D -m 0644 -t $(DESTDIR)$(DKMSDIR)/module module/*.c module/*.h
	install -D -m 0644 -t $(DESTDIR)$(DKMSDIR)/include include/*.h
	install -D -m 0644 -t $(DESTDIR)$(DKMSDIR)/include/uapi/linux \
		include/uapi/linux/ptscope.h

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/ptscope.ko
	$(if $(DEPMOD),$(DEPMOD) -a $(KRELEASE))
	rm -f $(DESTDIR)$(SBINDIR)/ptscope $(DESTDIR)$(MANDIR)/man8/ptscope.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ptscope $(DESTDIR)$(INCLUDEDIR)/linux/ptscope.h

deb:
	scripts/deb

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/ptscope clean
	rm -rf build

.PHONY: all module client deps check demo docs stress bench clean deb \
	install install-module install-client install-header install-dkms uninstall
