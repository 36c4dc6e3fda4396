# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic's probe refuses what it must not drive (issue 4): a VF, a
vfio-user device that is not an svnic, the emulator's VF socket it has no
token for, and a device that stops answering half-way. Each time with a clear
error, and nothing left behind: the client closed its connection, the DMA map
is empty, the function is not left claimed, testpmd exits non-zero and no
process of it remains. Bad device arguments and a dead socket: test_pmd.py.

The fakes are fake_vfio_user.FakeVfioUser: a vfio-user server whose config
space and BAR0 are whatever the test says."""
import os
import shutil
import signal
import subprocess
import tempfile
import uuid

import pytest

from conftest import TOKEN, Emu, wait_for
import fake_vfio_user as fk
import vfio_user_raw as vu
from test_pmd import eal_args, remove_runtime_dir

# drivers/common/svnic/svnic_pci.h, svnic_regs.h
SVNIC_VENDOR, SVNIC_PF = 0x5356, 0x0001
REG_SIGNATURE, REG_VERSION, REG_FUNC, REG_RESOURCES = 0x000, 0x004, 0x008, 0x00C
REG_DEV_CTRL, REG_DEV_STATUS, REG_AQ_LEN, REG_EQ_LEN = 0x010, 0x014, 0x108, 0x128
FUNC_IS_VF, CTRL_RESET, CTRL_DRV_LOAD, STATUS_READY = 0x80000000, 0x1, 0x2, 0x1
SPEC_1_0 = 0x00010000


def svnic_bar0(func=0, signature=b"SNIC", queue_pairs=4, vectors=5):
    """Page 0 of an svnic function as the probe reads it (doc/device-spec.rst)."""
    return {REG_SIGNATURE: signature, REG_VERSION: SPEC_1_0, REG_FUNC: func,
            REG_RESOURCES: vectors << 16 | queue_pairs, REG_DEV_STATUS: STATUS_READY}


def svnic_on_write(fake, region, off, data):
    """DEV_CTRL.RESET is write-1 and reads 0; the function is READY at once."""
    if region == fk.BAR0 and off == REG_DEV_CTRL and len(data) == 4:
        fake.bar0[off:off + 4] = (int.from_bytes(data, "little") & ~CTRL_RESET).to_bytes(
            4, "little")


def run_testpmd(vdev, plugin_path=None, eal_extra=()):
    """dpdk-testpmd with @vdev (and net_svnic, or the plugin at @plugin_path,
    and the EAL options @eal_extra);
    it exits by itself when no port was probed (--nb-ports=1). Returns (exit
    code, output). Its session is reaped whatever happens and its DPDK runtime
    directory removed."""
    prefix = "svnic-probe-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    proc = subprocess.Popen(eal_args(vdev, prefix, plugin_path) + list(eal_extra)
                            + ["--", "--nb-ports=1"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise AssertionError("testpmd did not exit:\n%s" % out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        remove_runtime_dir(prefix)
    # nothing of the session survives it (a thread of the PMD's, a helper)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
    return proc.returncode, out


def assert_refused(code, out, *needles):
    assert code != 0, out
    for needle in needles:
        assert needle in out, "%r not in:\n%s" % (needle, out)
    assert "net_svnic0: probe failed" in out, out
    assert "No probed ethernet devices" in out, out


class LiveTestpmd:
    """testpmd -i with a net_null port beside @vdev: it stays up when @vdev's
    probe fails, so what the PMD let go of is seen while its process lives
    (not merely closed by the kernel at exit)."""

    def __init__(self, vdev):
        self.prefix = "svnic-probe-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.log = tempfile.TemporaryFile("w+")
        cmd = eal_args(vdev, self.prefix) + ["--vdev", "net_null0", "--", "-i",
                                             "--nb-ports=1", "--total-num-mbufs=2048"]
        self.proc = subprocess.Popen(["stdbuf", "-oL", "-eL"] + cmd, stdin=subprocess.PIPE,
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        try:
            wait_for(lambda: "testpmd> " in self.output() or self.proc.poll() is not None,
                     timeout=30, what="the testpmd prompt")
            assert self.proc.poll() is None, "testpmd exited:\n%s" % self.output()
        except BaseException:
            self.quit()
            raise

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def holds(self, what):
        """Where the process still maps or holds open a file named @what."""
        pid = self.proc.pid
        found = []
        with open("/proc/%d/maps" % pid) as f:
            found += [line.strip() for line in f if what in line]
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except FileNotFoundError:
                continue
            if what in target:
                found.append("fd %s -> %s" % (fd, target))
        return found

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=20)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        remove_runtime_dir(self.prefix)
        return self.proc.returncode


def refused_twice(fake, *needles):
    """The probe refuses @fake's device, twice over: testpmd alone exits non-zero
    with the message; testpmd beside a working port keeps running, and by its
    prompt the PMD has closed its connection and holds nothing of the device."""
    code, out = run_testpmd("net_svnic0,vfio_user=%s" % fake.path)
    assert_refused(code, out, *needles)
    assert fake.wait_disconnect(), "the PMD kept its connection: %r" % fake.commands
    live = LiveTestpmd("net_svnic0,vfio_user=%s" % fake.path)
    try:
        out = live.output()
        for needle in needles:
            assert needle in out, "%r not in:\n%s" % (needle, out)
        assert "net_svnic0: probe failed" in out, out
        assert fake.connections == 2, fake.connections
        assert fake.wait_disconnect(), "the PMD kept its connection: %r" % fake.commands
        assert live.proc.poll() is None
        assert live.holds("fake-vfio-user") == []
        assert not any(fake.dma_left), "DMA windows left mapped: %r" % fake.dma_left
    finally:
        code = live.quit()
    assert code == 0, live.output()


def assert_read_only(fake):
    """Reading the device only to refuse it, the PMD asked nothing of it: no
    write, no DMA window, no interrupt, no reset."""
    assert fake.commands[0] == "VERSION", fake.commands
    assert set(fake.commands) <= {"VERSION", "REGION_READ", "DEVICE_GET_INFO",
                                  "DEVICE_GET_REGION_INFO"}, fake.commands


@pytest.fixture
def fake_factory():
    d = tempfile.mkdtemp(prefix="svnic-fake-")
    fakes = []

    def make(**kw):
        f = fk.FakeVfioUser(os.path.join(d, "fake%d.sock" % len(fakes)), **kw)
        fakes.append(f)
        return f
    yield make
    for f in fakes:
        f.close()
    os.rmdir(d)


@pytest.mark.parametrize("ids,func,needle", [
    # as hardware presents a VF: ids all ones (PCIe r4.0 sec. 9.3.4.1.1), FUNC says VF 3
    ((0xFFFF, 0xFFFF), FUNC_IS_VF | 3, "this is a VF (ids read 0xffff)"),
    # ids that claim a PF on a function whose FUNC register says VF 5
    ((SVNIC_VENDOR, SVNIC_PF), FUNC_IS_VF | 5, "FUNC says VF 5"),
])
def test_probe_refuses_a_vf(fake_factory, ids, func, needle):
    fake = fake_factory(config=fk.pci_config(*ids), bar0=svnic_bar0(func=func))
    refused_twice(fake, needle, "net_svnic drives the PF only", "use net_svnic_vf for a VF")
    assert_read_only(fake)


def test_probe_refuses_a_device_that_is_not_an_svnic(fake_factory):
    # a virtio-net 1.0 function: a network controller, another vendor's
    fake = fake_factory(config=fk.pci_config(0x1AF4, 0x1041, class_code=0x020000),
                        bar0={0: b"virt"})
    refused_twice(fake, "not an svnic PF", "vendor 0x1af4 device 0x1041",
                  "want 0x5356 0x0001")
    assert_read_only(fake)


def test_probe_refuses_svnic_ids_without_the_signature(fake_factory):
    """The ids are svnic's, BAR0 is not: "virt" where "SNIC" should be."""
    fake = fake_factory(config=fk.pci_config(SVNIC_VENDOR, SVNIC_PF),
                        bar0=svnic_bar0(signature=b"virt"))
    refused_twice(fake, "BAR0 signature 0x74726976 is not svnic's")
    assert_read_only(fake)


