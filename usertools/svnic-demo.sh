#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: sets up and builds if needed, then shows svnic at work. Today that
# is a VF's life through lib/sriov (allocation, VPorts, mediated config space, the
# mailbox, quarantine, FLR, free); the device-backed demo with svnic-emu and
# dpdk-testpmd replaces it as those pieces land.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
bash usertools/svnic-setup.sh > build-setup.log 2>&1 || { cat build-setup.log; exit 1; }
exec build/test/demo/svnic-sriov-demo
