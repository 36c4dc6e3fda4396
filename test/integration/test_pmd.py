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


def plugin(name="librte_net_svnic.so"):
    path = os.path.join(BUILD, "drivers", name)
    if not os.path.exists(path):
        pytest.fail("%s is not built at %s" % (name, path))
    return path


def vf_plugin():
    return plugin("librte_net_svnic_vf.so")


def eal_args(vdev, prefix, plugin_path=None, mem=512, cpu=None):
    # testpmd wants a main lcore and a forwarding one; both on one CPU (the main
    # lcore sleeps in the command line), the emulator's datapath has the other.
    cpu = min(os.sched_getaffinity(0)) if cpu is None else cpu
    return [find_testpmd(), "--no-huge", "-m", str(mem), "--file-prefix", prefix,
            "--lcores", "0@%d,1@%d" % (cpu, cpu), "--no-pci", "--vdev", vdev,
            "-d", plugin_path or plugin()]


def remove_runtime_dir(prefix):
    for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"),
                                                 "dpdk")):
        shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)


class PmdSession:
    """dpdk-testpmd -i, driven through its standard input; output in a file.
    stdbuf: testpmd's printf output would otherwise sit in a full buffer while
    its prompts (written directly) come out at once."""

    def __init__(self, vdev, args=(), eal=None, mbufs=8192, tag="pmd"):
        """@eal: a function of the file prefix giving the EAL part of the
        command line (default: eal_args with net_svnic)."""
        self.prefix = "svnic-%s-%d-%s" % (tag, os.getpid(), uuid.uuid4().hex[:8])
        self.log = tempfile.NamedTemporaryFile("w+", prefix="testpmd-", suffix=".log")
        eal = eal or (lambda prefix: eal_args(vdev, prefix))
        cmd = eal(self.prefix) + ["--", "-i", "--nb-ports=1",
                                  "--total-num-mbufs=%d" % mbufs] + list(args)
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


# --- the rest of issue 4: RSS, VLAN, jumbo frames, xstats, reset ------------

