# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic's SR-IOV core (issue 5): dpdk-testpmd with the PF and max_vfs=4
against svnic-emu. What the device saw (NumVFs, VF Enable, the VF token, the
VF sockets it serves) is read from the emulator; what the switch holds is read
through the management socket with svnic-ctl (doc/management.rst)."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import Emu, tool, wait_for
from test_pmd import PmdSession

VF_MAC = "02:00:00:00:00:0a"


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="svnic-sriov-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def emu():
    e = Emu(["--vfs-max", "8", "--uplink", "loopback", "--queues", "64"], token=None)
    yield e
    e.stop()


def start_pf(emu, tmp, mgmt=None, max_vfs=4):
    args = "net_svnic0,vfio_user=%s,max_vfs=%d,vf_dir=%s,mgmt=%s" % (
        emu.sock("pf"), max_vfs, os.path.join(tmp, "vfs"), mgmt or "none")
    return PmdSession(args)


def vf_socks(emu):
    return sorted(f for f in os.listdir(emu.dir) if f.startswith("vf") and f.endswith(".sock"))


def ctl(sock, *args):
    return subprocess.run([tool("svnic-ctl"), "-s", sock] + list(args),
                          capture_output=True, text=True, timeout=30)


def test_max_vfs_enables_the_vfs_on_the_device(emu, tmp):
    pmd = start_pf(emu, tmp)
    try:
        # the device got NumVFs, VF Enable and a VF token of the PF's own
        wait_for(lambda: "VF Enable 0 -> 1, NumVFs 4" in emu.output(), what="VF Enable")
        assert "VF token set" in emu.output()
        wait_for(lambda: vf_socks(emu) == ["vf%d.sock" % i for i in range(4)],
                 what="four VF sockets")
        assert "4 VFs enabled" in pmd.output()
        # vf_dir was created for the guests' sockets, private to us
        st = os.stat(os.path.join(tmp, "vfs"))
        assert st.st_mode & 0o777 == 0o700
        # the device serves a VF only to a client with the PF's token
        out = subprocess.run([tool("svnic-ctl"), "lspci", emu.sock("vf0")],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode != 0
        # the PF keeps its share of the queues while VFs are enabled
        info = pmd.cmd("show port info 0")
        assert "Max possible RX queues: 4" in info, info
    finally:
        rc = pmd.quit()
    assert rc == 0
    # closing the PF took the VFs away
    wait_for(lambda: "VF Enable 1 -> 0" in emu.output(), what="VF Enable cleared")
    wait_for(lambda: vf_socks(emu) == [], what="VF sockets gone")
    # the PF's socket is free again: lspci sees the capability at rest
    out = subprocess.run([tool("svnic-ctl"), "lspci", emu.sock("pf")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "Number of VFs" in out.stdout and "Total VFs: 8" in out.stdout


@pytest.mark.parametrize("args,needle", [
    ("max_vfs=9", "more than the device's TotalVFs 8"),
    ("max_vfs=257", "expected a number of VFs"),
    ("max_vfs=x", "expected a number of VFs"),
    ("max_vfs=1,max_vfs=2", "given more than once"),
    ("vf_mbx=copy", 'expected "shared" or "copied"'),
    ("vf_mbx=shared,vf_mbx=copied", "given more than once"),
    ("busy_poll=1001", "expected microseconds, 0..1000"),
    ("busy_poll=-1", "expected microseconds, 0..1000"),
    ("busy_poll=", "expected microseconds, 0..1000"),
    ("busy_poll=5,busy_poll=6", "given more than once"),
])
def test_probe_refuses_bad_sriov_arguments(emu, args, needle):
    from test_pmd_probe import run_testpmd
    rc, out = run_testpmd("net_svnic0,vfio_user=%s,mgmt=none,%s" % (emu.sock("pf"), args))
    assert rc != 0
    assert needle in out, out
    assert "VF Enable 0 -> 1" not in emu.output()


def test_vf_lifecycle_through_the_management_socket(emu, tmp):
    """Needs the management socket server (svnic_mgmt_srv.c)."""
    mgmt = os.path.join(tmp, "mgmt.sock")
    pmd = start_pf(emu, tmp, mgmt=mgmt)
    try:
        wait_for(lambda: os.path.exists(mgmt), what="management socket")
        assert os.stat(mgmt).st_mode & 0o777 == 0o600

        out = ctl(mgmt, "pf", "show")
        assert out.returncode == 0, out.stderr
        out = ctl(mgmt, "switch", "show", "--json")
        assert out.returncode == 0, out.stderr
        sw = json.loads(out.stdout)["switch"]
        assert sw["total_vfs"] == 8 and sw["num_vfs"] == 4
        assert sw["pf_queue_pairs"] == 4

        out = ctl(mgmt, "vf", "alloc", "queues", "2", "mac", VF_MAC)
        assert out.returncode == 0, out.stderr
        assert "vf 0 allocated" in out.stdout
        # the PF serves the VF to a guest in vf_dir
        vfs = json.loads(ctl(mgmt, "vf", "show", "--json").stdout)["vfs"]
        assert len(vfs) == 1
        vf = vfs[0]
        assert vf["vf"] == 0 and vf["state"] == "attached" and vf["queues"] == 2
        assert vf["vport"]["mac"] == VF_MAC and vf["vport"]["queue_base"] >= 4
        assert vf["guest"] is False

        out = ctl(mgmt, "vf", "set", "0", "vlan", "10")
        assert out.returncode == 0, out.stderr
        vf = json.loads(ctl(mgmt, "vf", "show", "0", "--json").stdout)["vfs"][0]
        assert vf["vport"]["vlan"] == 10

        out = ctl(mgmt, "vf", "reset", "0")
        assert out.returncode == 0, out.stderr
        vf = json.loads(ctl(mgmt, "vf", "show", "0", "--json").stdout)["vfs"][0]
        assert vf["state"] == "attached" and vf["vport"]["vlan"] == 10

        # a VF with a VPort is not freed without cascade
        out = ctl(mgmt, "vf", "free", "0")
        assert out.returncode != 0
        assert "cascade" in out.stderr and "busy" in out.stderr
        out = ctl(mgmt, "vf", "free", "0", "cascade")
        assert out.returncode == 0, out.stderr
        vfs = json.loads(ctl(mgmt, "vf", "show", "--json").stdout)["vfs"]
        assert vfs == []
    finally:
        rc = pmd.quit()
    assert rc == 0
    assert not os.path.exists(mgmt)
    wait_for(lambda: vf_socks(emu) == [], what="VF sockets gone")
