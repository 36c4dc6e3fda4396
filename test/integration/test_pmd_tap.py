# SPDX-License-Identifier: BSD-3-Clause
"""net_svnic with a real kernel on the other end of the uplink (issue 4): the
emulator's tap uplink lives in a network namespace of its own, whose end has
192.0.2.1/24 (TEST-NET-1, never routed anywhere); dpdk-testpmd drives the PF.
The kernel pings testpmd's icmpecho through the device, tcpdump sees the tags
the device inserts, and taking the tap down is a link state change event.

Needs root, /dev/net/tun and iproute2, iputils-ping and tcpdump: CI runs it as
root, and a machine without them fails here rather than skipping. Every
process, the namespace and the tap go away even when a test fails."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from conftest import tool, wait_for
from test_pmd import PmdSession, field, run_for, xstats

PERM_MAC = "02:53:56:ab:cd:01"
HOST_IP = "192.0.2.1"       # the namespace's end of the tap
PMD_IP = "192.0.2.2"        # icmpecho answers ARP for any address


def need_host():
    if os.geteuid() != 0:
        pytest.fail("test_pmd_tap needs root (network namespaces, tap interfaces)")
    if not os.path.exists("/dev/net/tun"):
        pytest.fail("/dev/net/tun is missing: modprobe tun")
    for prog, pkg in (("ip", "iproute2"), ("ping", "iputils-ping"),
                      ("tcpdump", "tcpdump")):
        if shutil.which(prog) is None:
            pytest.fail("%s not found: install %s" % (prog, pkg))


def run(*cmd, check=True):
    out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    if check and out.returncode != 0:
        raise AssertionError("%s: %s%s" % (" ".join(cmd), out.stdout, out.stderr))
    return out


class TapWorld:
    """A namespace with svnic-emu inside it, so that the tap the emulator
    creates is born there and the emulator follows its link state (it asks
    the kernel by interface name, in its own namespace). Its vfio-user socket
    is a path, reachable from testpmd outside."""

    def __init__(self):
        tag = "%d-%s" % (os.getpid(), uuid.uuid4().hex[:4])
        self.ns = "svnic-test-" + tag
        self.tap = "svt" + uuid.uuid4().hex[:8]
        self.dir = tempfile.mkdtemp(prefix="svnic-tap-")
        self.log = open(os.path.join(self.dir, "emu.log"), "w+")
        self.proc = None
        run("ip", "netns", "add", self.ns)
        # ip netns exec execs the emulator: the pid is its own
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, tool("svnic-emu"), "--dir", self.dir,
             "--vfs-max", "4", "--queues", "8", "--mac", PERM_MAC,
             "--uplink", "tap:" + self.tap],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(self.sock()) or self.proc.poll() is not None,
                 what="pf.sock")
        if self.proc.poll() is not None:
            raise AssertionError("svnic-emu exited: %s" % self.output())
        self.nsrun("ip", "link", "set", self.tap, "up")
        self.nsrun("ip", "addr", "add", HOST_IP + "/24", "dev", self.tap)

    def sock(self):
        return os.path.join(self.dir, "pf.sock")

    def nsrun(self, *cmd, check=True):
        return run("ip", "netns", "exec", self.ns, *cmd, check=check)

    def nspopen(self, *cmd):
        return subprocess.Popen(["ip", "netns", "exec", self.ns] + list(cmd),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        run("ip", "netns", "del", self.ns, check=False)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def world():
    need_host()
    w = TapWorld()
    yield w
    w.close()


@pytest.fixture
def pmd_factory(world):
    started = []

    def start(args=()):
        p = PmdSession("net_svnic0,vfio_user=%s" % world.sock(), args)
        started.append(p)
        return p
    yield start
    for p in started:
        p.quit()


@pytest.fixture
def bg(world):
    """Background processes in the namespace, killed at the end."""
    procs = []

    def start(*cmd):
        p = world.nspopen(*cmd)
        procs.append(p)
        return p
    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.communicate()


def ping(world, count=5, size=None, dst=PMD_IP, extra=()):
    cmd = ["ping", "-c", str(count), "-W", "2", "-i", "0.2"] + list(extra)
    if size is not None:
        cmd += ["-s", str(size), "-M", "do"]
    out = world.nsrun(*(cmd + [dst]), check=False)
    m = re.search(r"(\d+) received", out.stdout)
    return (int(m.group(1)) if m else 0), out.stdout + out.stderr


def test_kernel_pings_testpmd_through_the_pf(world, pmd_factory):
    pmd = pmd_factory(["--forward-mode=icmpecho"])
    pmd.cmd("start")
    received, out = ping(world)
    assert received == 5, out + pmd.output()
    # the kernel learned the PF's MAC from icmpecho's ARP reply
    neigh = world.nsrun("ip", "neigh", "show", PMD_IP).stdout
    assert PERM_MAC in neigh.lower(), neigh
    pmd.cmd("stop")
    xs = xstats(pmd)
    # ARP request(s) came broadcast; echo requests to the PF's own MAC
    assert xs["rx_good_packets"] >= 6 and xs["tx_good_packets"] >= 6, xs
    assert pmd.quit() == 0


def test_jumbo_ping_round_trips_whole(world, pmd_factory):
    """8000 bytes of ICMP payload both ways: scattered into five mbufs on RX,
    sent back as the same chain; ping checks every byte it gets back."""
    world.nsrun("ip", "link", "set", world.tap, "mtu", "9000")
    pmd = pmd_factory(["--forward-mode=icmpecho", "--mbuf-size=2048", "--enable-scatter"])
    pmd.cmd("port config mtu 0 9000")
    pmd.cmd("start")
    received, out = ping(world, count=3, size=8000)
    assert received == 3, out + pmd.output()
    assert "wrong data" not in out and "corrupted" not in out.lower(), out
    pmd.cmd("stop")
    assert field(pmd.cmd("show port stats 0"), "RX-errors") == 0
    assert pmd.quit() == 0


def test_vlan_insert_seen_by_tcpdump(world, pmd_factory, bg):
    pmd = pmd_factory(["--forward-mode=txonly"])
    pmd.cmd("port stop 0")
    pmd.cmd("tx_vlan set 0 100")
    pmd.cmd("port start 0")
    dump = bg("timeout", "15", "tcpdump", "-i", world.tap, "-c", "5", "-e", "-nn",
              "-l", "vlan 100")
    # tcpdump says "listening on" once its filter is in place
    wait_for(lambda: dump.poll() is not None or
             "listening" in (os.read(dump.stderr.fileno(), 4096).decode() or ""),
             timeout=10, what="tcpdump listening")
    pmd.cmd("start")
    try:
        out, err = dump.communicate(timeout=15)
    finally:
        pmd.cmd("stop", timeout=20)
    frames = [line for line in out.splitlines() if "vlan 100" in line]
    assert len(frames) == 5, out + err
    assert all(PERM_MAC in line.lower() and "ethertype 802.1Q" in line
               for line in frames), out
    assert pmd.quit() == 0


# Tagged ICMP echo over a raw socket in the namespace: the kernel may have no
# 802.1Q module (no VLAN interfaces), but a packet socket sends any frame, and
# reports a tag the kernel took off a received frame in PACKET_AUXDATA.
VLAN_PING = r"""
import socket, struct, sys, time
ifname, dst_mac, vid, src, dst, count, wait = sys.argv[1:]
vid, count, wait = int(vid), int(count), float(wait)
SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 1 << 4
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((ifname, 0))
s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
src_mac, dst_mac = s.getsockname()[4], bytes.fromhex(dst_mac.replace(":", ""))

