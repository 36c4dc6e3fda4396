#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packets received per second by one testpmd lcore through three links, measured
# in one run on the same two CPUs with the same testpmd settings:
#   svnic  the svnic PF (net_svnic) on svnic-emu, whose loopback uplink sends
#          every frame back;
#   memif  DPDK's net_memif, between two testpmd processes;
#   vhost  DPDK's vhost-user (net_vhost) and virtio-user, between two testpmd.
# At 64 and 1500 bytes, with and without hugepages, the peers alternating round
# by round; the median of the rounds is reported, next to what one core can
# memcpy. The method and the results: doc/benchmarks.rst. Not a test suite.
#
#   usertools/svnic-bench.sh [--rounds N] [--warmup S] [--window S]
#                            [--build DIR] [--hugepages N] [--no-hugepages] [--keep]
#
# The last line reads "ratio svnic/memif 64B: X.XX" ("n/a", and a non-zero exit,
# if the svnic leg cannot run).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

rounds=3
warmup=2
window=3
build=build
hugepages=512
use_huge=1
page_files=0
keep=0
sizes=(64 1500)
peers=(svnic memif vhost)
far_cpu=0
near_cpu=1
control=yes
busy_poll=50

say() { printf 'svnic-bench: %s\n' "$*"; }
die() { printf 'svnic-bench: error: %s\n' "$*" >&2; exit 2; }

usage() {
	cat <<-EOF
	Usage: usertools/svnic-bench.sh [options]

	  --rounds N      rounds; each runs every peer once per configuration (default 3)
	  --warmup S      seconds of traffic before the window opens (default 2)
	  --window S      seconds between the two readings of the counters (default 3)
	  --build DIR     build tree with svnic-emu and the PMD (default build)
	  --hugepages N   2 MiB pages to reserve for the hugepage runs (default 512)
	  --no-hugepages  only the runs without hugepages
	  --page-files    hugepage runs without --single-file-segments: one file
	                  (one DMA window for svnic) per hugepage, DPDK's default;
	                  vhost is left out of them (virtio-user shares at most 8
	                  memory regions, and its link never comes up)
	  --keep          keep the work directory (every process's log) and say where
	  --control-only  only the control-plane measurements (VF bring-up, config
	                  reads, VF reset, mailbox round trips)
	  --no-control    skip them
	  --busy-poll US  the PF's busy_poll devarg for them (default 50; 0: off)
	EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=${2:?}; shift ;;
	--warmup) warmup=${2:?}; shift ;;
	--window) window=${2:?}; shift ;;
	--build) build=${2:?}; shift ;;
	--hugepages) hugepages=${2:?}; shift ;;
	--no-hugepages) use_huge=0 ;;
	--page-files) page_files=1 ;;
	--keep) keep=1 ;;
	--control-only) control=only ;;
	--no-control) control=no ;;
	--busy-poll) busy_poll=${2:?}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds wants a positive integer"
[[ $hugepages =~ ^[1-9][0-9]*$ ]] || die "--hugepages wants a positive integer"
[[ $busy_poll =~ ^[0-9]+$ ]] && [ "$busy_poll" -le 1000 ] ||
	die "--busy-poll wants microseconds, 0..1000"
[[ $warmup =~ ^[0-9]+(\.[0-9]+)?$ && $window =~ ^[0-9]*\.?[0-9]+$ ]] ||
	die "--warmup and --window want seconds"

testpmd=$(command -v dpdk-testpmd) ||
	die "no dpdk-testpmd: it comes with Debian's package dpdk (apt-get install dpdk)"
