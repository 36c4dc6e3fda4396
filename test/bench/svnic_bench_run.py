#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One measurement of usertools/svnic-bench.sh (doc/benchmarks.rst).

Starts the far end of a link on one CPU and a testpmd on the other, loops
packets between them with testpmd's io forwarding, reads testpmd's own port
counters over a fixed window after a warm-up (taken again if other processes
used the two CPUs meanwhile), stops what it started and writes one JSON line to
--results (or stdout), a line for people to stderr:

  far end          near end (measured, the other CPU)
  svnic-emu        testpmd -d librte_net_svnic.so --vdev net_svnic0 (PF, loopback uplink)
  testpmd memif    testpmd --vdev net_memif0,role=client
  testpmd vhost    testpmd --vdev net_virtio_user0

Every process it starts runs in its own session, with its PID in a file under
--piddir while it lives, so the calling script can stop exactly those if this
helper is killed before it cleans up.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

PEERS = ("svnic", "memif", "vhost")
# Bursts injected with "start tx_first": 16 x 32 = 512 packets circulate, fewer
# than any ring in the loop holds (1024 descriptors everywhere).
TX_FIRST_BURSTS = 16
TESTPMD_APP_ARGS = [
    "-i", "--forward-mode=io", "--port-topology=loop", "--nb-cores=1",
    "--rxq=1", "--txq=1", "--rxd=1024", "--txd=1024", "--burst=32",
    "--total-num-mbufs=16384",
]
STATS_BLOCK = re.compile(r"NIC statistics for port 0 +#+\n(.*?)\n +#{20,}", re.S)
PROMPT = re.compile(r"testpmd> ")
ERROR_LINE = re.compile(r"fail|error|cannot|refused|invalid|no probed|denied", re.I)
HARMLESS_LINE = re.compile(r"promiscuous mode .*ignore|RX-errors|TX-errors", re.I)
CLK_TCK = os.sysconf("SC_CLK_TCK")
# More than this share of one of our CPUs used by other processes in a window,
# and the window is taken again (--retries), then reported as disturbed.
OTHER_MAX = 0.10


class BenchError(Exception):
    """A measurement that could not be taken; the message says why."""


class Stopped(Exception):
    """SIGTERM, SIGINT or SIGHUP: clean up and leave."""