@pytest.mark.parametrize("pf_sets_token", [False, True])
def test_probe_refuses_a_vf_socket_it_has_no_token_for(pf_sets_token):
    """svnic-emu's VF socket serves only a client that presents the token the
    PF's driver set (none set: nobody). net_svnic presents none: the emulator
    refuses it at VERSION. The message must say why (the VF token, or at
    least that permission was refused), and the VF must still serve a client
    with the token afterwards: nothing of the PMD's is left on it."""
    emu = Emu(["--vfs-max", "2"], token=None)
    pf = None
    try:
        pf = vu.Client(emu.sock("pf"))
        if pf_sets_token:
            vu.set_vf_token(pf, TOKEN)
        vu.enable_vfs(pf, 1)
        wait_for(lambda: os.path.exists(emu.sock("vf0")), what="vf0.sock")
        code, out = run_testpmd("net_svnic0,vfio_user=%s" % emu.sock("vf0"))
        assert_refused(code, out, "cannot connect to vfio_user=%s" % emu.sock("vf0"))
        low = out.lower()
        assert "vf token" in low or "permission" in low, out
        why = "no VF token" if pf_sets_token else "the PF has set no VF token"
        wait_for(lambda: "vf0: client refused: " + why in emu.output(),
                 what="the emulator's refusal")
        if pf_sets_token:
            vf = vu.Client(emu.sock("vf0"), token=TOKEN)
            assert vf.reg_read(REG_FUNC) == FUNC_IS_VF
            vf.close()
        assert emu.alive()
    finally:
        if pf is not None:
            pf.close()
        emu.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)


