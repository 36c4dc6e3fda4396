# SPDX-License-Identifier: BSD-3-Clause
"""The whole SR-IOV story as processes, for the VF tests (issue 5): svnic-emu
(in a network namespace of its own when its uplink is a tap), Debian's
dpdk-testpmd with net_svnic on the PF serving VF sockets and a management
socket, svnic-ctl, and guests: dpdk-testpmd or svnic-guest with net_svnic_vf.
Everything started here is reaped by close(), also when a test fails."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import BUILD, tool, wait_for
from test_pmd import PmdSession, eal_args, find_testpmd, remove_runtime_dir, vf_plugin

HOST_IP = "192.0.2.1"           # the namespace's end of the tap (TEST-NET-1)
HOST_VLAN_IP = "198.51.100.1"   # its address on VLAN 10 (TEST-NET-2), spoken by vlan_ping.py
VLAN_PING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vlan_ping.py")


def guest_tool():
    path = os.path.join(BUILD, "test", "integration", "svnic-guest")
    if not os.access(path, os.X_OK):
        pytest.fail("svnic-guest is not built at %s" % path)
    return path


def run(*cmd, check=True, timeout=30):
    out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    if check and out.returncode != 0:
        raise AssertionError("%s: %s%s" % (" ".join(cmd), out.stdout, out.stderr))
    return out


def need_host():
    if os.geteuid() != 0:
        pytest.fail("the tap tests need root (network namespaces, tap interfaces)")
    if not os.path.exists("/dev/net/tun"):
        pytest.fail("/dev/net/tun is missing: modprobe tun")
    for prog, pkg in (("ip", "iproute2"), ("ping", "iputils-ping")):
        if shutil.which(prog) is None:
            pytest.fail("%s not found: install %s" % (prog, pkg))


def guest_eal(vf_sock, prefix):
    """The EAL arguments of a guest on VF socket @vf_sock: the VF plugin, on the
    CPU the PF's testpmd does not use."""
    return eal_args("net_svnic_vf0,vfio_user=%s" % vf_sock, prefix, vf_plugin(), mem=256,
                    cpu=max(os.sched_getaffinity(0)))[1:]


