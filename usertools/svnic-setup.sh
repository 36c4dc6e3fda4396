#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Takes a fresh Debian 12 machine to an svnic tree built in build/ inside the
# checkout: installs the Debian packages that are missing (only those), fetches
# the DPDK driver SDK headers that Debian's libdpdk-dev lacks, configures and
# builds. Safe to run again: on a ready machine it only rebuilds.
#
#   usertools/svnic-setup.sh [--no-build]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# What svnic builds and tests with, all from Debian 12.
packages=(
	gcc clang libclang-rt-14-dev meson ninja-build pkg-config
	libdpdk-dev dpdk-dev dpdk libnuma-dev libcunit1-dev libjson-c-dev libpcap-dev
	python3 python3-pytest python3-scapy python3-pyelftools python3-docutils gcovr valgrind
	iproute2 iputils-ping tcpdump
	dpkg-dev xz-utils
)
sdk_headers=(ethdev_driver.h ethdev_vdev.h ethdev_pci.h bus_vdev_driver.h
	bus_pci_driver.h bus_driver.h dev_driver.h)
# DPDK's own tools that embed the PMD info string dpdk-pmdinfo.py reads
sdk_tools=(pmdinfogen.py gen-pmdinfo-cfile.py coff.py)
sdk_dir="$top/.sdk/include"
tools_dir="$top/.sdk/buildtools"
build=1
[ "${1:-}" = "--no-build" ] && build=0

say() { printf 'svnic-setup: %s\n' "$*"; }
die() { printf 'svnic-setup: error: %s\n' "$*" >&2; exit 1; }

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		say "missing Debian packages; as root run:"
		printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' "${missing[*]}"
		exit 1
	fi
	say "installing: ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Does the installed DPDK already ship its driver SDK (a DPDK built with
# -Denable_driver_sdk=true)? Then nothing is fetched.
dpdk_has_sdk() {
	local d
	for d in $(pkg-config --cflags-only-I libdpdk | tr ' ' '\n' | sed -n 's/^-I//p'); do
		[ -f "$d/ethdev_driver.h" ] && return 0
	done
	return 1
}

sdk_ready() {
	local h
	[ -f "$sdk_dir/.dpdk-version" ] && [ "$(cat "$sdk_dir/.dpdk-version")" = "$1" ] || return 1
	for h in "${sdk_headers[@]}"; do
		[ -f "$sdk_dir/$h" ] || return 1
	done
	for h in "${sdk_tools[@]}"; do
		[ -f "$tools_dir/$h" ] || return 1
	done
}

# apt-get source needs deb-src entries: copy the machine's own sources with
# Types: deb-src, never naming a host of our own.
ensure_deb_src() {
	local f out changed=0
	if grep -rqsE '^(Types:.*deb-src|deb-src[[:space:]])' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "no deb-src entries in the apt sources; run this script as root once"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case "$f" in */svnic-*) continue ;; esac
		out="/etc/apt/sources.list.d/svnic-src-$(basename "$f")"
		sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$out"
		changed=1
	done
	if [ -f /etc/apt/sources.list ] && grep -qE '^deb[[:space:]]' /etc/apt/sources.list; then
		sed -nE 's/^deb([[:space:]])/deb-src\1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/svnic-src.list
		changed=1
	fi
	[ $changed -eq 1 ] || die "found no apt sources to copy as deb-src"
	say "added deb-src entries copied from the existing apt sources"
	# A third-party source without deb-src may fail here; Debian's is what we need.
	apt-get update -q || true
}

sdk_opt=""
if dpdk_has_sdk; then
	say "installed DPDK ships its driver SDK headers; nothing to fetch"
else
	ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
	if sdk_ready "$ver"; then
		say "DPDK driver SDK headers for $ver already in .sdk/include"
	else
		ensure_deb_src
		say "fetching the DPDK $ver source package for its driver SDK headers"
		rm -rf "$top/.sdk/src" "$sdk_dir" "$tools_dir"
		mkdir -p "$top/.sdk/src" "$sdk_dir" "$tools_dir"
		(cd "$top/.sdk/src" && apt-get source -q "dpdk=$ver" > ../fetch.log 2>&1) ||
			{ cat "$top/.sdk/fetch.log" >&2; die "apt-get source dpdk=$ver failed"; }
		src=$(find "$top/.sdk/src" -mindepth 1 -maxdepth 1 -type d -name 'dpdk*' | head -n 1)
		[ -n "$src" ] || die "the dpdk source package did not unpack"
		for h in "${sdk_headers[@]}"; do
			f=$(find "$src/lib" "$src/drivers/bus" -name "$h" | head -n 1)
			[ -n "$f" ] || die "$h not found in the dpdk $ver source"
			cp "$f" "$sdk_dir/"
		done
		for h in "${sdk_tools[@]}"; do
			cp "$src/buildtools/$h" "$tools_dir/" || die "$h not found in the dpdk $ver source"
		done
		echo "$ver" > "$sdk_dir/.dpdk-version"
		rm -rf "$top/.sdk/src"
	fi
	sdk_opt="-Ddpdk_sdk_headers=$sdk_dir -Ddpdk_buildtools=$tools_dir"
fi
# Printed for the other scripts (svnic-test.sh) to reuse.
echo "$sdk_opt" > "$top/.sdk/meson-args" 2>/dev/null || { mkdir -p "$top/.sdk"; echo "$sdk_opt" > "$top/.sdk/meson-args"; }

[ $build -eq 1 ] || exit 0
if [ -f build/build.ninja ]; then
	# shellcheck disable=SC2086
	meson configure build $sdk_opt > /dev/null
else
	# shellcheck disable=SC2086
	CC=${CC:-gcc} meson setup build $sdk_opt
fi
ninja -C build
say "built in $top/build"
