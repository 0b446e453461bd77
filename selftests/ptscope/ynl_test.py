#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl_test.py SPEC YNL_DIR: the family read as a client generated from the
# spec reads it, through the kernel's own YNL library (tools/net/ynl), which
# knows nothing of ptscope but SPEC.  An attribute that a reply repeats must
# be multi-attr there, or YNL keeps only the last of each message: every
# dump packs many VMAs, runs, frames records and kernel entries in one
# message, and a translation holds a level per page-table level.  So YNL
# must see every VMA /proc/PID/maps lists, every byte of the map and every
# kernel entry the client (libmnl, not the spec) sees, and every level of a
# translation.  KTAP output; ynl_test.sh runs it with the bundled python.
import json
import os
import subprocess
import sys

# The kernel half, where x86's [vsyscall] is: REGIONS_GET lists user VMAs only.
# (The user half ends at 1 << 47, 1 << 48 or 1 << 56 by architecture and
# paging mode.)
KERNEL_HALF = 1 << 63
# Levels a translation walks at least: 4 with 4 KiB pages (x86-64, arm64);
# arm64 with 16 KiB pages has 3 (47-bit VAs), with 64 KiB 2.
MIN_LEVELS = 4 if os.sysconf('SC_PAGE_SIZE') == 4096 else 2


def as_list(value):
    """A repeated attribute as YNL returned it: a list if multi-attr."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def dump_items(ynl, op, pid, attr):
    return [item for msg in ynl.dump(op, {'pid': pid}) for item in as_list(msg.get(attr))]


def client_json(command, *args):
    return json.loads(subprocess.run(['ptscope', command, '-j', *args], check=True,
                                     capture_output=True, text=True).stdout)


def maps_vmas(pid):
    vmas = []
    with open('/proc/%d/maps' % pid) as f:
        for line in f:
            start, end = (int(x, 16) for x in line.split()[0].split('-'))
            if start < KERNEL_HALF:
                vmas.append((start, end))
    return vmas


def check_regions(ynl, pid):
    got = [(v['start'], v['end']) for v in dump_items(ynl, 'regions-get', pid, 'vma')]
    want = maps_vmas(pid)
    return got == want, '%d VMAs, /proc/PID/maps has %d' % (len(got), len(want))


def check_map(ynl, pid):
    msgs = ynl.dump('map-get', {'pid': pid})
    runs = [r for m in msgs for r in as_list(m.get('run'))]
    frames = [f for m in msgs for f in as_list(m.get('frames'))]
    got = sum(r['size'] for r in runs) + sum(f['run']['size'] for f in frames)
    want = sum(m['size'] for m in client_json('map', str(pid))['mappings'])
    return got == want, '%d bytes in %d runs and %d frames records, the client %d bytes' % (
        got, len(runs), len(frames), want)


def check_translate(ynl, pid):
    addr = maps_vmas(pid)[0][0]
    got = len(as_list(ynl.do('translate', {'pid': pid, 'addr': addr}).get('level')))
    want = len(client_json('translate', str(pid), hex(addr))['levels'])
    return got == want and got >= MIN_LEVELS, '%d levels, the client %d' % (got, want)


def check_kernel(ynl, pid):
    got = len(dump_items(ynl, 'kernel-get', pid, 'kernel'))
    want = len(client_json('kernel', str(pid))['entries'])
    return got == want and got > 1, '%d entries, the client %d' % (got, want)


def main(spec, ynl_dir):
    sys.path.insert(0, ynl_dir)
    from lib import YnlFamily

    checks = [check_regions, check_map, check_translate, check_kernel]
    print('TAP version 13')
    print('1..%d' % len(checks))
    # A target that holds still: this interpreter again, waiting on stdin.
    target = subprocess.Popen([sys.executable, '-I', '-S', '-c',
                               'import sys; print(flush=True); sys.stdin.read()'],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    target.stdout.readline()
    # No schema: scripts/spec-check validates the spec on the host.
    ynl = YnlFamily(spec, schema='')
    failed = 0
    for n, check in enumerate(checks, 1):
        ok, what = check(ynl, target.pid)
        print('%s %d %s: %s' % ('ok' if ok else 'not ok', n, check.__name__, what))
        failed += not ok
    target.stdin.close()
    target.wait()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
