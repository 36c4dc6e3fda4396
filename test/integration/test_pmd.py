# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic, the PF PMD, in Debian's dpdk-testpmd against svnic-emu (issue 4):
the probe, traffic that goes out of the loopback uplink and comes back, and
device arguments that the probe refuses. Every process started is reaped."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import BUILD, Emu, wait_for

PERM_MAC = "02:53:56:12:34:56"


def find_testpmd():
    path = shutil.which("dpdk-testpmd")
    if path is None:
        pytest.fail("dpdk-testpmd not found: install Debian's dpdk-dev package")
    return path


def plugin():
    path = os.path.join(BUILD, "drivers", "librte_net_svnic.so")
    if not os.path.exists(path):
        pytest.fail("net_svnic is not built at %s" % path)
    return path


def eal_args(vdev, prefix):
    # testpmd wants a main lcore and a forwarding one; both on one CPU (the main
    # lcore sleeps in the command line), the emulator's datapath has the other.
    cpu = min(os.sched_getaffinity(0))
    return [find_testpmd(), "--no-huge", "-m", "512", "--file-prefix", prefix,
            "--lcores", "0@%d,1@%d" % (cpu, cpu), "--no-pci", "--vdev", vdev,
            "-d", plugin()]


def remove_runtime_dir(prefix):
    for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"),
                                                 "dpdk")):
        shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)


class PmdSession:
    """dpdk-testpmd -i, driven through its standard input; output in a file.
    stdbuf: testpmd's printf output would otherwise sit in a full buffer while
    its prompts (written directly) come out at once."""

    def __init__(self, vdev, args=()):
        self.prefix = "svnic-pmd-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.log = tempfile.NamedTemporaryFile("w+", prefix="testpmd-", suffix=".log")
        cmd = eal_args(vdev, self.prefix) + ["--", "-i", "--nb-ports=1",
                                             "--total-num-mbufs=8192"] + list(args)
        self.proc = subprocess.Popen(["stdbuf", "-oL", "-eL"] + cmd, stdin=subprocess.PIPE,
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.mark = 0
        self.expect("testpmd> ", timeout=30)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def expect(self, text, timeout=10.0):
        """Wait for @text after the last match; return what came before it."""
        def seen():
            return text in self.output()[self.mark:] or self.proc.poll() is not None
        try:
            wait_for(seen, timeout=timeout, what=repr(text))
        except AssertionError:
            raise AssertionError("testpmd never printed %r:\n%s" % (text, self.output()))
        out = self.output()
        i = out.find(text, self.mark)
        if i < 0:
            raise AssertionError("testpmd exited (%s) before %r:\n%s"
                                 % (self.proc.returncode, text, out))
        chunk = out[self.mark:i]
        self.mark = i + len(text)
        return chunk

    def cmd(self, line, until="testpmd> ", timeout=10.0):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.expect(until, timeout)

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        remove_runtime_dir(self.prefix)
        return self.proc.returncode


@pytest.fixture
def emu():
    e = Emu(["--vfs-max", "8", "--uplink", "loopback", "--queues", "64", "--mac", PERM_MAC],
            token=None)
    yield e
    e.stop()


@pytest.fixture
def pmd_factory(emu):
    started = []

    def start(args=()):
        p = PmdSession("net_svnic0,vfio_user=%s" % emu.sock("pf"), args)
        started.append(p)
        return p
    yield start
    for p in started:
        p.quit()


def field(text, name):
    m = re.search(r"%s:\s+(\d+)" % re.escape(name), text)
    assert m, "no %s in:\n%s" % (name, text)
    return int(m.group(1))


def test_probe_shows_the_port_with_the_permanent_mac(emu, pmd_factory):
    pmd = pmd_factory()
    info = pmd.cmd("show port info 0")
    assert "Driver name: net_svnic" in info
    assert ("MAC address: %s" % PERM_MAC).upper() in info.upper()
    assert "Link status: up" in info
    assert field(info, "Maximum number of VFs") == 8        # SR-IOV TotalVFs
    assert field(info, "Max possible RX queues") == 64      # IDENTIFY
    assert field(info, "Min possible number of RXDs per queue") == 32
    assert pmd.quit() == 0
    out = pmd.output()
    assert "Port 0 is closed" in out and "probe failed" not in out
    # dev_close let go of the device: the emulator saw its client leave
    wait_for(lambda: "client gone" in emu.output(), what="the PF client's departure")
    assert emu.alive()


@pytest.mark.parametrize("queues", [1, 2])
def test_io_forwarding_through_the_loopback_uplink(emu, pmd_factory, queues):
    """--tx-first puts one burst in flight; io forwarding sends back whatever
    comes in, so the same packets circle: PF TX -> switch -> uplink (loopback)
    -> switch -> PF RX. Once stopped and settled, every packet sent has come
    back: the device's RX and TX counters, and the uplink's, are all equal."""
    pmd = pmd_factory(["--rxq=%d" % queues, "--txq=%d" % queues, "--forward-mode=io"])
    pmd.cmd("start tx_first")
    time.sleep(2)
    fwd = pmd.cmd("stop", timeout=20)
    time.sleep(0.5)         # the last burst lands in the RX ring
    stats = pmd.cmd("show port stats 0")
    tx, rx = field(stats, "TX-packets"), field(stats, "RX-packets")
    assert tx > 1000, stats
    assert rx == tx, stats
    assert field(stats, "RX-missed") == 0 and field(stats, "RX-errors") == 0, stats
    assert field(stats, "TX-errors") == 0 and field(stats, "RX-nombuf") == 0, stats
    total = fwd[fwd.index("Accumulated forward statistics"):]
    assert field(total, "TX-packets") > 0 and field(total, "RX-packets") > 0, fwd
    # the emulator's own count of what crossed its uplink, both ways
    emu.proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: re.search(r"uplink: rx \d+ tx \d+", emu.output()), what="emu stats")
    up_out, up_in = map(int, re.findall(r"uplink: rx (\d+) tx (\d+)", emu.output())[-1])
    assert up_out == tx and up_in == tx, emu.output()
    assert pmd.quit() == 0


def dead_socket(path):
    """A socket file nobody listens on (its server died)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()
    return path


@pytest.mark.parametrize("args,needle", [
    ("bogus=1", 'unknown device argument "bogus"'),
    ("vfio_user={sock},speed=10", 'unknown device argument "speed"'),
    ("", "missing vfio_user=<path>"),
    ("vfio_user=", "vfio_user needs a socket path"),
    ("vfio_user={sock},vfio_user={sock}", "vfio_user given more than once"),
    ("vfio_user={dir}/nothing-here.sock", "No such file or directory"),
    ("vfio_user={dead}", "Connection refused"),
])
def test_probe_refuses_bad_device_arguments(emu, args, needle):
    d = tempfile.mkdtemp(prefix="svnic-pmd-")
    prefix = "svnic-pmd-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    try:
        dead = dead_socket(os.path.join(d, "dead.sock"))
        vdev = "net_svnic0" + ("," + args.format(sock=emu.sock("pf"), dir=d, dead=dead)
                               if args else "")
        out = subprocess.run(eal_args(vdev, prefix) + ["--", "--nb-ports=1"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=60)
    finally:
        shutil.rmtree(d, ignore_errors=True)
        remove_runtime_dir(prefix)
    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert needle in text, text
    assert "No probed ethernet devices" in text
    # nothing was left half-open on the device
    assert emu.alive()
