#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: sets up and builds if needed, then shows svnic at work, step by
# step, and cleans up after itself:
#   1. a VF's life through lib/sriov, the PF driver's SR-IOV core (allocation,
#      VPorts, mediated config space, the mailbox, quarantine, FLR, free);
#   2. the device: svnic-emu serving an SR-IOV PF over vfio-user, read with
#      svnic-ctl lspci as lspci would read hardware;
#   3. Debian's dpdk-testpmd running net_svnic on that PF, forwarding traffic
#      out of the emulated NIC's loopback uplink and back, with the counters of
#      testpmd and of the device side by side.
# VFs given to guests come next (the VF driver and operator control).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

step "set-up and build (usertools/svnic-setup.sh, log in build-setup.log)"
bash usertools/svnic-setup.sh > build-setup.log 2>&1 || { tail -n 30 build-setup.log; exit 1; }
echo "built in $top/build"

step "1/3  lib/sriov: a VF's life in the PF driver's core"
build/test/demo/svnic-sriov-demo

step "2/3  the device: svnic-emu, an SR-IOV NIC in software"
dir=$(mktemp -d /tmp/svnic-demo.XXXXXX)
emu_pid=
pmd_pid=
cleanup() {
	[ -n "$pmd_pid" ] && kill "$pmd_pid" 2>/dev/null && wait "$pmd_pid" 2>/dev/null
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/svnic-demo-$$"
}
trap cleanup EXIT
build/app/svnic-emu/svnic-emu --dir "$dir" --vfs-max 16 --uplink loopback > "$dir/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 50); do [ -S "$dir/pf.sock" ] && break; sleep 0.1; done
[ -S "$dir/pf.sock" ] || { cat "$dir/emu.log"; exit 1; }
head -n 1 "$dir/emu.log"
echo
echo "\$ svnic-ctl lspci $dir/pf.sock    (identity and the SR-IOV capability)"
build/app/svnic-ctl/svnic-ctl lspci "$dir/pf.sock" > "$dir/lspci.txt"
sed -n '1,2p;/Single Root I\/O Virtualization/,/VF Migration/p' "$dir/lspci.txt"

step "3/3  dpdk-testpmd with net_svnic on the emulated PF"
cpu=$(taskset -pc $$ | sed 's/.*: *//;s/[,-].*//')
cmd=(dpdk-testpmd --no-huge -m 512 --file-prefix "svnic-demo-$$" --lcores "0@$cpu,1@$cpu"
	--no-pci --vdev "net_svnic0,vfio_user=$dir/pf.sock" -d build/drivers/librte_net_svnic.so
	-- -i --nb-ports=1 --total-num-mbufs=8192)
echo "\$ ${cmd[*]}"
echo "testpmd> start tx_first   (io forwarding: the PF sends a burst that the loopback uplink"
echo "          returns, and testpmd sends back out whatever it receives, for 3 seconds)"
mkfifo "$dir/in"
stdbuf -oL "${cmd[@]}" < "$dir/in" > "$dir/testpmd.log" 2>&1 &
pmd_pid=$!
exec 3> "$dir/in"
for _ in $(seq 100); do grep -q 'testpmd> ' "$dir/testpmd.log" 2>/dev/null && break; sleep 0.1; done
echo "show port info 0" >&3
echo "start tx_first" >&3
sleep 3
echo "stop" >&3
sleep 0.5
echo "show port stats 0" >&3
sleep 0.5
kill -USR1 "$emu_pid"
echo "quit" >&3
exec 3>&-
wait "$pmd_pid" || true
pmd_pid=
grep -E 'MAC address|Link status|Link speed|Max possible RX queues|Maximum number of MAC|max_vfs|VFs' \
	"$dir/testpmd.log" | sed 's/^/  /' | head -n 8
echo
echo "testpmd's port counters after the run:"
sed -n '/NIC statistics for port 0/,/####/p' "$dir/testpmd.log" | sed 's/^/  /' | tail -n +2 | head -n 8
echo
echo "the device's side (svnic-emu, SIGUSR1):"
grep -E 'uplink: rx|vport 0' "$dir/emu.log" | tail -n 2 | sed 's/^/  /'
kill "$emu_pid"
wait "$emu_pid" 2>/dev/null || true
emu_pid=
tail -n 1 "$dir/emu.log"
step "done: everything started here was stopped"
