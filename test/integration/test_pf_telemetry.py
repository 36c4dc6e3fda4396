# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic's DPDK telemetry endpoints (/svnic/...), read the way Debian's
dpdk-telemetry.py reads them: dpdk-testpmd with the PF (two VFs enabled, the
management socket in a temporary directory), a VF allocated with svnic-ctl,
then the telemetry socket asked for the ports, the VF list, the VF and the
switch. Bad parameters get null, as DPDK answers a handler's error."""
import json
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from conftest import tool, wait_for
# emu: test_pmd's fixture, svnic-emu with 8 VFs and a loopback uplink
from test_pmd import PmdSession, emu  # noqa: F401

VF_MAC = "02:00:00:00:00:0a"


def telemetry_path(prefix):
    # EAL's runtime directory: /var/run/dpdk for root, else XDG_RUNTIME_DIR or /tmp
    if os.geteuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix, "dpdk_telemetry.v2")


class Telemetry:
    """The v2 protocol: SOCK_SEQPACKET, a greeting with max_output_len, then one
    JSON reply per command."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(10)
        self.sock.connect(path)
        greeting = json.loads(self.sock.recv(1024).decode())
        assert "max_output_len" in greeting, greeting
        self.max_len = greeting["max_output_len"]

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len).decode())
        endpoint = cmd.split(",", 1)[0]
        assert endpoint in reply, "%s: %s" % (cmd, reply)
        return reply[endpoint]

    def close(self):
        self.sock.close()


@pytest.fixture
def rundir():
    d = tempfile.mkdtemp(prefix="svnic-tel-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def pf(emu, rundir):
    mgmt = os.path.join(rundir, "mgmt", "mgmt.sock")
    vf_dir = os.path.join(rundir, "vfs")
    os.mkdir(vf_dir, 0o700)
    p = PmdSession("net_svnic0,vfio_user=%s,max_vfs=2,mgmt=%s,vf_dir=%s"
                   % (emu.sock("pf"), mgmt, vf_dir))
    try:
        wait_for(lambda: os.path.exists(mgmt), timeout=10, what="the management socket")
        wait_for(lambda: os.path.exists(telemetry_path(p.prefix)), timeout=10,
                 what="the telemetry socket")
        yield p, mgmt
    finally:
        p.quit()


def ctl(mgmt, *args):
    r = subprocess.run([tool("svnic-ctl"), "-s", mgmt] + list(args), capture_output=True,
                       text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def test_telemetry_lists_the_vf_allocated_with_svnic_ctl(pf):
    pmd, mgmt = pf
    rc, out, err = ctl(mgmt, "vf", "alloc", "queues", "1", "mac", VF_MAC, "name", "tel")
    assert rc == 0, err
    assert "vf 0 allocated" in out

    tel = Telemetry(telemetry_path(pmd.prefix))
    try:
        assert tel.query("/svnic/ports") == [0]
        assert tel.query("/svnic/vfs,0") == [0]

        vf = tel.query("/svnic/vf,0,0")
        assert vf["vf"] == 0
        assert vf["state"] == "attached"
        assert vf["mac"] == VF_MAC
        assert vf["perm_mac"] == VF_MAC
        assert vf["name"] == "tel"
        assert vf["queues"] == 1
        assert vf["guest"] == 0
        for counter in ("rx_packets", "tx_packets", "rx_dropped", "tx_dropped",
                        "tx_spoofed", "mbx_requests"):
            assert counter in vf

        sw = tel.query("/svnic/switch,0")
        assert sw["sriov_supported"] == 1 and sw["is_vf"] == 0
        assert sw["total_vfs"] == 8
        assert sw["num_vfs"] == 2
        assert sw["allocated_vfs"] == 1
        assert sw["vmdq"] == 0

        # telemetry and the management socket tell the same story
        rc, out, err = ctl(mgmt, "vf", "show", "--json")
        assert rc == 0, err
        row = json.loads(out)["vfs"][0]
        assert row["rid"] == vf["rid"]
        assert row["state"] == vf["state"]

        # strict parameters: anything malformed, missing or out of range is null
        for bad in ("/svnic/vfs", "/svnic/vfs,", "/svnic/vfs,x", "/svnic/vfs,0,0",
                    "/svnic/vfs,-1", "/svnic/vfs,00", "/svnic/vfs, 0", "/svnic/vfs,1",
                    "/svnic/vf,0", "/svnic/vf,0,", "/svnic/vf,0,256", "/svnic/vf,0,0,0",
                    "/svnic/vf,0,1", "/svnic/switch", "/svnic/switch,99999",
                    "/svnic/ports,0"):
            assert tel.query(bad) is None, bad

        # freed, it is gone from the list
        rc, out, err = ctl(mgmt, "vf", "free", "0", "cascade")
        assert rc == 0, err
        assert tel.query("/svnic/vfs,0") == []
        assert tel.query("/svnic/vf,0,0") is None
    finally:
        tel.close()


@pytest.mark.parametrize("busy_poll", [None, "0", "1000"])
def test_control_thread_busy_polls_only_when_asked(emu, rundir, busy_poll):  # noqa: F811
    """/svnic/ctrl: the busy_poll devarg in force (0 by default) and the control
    thread's looks. After management requests, a thread told to busy poll has
    looked again without sleeping (spins); by default or with busy_poll=0 it
    never does, and every look is a wake-up. (When it pauses busy polling is
    test_svnic_spin's.)"""
    mgmt = os.path.join(rundir, "mgmt", "mgmt.sock")
    vf_dir = os.path.join(rundir, "vfs")
    os.mkdir(vf_dir, 0o700)
    extra = "" if busy_poll is None else ",busy_poll=" + busy_poll
    p = PmdSession("net_svnic0,vfio_user=%s,max_vfs=2,mgmt=%s,vf_dir=%s%s"
                   % (emu.sock("pf"), mgmt, vf_dir, extra))
    try:
        wait_for(lambda: os.path.exists(mgmt), timeout=10, what="the management socket")
        wait_for(lambda: os.path.exists(telemetry_path(p.prefix)), timeout=10,
                 what="the telemetry socket")
        tel = Telemetry(telemetry_path(p.prefix))
        try:
            before = tel.query("/svnic/ctrl,0")
            assert before["busy_poll_us"] == (0 if busy_poll is None else int(busy_poll))
            for _ in range(20):
                rc, out, err = ctl(mgmt, "vf", "show")
                assert rc == 0, err
            after = tel.query("/svnic/ctrl,0")
            assert after["wakeups"] > before["wakeups"]
            if busy_poll in (None, "0"):
                assert after["spins"] == 0 and after["spin_holds"] == 0, after
            else:
                assert after["spins"] > before["spins"], after
            for bad in ("/svnic/ctrl", "/svnic/ctrl,", "/svnic/ctrl,1", "/svnic/ctrl,0,0"):
                assert tel.query(bad) is None, bad
        finally:
            tel.close()
    finally:
        p.quit()