def csum(b):
    b += b"\0" * (len(b) & 1)
    c = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    c = (c & 0xffff) + (c >> 16)
    return ~((c & 0xffff) + (c >> 16)) & 0xffff

for seq in range(count):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5356, seq) + bytes(range(56))
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(dst_mac + src_mac + struct.pack("!HHH", 0x8100, vid, 0x0800) + ip + icmp)
got = set()
end = time.time() + wait
s.settimeout(0.1)
while time.time() < end and len(got) < count:
    try:
        data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(32))
    except socket.timeout:
        continue
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    tag = None
    for lvl, typ, d in anc:
        if lvl == SOL_PACKET and typ == PACKET_AUXDATA:
            st, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", d[:20])
            if st & TP_STATUS_VLAN_VALID:
                tag = tci & 0xfff
    if data[12:14] == b"\x81\x00":
        tag, data = struct.unpack("!H", data[14:16])[0] & 0xfff, data[:12] + data[16:]
    if (tag == vid and data[12:14] == b"\x08\x00" and data[23] == 1 and data[34] == 0
            and struct.unpack("!H", data[38:40])[0] == 0x5356):
        got.add(struct.unpack("!H", data[40:42])[0])
print("replies %d" % len(got))
"""


def vlan_ping(world, count, wait):
    out = world.nsrun(sys.executable, "-c", VLAN_PING, world.tap, PERM_MAC, "100",
                      "198.51.100.1", "198.51.100.2", str(count), str(wait))
    return int(re.search(r"replies (\d+)", out.stdout).group(1))


def test_tagged_ping_needs_a_vlan_filter(world, pmd_factory):
    """Echo requests tagged VLAN 100 from the namespace; icmpecho answers in
    the same frame, tag included. Not promiscuous, the PF takes them only
    once it has a filter for VLAN 100."""
    pmd = pmd_factory(["--forward-mode=icmpecho"])
    pmd.cmd("set promisc 0 off")
    pmd.cmd("clear port xstats 0")
    pmd.cmd("start")
    assert vlan_ping(world, 2, 1.0) == 0
    pmd.cmd("stop")
    xs = xstats(pmd)
    assert xs["rx_dropped_filter_packets"] == 2 and xs["rx_good_packets"] == 0, xs
    pmd.cmd("vlan set filter on 0")
    pmd.cmd("rx_vlan add 100 0")
    pmd.cmd("start")
    assert vlan_ping(world, 5, 3.0) == 5, pmd.output()
    pmd.cmd("stop")
    # another VLAN stays out
    pmd.cmd("rx_vlan rm 100 0")
    pmd.cmd("rx_vlan add 200 0")
    pmd.cmd("start")
    assert vlan_ping(world, 2, 1.0) == 0
    pmd.cmd("stop")
    assert pmd.quit() == 0


def test_link_down_in_the_namespace_is_an_lsc_event(world, pmd_factory):
    """svnic-emu polls the tap's state every 100 ms; a change is a LINK event
    on the event queue, which the control thread turns into
    RTE_ETH_EVENT_INTR_LSC (testpmd asks for it by default)."""
    pmd = pmd_factory(["--forward-mode=icmpecho"])
    assert "Link status: up" in pmd.cmd("show port info 0")
    world.nsrun("ip", "link", "set", world.tap, "down")
    pmd.expect("link state change event", timeout=5)
    assert "Link status: down" in pmd.cmd("show port info 0")
    world.nsrun("ip", "link", "set", world.tap, "up")
    pmd.expect("link state change event", timeout=5)
    assert "Link status: up" in pmd.cmd("show port info 0")
    # and traffic flows again
    world.nsrun("ip", "addr", "replace", HOST_IP + "/24", "dev", world.tap)
    pmd.cmd("start")
    received, out = ping(world, count=3)
    assert received == 3, out
    pmd.cmd("stop")
    assert pmd.quit() == 0
