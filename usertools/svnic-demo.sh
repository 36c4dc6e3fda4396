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
#      testpmd and of the device side by side;
#   4. the whole SR-IOV story: svnic-emu with a tap uplink inside a network
#      namespace, the PF in dpdk-testpmd serving VFs, two VFs allocated with
#      svnic-ctl (one on a port VLAN), two guests (dpdk-testpmd with
#      net_svnic_vf, icmpecho) on them, the kernel pinging each guest through
#      the tap, the VF table with its counters, and a clean teardown.
# Step 4 needs root (a network namespace and a tap interface).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

step "set-up and build (usertools/svnic-setup.sh, log in build-setup.log)"
bash usertools/svnic-setup.sh > build-setup.log 2>&1 || { tail -n 30 build-setup.log; exit 1; }
echo "built in $top/build"

step "1/4  lib/sriov: a VF's life in the PF driver's core"
build/test/demo/svnic-sriov-demo

step "2/4  the device: svnic-emu, an SR-IOV NIC in software"
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

step "3/4  dpdk-testpmd with net_svnic on the emulated PF"
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

step "4/4  VFs end to end: two guests on two VFs, pinged by the kernel through a tap"
if [ "$(id -u)" != 0 ]; then
	echo "step 4 needs root (a network namespace and a tap interface); run the demo as root"
	exit 1
fi
ns="svnic-demo-$$"
tap="svdemo$$"
ctl=(build/app/svnic-ctl/svnic-ctl -s "$dir/mgmt.sock")
guest_pids=()
cleanup4() {
	for p in "${guest_pids[@]}"; do kill -INT "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[ -n "$pmd_pid" ] && kill "$pmd_pid" 2>/dev/null && wait "$pmd_pid" 2>/dev/null
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir" /var/run/dpdk/svnic-demo-*-$$
}
trap cleanup4 EXIT
rm -f "$dir/pf.sock"
ip netns add "$ns"
echo "\$ ip netns exec $ns svnic-emu --dir $dir --vfs-max 8 --queues 64 --uplink tap:$tap"
ip netns exec "$ns" build/app/svnic-emu/svnic-emu --dir "$dir" --vfs-max 8 --queues 64 \
	--uplink "tap:$tap" > "$dir/emu4.log" 2>&1 &
emu_pid=$!
for _ in $(seq 50); do [ -S "$dir/pf.sock" ] && break; sleep 0.1; done
[ -S "$dir/pf.sock" ] || { cat "$dir/emu4.log"; exit 1; }
ip netns exec "$ns" ip link set "$tap" up
ip netns exec "$ns" ip addr add 192.0.2.1/24 dev "$tap"
echo "the kernel's end of the uplink: $tap 192.0.2.1/24 (VLAN 10 is spoken with scapy, which"
echo "needs no 8021q module: test/integration/vlan_ping.py)"

vdev="net_svnic0,vfio_user=$dir/pf.sock,max_vfs=4,vf_dir=$dir/vfs,mgmt=$dir/mgmt.sock"
cmd=(dpdk-testpmd --no-huge -m 512 --file-prefix "svnic-demo-pf-$$" --lcores "0@$cpu,1@$cpu"
	--no-pci --vdev "$vdev" -d build/drivers/librte_net_svnic.so
	-- -i --nb-ports=1 --total-num-mbufs=8192)
echo
echo "\$ ${cmd[*]}"
rm -f "$dir/in"
mkfifo "$dir/in"
stdbuf -oL "${cmd[@]}" < "$dir/in" > "$dir/pf.log" 2>&1 &
pmd_pid=$!
exec 3> "$dir/in"
for _ in $(seq 100); do [ -S "$dir/mgmt.sock" ] && break; sleep 0.1; done
[ -S "$dir/mgmt.sock" ] || { cat "$dir/pf.log"; exit 1; }
grep -E 'VFs|max_vfs|SR-IOV' "$dir/pf.log" | head -n 3 | sed 's/^/  /'
echo
echo "\$ svnic-ctl -s $dir/mgmt.sock switch show"
"${ctl[@]}" switch show | sed 's/^/  /'
echo "\$ svnic-ctl vf alloc queues 1 mac 02:00:00:00:0a:00 name guest0"
"${ctl[@]}" vf alloc queues 1 mac 02:00:00:00:0a:00 name guest0 | sed 's/^/  /'
echo "\$ svnic-ctl vf alloc queues 1 mac 02:00:00:00:0a:01 vlan 10 name guest1"
"${ctl[@]}" vf alloc queues 1 mac 02:00:00:00:0a:01 vlan 10 name guest1 | sed 's/^/  /'
ls "$dir/vfs" | sed 's/^/  served to guests: /'

gcpu=$(taskset -pc $$ | sed 's/.*: *//;s/.*[,-]//')
for n in 0 1; do
	gcmd=(dpdk-testpmd --no-huge -m 256 --file-prefix "svnic-demo-g$n-$$" --lcores "0@$gcpu,1@$gcpu"
		--no-pci --vdev "net_svnic_vf0,vfio_user=$dir/vfs/vf$n.sock"
		-d build/drivers/librte_net_svnic_vf.so
		-- --nb-ports=1 --total-num-mbufs=4096 --forward-mode=icmpecho)
	echo
	echo "guest $n: ${gcmd[*]}"
	rm -f "$dir/g$n.in"
	mkfifo "$dir/g$n.in"
	stdbuf -oL "${gcmd[@]}" < "$dir/g$n.in" > "$dir/g$n.log" 2>&1 &
	guest_pids+=($!)
	eval "exec $((4 + n))> $dir/g$n.in"
	for _ in $(seq 100); do grep -q 'Press enter to exit' "$dir/g$n.log" && break; sleep 0.1; done
	grep -q 'Press enter to exit' "$dir/g$n.log" || { cat "$dir/g$n.log"; exit 1; }
	grep -E '^Port 0: ' "$dir/g$n.log" | head -n 1 | sed 's/^/  /'
done

echo
echo "\$ ip netns exec $ns ping -c 3 192.0.2.10        (guest 0, untagged)"
ip netns exec "$ns" ping -c 3 -i 0.3 -W 2 192.0.2.10 | sed 's/^/  /'
ip netns exec "$ns" ip neigh show 192.0.2.10 | sed 's/^/  answered by /'
echo
echo "\$ ip netns exec $ns vlan_ping.py $tap 10 198.51.100.1 198.51.100.11   (guest 1, VLAN 10)"
ip netns exec "$ns" /usr/bin/python3 test/integration/vlan_ping.py "$tap" 10 198.51.100.1 \
	198.51.100.11 3 2>/dev/null | sed 's/^arp /answered by /;s/^/  /'

echo
echo "\$ svnic-ctl vf show"
"${ctl[@]}" vf show | sed 's/^/  /'

echo
echo "teardown: guests, PF, device"
for n in 0 1; do eval "exec $((4 + n))>&-"; done
for p in "${guest_pids[@]}"; do wait "$p" 2>/dev/null || true; done
guest_pids=()
echo "quit" >&3
exec 3>&-
wait "$pmd_pid" || true
pmd_pid=
kill "$emu_pid"
wait "$emu_pid" 2>/dev/null || true
emu_pid=
ip netns del "$ns"
step "done: everything started here was stopped"
