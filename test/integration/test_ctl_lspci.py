# SPDX-License-Identifier: BSD-3-Clause
"""svnic-ctl lspci against svnic-emu's PF and VF sockets, and the VF token the
PF driver sets through DEVICE_FEATURE."""
import os
import subprocess

import pytest

from conftest import Emu, tool, wait_for
import vfio_user_raw as vu

NEW_TOKEN = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def lspci(sock, *args):
    return subprocess.run([tool("svnic-ctl"), "lspci"] + list(args) + [sock],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def emu_vfs():
    e = Emu(["--vfs-max", "8"], token=None)
    pf = vu.Client(e.sock("pf"))
    vu.set_vf_token(pf, NEW_TOKEN)
    vu.enable_vfs(pf, 2)
    wait_for(lambda: os.path.exists(e.sock("vf1")))
    yield e, pf
    pf.close()
    e.stop()


def test_lspci_pf_shows_the_sriov_capability(emu):
    out = lspci(emu.sock("pf"))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "5356:0001" in text
    assert "Single Root I/O Virtualization" in text
    assert "Total VFs: 8" in text
    assert "FLReset+" in text
    assert "MSI-X" in text and "Alternative Routing-ID" in text
    assert "Region 0: Memory" in text and "64-bit" in text


def test_lspci_vf_as_hardware_presents_it(emu_vfs):
    e, pf = emu_vfs
    out = lspci(e.sock("vf1"), "--vf-token", NEW_TOKEN)
    assert out.returncode == 0, out.stderr
    assert "ffff:ffff" in out.stdout.lower()
    assert "Single Root I/O Virtualization" not in out.stdout
    # the PF's view counts the VFs it enabled
    pf_view = lspci(e.sock("pf"))
    # the tool is the PF socket's second client while the fixture holds it
    assert pf_view.returncode != 0 and "busy" in pf_view.stderr.lower()


def test_vf_token_set_by_the_pf_is_the_one_that_counts(emu_vfs):
    e, _ = emu_vfs
    wrong = lspci(e.sock("vf0"), "--vf-token", "11111111-2222-3333-4444-555555555555")
    assert wrong.returncode == 1
    assert "VF token" in wrong.stderr
    assert lspci(e.sock("vf0")).returncode == 1
    assert lspci(e.sock("vf0"), "--vf-token", NEW_TOKEN).returncode == 0


def test_lspci_on_a_dead_socket_says_so(tmp_path):
    out = lspci(str(tmp_path / "nothing.sock"))
    assert out.returncode == 1
    assert "cannot connect" in out.stderr