class Proc:
    """A process started by this helper, its output collected in the background."""

    def __init__(self, name, argv, log_path, piddir):
        self.name = name
        self.log_path = log_path
        self.buf = ""
        self.cond = threading.Condition()
        self.eof = False
        self.log = open(log_path, "w", encoding="utf-8")
        self.log.write("$ %s\n" % " ".join(argv))
        self.log.flush()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.proc.pid
        self.pidfile = os.path.join(piddir, "%d.pid" % self.pid)
        with open(self.pidfile, "w", encoding="utf-8") as f:
            f.write("%d\n" % self.pid)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            text = chunk.decode("utf-8", "replace").replace("\r", "")
            with self.cond:
                if not chunk:
                    self.eof = True
                    self.cond.notify_all()
                    break
                self.buf += text
                self.log.write(text)
                self.log.flush()
                self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.buf)

    def tail(self):
        """Why it failed, in one line: the first error lines, then the last lines."""
        with self.cond:
            rows = [r.strip() for r in self.buf.split("\n")
                    if r.strip() and r.strip() != "testpmd>" and not r.startswith("$ ")]
        bad = [r for r in rows if ERROR_LINE.search(r) and not HARMLESS_LINE.search(r)][:3]
        return " | ".join(bad + [r for r in rows[-2:] if r not in bad])

    def died(self):
        code = self.proc.poll()
        if code is None:
            return None
        what = ("signal %d" % -code) if code < 0 else ("exit code %d" % code)
        return "%s died (%s): %s" % (self.name, what, self.tail())

    def wait_for(self, pattern, start, timeout, what):
        """The first match of pattern in the output after offset start."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = pattern.search(self.buf, start)
                if m:
                    return m
                if self.eof:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError("%s: no %s within %g s; last output: %s"
                                     % (self.name, what, timeout, self.tail()))
                self.cond.wait(min(left, 0.2))
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise BenchError("%s closed its output before %s: %s"
                             % (self.name, what, self.tail())) from None
        raise BenchError("%s before %s" % (self.died(), what))

    def send(self, line):
        if self.proc.poll() is not None:
            raise BenchError(self.died())
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError as e:
            raise BenchError("%s: stdin closed (%s); last output: %s"
                             % (self.name, e, self.tail())) from e

    def command(self, line, pattern, timeout, what):
        start = self.mark()
        self.send(line)
        return self.wait_for(pattern, start, timeout, what)

    def cpu_ticks(self):
        """utime + stime of the whole process (every thread), in clock ticks."""
        try:
            with open("/proc/%d/stat" % self.pid, encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError as e:
            raise BenchError(self.died() or "%s: %s" % (self.name, e)) from e
        return int(fields[11]) + int(fields[12])

    def stop(self, quit_command=None):
        """quit (testpmd) or SIGTERM, then SIGKILL: by PID, this process only."""
        try:
            if self.proc.poll() is None and quit_command is not None:
                try:
                    self.send(quit_command)
                    self.proc.wait(timeout=10)
                except (BenchError, subprocess.TimeoutExpired, OSError):
                    pass
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            self.reader.join(timeout=2)
            try:
                os.unlink(self.pidfile)
            except FileNotFoundError:
                pass
            self.log.close()


def testpmd_argv(args, cpu, prefix, vdev, extra_eal=()):
    # The main lcore (command line, asleep in read) and the forwarding lcore share
    # the CPU: testpmd needs both, and the process gets one core.
    mem = (["--no-huge", "-m", "1024"] if not args.huge else
           ["--huge-dir", args.huge_dir] +
           ([] if args.page_files else ["--single-file-segments"]) + ["-m", "256"])
    return (["taskset", "-c", str(cpu), "stdbuf", "-oL", "-eL", args.testpmd,
             "--lcores", "0@%d,1@%d" % (cpu, cpu), "--file-prefix", prefix, "--no-pci"]
            + mem + list(extra_eal) + ["--vdev", vdev, "--"]
            + TESTPMD_APP_ARGS + ["--txpkts=%d" % args.size])


def wait_link_up(p, timeout):
    deadline = time.monotonic() + timeout
    link = re.compile(r"Link status: (\w+)|(Invalid port 0)")
    while True:
        m = p.command("show port info 0", link, 10, "port info")
        if m.group(2):
            raise BenchError("%s: no port 0 (the vdev did not probe): %s" % (p.name, p.tail()))
        if m.group(1) == "up":
            return
        if time.monotonic() > deadline:
            raise BenchError("%s: port 0 link still down after %g s" % (p.name, timeout))
        time.sleep(0.2)


def read_stats(p):
    m = p.command("show port stats 0", STATS_BLOCK, 10, "port statistics")
    t = time.monotonic()
    block = m.group(1)

    def field(name):
        f = re.search(r"\b%s: +(\d+)" % re.escape(name), block)
        if f is None:
            raise BenchError("%s: no %s in its port statistics: %s" % (p.name, name, block))
        return int(f.group(1))

    return {"t": t, "rx": field("RX-packets"), "rx_pps": field("Rx-pps"),
            "missed": field("RX-missed"), "nombuf": field("RX-nombuf")}


def cpu_times():
    """Per CPU: (busy, total) clock ticks since boot, from /proc/stat."""
    out = {}
    with open("/proc/stat", encoding="ascii") as f:
        for line in f:
            m = re.match(r"cpu(\d+) (.*)", line)
            if m:
                # user nice system idle iowait irq softirq steal (guest is in user)
                v = [int(x) for x in m.group(2).split()[:8]]
                out[int(m.group(1))] = (sum(v) - v[3] - v[4], sum(v))
    return out


class CpuWatch:
    """Who used the benchmark's two CPUs during an interval: our two processes
    (each pinned to its CPU, so all its time is spent there) and everything else."""

    def __init__(self, args, near, far):
        self.args, self.near, self.far = args, near, far

    def snap(self):
        return (cpu_times(), self.near.cpu_ticks(), self.far.cpu_ticks(), time.monotonic())

    def use(self, a, b):
        wall = b[3] - a[3]
        # Clock ticks are coarse: a whole CPU can read 1.01.
        r = {"cpu_near": min(1.0, (b[1] - a[1]) / CLK_TCK / wall),
             "cpu_far": min(1.0, (b[2] - a[2]) / CLK_TCK / wall)}
        for side, cpu, ours in (("near", self.args.near_cpu, b[1] - a[1]),
                                ("far", self.args.far_cpu, b[2] - a[2])):
            busy = b[0][cpu][0] - a[0][cpu][0]
            total = max(1, b[0][cpu][1] - a[0][cpu][1])
            r["other_" + side] = max(0, busy - ours) / total
        r["other"] = max(r["other_near"], r["other_far"])
        return {k: round(v, 3) for k, v in r.items()}

    def wait_quiet(self, timeout):
        """Until nothing else used more than OTHER_MAX of our CPUs for half a
        second, or timeout: seconds waited."""
        t0 = time.monotonic()
        while True:
            a = self.snap()
            time.sleep(0.5)
            if self.use(a, self.snap())["other"] <= OTHER_MAX or \
                    time.monotonic() - t0 >= timeout:
                return round(time.monotonic() - t0, 1)


def start_far(args, procs):
    """The far end: the device (svnic-emu) or the other testpmd, on --far-cpu."""
    prefix = "%s-%s-far" % (args.prefix, args.peer)
    log = os.path.join(args.workdir, "%s-far.log" % args.tag)
    if args.peer == "svnic":
        sockdir = os.path.join(args.workdir, args.tag)
        p = Proc("svnic-emu", ["taskset", "-c", str(args.far_cpu), args.emu, "--dir", sockdir,
                               "--uplink", "loopback"], log, args.piddir)
        procs.append((p, None))
        sock = os.path.join(sockdir, "pf.sock")
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            if p.proc.poll() is not None:
                p.proc.wait()
                raise BenchError(p.died())
            if time.monotonic() > deadline:
                raise BenchError("svnic-emu: no %s after 10 s: %s" % (sock, p.tail()))
            time.sleep(0.05)
        return p, "net_svnic0,vfio_user=%s" % sock
    if args.peer == "memif":
        sock = os.path.join(args.workdir, "%s.sock" % args.tag)
        vdev = "net_memif0,role=server,socket=%s,socket-abstract=no" % sock
        near_vdev = "net_memif0,role=client,socket=%s,socket-abstract=no" % sock
        name = "testpmd (memif server)"
    else:
        sock = os.path.join(args.workdir, "%s.sock" % args.tag)
        vdev = "net_vhost0,iface=%s,queues=1" % sock
        near_vdev = "net_virtio_user0,path=%s,queues=1,queue_size=1024" % sock
        name = "testpmd (vhost)"
    # memif leaves its listening socket behind when it quits.
    if os.path.exists(sock):
        os.unlink(sock)
    p = Proc(name, testpmd_argv(args, args.far_cpu, prefix, vdev), log, args.piddir)
    procs.append((p, "quit"))
    p.wait_for(PROMPT, 0, args.start_timeout, "prompt")
    p.command("start", PROMPT, 10, "prompt after start")
    return p, near_vdev


def measure(args, procs):
    far, near_vdev = start_far(args, procs)
    extra = ["-d", args.plugin] if args.peer == "svnic" else []
    names = {"svnic": "testpmd (net_svnic PF)", "memif": "testpmd (memif client)",
             "vhost": "testpmd (virtio-user)"}
    near = Proc(names[args.peer],
                testpmd_argv(args, args.near_cpu, "%s-%s-near" % (args.prefix, args.peer),
                             near_vdev, extra),
                os.path.join(args.workdir, "%s-near.log" % args.tag), args.piddir)
    procs.append((near, "quit"))
    near.wait_for(PROMPT, 0, args.start_timeout, "prompt")
    wait_link_up(near, 10)
    if args.peer != "svnic":
        # vhost reports link up only once it has mapped the guest's memory (1 GiB of
        # 4 KiB pages takes it seconds); packets sent before then wait in the ring.
        wait_link_up(far, 30)
    if args.probe_only:
        return {"peer": args.peer, "probe": "ok"}

    near.command("start tx_first %d" % args.bursts, PROMPT, 10, "prompt after start")
    time.sleep(args.warmup)
    watch = CpuWatch(args, near, far)
    best = None
    for attempt in range(1, args.retries + 2):
        waited = watch.wait_quiet(args.quiet_wait)
        r = window(args, near, far, watch)
        r.update(attempt=attempt, waited=waited)
        if best is None or r["other"] < best["other"]:
            best = r
        if r["other"] <= OTHER_MAX:
            break
    best["attempts"] = attempt
    return best


def window(args, near, far, watch):
    """One reading of the rate: two "show port stats", --window seconds apart."""
    s0 = read_stats(near)
    c0 = watch.snap()
    time.sleep(args.window)
    s1 = read_stats(near)
    c1 = watch.snap()
    for p in (far, near):
        if p.proc.poll() is not None:
            raise BenchError(p.died())
    wall = s1["t"] - s0["t"]
    rx = s1["rx"] - s0["rx"]
    if rx <= 0:
        raise BenchError("%s received nothing in %.1f s: the loop stalled (RX-missed %d, "
                         "RX-nombuf %d)" % (near.name, wall, s1["missed"], s1["nombuf"]))
    # testpmd's Rx-pps is its own RX-packets delta over its own clock between the
    # two "show port stats"; ours, over the arrival of the two answers, checks it.
    pps = s1["rx_pps"] if s1["rx_pps"] > 0 else rx / wall
    r = {
        "peer": args.peer, "size": args.size, "huge": args.huge, "round": args.round,
        "mpps": pps / 1e6, "gbps": pps * args.size * 8 / 1e9,
        "rx_packets": rx, "seconds": round(wall, 4), "mpps_wall": rx / wall / 1e6,
    }
    r.update(watch.use(c0, c1))
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer", choices=PEERS, required=True)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--huge-dir", help="hugetlbfs mount: run on hugepages")
    ap.add_argument("--page-files", action="store_true",
                    help="with --huge-dir: one file per hugepage (no --single-file-segments)")
    ap.add_argument("--round", type=int, default=0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--window", type=float, default=3.0)
    ap.add_argument("--far-cpu", type=int, default=0)
    ap.add_argument("--near-cpu", type=int, default=1)
    ap.add_argument("--testpmd", default="dpdk-testpmd")
    ap.add_argument("--emu", help="svnic-emu binary (peer svnic)")
    ap.add_argument("--plugin", help="librte_net_svnic.so (peer svnic)")
    ap.add_argument("--workdir", required=True, help="private directory: sockets, logs")
    ap.add_argument("--piddir", required=True, help="PID files of the running children")
    ap.add_argument("--results", help="append the JSON line to this file, not stdout")
    ap.add_argument("--prefix", default="svnic-bench-%d" % os.getpid(),
                    help="EAL --file-prefix stem")
    ap.add_argument("--bursts", type=int, default=TX_FIRST_BURSTS,
                    help="bursts of 32 packets injected with start tx_first")
    ap.add_argument("--retries", type=int, default=1,
                    help="windows to add when others used our CPUs in one")
    ap.add_argument("--quiet-wait", type=float, default=3.0,
                    help="seconds to wait for others to leave our CPUs before a window")
    ap.add_argument("--start-timeout", type=float, default=60.0)
    ap.add_argument("--probe-only", action="store_true",
                    help="start both ends, check port 0's link, stop")
    args = ap.parse_args()
    args.huge = args.huge_dir is not None
    args.tag = "%s-%d-%s-r%d" % (args.peer, args.size, "huge" if args.huge else "nohuge",
                                 args.round)
    if args.peer == "svnic" and (args.emu is None or args.plugin is None):
        ap.error("peer svnic needs --emu and --plugin")

    def on_signal(signum, _frame):
        raise Stopped(signal.Signals(signum).name)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    procs = []
    result = None
    code = 0
    try:
        result = measure(args, procs)
    except BenchError as e:
        result = {"peer": args.peer, "size": args.size, "huge": args.huge,
                  "round": args.round, "error": str(e)}
        code = 1
    except Stopped as e:
        result = {"peer": args.peer, "error": "stopped by %s" % e}
        code = 130
    finally:
        # Near end first, so the far end sees its peer leave, as in normal use.
        for p, quit_command in reversed(procs):
            try:
                p.stop(quit_command)
            except Stopped:
                p.stop(None)
        if args.huge:
            # EAL leaves its hugepage files behind, and they keep their pages.
            for f in os.listdir(args.huge_dir):
                if f.startswith(args.prefix + "-"):
                    os.unlink(os.path.join(args.huge_dir, f))
    if args.results:
        with open(args.results, "a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")
    else:
        print(json.dumps(result), flush=True)
    print(progress_line(args, result), file=sys.stderr, flush=True)
    return code


def progress_line(args, r):
    if args.probe_only:
        what = "  %s probe:" % args.peer
        return "%s %s" % (what, ("FAILED: " + r["error"]) if "error" in r else "port 0 up")
    what = "  round %d  %-6s %4d B  hugepages %-3s" % (
        args.round, args.peer, args.size, "yes" if args.huge else "no")
    if "error" in r:
        return "%s  FAILED: %s" % (what, r["error"])
    return ("%s %8.2f Mpps %7.2f Gbit/s  cpu near %.2f far %.2f, others %2.0f%%%s"
            % (what, r["mpps"], r["gbps"], r["cpu_near"], r["cpu_far"], 100 * r["other"],
               "" if r["attempts"] == 1 else " (%d windows)" % r["attempts"]))


if __name__ == "__main__":
    sys.exit(main())
