# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic_vf, the guest's VF driver, refuses what it must not drive
(issue 5): the emulator's PF socket, with the hint that net_svnic is the PF's
driver, and the PF-only device arguments, with the hint that they belong to
net_svnic. Each time testpmd exits non-zero with no port, and the emulator
serves the next client as if nothing happened. Traffic through a guest needs
the PF serving VF sockets: not here. The plugin's PMD info is checked too."""
import json
import shutil
import subprocess

import pytest

import vfio_user_raw as vu
from test_pmd import vf_plugin
from test_pmd_probe import IOVA_WISH_LOG, run_testpmd

REG_FUNC, REG_DEV_CTRL, CTRL_DRV_LOAD = 0x008, 0x010, 0x2


def run_guest(vdev):
    return run_testpmd(vdev, vf_plugin())


def assert_refused(code, out, *needles):
    assert code != 0, out
    for needle in needles:
        assert needle in out, "%r not in:\n%s" % (needle, out)
    assert "net_svnic_vf0: probe failed" in out, out
    assert "No probed ethernet devices" in out, out


def assert_pf_untouched(emu):
    """The PF serves a new client, unclaimed: the VF driver only looked."""
    assert emu.alive(), emu.output()
    c = vu.Client(emu.sock("pf"))
    try:
        assert c.reg_read(REG_FUNC) == 0
        assert not c.reg_read(REG_DEV_CTRL) & CTRL_DRV_LOAD
    finally:
        c.close()


def test_vf_pmd_refuses_the_pf_socket(emu):
    code, out = run_guest("net_svnic_vf0,vfio_user=%s" % emu.sock("pf"))
    assert_refused(code, out, "this is an svnic PF", "net_svnic_vf drives a VF only",
                   "use net_svnic for the PF")
    # it connected, read the identity, and let go
    assert "pf: client gone" in emu.output(), emu.output()
    assert_pf_untouched(emu)


@pytest.mark.parametrize("arg", ["max_vfs=1", "vf_dir=/tmp", "mgmt=none", "busy_poll=10",
                                 "representor=vf0"])
def test_vf_pmd_refuses_pf_only_devargs(emu, arg):
    code, out = run_guest("net_svnic_vf0,vfio_user=%s,%s" % (emu.sock("pf"), arg))
    key = arg.split("=")[0]
    assert_refused(code, out, 'device argument "%s" belongs to net_svnic' % key,
                   "net_svnic_vf takes only vfio_user=<path>")
    # refused before any connection was made
    assert "client gone" not in emu.output(), emu.output()
    assert_pf_untouched(emu)


@pytest.mark.parametrize("args,needle", [
    ("vfio_user=%s,foo=1", 'unknown device argument "foo"; valid: vfio_user=<path>'),
    ("vfio_user=%s,vfio_user=%s", "vfio_user given more than once"),
    ("", "missing vfio_user=<path>"),
])
def test_vf_pmd_refuses_bad_devargs(emu, args, needle):
    vdev = "net_svnic_vf0"
    if args:
        vdev += "," + args.replace("%s", emu.sock("pf"))
    code, out = run_guest(vdev)
    assert_refused(code, out, needle)
    assert "client gone" not in emu.output(), emu.output()


def test_the_vf_driver_asks_for_iova_as_va(tmp_path):
    """As net_svnic: a guest's memory reaches the device by DMA map only."""
    code, out = run_testpmd("net_svnic_vf0,vfio_user=%s" % (tmp_path / "none.sock"),
                            vf_plugin(), eal_extra=IOVA_WISH_LOG)
    assert code != 0, out
    assert "Bus vdev wants IOVA as 'VA'" in out, out


def test_dpdk_pmdinfo_lists_the_vf_driver():
    tool = shutil.which("dpdk-pmdinfo.py")
    if tool is None:
        pytest.fail("dpdk-pmdinfo.py not found (Debian's package dpdk)")
    out = subprocess.run(["/usr/bin/python3", tool, vf_plugin()], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    drivers = {d["name"]: d for d in json.loads(out.stdout)}
    assert list(drivers) == ["net_svnic_vf"], drivers
    assert drivers["net_svnic_vf"]["params"] == "vfio_user=<path>"