class GuestSession(PmdSession):
    """dpdk-testpmd -i on a VF socket: the guest of the demo and the tests."""

    def __init__(self, vf_sock, args=()):
        super().__init__(None, args, mbufs=4096, tag="guest",
                         eal=lambda prefix: [find_testpmd()] + guest_eal(vf_sock, prefix))

    def kill9(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        remove_runtime_dir(self.prefix)


class VfWorld:
    """svnic-emu + the PF in testpmd. uplink "tap" puts the emulator in a
    namespace with a tap whose end has HOST_IP (and HOST_VLAN_IP on VLAN 10)."""

    def __init__(self, uplink="tap", vfs_max=8, queues=64, max_vfs=4, pf_args=(),
                 pf_devargs="", emu_args=(), pf_eal=()):
        self.dir = self.log = self.ns = self.emu = self.pf = None
        self.guests, self.procs = [], []
        try:
            self._start(uplink, vfs_max, queues, max_vfs, pf_args, pf_devargs, emu_args,
                        pf_eal)
        except BaseException:
            self.close()        # a fixture that fails to start never reaches close()
            raise

    def _start(self, uplink, vfs_max, queues, max_vfs, pf_args, pf_devargs, emu_args,
               pf_eal):
        tag = "%d-%s" % (os.getpid(), uuid.uuid4().hex[:4])
        self.dir = tempfile.mkdtemp(prefix="svnic-vf-")
        self.vf_dir = os.path.join(self.dir, "vfs")
        self.mgmt = os.path.join(self.dir, "mgmt.sock")
        self.log = open(os.path.join(self.dir, "emu.log"), "w+")
        self.ns = None
        self.emu = None
        self.pf = None
        self.guests = []
        self.procs = []
        emu = [tool("svnic-emu"), "--dir", self.dir, "--vfs-max", str(vfs_max),
               "--queues", str(queues), "--mac", "02:53:56:00:00:01"] + list(emu_args)
        if uplink == "tap":
            need_host()
            self.ns = "svnic-vf-" + tag
            self.tap = "svv" + uuid.uuid4().hex[:8]
            run("ip", "netns", "add", self.ns)
            emu = ["ip", "netns", "exec", self.ns] + emu + ["--uplink", "tap:" + self.tap]
        else:
            emu += ["--uplink", uplink]
        self.emu = subprocess.Popen(emu, stdout=self.log, stderr=subprocess.STDOUT)
        sock = os.path.join(self.dir, "pf.sock")
        wait_for(lambda: os.path.exists(sock) or self.emu.poll() is not None,
                 what="pf.sock")
        if self.emu.poll() is not None:
            raise AssertionError("svnic-emu exited: %s" % self.emu_output())
        if self.ns:
            self.nsrun("ip", "link", "set", self.tap, "up")
            self.nsrun("ip", "addr", "add", HOST_IP + "/24", "dev", self.tap)
        vdev = "net_svnic0,vfio_user=%s,max_vfs=%d,vf_dir=%s,mgmt=%s" % (
            sock, max_vfs, self.vf_dir, self.mgmt)
        if pf_devargs:
            vdev += "," + pf_devargs
        self.pf = PmdSession(vdev, list(pf_args),
                             eal=lambda prefix: eal_args(vdev, prefix) + list(pf_eal))
        wait_for(lambda: os.path.exists(self.mgmt), what="the management socket")

    # --- the namespace ---
    def nsrun(self, *cmd, check=True, timeout=30):
        return run("ip", "netns", "exec", self.ns, *cmd, check=check, timeout=timeout)

    def nspopen(self, *cmd):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns] + list(cmd),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def ping(self, ip, count=3, interval="0.2", check=True):
        """Ping from the namespace; @return (transmitted, received)."""
        out = self.nsrun("ping", "-c", str(count), "-i", interval, "-W", "2", ip,
                         check=False, timeout=count * 3 + 20)
        tx = rx = 0
        for line in out.stdout.splitlines():
            if "packets transmitted" in line:
                parts = line.split(",")
                tx = int(parts[0].split()[0])
                rx = int(parts[1].split()[0])
        if check and (tx == 0 or rx != tx):
            raise AssertionError("ping %s: %d of %d answered\n%s%s" %
                                 (ip, rx, tx, out.stdout, out.stderr))
        return tx, rx

    def vlan_ping(self, ip, vlan=10, count=3, check=True):
        """Tagged ARP and echo requests from the tap (scapy: no 8021q module
        needed); @return (transmitted, received, MAC that answered the ARP)."""
        out = self.nsrun("/usr/bin/python3", VLAN_PING, self.tap, str(vlan), HOST_VLAN_IP, ip,
                         str(count), check=False, timeout=count * 3 + 30)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", out.stdout)
        mac = re.search(r"^arp (\S+)", out.stdout, re.M)
        if m is None or mac is None:
            raise AssertionError("vlan_ping: %s%s" % (out.stdout, out.stderr))
        tx, rx = int(m.group(1)), int(m.group(2))
        if check and rx != tx:
            raise AssertionError("vlan ping %s: %d of %d answered\n%s%s" %
                                 (ip, rx, tx, out.stdout, out.stderr))
        return tx, rx, mac.group(1)

    def neighbour_mac(self, ip):
        out = self.nsrun("ip", "neigh", "show", ip).stdout.split()
        return out[out.index("lladdr") + 1] if "lladdr" in out else None

    # --- the operator ---
    def ctl(self, *args, check=True):
        out = run(tool("svnic-ctl"), "-s", self.mgmt, *args, check=False)
        if check and out.returncode != 0:
            raise AssertionError("svnic-ctl %s: %s%s\nPF log:\n%s" % (
                " ".join(args), out.stdout, out.stderr, self.pf.output()))
        return out

    def vfs(self):
        return {v["vf"]: v for v in json.loads(self.ctl("vf", "show", "--json").stdout)
                ["vfs"]}

    def vf(self, n):
        return self.vfs()[n]

    def alloc(self, *args):
        """svnic-ctl vf alloc ARGS; @return the VF number it printed."""
        out = self.ctl("vf", "alloc", *args).stdout
        m = re.match(r"vf (\d+) allocated", out)
        if m is None:
            raise AssertionError("unexpected vf alloc output %r" % out)
        return int(m.group(1))

    def vf_sock(self, n):
        return os.path.join(self.vf_dir, "vf%d.sock" % n)

    # --- guests ---
    def guest(self, n, args=("--forward-mode=icmpecho",), start=True):
        g = GuestSession(self.vf_sock(n), args)
        self.guests.append(g)
        if start:
            g.cmd("start")
        return g

    def guest_tool(self, n, *args, background=False, eal=()):
        prefix = "svnic-gtool-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        cmd = [guest_tool()] + guest_eal(self.vf_sock(n), prefix) + list(eal) + ["--"] + \
            list(args)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        p.prefix = prefix
        self.procs.append(p)
        if background:
            return p
        return finish_tool(p)

    def emu_output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def close(self):
        for g in self.guests:
            g.quit()
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.communicate()
            if hasattr(p, "prefix"):
                remove_runtime_dir(p.prefix)
        if getattr(self, "pf", None) is not None:
            self.pf.quit()
        if self.emu is not None and self.emu.poll() is None:
            self.emu.send_signal(signal.SIGTERM)
            try:
                self.emu.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.emu.kill()
                self.emu.wait()
        if self.ns:
            run("ip", "netns", "del", self.ns, check=False)
        if self.log is not None:
            self.log.close()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


def finish_tool(p, timeout=60):
    """Wait for an svnic-guest run; @return its "key value" lines as a dict."""
    out, _ = p.communicate(timeout=timeout)
    if hasattr(p, "prefix"):
        remove_runtime_dir(p.prefix)
    if p.returncode != 0:
        raise AssertionError("svnic-guest failed (%d):\n%s" % (p.returncode, out))
    res = {"_out": out}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].replace("_", "").isalpha():
            res[parts[0]] = parts[1]
    return res


def stop_tool(p, timeout=60):
    """Stop an svnic-guest receiving in the background (SIGUSR1: it drains what
    already arrived and prints its counters); @return them as finish_tool does."""
    if p.poll() is None:
        p.send_signal(signal.SIGUSR1)
    return finish_tool(p, timeout)


def wait_tool_ready(p, timeout=30):
    """An svnic-guest in the background has its port up once it printed "mac"."""
    end = time.monotonic() + timeout
    buf = ""
    while time.monotonic() < end:
        line = p.stdout.readline()
        if line == "" and p.poll() is not None:
            raise AssertionError("svnic-guest exited early:\n%s" % buf)
        buf += line
        if line.startswith("mac "):
            return buf
    raise AssertionError("svnic-guest never came up:\n%s" % buf)
