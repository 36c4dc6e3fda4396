#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepares a hardware svnic PF for net_svnic through the kernel's vfio-pci
# (the PCI path of doc/nics/svnic.rst; the emulated device needs none of this):
#
#   usertools/svnic-bind-pf.sh [--hugepages N] [--vf-token UUID] [--unbind] BDF
#
# - loads vfio-pci with enable_sriov=1, so a userspace PF driver may set NumVFs;
# - unbinds the PF from its kernel driver and binds it to vfio-pci
#   (driver_override, not new_id, so no other device is taken by accident);
# - reserves N 2 MiB hugepages (default 512) and mounts hugetlbfs if needed;
# - prints the VF token (given or generated) and the EAL arguments to use:
#   vfio-pci makes the PF's user vouch for its VFs with that token.
# --unbind gives the device back to the driver it had (recorded at bind time).
set -euo pipefail

hugepages=512
token=""
unbind=0
while [ $# -gt 1 ]; do
	case "$1" in
	--hugepages) hugepages=$2; shift 2 ;;
	--vf-token) token=$2; shift 2 ;;
	--unbind) unbind=1; shift ;;
	*) echo "svnic-bind-pf: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { sed -n '3,16p' "$0"; exit 2; }
bdf=$1
case "$bdf" in
*:*:*.*) ;;
*:*.*) bdf="0000:$bdf" ;;
*) echo "svnic-bind-pf: '$1' is not a PCI address (DDDD:BB:DD.F)" >&2; exit 2 ;;
esac
dev=/sys/bus/pci/devices/$bdf
state=/run/svnic-bind-pf.$bdf
die() { echo "svnic-bind-pf: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (it writes to sysfs and loads vfio-pci)"
[ -d "$dev" ] || die "no PCI device $bdf"

if [ $unbind -eq 1 ]; then
	[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
	echo > "$dev/driver_override"
	if [ -s "$state" ]; then
		echo "$bdf" > "/sys/bus/pci/drivers/$(cat "$state")/bind" ||
			die "could not give $bdf back to $(cat "$state")"
		rm -f "$state"
	fi
	echo "svnic-bind-pf: $bdf released"
	exit 0
fi

vendor=$(cat "$dev/vendor")
device=$(cat "$dev/device")
if [ "$vendor:$device" != "0x5356:0x0001" ]; then
	die "$bdf is $vendor:$device, not an svnic PF (0x5356:0x0001)"
fi
[ -e "$dev/sriov_totalvfs" ] || die "$bdf has no SR-IOV capability"

# enable_sriov lets a userspace PF driver write NumVFs (Linux vfio-pci, 5.7+)
if ! lsmod | grep -q '^vfio_pci '; then
	modprobe vfio-pci enable_sriov=1 || die "modprobe vfio-pci failed"
elif [ "$(cat /sys/module/vfio_pci/parameters/enable_sriov 2>/dev/null)" != "Y" ]; then
	die "vfio-pci is loaded without enable_sriov=1: rmmod vfio-pci, then run again"
fi
[ -e "$dev/iommu_group" ] || die "$bdf has no IOMMU group: enable the IOMMU (intel_iommu=on)"

if [ -e "$dev/driver" ]; then
	cur=$(basename "$(readlink "$dev/driver")")
	if [ "$cur" != vfio-pci ]; then
		echo "$cur" > "$state"
		echo "$bdf" > "$dev/driver/unbind"
	fi
fi
echo vfio-pci > "$dev/driver_override"
[ -e "$dev/driver" ] || echo "$bdf" > /sys/bus/pci/drivers/vfio-pci/bind

hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ "$(cat $hp)" -lt "$hugepages" ]; then
	echo "$hugepages" > $hp
fi
grep -qs ' hugetlbfs ' /proc/mounts || { mkdir -p /dev/hugepages; mount -t hugetlbfs nodev /dev/hugepages; }

[ -n "$token" ] || token=$(cat /proc/sys/kernel/random/uuid)
echo "svnic-bind-pf: $bdf bound to vfio-pci, $(cat $hp) hugepages of 2 MiB"
echo "  TotalVFs: $(cat "$dev/sriov_totalvfs")"
echo "  EAL:      -a $bdf --vfio-vf-token=$token"
echo "  undo:     $0 --unbind $bdf"
