# SPDX-License-Identifier: GPL-2.0
#
# make            build ptscope.ko (for KDIR) and userspace/ptscope
# make deps       install what the project needs from Debian (scripts/deps.sh)
# make check      build for 6.12, 6.1 and the debug kernel, run the
#                 kselftests in a guest of each
# make demo       the README's scenario, in a guest
# make stress     the stress kselftests with long counts, on the debug kernel
# make bench      ptscope against pagemap and PAGEMAP_SCAN, in one guest boot

# The running kernel's build dir when it has one (a developer's own box),
# else the newest installed headers (this project's build machines, whose
# own kernel cannot load modules).  KVER=... or KDIR=... picks another.
ifneq ($(origin KVER),undefined)
KDIR ?= /lib/modules/$(KVER)/build
else
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build), \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1))
endif

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
	scripts/demo

stress: deps
	scripts/check --stress

bench: deps
	scripts/bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/ptscope clean
	rm -rf build

.PHONY: all module client deps check demo stress bench clean