RETA_SIZE = 512         # IDENTIFY.rss_table_size of svnic-emu
ALL_MASKS = "(" + ",".join(["-1"] * (RETA_SIZE // 64)) + ")"    # strtoull: all ones


def xstats(pmd, port=0):
    out = pmd.cmd("show port xstats %d" % port)
    vals = dict((m.group(1), int(m.group(2)))
                for m in re.finditer(r"^(\w+): (\d+)$", out, re.M))
    assert "rx_good_packets" in vals, out
    return vals


def run_for(pmd, seconds, start="start"):
    pmd.cmd(start)
    time.sleep(seconds)
    out = pmd.cmd("stop", timeout=20)
    time.sleep(0.3)         # the last burst lands
    return out


def reta(pmd):
    out = pmd.cmd("show port 0 rss reta %d %s" % (RETA_SIZE, ALL_MASKS))
    table = dict((int(i), int(q)) for i, q in
                 re.findall(r"hash index=(\d+), queue=(\d+)", out))
    assert len(table) == RETA_SIZE, out
    return table


def set_reta(pmd, entries):
    """port config 0 rss reta takes a list of at most 128 characters: in pieces."""
    items = ["(%d,%d)" % e for e in entries]
    while items:
        chunk = ""
        while items and len(chunk) + len(items[0]) < 120:
            chunk += items.pop(0)
        out = pmd.cmd("port config 0 rss reta %s" % chunk)
        assert "Bad" not in out and "Invalid" not in out, out


def test_rss_spreads_flows_over_every_rx_queue(emu, pmd_factory):
    """flowgen sends 1024 UDP flows (one destination address each) out of the
    loopback uplink; the device hashes them back over the four RX queues."""
    pmd = pmd_factory(["--rxq=4", "--txq=4", "--rss-udp", "--forward-mode=flowgen"])
    assert "ipv4-udp" in pmd.cmd("show port 0 rss-hash")
    pmd.cmd("clear port xstats 0")
    assert xstats(pmd)["rx_good_packets"] == 0
    run_for(pmd, 1.0)
    xs = xstats(pmd)
    per_q = [xs["rx_q%d_packets" % q] for q in range(4)]
    total = xs["rx_good_packets"]
    assert total > 1000 and sum(per_q) == total, xs
    # 1024 flows over 512 entries spread evenly: every queue a fair share
    assert min(per_q) > total // 8, per_q
    assert xs["rx_frame_errors"] == 0 and xs["rx_errors"] == 0, xs
    assert pmd.quit() == 0


def test_rss_reta_round_trip_steers_every_flow(emu, pmd_factory):
    pmd = pmd_factory(["--rxq=4", "--txq=4", "--rss-udp", "--forward-mode=flowgen"])
    # configure spread the table over the queues
    assert reta(pmd) == dict((i, i % 4) for i in range(RETA_SIZE))
    set_reta(pmd, [(i, 2) for i in range(RETA_SIZE)])
    assert set(reta(pmd).values()) == {2}
    # an entry naming a queue the port does not have changes nothing
    out = pmd.cmd("port config 0 rss reta (5,7)")
    assert "Bad redirection table parameter, return code = -22" in out, out
    assert reta(pmd)[5] == 2
    pmd.cmd("clear port xstats 0")
    run_for(pmd, 0.5)
    xs = xstats(pmd)
    assert xs["rx_q2_packets"] > 1000, xs
    assert [xs["rx_q%d_packets" % q] for q in (0, 1, 3)] == [0, 0, 0], xs
    # a partial update keeps the rest: entries 0..63 to queue 1
    set_reta(pmd, [(i, 1) for i in range(64)])
    table = reta(pmd)
    assert all(table[i] == (1 if i < 64 else 2) for i in range(RETA_SIZE))
    assert pmd.quit() == 0


def test_rss_hash_key_and_types_round_trip(emu, pmd_factory):
    pmd = pmd_factory(["--rxq=2", "--txq=2", "--rss-udp"])
    out = pmd.cmd("show port 0 rss-hash key")
    key0 = re.search(r"RSS key:\s*([0-9A-F]+)", out).group(1)
    assert len(key0) == 2 * 52, out       # IDENTIFY.rss_key_size
    key = "".join("%02x" % ((i * 37 + 11) & 0xff) for i in range(52))
    pmd.cmd("port config 0 rss-hash-key ipv4-udp %s" % key)
    out = pmd.cmd("show port 0 rss-hash key")
    assert re.search(r"RSS key:\s*%s" % key.upper(), out), out
    assert "ipv4-udp" in out
    # other types: the key stays
    pmd.cmd("port config all rss tcp")
    out = pmd.cmd("show port 0 rss-hash key")
    assert "ipv4-tcp" in out and "ipv6-tcp" in out and "ipv4-udp" not in out, out
    assert key.upper() in out
    # testpmd holds a key of another length against hash_key_size: 52 bytes
    out = pmd.cmd("port config 0 rss-hash-key ipv4-tcp %s" % key[:80])
    assert "must be a string of 104 hexa-decimal numbers" in out, out
    assert key.upper() in pmd.cmd("show port 0 rss-hash key")
    assert pmd.quit() == 0


def test_jumbo_frames_round_trip_scattered(emu, pmd_factory):
    """9000-byte frames in 2048-byte mbufs: five RX descriptors and five
    mbufs a frame in, the same five segments back out."""
    segs = "2000,2000,2000,2000,1000"
    pmd = pmd_factory(["--mbuf-size=2048", "--enable-scatter", "--forward-mode=io",
                       "--txpkts=" + segs])
    pmd.cmd("port config mtu 0 9000")
    info = pmd.cmd("show port info 0")
    assert "MTU: 9000" in info, info
    assert "RX scattered packets: on" in pmd.cmd("show rxq info 0 0")
    pmd.cmd("clear port stats 0")
    run_for(pmd, 1.0, "start tx_first")
    stats = pmd.cmd("show port stats 0")
    tx, rx = field(stats, "TX-packets"), field(stats, "RX-packets")
    assert tx > 100 and rx == tx, stats
    assert field(stats, "RX-bytes") == 9000 * rx, stats
    assert field(stats, "RX-errors") == 0 and field(stats, "TX-errors") == 0, stats
    assert field(stats, "RX-missed") == 0, stats
    # each packet whole: rxonly prints what one burst of 32 brought back
    pmd.cmd("set fwd rxonly")
    pmd.cmd("set verbose 1")
    out = run_for(pmd, 0.5, "start tx_first")
    lens = re.findall(r"length=(\d+) - nb_segs=(\d+)", pmd.output())
    assert lens and set(lens) == {("9000", "5")}, out
    # 32 sent now, and up to 32 io had in flight when it stopped
    assert len(lens) in (32, 64), len(lens)
    pmd.cmd("set verbose 0")
    # back to 1500: a 9000-byte frame is now too long for the device
    pmd.cmd("port config mtu 0 1500")
    pmd.cmd("clear port stats 0")
    run_for(pmd, 0.3, "start tx_first")
    stats = pmd.cmd("show port stats 0")
    assert field(stats, "RX-packets") == 0 and field(stats, "TX-errors") == 32, stats
    assert pmd.quit() == 0


def test_mtu_beyond_the_buffers_needs_scatter(emu, pmd_factory):
    pmd = pmd_factory(["--mbuf-size=2048"])
    out = pmd.cmd("port config mtu 0 9000")
    assert "diag=-22" in out, out
    assert "MTU: 1500" in pmd.cmd("show port info 0")
    assert "no RTE_ETH_RX_OFFLOAD_SCATTER" in pmd.output()
    assert pmd.quit() == 0


def test_vlan_filter_strip_and_insert(emu, pmd_factory):
    """tx_vlan inserts tag 100 on the way out; the frames come back in from
    the loopback uplink. Not promiscuous, the VPort takes VLAN 100 only once
    it has a filter for it; with strip on, the tag is in the mbuf."""
    pmd = pmd_factory(["--forward-mode=rxonly"])
    pmd.cmd("set promisc 0 off")
    pmd.cmd("port stop 0")
    pmd.cmd("tx_vlan set 0 100")
    pmd.cmd("port start 0")
    pmd.cmd("clear port xstats 0")
    run_for(pmd, 0.3, "start tx_first")
    xs = xstats(pmd)
    assert xs["tx_good_packets"] == 32 and xs["rx_good_packets"] == 0, xs
    assert xs["rx_dropped_filter_packets"] == 32, xs
    # filter on and VLAN 100 in it: the frames arrive, tag in the data
    pmd.cmd("vlan set filter on 0")
    pmd.cmd("rx_vlan add 100 0")
    pmd.cmd("set verbose 1")
    mark = len(pmd.output())
    run_for(pmd, 0.3, "start tx_first")
    dump = pmd.output()[mark:]
    assert dump.count("type=0x8100 - length=68") == 32, dump
    # strip on: the tag leaves the data for vlan_tci and the mbuf flags
    pmd.cmd("vlan set strip on 0")
    assert "strip on, filter on" in pmd.cmd("show port info 0")
    mark = len(pmd.output())
    run_for(pmd, 0.3, "start tx_first")
    dump = pmd.output()[mark:]
    assert dump.count("type=0x0800 - length=64") == 32, dump
    assert dump.count("VLAN tci=0x64") == 32, dump
    assert "RTE_MBUF_F_RX_VLAN_STRIPPED" in dump
    pmd.cmd("set verbose 0")
    # filter removed: dropped again
    pmd.cmd("rx_vlan rm 100 0")
    pmd.cmd("clear port xstats 0")
    run_for(pmd, 0.3, "start tx_first")
    xs = xstats(pmd)
    assert xs["rx_good_packets"] == 0 and xs["rx_dropped_filter_packets"] == 32, xs
    assert pmd.quit() == 0


def test_port_reset_and_queue_restart(emu, pmd_factory):
    """rte_eth_dev_reset re-probes the function; testpmd configures it again
    and traffic flows. A queue stopped and started alone keeps working."""
    pmd = pmd_factory(["--rxq=2", "--txq=2", "--rss-udp", "--forward-mode=io"])
    set_reta(pmd, [(i, 1) for i in range(8)])
    pmd.cmd("port stop 0")
    out = pmd.cmd("port reset 0")
    assert "Done" in out and "Failed" not in out, out
    out = pmd.cmd("port start 0", timeout=20)
    assert "Fail" not in out, out
    assert "port 0 reset" in pmd.output()
    # the device lost everything; configure gave it back the default table
    assert reta(pmd) == dict((i, i % 2) for i in range(RETA_SIZE))
    assert "Link status: up" in pmd.cmd("show port info 0")
    pmd.cmd("port 0 rxq 1 stop")
    pmd.cmd("port 0 rxq 1 start")
    pmd.cmd("clear port stats 0")
    run_for(pmd, 1.0, "start tx_first")
    stats = pmd.cmd("show port stats 0")
    tx, rx = field(stats, "TX-packets"), field(stats, "RX-packets")
    assert tx > 1000 and rx == tx, stats
    assert pmd.quit() == 0
    assert emu.alive()
