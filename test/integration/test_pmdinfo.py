# SPDX-License-Identifier: BSD-3-Clause
"""The plugin carries the PMD info that DPDK's dpdk-pmdinfo.py reads: the
drivers, their device arguments and the PCI ids."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import BUILD


def test_dpdk_pmdinfo_lists_the_drivers_and_their_devargs():
    tool = shutil.which("dpdk-pmdinfo.py")
    if tool is None:
        pytest.fail("dpdk-pmdinfo.py not found (Debian's package dpdk)")
    lib = os.path.join(BUILD, "drivers", "librte_net_svnic.so")
    out = subprocess.run(["/usr/bin/python3", tool, lib], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    drivers = {d["name"]: d for d in json.loads(out.stdout)}
    assert drivers["net_svnic"]["params"].startswith("vfio_user=")
    assert "representor=vf[<list>]" in drivers["net_svnic"]["params"]
    pci = drivers["net_svnic_pci"]
    assert {"vendor": "5356", "device": "0001"} in pci["pci_ids"]
    assert pci["kmod"] == "vfio-pci"