command -v python3 > /dev/null || die "no python3"
[ "$(nproc)" -ge 2 ] || die "two CPUs needed, $(nproc) online"
bench="$top/test/bench"
[[ $build == /* ]] || build="$top/$build"
emu="$build/app/svnic-emu/svnic-emu"
plugin="$build/drivers/librte_net_svnic.so"

# Everything this run creates: the work directory (sockets, logs, the hugetlbfs
# mount), the processes whose PIDs are in $work/pids, EAL's runtime directories
# of our file prefixes, the hugepages reserved on top of the previous count.
work=$(mktemp -d /tmp/svnic-bench.XXXXXX)
mkdir "$work/pids"
prefix="svnic-bench-$$"
helper_pid=
hp_sys=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
hp_prev=
huge_dir=
vfs_shm=

stop_pid() {
	local pid=$1 _
	kill -TERM "$pid" 2> /dev/null || return 0
	for _ in $(seq 30); do
		kill -0 "$pid" 2> /dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2> /dev/null || true
}

cleanup() {
	local code=$? f
	trap - EXIT INT TERM HUP
	if [ -n "$helper_pid" ]; then
		stop_pid "$helper_pid"
		wait "$helper_pid" 2> /dev/null || true
	fi
	# Left only if the helper could not stop them itself.
	for f in "$work"/pids/*.pid; do
		[ -f "$f" ] && stop_pid "$(cat "$f")"
	done
	if [ -n "$huge_dir" ]; then
		rm -f "$huge_dir"/* 2> /dev/null || true
		umount "$huge_dir" 2> /dev/null || true
	fi
	if [ -n "$hp_prev" ]; then
		echo "$hp_prev" > "$hp_sys" 2> /dev/null ||
			say "warning: could not give back the hugepages (nr_hugepages was $hp_prev)"
	fi
	[ -n "$vfs_shm" ] && rm -rf "$vfs_shm"
	rm -rf "${XDG_RUNTIME_DIR:-/var/run}/dpdk/$prefix"-* /var/run/dpdk/"$prefix"-* 2> /dev/null || true
	if [ "$keep" = 1 ]; then
		say "work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The memcpy floor: meson builds it with the tests; without them, or if the
# tree does not build right now, cc builds it here.
memcpy_bin="$build/test/bench/svnic-bench-memcpy"
if ! { [ -f "$build/build.ninja" ] && grep -q 'svnic-bench-memcpy:' "$build/build.ninja" &&
	ninja -C "$build" test/bench/svnic-bench-memcpy > "$work/memcpy-build.log" 2>&1; }; then
	memcpy_bin="$work/svnic-bench-memcpy"
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -o "$memcpy_bin" \
		"$bench/bench_memcpy.c" || die "building svnic-bench-memcpy failed"
fi

# Hugepages for the hugepage runs: ours on top of what was reserved before, in a
# hugetlbfs mount of our own; both given back by cleanup.
huge_note=
if [ "$use_huge" = 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		huge_note="not root: no hugepages reserved"
	elif [ ! -w "$hp_sys" ]; then
		huge_note="no 2 MiB hugepages on this kernel ($hp_sys)"
	else
		hp_prev=$(cat "$hp_sys")
		echo $((hp_prev + hugepages)) > "$hp_sys" || true
		got=$(( $(cat "$hp_sys") - hp_prev ))
		if [ "$got" -lt "$hugepages" ]; then
			huge_note="the kernel gave $got of $hugepages hugepages"
		else
			huge_dir="$work/huge"
			mkdir "$huge_dir"
			mount -t hugetlbfs -o pagesize=2M nodev "$huge_dir" ||
				{ huge_dir=; huge_note="mounting hugetlbfs failed"; }
		fi
	fi
	[ -z "$huge_note" ] || say "hugepage runs skipped: $huge_note"
else
	huge_note="not asked for (--no-hugepages)"
fi
huge_modes=(no)
[ -n "$huge_dir" ] && huge_modes+=(yes)

run_helper() {
	python3 "$bench/svnic_bench_run.py" --workdir "$work" --piddir "$work/pids" \
		--prefix "$prefix" --testpmd "$testpmd" --emu "$emu" --plugin "$plugin" \
		--far-cpu "$far_cpu" --near-cpu "$near_cpu" --warmup "$warmup" --window "$window" \
		--results "$work/results.jsonl" "$@" 2>&1 &
	helper_pid=$!
	local rc=0
	wait "$helper_pid" || rc=$?
	helper_pid=
	return "$rc"
}

# One round of the memcpy floor, on the device's CPU: kept for the report, shown.
memcpy_floor() {
	local line re='size=([0-9]+) .*mpps=([0-9.]+) gbps=([0-9.]+) cpu=([0-9.]+)'
	taskset -c "$far_cpu" "$memcpy_bin" "${sizes[@]}" > "$work/memcpy-round.txt"
	while read -r line; do
		echo "round=$1 $line" >> "$work/memcpy.txt"
		[[ $line =~ $re ]] || continue
		printf '  round %d  memcpy %4d B  %-13s %8.2f Mpps %7.2f Gbit/s  cpu %.2f\n' "$1" \
			"${BASH_REMATCH[1]}" "on CPU $far_cpu" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" \
			"${BASH_REMATCH[4]}"
	done < "$work/memcpy-round.txt"
}

say "$(nproc) CPUs; one per process: CPU $far_cpu the far end (svnic-emu, testpmd memif" \
	"server, testpmd vhost), CPU $near_cpu the measured testpmd (one forwarding lcore)"
say "testpmd: $testpmd; $rounds round(s), ${warmup} s warm-up, ${window} s window;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The control plane (issue 5): svnic-bench-ctrl drives the PF through its
# public API against an emulator with 256 VFs and 1024 queue pairs, and a
# guest (svnic-guest with net_svnic_vf) times mailbox round trips. No DPDK
# peer has a control plane to compare with; the figures stand alone.
control_plane() {
	local ctrl="$build/test/bench/svnic-bench-ctrl" guest="$build/test/integration/svnic-guest"
	local vfplugin="$build/drivers/librte_net_svnic_vf.so" d="$work/ctrl" pid vfs fs
	if [ ! -x "$ctrl" ] || [ ! -x "$guest" ] || [ ! -f "$vfplugin" ]; then
		say "control plane skipped: build the tree first (svnic-bench-ctrl, svnic-guest, net_svnic_vf)"
		return 0
	fi
	mkdir -p "$d"
	"$emu" --dir "$d" --vfs-max 256 --queues 1024 --uplink null > "$work/ctrl-emu.log" 2>&1 &
	pid=$!
	echo "$pid" > "$work/pids/ctrl-emu.pid"
	for _ in $(seq 50); do [ -S "$d/pf.sock" ] && break; sleep 0.1; done
	# The guests' sockets go where a host keeps them, a tmpfs like /run; the
	# bring-up is then timed again with them in the work directory, whose file
	# system may journal every socket file it creates.
	vfs="$d/vfs"
	if [ "$(stat -f -c %T /dev/shm 2> /dev/null)" = tmpfs ]; then
		vfs_shm=$(mktemp -d /dev/shm/svnic-bench-vfs.XXXXXX)
		vfs="$vfs_shm"
	fi
	say "control plane: svnic-bench-ctrl on CPU $near_cpu, svnic-emu unpinned (256 VFs)," \
		"guest sockets in $vfs ($(df --output=fstype "$vfs" | tail -n 1)), busy_poll=$busy_poll"
	taskset -c "$near_cpu" "$ctrl" --no-huge -m 1024 --file-prefix "$prefix-ctrl" \
		--lcores "0@$near_cpu" --no-pci \
		--vdev "net_svnic0,vfio_user=$d/pf.sock,vf_dir=$vfs,mgmt=none,busy_poll=$busy_poll" \
		-- --vf-dir "$vfs" --vfs 64,256 --far-cpu "$far_cpu" \
		--guest taskset -c "$far_cpu" "$guest" --no-huge -m 256 \
		--file-prefix "$prefix-guest" --lcores "0@$far_cpu" --no-pci \
		--vdev "net_svnic_vf0,vfio_user=$vfs/vf0.sock" -d "$vfplugin" \
		-- --mbx-rtt 1000 2> "$work/ctrl.log" |
		sed -n 's/^mbx_rtt_p50_ns \(.*\)/mailbox rtt p50: \1 ns/p;s/^mbx_rtt_p99_ns \(.*\)/mailbox rtt p99: \1 ns/p;s/^mbx_rtt_b2b_p50_ns \(.*\)/mailbox rtt back-to-back p50: \1 ns/p;s/^mbx_rtt_b2b_p99_ns \(.*\)/mailbox rtt back-to-back p99: \1 ns/p;/^vf \|^config \|^pf memory\|^floor: /p' |
		awk '/ ns$/ { v = $(NF - 1); NF -= 2; printf "%s %.1f us\n", $0, v / 1000; next }
			{ print }' ||
		say "control plane failed: see $work/ctrl.log"
	if [ "$vfs" != "$d/vfs" ]; then
		fs=$(df --output=fstype "$work" | tail -n 1)
		taskset -c "$near_cpu" "$ctrl" --no-huge -m 1024 --file-prefix "$prefix-ctrl2" \
			--lcores "0@$near_cpu" --no-pci \
			--vdev "net_svnic0,vfio_user=$d/pf.sock,vf_dir=$d/vfs,mgmt=none" \
			-- --vf-dir "$d/vfs" --vfs 256 2>> "$work/ctrl.log" |
			sed -n "s|^vf bring-up 256: |vf bring-up 256, sockets on $fs: |p" ||
			say "control plane (sockets on $fs) failed: see $work/ctrl.log"
		rm -rf "$vfs_shm"
		vfs_shm=
	fi
	stop_pid "$pid"
	wait "$pid" 2> /dev/null || true
	rm -f "$work/pids/ctrl-emu.pid"
}
if [ "$control" != no ]; then
	control_plane
	[ "$control" = only ] && exit 0
fi

# The svnic leg runs only if the PMD probes on svnic-emu; the peers run anyway.
svnic_error=
if [ ! -x "$emu" ]; then
	svnic_error="no svnic-emu at $emu (build the tree: usertools/svnic-setup.sh)"
elif [ ! -f "$plugin" ]; then
	svnic_error="no PMD at $plugin: net_svnic is not built yet"
elif ! run_helper --peer svnic --probe-only; then
	svnic_error=$(tail -n 1 "$work/results.jsonl" | python3 -c \
		'import json, sys; print(json.load(sys.stdin).get("error", "probe failed"))' ||
		echo "probe failed")
fi
if [ -n "$svnic_error" ]; then
	say "svnic leg skipped: $svnic_error"
	peers=(memif vhost)
fi
: > "$work/results.jsonl"

for round in $(seq "$rounds"); do
	memcpy_floor "$round"
	for huge in "${huge_modes[@]}"; do
		hargs=()
		[ "$huge" = yes ] && hargs=(--huge-dir "$huge_dir")
		[ "$huge" = yes ] && [ "$page_files" = 1 ] && hargs+=(--page-files)
		for size in "${sizes[@]}"; do
			for peer in "${peers[@]}"; do
				[ "$huge" = yes ] && [ "$page_files" = 1 ] && [ "$peer" = vhost ] &&
					continue
				run_helper --peer "$peer" --size "$size" --round "$round" \
					"${hargs[@]}" || true
			done
		done
	done
done

report_args=(--rounds "$rounds" --far-cpu "$far_cpu" --near-cpu "$near_cpu"
	--warmup "$warmup" --window "$window" --memcpy "$work/memcpy.txt")
[ -n "$svnic_error" ] && report_args+=(--svnic-error "$svnic_error")
[ -n "$huge_note" ] && report_args+=(--huge-note "$huge_note")
[ "$page_files" = 1 ] && report_args+=(--page-files)
python3 "$bench/svnic_bench_report.py" "${report_args[@]}" "$work/results.jsonl"
