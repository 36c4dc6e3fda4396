# SPDX-License-Identifier: BSD-3-Clause
"""VF representors of net_svnic (representor=vf[...], doc/nics/svnic.rst):
ethdev ports in dpdk-testpmd through which the VFs are managed with rte_eth
calls alone. What a representor call did is read back through the
management socket with svnic-ctl, what the VFs sent through the guests'
counters. They carry no traffic."""
import re

import pytest

from conftest import Emu
from test_pmd_probe import run_testpmd
from vfworld import VfWorld, finish_tool, wait_tool_ready

MAC0 = "02:00:00:00:0b:00"
MAC1 = "02:00:00:00:0b:01"
NEW_MAC = "02:00:00:00:0b:22"


def field(info, name):
    m = re.search(r"^%s: *(.*)$" % re.escape(name), info, re.M)
    assert m is not None, "no %r in:\n%s" % (name, info)
    return m.group(1).strip()


def port_stats(pmd, port):
    out = pmd.cmd("show port stats %d" % port)
    rx = re.search(r"RX-packets: +(\d+)", out)
    tx = re.search(r"TX-packets: +(\d+)", out)
    assert rx and tx, out
    return int(rx.group(1)), int(tx.group(1))


@pytest.fixture
def world():
    w = VfWorld(uplink="null", pf_devargs="representor=vf[0,2]")
    yield w
    w.close()


def test_representors_are_ports_of_the_pfs_switch(world):
    pf = world.pf
    pf_info = pf.cmd("show port info 0")
    domain = field(pf_info, "Switch domain Id")
    assert field(pf_info, "Switch name") == "net_svnic0"
    assert field(pf_info, "Switch Port Id") == "65535"
    for port, vf in ((1, 0), (2, 2)):
        info = pf.cmd("show port info %d" % port)
        assert field(info, "Device name") == "net_svnic0_representor_vf%d" % vf
        assert field(info, "Switch name") == "net_svnic0"
        assert field(info, "Switch domain Id") == domain
        assert field(info, "Switch Port Id") == str(vf)
        # VF not allocated: no link, no counters
        assert field(info, "Link status") == "down"
        assert port_stats(pf, port) == (0, 0)
    assert "Invalid port 3" in pf.cmd("show port info 3")


def test_a_representor_sets_its_vfs_mac_vlan_and_link(world):
    pf = world.pf
    # a VF not allocated cannot be changed through its representor
    out = pf.cmd("mac_addr set 2 %s" % NEW_MAC)
    assert "VF 2" in out and "mac_addr_cmd error" in out, out
    assert world.alloc("queues", "1", "mac", MAC0) == 0
    assert field(pf.cmd("show port info 1"), "Link status") == "up"

    pf.cmd("mac_addr set 1 %s" % NEW_MAC)
    vport = world.vf(0)["vport"]
    assert vport["mac"] == NEW_MAC, vport
    assert field(pf.cmd("show port info 1"), "MAC address") == NEW_MAC.upper()

    pf.cmd("tx_vlan set pvid 1 7 on")
    assert world.vf(0)["vport"]["vlan"] == 7
    pf.cmd("tx_vlan set pvid 1 7 off")
    assert world.vf(0)["vport"]["vlan"] == 0

    pf.cmd("set link-down port 1")
    assert world.vf(0)["vport"]["state"] == "disable"
    assert field(pf.cmd("show port info 1"), "Link status") == "down"
    pf.cmd("set link-up port 1")
    assert world.vf(0)["vport"]["state"] == "enable"
    assert field(pf.cmd("show port info 1"), "Link status") == "up"
    # VF 2's representor was not touched
    assert field(pf.cmd("show port info 2"), "Link status") == "down"


def test_a_representor_counts_what_its_vf_sent_and_got():
    w = VfWorld(uplink="null", pf_devargs="representor=vf[0-1]")
    try:
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        assert w.alloc("queues", "1", "mac", MAC1) == 1
        rx = w.guest_tool(1, "--rx-ms", "5000", "--rx-until", "50", background=True)
        wait_tool_ready(rx)
        assert w.guest_tool(0, "--tx", "50", "--dst", MAC1)["tx_sent"] == "50"
        finish_tool(rx)
        v1 = w.vf(1)
        # seen from the switch: VF 0's frames arrive at its representor, and
        # leave through VF 1's (as far as VF 1 had buffers for them)
        assert port_stats(w.pf, 1) == (50, 0)
        assert port_stats(w.pf, 2) == (0, v1["rx"])
        assert v1["rx"] == 50, v1
    finally:
        w.close()


@pytest.fixture
def emu():
    e = Emu(["--vfs-max", "8", "--uplink", "loopback", "--queues", "64"], token=None)
    yield e
    e.stop()


@pytest.mark.parametrize("arg,needle", [
    ("representor=vf[8]", "representor of VF 8: the device has 8 VFs"),
    ("representor=vf[300]", "VF 300 is past the last possible (255)"),
    ("representor=sf[0]", "expected VF ids as vf[0-3], vf[0,2] or vf1"),
    ("representor=pf1vf0", "expected VF ids as vf[0-3], vf[0,2] or vf1"),
    ("representor=vf[", "expected VF ids as vf[0-3], vf[0,2] or vf1"),
    ("representor=", "expected VF ids as vf[0-3], vf[0,2] or vf1"),
    ("representor=vf0,representor=vf1", "given more than once"),
])
def test_bad_representor_arguments_are_refused(emu, arg, needle):
    code, out = run_testpmd("net_svnic0,vfio_user=%s,mgmt=none,%s" % (emu.sock("pf"), arg))
    assert code != 0, out
    assert needle in out, out
    assert "No probed ethernet devices" in out, out
    # nothing of a refused probe stays: the emulator serves the next client
    assert "VF Enable 0 -> 1" not in emu.output()
