#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: sets up and builds if needed, then shows svnic at work, step by
# step, and cleans up after itself:
#   1. a VF's life through lib/sriov, the PF driver's SR-IOV core (allocation,
#      VPorts, mediated config space, the mailbox, quarantine, FLR, free);
#   2. the device: svnic-emu serving an SR-IOV PF over vfio-user, read with
#      svnic-ctl lspci as lspci would read hardware.
# The testpmd-driven demo on the emulated PF takes over as the PMD lands.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

step "set-up and build (usertools/svnic-setup.sh, log in build-setup.log)"
bash usertools/svnic-setup.sh > build-setup.log 2>&1 || { tail -n 30 build-setup.log; exit 1; }
echo "built in $top/build"

step "1/2  lib/sriov: a VF's life in the PF driver's core"
build/test/demo/svnic-sriov-demo

step "2/2  the device: svnic-emu, an SR-IOV NIC in software"
dir=$(mktemp -d /tmp/svnic-demo.XXXXXX)
emu_pid=
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
build/app/svnic-emu/svnic-emu --dir "$dir" --vfs-max 16 --uplink loopback > "$dir/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 50); do [ -S "$dir/pf.sock" ] && break; sleep 0.1; done
[ -S "$dir/pf.sock" ] || { cat "$dir/emu.log"; exit 1; }
head -n 1 "$dir/emu.log"
echo
echo "\$ svnic-ctl lspci $dir/pf.sock"
build/app/svnic-ctl/svnic-ctl lspci "$dir/pf.sock"
kill "$emu_pid"
wait "$emu_pid" 2>/dev/null || true
emu_pid=
echo
tail -n 1 "$dir/emu.log"
step "done"
