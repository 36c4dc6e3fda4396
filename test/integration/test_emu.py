# SPDX-License-Identifier: BSD-3-Clause
"""svnic-emu as a process: its sockets, the PF/VF functions it serves, and what
it does with clients that misbehave (issue: lib/vfio_user and svnic-emu)."""
import os
import re
import socket
import struct
import subprocess
import time

import pytest

from conftest import TOKEN, Emu, tool, wait_for
import vfio_user_raw as vu


def test_help_lists_every_option():
    out = subprocess.run([tool("svnic-emu"), "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for opt in ("--dir", "--vfs-max", "--uplink", "--pcap", "--queues",
                "--datapath-threads", "--vf-token", "--no-head-wb", "--tx-lag-us"):
        assert opt in out.stdout


@pytest.mark.parametrize("args,needle", [
    ([], "--dir DIR is required"),
    (["--dir", "/tmp/x", "--vfs-max", "300"], "bad value"),
    (["--dir", "/tmp/x", "--vfs-max", "0"], "bad value"),
    (["--dir", "/tmp/x", "--queues", "2000"], "bad value"),
    (["--dir", "/tmp/x", "--mac", "01:00:00:00:00:01"], "bad value"),
    (["--dir", "/tmp/x", "--tx-lag-us", "0"], "bad value for --tx-lag-us: '0'"),
    (["--dir", "/tmp/x", "--tx-lag-us", "1000001"], "bad value"),
    (["--dir", "/tmp/x", "--tx-lag-us", "5ms"], "bad value"),
    (["--dir", "/tmp/x", "--uplink", "wire"], "uplink"),
])
def test_bad_command_lines_are_refused_clearly(args, needle):
    out = subprocess.run([tool("svnic-emu")] + args, capture_output=True, text=True,
                         timeout=10)
    assert out.returncode != 0
    assert needle in out.stderr


def test_pf_identity_and_registers(emu):
    pf = vu.Client(emu.sock("pf"))
    assert pf.caps["capabilities"]["max_msg_fds"] >= 1
    assert pf.cfg_read(0, 2) == 0x5356 and pf.cfg_read(2, 2) == 0x0001
    assert pf.region_read(vu.BAR0, 0, 4) == b"SNIC"
    assert pf.reg_read(0x008) == 0                      # FUNC: the PF
    flags, nreg, nirq = pf.device_info()[1:]
    assert nreg == 9 and nirq == 5
    pf.close()


def test_vf_sockets_follow_vf_enable_and_the_pf_client(emu):
    pf = vu.Client(emu.sock("pf"))
    vu.enable_vfs(pf, 3)
    wait_for(lambda: os.path.exists(emu.sock("vf2")), what="vf2.sock")
    assert os.path.exists(emu.sock("vf0")) and not os.path.exists(emu.sock("vf3"))
    assert oct(os.stat(emu.sock("vf0")).st_mode & 0o777) == "0o600"
    vu.enable_vfs(pf, 0)
    wait_for(lambda: not os.path.exists(emu.sock("vf0")), what="vf sockets gone")
    vu.enable_vfs(pf, 1)
    wait_for(lambda: os.path.exists(emu.sock("vf0")), what="vf0.sock again")
    # a PF driver that goes away is a PF FLR: VF Enable clears, the VFs go
    pf.close()
    wait_for(lambda: not os.path.exists(emu.sock("vf0")), what="vf0 gone with the PF")
    assert emu.alive()


def test_vf_needs_the_token_the_pf_set(emu):
    pf = vu.Client(emu.sock("pf"))
    vu.enable_vfs(pf, 1)
    wait_for(lambda: os.path.exists(emu.sock("vf0")))
    with pytest.raises(vu.ServerError) as e:
        vu.Client(emu.sock("vf0"))
    assert e.value.errno == 1
    with pytest.raises(vu.ServerError):
        vu.Client(emu.sock("vf0"), token="11111111-2222-3333-4444-555555555555")
    vf = vu.Client(emu.sock("vf0"), token=TOKEN)
    # the VF as hardware presents it: ids all ones, FUNC says VF 0
    assert vf.cfg_read(0, 4) == 0xFFFFFFFF
    assert vf.reg_read(0x008) == 0x80000000
    vf.close()
    pf.close()


def test_one_client_per_function(emu):
    a = vu.Client(emu.sock("pf"))
    with pytest.raises(vu.ServerError) as e:
        vu.Client(emu.sock("pf"), busy_retry=0)
    assert e.value.errno == 16   # EBUSY
    a.close()
    wait_for(lambda: _connects(emu.sock("pf")), what="next client served")


def _connects(path):
    try:
        c = vu.Client(path, busy_retry=0)
    except (vu.ServerError, OSError, EOFError):
        return False
    c.close()
    return True


def test_garbage_before_version_drops_only_that_client(emu):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(emu.sock("pf"))
    s.sendall(b"\xde\xad\xbe\xef" * 64)
    s.settimeout(5)
    closed = False
    try:
        while s.recv(4096):          # an error reply may come first, then EOF
            pass
        closed = True
    except ConnectionResetError:
        closed = True
    assert closed                    # socket.timeout would mean it was kept
    s.close()
    wait_for(lambda: _connects(emu.sock("pf")), what="next client served")
    assert emu.alive()


def test_hostile_client_leaves_other_functions_serving(emu):
    pf = vu.Client(emu.sock("pf"))
    vu.enable_vfs(pf, 2)
    wait_for(lambda: os.path.exists(emu.sock("vf1")))
    vf0 = vu.Client(emu.sock("vf0"), token=TOKEN)
    # region access out of bounds: refused, the connection stays usable
    with pytest.raises(vu.ServerError):
        vf0.region_read(vu.BAR0, 0x4000, 4)
    with pytest.raises(vu.ServerError):
        vf0.region_read(vu.CONFIG, 4095, 4)
    assert vf0.region_read(vu.BAR0, 0, 4) == b"SNIC"
    # a DMA map over another map: EEXIST
    fd = os.memfd_create("guest")
    os.ftruncate(fd, 1 << 20)
    vf0.dma_map(0x100000, 1 << 20, fd)
    with pytest.raises(vu.ServerError) as e:
        vf0.dma_map(0x180000, 1 << 20, fd)
    assert e.value.errno == 17
    os.close(fd)
    # a flood of commands, all answered
    for _ in range(3000):
        vf0.reg_read(0x014)
    # a socket that closes in the middle of a message
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(emu.sock("vf1"))
    s.sendall(vu.HDR.pack(1, vu.VERSION, 64, 0, 0) + b"\0\0")
    s.close()
    vf0.close()
    # everyone else is still served
    vf1 = vu.Client(emu.sock("vf1"), token=TOKEN)
    assert vf1.reg_read(0x008) == 0x80000001
    vf1.close()
    assert pf.region_read(vu.BAR0, 0, 4) == b"SNIC"
    pf.close()
    assert emu.alive()


def test_sigterm_stops_cleanly_and_removes_sockets():
    e = Emu(["--vfs-max", "4"])
    pf = vu.Client(e.sock("pf"))
    vu.enable_vfs(pf, 2)
    wait_for(lambda: os.path.exists(e.sock("vf1")))
    rc = e.stop()
    assert rc == 0, e.output()
    assert not [f for f in os.listdir(e.dir) if f.endswith(".sock")]
    assert "stopped" in e.output()


def test_sigusr1_prints_statistics(emu):
    emu.proc.send_signal(10)   # SIGUSR1
    wait_for(lambda: "datapath sleeps" in emu.output(), what="statistics")
    assert emu.alive()


def test_pcap_capture_file_is_created(tmp_path):
    """--pcap writes a capture libpcap can read: a pcap file header at least."""
    cap = tmp_path / "uplink.pcap"
    d = Emu(["--pcap", str(cap)])
    assert d.alive()
    assert d.stop() == 0
    data = cap.read_bytes()
    assert len(data) >= 24                      # the pcap global header
    assert data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")


def test_tap_uplink_is_a_real_kernel_interface():
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.fail("this test needs root and /dev/net/tun (CI has both)")
    name = "svnictst%d" % (os.getpid() % 1000)
    e = Emu(["--uplink", "tap:" + name])
    try:
        out = subprocess.run(["ip", "link", "show", name], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    finally:
        assert e.stop() == 0
    out = subprocess.run(["ip", "link", "show", name], capture_output=True, text=True)
    assert out.returncode != 0     # gone with the emulator


def test_idle_datapath_goes_to_sleep(emu):
    """With no work the datapath thread backs off to sleeping (so an idle
    emulator does not hold a core): its sleep counter moves while nothing runs."""
    import re

    def sleeps():
        n = len(re.findall("datapath sleeps", emu.output()))
        emu.proc.send_signal(10)   # SIGUSR1
        wait_for(lambda: len(re.findall("datapath sleeps", emu.output())) > n)
        return int(re.findall(r"datapath sleeps (\d+)", emu.output())[-1])
    first = sleeps()
    wait_for(lambda: sleeps() > first + 5, what="the datapath sleeping")


def test_1000_connect_map_reset_disconnect_cycles_leak_nothing():
    """No fd and no memory left behind by a client's whole life, 1000 times.
    Run against the sanitizer build when the suite has one (SVNIC_ASAN_BUILD):
    LeakSanitizer then fails the emulator's exit status on any leak."""
    e = Emu(["--vfs-max", "2"], build=os.environ.get("SVNIC_ASAN_BUILD"))
    mem = os.memfd_create("guest")
    os.ftruncate(mem, 1 << 20)
    def settled_fds():
        # the server closes a departed client's socket on its next poll
        last = e.fds()
        for _ in range(50):
            time.sleep(0.02)
            now = e.fds()
            if now == last:
                return now
            last = now
        return last

    try:
        base = None
        for i in range(1000):
            c = vu.Client(e.sock("pf"))
            c.dma_map(0x100000, 1 << 20, mem)
            c.reg_write(0x024, 0)          # unmask every cause
            c.reset()
            c.close()
            if i == 19:                     # after a warm-up, with no client
                base = settled_fds()
        wait_for(lambda: e.fds() == base, what="fd count back to %d" % base)
    finally:
        os.close(mem)
        rc = e.stop()
    assert rc == 0, e.output()[-2000:]


def test_an_idle_datapath_sleeps_longer_each_time(emu):
    """An idle datapath thread's sleeps time out (nothing kicks it) and each
    timeout that found nothing doubles the next, up to 16 ms, with no spinning
    in between: well under a hundred sleeps a second, where 1 ms timeouts
    made a thousand."""
    def sleeps():
        before = emu.output().count("datapath sleeps")
        emu.proc.send_signal(10)   # SIGUSR1
        wait_for(lambda: emu.output().count("datapath sleeps") > before,
                 what="statistics")
        return int(re.findall(r"datapath sleeps (\d+)", emu.output())[-1])

    time.sleep(0.3)                 # past the doubling's first steps
    a = sleeps()
    time.sleep(1.0)
    b = sleeps()
    assert 0 < b - a < 200, (a, b)