def test_probe_that_fails_half_way_lets_go_of_everything(fake_factory):
    """An svnic PF by every identity check, whose admin queue never answers:
    the probe has reset the function, mapped BAR0's doorbells and given the
    device its memory (DMA_MAP) when IDENTIFY times out. It must give all of
    it back: the DMA map empty, DRV_LOAD clear, the connection closed."""
    fake = fake_factory(config=fk.pci_config(SVNIC_VENDOR, SVNIC_PF), bar0=svnic_bar0(),
                        bar0_mmap=True, on_write=svnic_on_write)
    refused_twice(fake, "admin command IDENTIFY timed out")
    # it got that far: the function claimed, its admin queue given, memory mapped
    assert "DMA_MAP" in fake.commands, fake.commands
    assert CTRL_DRV_LOAD in [v for _, v in fake.reg_writes(REG_DEV_CTRL)], fake.writes
    assert any(v for _, v in fake.reg_writes(REG_AQ_LEN)), fake.writes
    assert fake.commands[-1] == "DMA_UNMAP", fake.commands
    # the device was stopped and let go before its memory was taken back
    unmap = len(fake.commands) - 1
    for reg in (REG_AQ_LEN, REG_EQ_LEN, REG_DEV_CTRL):
        pos, val = fake.reg_writes(reg)[-1]
        assert val == 0 and pos < unmap, (hex(reg), fake.reg_writes(reg), fake.commands)


def test_probe_refuses_a_trapped_only_bar0(fake_factory):
    """BAR0 without an mmap-able area (a server on 64 KiB pages): refused, not
    driven through a trap per doorbell, and the function not left claimed."""
    fake = fake_factory(config=fk.pci_config(SVNIC_VENDOR, SVNIC_PF), bar0=svnic_bar0(),
                        on_write=svnic_on_write)
    refused_twice(fake, "trapped-only BAR0 is not supported")
    assert "DMA_MAP" not in fake.commands, fake.commands
    assert not fake.reg(REG_DEV_CTRL) & CTRL_DRV_LOAD, hex(fake.reg(REG_DEV_CTRL))


# EAL's own report of what each bus asked for, at its debug level.
IOVA_WISH_LOG = ["--log-level=lib.eal:debug"]


def test_the_pf_driver_asks_for_iova_as_va(tmp_path):
    """The device reaches memory through DMA maps, never by physical address:
    the vdev bus must ask EAL for IOVA as VA. Under physical addresses, each
    hugepage of a memseg list would be its own DMA window on the device. EAL
    decides before any probe, so a socket that is not there does."""
    code, out = run_testpmd("net_svnic0,vfio_user=%s" % (tmp_path / "none.sock"),
                            eal_extra=IOVA_WISH_LOG)
    assert code != 0, out
    assert "Bus vdev wants IOVA as 'VA'" in out, out
    assert "Selected IOVA mode 'VA'" in out, out
