# SPDX-License-Identifier: BSD-3-Clause
"""VFs end to end (issue 5): the PF in dpdk-testpmd allocates VFs on the
operator's word (svnic-ctl), serves each to a guest over vfio-user, and the
guests (dpdk-testpmd or svnic-guest with net_svnic_vf) run traffic on them;
the kernel on the far side of the tap uplink pings them.

Needs root, /dev/net/tun, iproute2 and iputils-ping (CI has them); a machine
without them fails here rather than skipping."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import tool, wait_for
import vfio_user_raw as vu
from test_pmd import RETA_SIZE, plugin, reta, run_for, set_reta, xstats
from vfworld import VfWorld, finish_tool, guest_eal, stop_tool, wait_tool_ready

MAC0 = "02:00:00:00:0a:00"
MAC1 = "02:00:00:00:0a:01"
MAC2 = "02:00:00:00:0a:02"
GUEST0_IP = "192.0.2.10"
GUEST1_IP = "198.51.100.11"     # VF 1 sits on port VLAN 10
FORGED = "02:de:ad:be:ef:01"


@pytest.fixture
def tapworld():
    w = VfWorld(uplink="tap")
    yield w
    w.close()


@pytest.fixture
def nullworld():
    w = VfWorld(uplink="null")
    yield w
    w.close()


def two_guests(w):
    """VF 0 untagged with MAC0, VF 1 on port VLAN 10 with MAC1, both pinged."""
    assert w.alloc("queues", "1", "mac", MAC0, "name", "guest0") == 0
    assert w.alloc("queues", "1", "mac", MAC1, "vlan", "10", "name", "guest1") == 1
    g0 = w.guest(0)
    g1 = w.guest(1)
    return g0, g1


def test_kernel_pings_two_guests_through_the_tap(tapworld):
    w = tapworld
    g0, _ = two_guests(w)
    w.ping(GUEST0_IP)
    _, _, answered_by = w.vlan_ping(GUEST1_IP)
    # each address was answered by the VF it belongs to, not by the other
    assert w.neighbour_mac(GUEST0_IP) == MAC0
    assert answered_by == MAC1
    vfs = w.vfs()
    for n in (0, 1):
        assert vfs[n]["state"] == "active", vfs[n]
        assert vfs[n]["guest"] is True
        assert vfs[n]["rx"] >= 3 and vfs[n]["tx"] >= 3, vfs[n]
    assert vfs[1]["vport"]["vlan"] == 10
    table = w.ctl("vf", "show").stdout
    assert re.search(r"^\s*0\s.*active", table, re.M), table
    # the guest's own view: its VPort's counters through the mailbox, the
    # mailbox's, the driver's; a reset starts them again
    x = xstats(g0)
    assert x["rx_vport_packets"] >= 3 and x["tx_vport_packets"] >= 3, x
    assert x["mbx_requests"] >= 5 and x["mbx_timeouts"] == 0, x
    # a 1.3 device: every request left in the shared TX window for the PF,
    # every answer put in the RX window by the PF itself (HELLO's included)
    assert x["mbx_shared_tx_requests"] == x["mbx_requests"], x
    assert x["mbx_shared_rx_messages"] >= x["mbx_requests"], x
    assert x["mbx_garbage_messages"] == 0 and "tx_doorbell_kicks" in x, x
    g0.cmd("clear port xstats 0")
    assert xstats(g0)["rx_vport_packets"] < x["rx_vport_packets"]


def test_vfs_on_different_vlans_do_not_see_each_others_broadcasts(nullworld):
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    assert w.alloc("queues", "1", "mac", MAC1, "vlan", "10") == 1
    assert w.alloc("queues", "1", "mac", MAC2) == 2
    # receivers stop on what they saw, not on a timer: the same-VLAN one once
    # it has every frame, the other one after that (the switch floods a
    # broadcast to all its ports in one pass)
    other_vlan = w.guest_tool(1, "--rx-ms", "30000", background=True)
    same_vlan = w.guest_tool(2, "--rx-ms", "30000", "--rx-until", "200", background=True)
    wait_tool_ready(other_vlan)
    wait_tool_ready(same_vlan)
    sent = w.guest_tool(0, "--tx", "200")
    assert sent["tx_sent"] == "200", sent
    seen_same = finish_tool(same_vlan)
    seen_other = stop_tool(other_vlan)
    assert seen_same["rx_test_frames"] == "200", seen_same      # the control
    assert seen_other["rx_test_frames"] == "0", seen_other
    assert seen_other["rx_broadcast"] == "0", seen_other


def test_forged_source_mac_is_dropped_and_counted_with_spoof_check(nullworld):
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    assert w.alloc("queues", "1", "mac", MAC1) == 1
    assert w.vf(0)["vport"]["spoofchk"] is True     # the default
    rx = w.guest_tool(1, "--rx-ms", "30000", background=True)
    wait_tool_ready(rx)
    assert w.guest_tool(0, "--tx", "100", "--src", FORGED)["tx_sent"] == "100"
    wait_for(lambda: w.vf(0)["drops"] >= 100, timeout=15, what="VF 0 counts 100 drops")
    assert stop_tool(rx)["rx_test_frames"] == "0"
    # with spoof check off the same frames go through: the check did the dropping
    w.ctl("vf", "set", "0", "spoofchk", "off")
    rx = w.guest_tool(1, "--rx-ms", "30000", "--rx-until", "100", background=True)
    wait_tool_ready(rx)
    assert w.guest_tool(0, "--tx", "100", "--src", FORGED)["tx_sent"] == "100"
    assert finish_tool(rx)["rx_test_frames"] == "100"


def test_untrusted_guest_cannot_enter_unicast_promiscuous_mode(nullworld):
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    res = w.guest_tool(0, "--promisc")
    assert res["promisc_enable"] != "0", res
    assert res["promisc_now"] == "0", res
    w.ctl("vf", "set", "0", "trust", "on", "promisc-allow", "on")
    res = w.guest_tool(0, "--promisc")
    assert res["promisc_enable"] == "0", res
    assert res["promisc_now"] == "1", res


def test_kill_9_of_a_guest_leaves_its_vf_reset_and_the_other_undisturbed(tapworld):
    w = tapworld
    g0, g1 = two_guests(w)
    w.vlan_ping(GUEST1_IP)
    pinger = w.nspopen("ping", "-c", "100", "-i", "0.02", "-W", "2", GUEST0_IP)
    time.sleep(0.5)
    g1.kill9()
    out, err = pinger.communicate(timeout=60)
    assert " 0% packet loss" in out, out + err
    try:
        wait_for(lambda: w.vf(1)["state"] == "attached" and not w.vf(1)["guest"],
                 timeout=10, what="VF 1 back to attached without a guest")
    except AssertionError:
        raise AssertionError("VF 1: %s\nPF:\n%s" % (w.vf(1), w.pf.output()[-3000:]))
    assert w.vf(0)["state"] == "active"
    # the VF is ready for the next guest, with nothing of the old one left
    w.guest(1)
    w.vlan_ping(GUEST1_IP)


def test_vf_reset_under_traffic_does_not_disturb_the_other_vf(tapworld):
    w = tapworld
    g0, g1 = two_guests(w)
    w.vlan_ping(GUEST1_IP)
    pinger = w.nspopen("ping", "-c", "100", "-i", "0.02", "-W", "2", GUEST0_IP)
    time.sleep(0.3)
    w.ctl("vf", "reset", "1")
    out, err = pinger.communicate(timeout=60)
    assert " 0% packet loss" in out, out + err
    assert w.vf(0)["state"] == "active"
    # the reset guest was told: RESET_NOTICE, then INTR_RESET in testpmd
    wait_for(lambda: "VF reset by the operator" in g1.output() and
             "Port 0: reset event" in g1.output(), timeout=10,
             what="the reset notice and event in guest 1")
    assert "Port 0: reset event" not in w.guests[0].output()


MBX_TX, MBX_STATUS, MBX_RX_ACK = 0x200, 0x204, 0x208      # VF page 0 (device spec)
ST_TX_BUSY, ST_RX_VALID = 0x1, 0x2


def test_mailbox_garbage_flood_quarantines_the_sender_only(tapworld):
    """A hostile guest: a raw vfio-user client on VF 1's socket that submits
    16 zero bytes (no valid header) to the mailbox again and again. Each is
    answered and counted as a strike; enough of them quarantine the VF, while
    the PF and the guest on VF 0 carry on. Only the operator's reset brings it
    back."""
    w = tapworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    assert w.alloc("queues", "1", "mac", MAC1, "vlan", "10") == 1
    w.guest(0)
    w.ping(GUEST0_IP)
    hostile = vu.Client(w.vf_sock(1))
    sent = 0
    try:
        while sent < 200 and w.vf(1)["state"] != "quarantined":
            hostile.reg_write(MBX_TX, 16)
            sent += 1
            end = time.monotonic() + 2
            # the PF takes it (TX_BUSY clears) and answers it (RX_VALID)
            while time.monotonic() < end:
                st = hostile.reg_read(MBX_STATUS)
                if not st & ST_TX_BUSY and st & ST_RX_VALID:
                    break
                time.sleep(0.001)
            else:
                break           # no answer any more: quarantined
            hostile.reg_write(MBX_RX_ACK, 1)
    finally:
        hostile.close()
    wait_for(lambda: w.vf(1)["state"] == "quarantined", timeout=10, what="quarantine")
    assert 16 <= sent < 200, sent
    assert "quarantined" in w.pf.output(), w.pf.output()[-2000:]
    # the PF and the other VF carry on
    w.ctl("pf", "show")
    w.ping(GUEST0_IP)
    assert w.vf(0)["state"] == "active"
    # only the operator's reset brings it back
    w.ctl("vf", "reset", "1")
    assert w.vf(1)["state"] == "attached"


def test_copied_mailbox_on_request(tmp_path):
    """vf_mbx=copied: the PF keeps the device's copying mailbox (spec 1.0);
    a guest comes up, is configured and answered all the same, and none of
    its requests went through the shared TX window."""
    w = VfWorld(uplink="null", pf_devargs="vf_mbx=copied")
    try:
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        g = w.guest(0)
        x = xstats(g)
        # testpmd's promiscuous mode is the one refusal (an untrusted VF)
        assert x["mbx_requests"] >= 5 and x["mbx_timeouts"] == 0, x
        assert x["mbx_refused_requests"] <= 1, x
        assert x["mbx_shared_tx_requests"] == 0 and x["mbx_shared_rx_messages"] == 0, x
        assert w.vf(0)["state"] == "active"
    finally:
        w.close()


@pytest.mark.parametrize("emu_args,source", [
    ((), "the statistics pages"),
    (("--no-stats-page",), "GET_STATS"),
], ids=["stats-pages", "get-stats"])
def test_vf_counters_are_exact_right_after_traffic(tmp_path, emu_args, source):
    """Device spec 1.4: the PF reads a VF's VPort counters from the statistics
    pages, or, from a device without them, with GET_STATS; either way they
    are exact the moment the receiver is done, with no wait."""
    w = VfWorld(uplink="null", emu_args=emu_args,
                pf_eal=["--log-level=pmd.net.svnic.init:debug"])
    try:
        assert "VPort counters from %s" % source in w.pf.output(), w.pf.output()[-3000:]
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        assert w.alloc("queues", "1", "mac", MAC1) == 1
        rx = w.guest_tool(1, "--rx-ms", "5000", "--rx-until", "100", background=True)
        wait_tool_ready(rx)
        assert w.guest_tool(0, "--tx", "100", "--dst", MAC1)["tx_sent"] == "100"
        got = int(finish_tool(rx)["rx_test_frames"])
        v0, v1 = w.vf(0), w.vf(1)
        # the switch delivered all 100; a frame that found no buffer (a busy
        # machine) is VF 1's drop, so every frame is accounted for exactly
        assert v0["tx"] == 100 and v1["rx"] == 100, (v0, v1)
        assert v0["drops"] == 0 and got + v1["drops"] == 100, (got, v0, v1)
    finally:
        w.close()


@pytest.mark.parametrize("emu_args,completions", [
    ((), "head write-back"),
    (("--no-head-wb",), "DONE polling"),
], ids=["head-wb", "done-polling"])
def test_vf_queues_complete_as_the_pf_offers(tmp_path, emu_args, completions):
    """CAP_HEAD_WB: a guest's queues take their completions from the device's
    head write-back when its PF offers it, and poll DONE when it does not (a
    device without HEAD_WB; an older PF offers nothing either); frames cross
    between two VFs either way, more than a ring's worth so that both rings
    wrap and the TX completions are reclaimed."""
    other = "DONE polling" if completions == "head write-back" else "head write-back"
    debug = ["--log-level=pmd.net.svnic_vf.driver:debug"]
    n = 3000
    w = VfWorld(uplink="null", emu_args=emu_args)
    try:
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        assert w.alloc("queues", "1", "mac", MAC1) == 1
        rx = w.guest_tool(1, "--rx-ms", "30000", "--rx-until", str(n), background=True,
                          eal=debug)
        rx_start = wait_tool_ready(rx)     # the queues start before the port is up
        tx = w.guest_tool(0, "--tx", str(n), "--dst", MAC1, eal=debug)
        assert tx["tx_sent"] == str(n), tx["_out"][-2000:]
        res = finish_tool(rx)
        got = int(res["rx_test_frames"])
        v1 = w.vf(1)
        assert v1["rx"] == n and got + v1["drops"] == n, (got, v1)
        assert got > 0, res["_out"][-2000:]
        for out in (tx["_out"], rx_start):
            for q in ("RX", "TX"):
                assert "%s queue 0: completions by %s" % (q, completions) in out, out[-3000:]
                assert "%s queue 0: completions by %s" % (q, other) not in out, out[-3000:]
    finally:
        w.close()


def pf_trapped_writes(w):
    """The PF's trapped BAR0 writes so far, from the emulator's SIGUSR1 report."""
    before = len(re.findall(r"pf: trapped reads", w.emu_output()))
    w.emu.send_signal(signal.SIGUSR1)
    wait_for(lambda: len(re.findall(r"pf: trapped reads", w.emu_output())) > before,
             what="the emulator's statistics")
    return int(re.findall(r"pf: trapped reads \d+ writes (\d+)", w.emu_output())[-1])


def test_mailbox_answers_raise_the_vfs_cause_once_while_it_spins(nullworld):
    """Shared RX: the PF raises a VF's INT_CAUSE.MBX_RX (MBX_RX_NOTIFY, a write
    to the device) only when the guest cleared it since the last one; a guest
    spinning on its notify page for its answers leaves it latched, so most
    of 400 cost the device nothing; one it waits longer for (it sleeps on its
    vector after 200 us) is raised and answered all the same."""
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    before = pf_trapped_writes(w)
    out = w.guest_tool(0, "--mbx-rtt", "200")["_out"]
    assert re.search(r"^mbx_rtt_p50_ns [1-9]", out, re.M), out
    assert re.search(r"^mbx_rtt_b2b_p50_ns [1-9]", out, re.M), out
    after = pf_trapped_writes(w)
    # 400 answers raising it each would be 400 writes and more; an answer slower
    # than the guest's 200 us of spinning (a loaded machine) finds it armed again
    assert after - before < 200, (before, after)


def test_guest_offloads_vlan_insert_and_strip(nullworld):
    """Mailbox 1.2: a guest learns the device's offloads from its PF. VF 0
    sends one burst with tag 100 inserted by the device (tx_vlan); VF 1,
    filtering VLAN 100, sees the tag in the data, then, once the PF has turned
    on the strip it asked for, in vlan_tci and the mbuf flags."""
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    assert w.alloc("queues", "1", "mac", MAC1) == 1
    rx = w.guest(1, args=("--forward-mode=rxonly",))
    tx = w.guest(0, args=("--forward-mode=rxonly",), start=False)
    # what the device does, no more: svnic-emu fills and checks no checksums
    caps = tx.cmd("show port 0 tx_offload capabilities")
    assert "VLAN_INSERT" in caps and "MULTI_SEGS" in caps, caps
    assert "CKSUM" not in caps, caps
    caps = rx.cmd("show port 0 rx_offload capabilities")
    assert "VLAN_STRIP" in caps and "CKSUM" not in caps, caps
    tx.cmd("port stop 0")
    tx.cmd("tx_vlan set 0 100")
    tx.cmd("port start 0")
    tx.cmd("set eth-peer 0 %s" % MAC1)
    rx.cmd("vlan set filter on 0")
    rx.cmd("rx_vlan add 100 0")
    rx.cmd("set verbose 1")

    def one_burst():
        mark = len(rx.output())
        run_for(tx, 0.2, "start tx_first")
        wait_for(lambda: rx.output()[mark:].count(" - length=") >= 32, timeout=10,
                 what="32 frames at VF 1")
        return rx.output()[mark:]

    dump = one_burst()
    assert dump.count("type=0x8100 - length=68") == 32, dump
    rx.cmd("vlan set strip on 0")
    assert "strip on" in rx.cmd("show port info 0")
    dump = one_burst()
    assert dump.count("type=0x0800 - length=64") == 32, dump
    assert dump.count("VLAN tci=0x64") == 32, dump
    assert "RTE_MBUF_F_RX_VLAN_STRIPPED" in dump
    rx.cmd("vlan set strip off 0")
    dump = one_burst()
    assert dump.count("type=0x8100 - length=68") == 32, dump


def test_a_second_guest_on_the_same_vf_is_refused(nullworld):
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    w.guest(0, args=(), start=False)
    prefix = "svnic-second-%d" % os.getpid()
    out = subprocess.run(["dpdk-testpmd"] + guest_eal(w.vf_sock(0), prefix) +
                         ["--", "--nb-ports=1", "--total-num-mbufs=2048", "-a"],
                         capture_output=True, text=True, timeout=60, input="")
    text = out.stdout + out.stderr
    assert "EBUSY" in text or "busy" in text.lower(), text
    assert "No probed ethernet devices" in text or out.returncode != 0, text
    assert w.vf(0)["guest"] is True


def test_guest_sees_a_mediated_vf_config_space(nullworld):
    w = nullworld
    assert w.alloc("queues", "2", "mac", MAC0) == 0
    out = subprocess.run([tool("svnic-ctl"), "lspci", w.vf_sock(0)], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "5356:0002" in text, text                       # vendor and VF device id
    assert "Single Root I/O Virtualization" not in text     # no SR-IOV capability in a VF
    assert "FLReset+" in text, text                         # FLR capable
    assert re.search(r"Region 0: Memory at .*64-bit, non-prefetchable.*\[size=16K\]",
                     text), text
    assert "MSI-X: Enable- Count=" in text, text


def test_lifecycle_over_64_vfs(tmp_path):
    w = VfWorld(uplink="null", vfs_max=64, queues=256, max_vfs=64)
    try:
        pf_rid = json.loads(w.ctl("pf", "show", "--json").stdout)["pf"]["rid"]
        bus, devfn = pf_rid.split(":")
        pf = int(bus, 16) << 8 | int(devfn.split(".")[0], 16) << 3 | int(devfn.split(".")[1])
        for cycle in range(2):
            for n in range(64):
                assert w.alloc("queues", "1") == n
            vfs = w.vfs()
            assert sorted(vfs) == list(range(64))
            for n, v in vfs.items():
                rid = pf + 1 + n        # First VF Offset 1, VF Stride 1 (ARI on)
                assert v["rid"] == "%02x:%02x.%x" % (rid >> 8, (rid >> 3) & 0x1f, rid & 7)
                assert v["state"] == "attached"
                assert os.path.exists(w.vf_sock(n))
            # a guest on one of them, then a reset, then gone
            g = w.guest(63, args=(), start=False)
            wait_for(lambda: w.vf(63)["guest"], what="guest on VF 63")
            g.quit()
            w.guests.remove(g)
            wait_for(lambda: not w.vf(63)["guest"], what="guest gone")
            w.ctl("vf", "reset", "5")
            refused = w.ctl("vf", "free", "0", check=False)
            assert refused.returncode == 1 and "cascade" in refused.stdout + refused.stderr
            for n in range(64):
                w.ctl("vf", "free", str(n), "cascade")
                assert not os.path.exists(w.vf_sock(n))
            assert w.vfs() == {}
            sw = json.loads(w.ctl("switch", "show", "--json").stdout)["switch"]
            assert sw["allocated"] == 0 and sw["num_vfs"] == 64
    finally:
        w.close()


def test_closing_the_pf_tells_the_guests(nullworld):
    w = nullworld
    assert w.alloc("queues", "1", "mac", MAC0) == 0
    g = w.guest(0, args=(), start=False)
    w.pf.quit()
    w.pf = None
    wait_for(lambda: "the PF is going down" in g.output(), timeout=15,
             what="the guest told of PF_GOING_DOWN")
    assert "Port 0: reset event" in g.output()


def test_a_vf_port_reports_its_sriov_capabilities(nullworld):
    """Seed 003's capabilities of a VF miniport: the caps query of
    rte_pmd_svnic.h answers for a net_svnic_vf port (SR-IOV, a VF, its number,
    the mailbox version it agreed on, RSS, no VMDq), and ethdev shows no VMDq
    pools and the RSS types."""
    w = nullworld
    assert w.alloc("queues", "2", "mac", MAC0) == 0
    assert w.alloc("queues", "2", "mac", MAC1) == 1
    caps = w.guest_tool(1, "--caps", plugin())
    assert caps["caps_ret"] == "0", caps
    assert (caps["caps_sriov"], caps["caps_is_vf"], caps["caps_vf_id"]) == ("1", "1", "1"), caps
    assert caps["caps_mbx_version"] == str(0x102), caps      # 1.2
    assert (caps["caps_rss"], caps["caps_vmdq"]) == ("1", "0"), caps
    assert (caps["info_vmdq_pools"], caps["info_reta_size"]) == ("0", str(RETA_SIZE)), caps
    g = w.guest(0, start=False)
    info = g.cmd("show port info 0")
    assert re.search(r"Supported RSS offload flow types:\s*\n\s*ipv4", info), info


def test_guest_rss_goes_through_the_mailbox(nullworld):
    """RETA and key as a guest sets them: CONFIG_RSS through the PF, and the
    VF driver's answers to ethdev's queries (the PF's key stays unknown to the
    guest until it sets one)."""
    w = nullworld
    assert w.alloc("queues", "2", "mac", MAC0) == 0
    g = w.guest(0, args=("--rxq=2", "--txq=2", "--rss-udp"), start=False)
    assert reta(g) == dict((i, i % 2) for i in range(RETA_SIZE))
    set_reta(g, [(i, 1) for i in range(RETA_SIZE)])
    assert set(reta(g).values()) == {1}
    out = g.cmd("port config 0 rss reta (5,3)")
    assert "Bad redirection table parameter, return code = -22" in out, out
    assert reta(g)[5] == 1
    out = g.cmd("show port 0 rss-hash key")
    assert "RSS key:" not in out, out            # unknown: the PF chose it
    key = "".join("%02x" % ((i * 29 + 5) & 0xff) for i in range(52))
    g.cmd("port config 0 rss-hash-key ipv4-udp %s" % key)
    out = g.cmd("show port 0 rss-hash key")
    assert re.search(r"RSS key:\s*%s" % key.upper(), out), out
    assert "ipv4-udp" in out, out


def test_a_busy_polling_pf_serves_guests_the_same(tmp_path):
    """busy_poll: between its waits the PF's control thread reads the socket of
    the guest it served last (svnic_sriov_poll_hot()). Two guests take turns
    on the mailbox, each leaves (its VF reset on the way), one comes back,
    and a config-space read goes through the same path: all as without
    busy polling, and the control thread did spin."""
    from test_pf_telemetry import Telemetry, telemetry_path
    w = VfWorld(uplink="null", pf_devargs="busy_poll=1000")
    try:
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        assert w.alloc("queues", "1", "mac", MAC1) == 1
        for n in (0, 1, 0):
            out = w.guest_tool(n, "--mbx-rtt", "100")["_out"]
            assert re.search(r"^mbx_rtt_b2b_p50_ns [1-9]", out, re.M), out
            assert "mbx_rtt_error" not in out, out
        wait_for(lambda: w.vf(0)["guest"] is False and w.vf(1)["guest"] is False,
                 what="both guests gone")
        out = subprocess.run([tool("svnic-ctl"), "lspci", w.vf_sock(1)], capture_output=True,
                             text=True, timeout=30)
        assert out.returncode == 0 and "5356:0002" in out.stdout, out.stdout + out.stderr
        tel = Telemetry(telemetry_path(w.pf.prefix))
        try:
            st = tel.query("/svnic/ctrl,0")
        finally:
            tel.close()
        assert st["busy_poll_us"] == 1000 and st["spins"] > 0, st
        assert st["hot_msgs"] > 0, st       # some requests came in through that path
    finally:
        w.close()
