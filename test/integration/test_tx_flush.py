# SPDX-License-Identifier: BSD-3-Clause
"""A TX queue stopped right after its last burst still sends every frame:
the stop first waits, up to 100 ms, for the device to have read what was
posted (svnic_tx_queue_flush), because disabling a queue drops what the
device has not reached. On an idle machine the device always wins that race;
svnic-emu --tx-lag-us makes it lose: the device reads a ring only LAG after
the doorbell, and svnic-guest stops its port 2 ms after its last burst.
Both completion modes: head write-back, and DONE polling (--no-head-wb)."""
import os
import re
import signal
import subprocess
import time
import uuid

import pytest

from conftest import Emu, wait_for
from test_pmd import eal_args, plugin, remove_runtime_dir
from vfworld import VfWorld, finish_tool, guest_tool

# well past the 2 ms between the guest's last burst and its stop, and well
# within the driver's 100 ms: the stop always comes first, the wait covers it
LAG_US = 30000
# one burst, read in one pass of the device (64 packets a queue); not a
# multiple of tx_rs_thresh (32), so that with DONE polling only the RS the
# driver puts on a burst's last descriptor can tell the stop it is out
FRAMES = 24
BOUND_US = 100000       # SVNIC_TX_FLUSH_TIMEOUT_US

MODES = pytest.mark.parametrize("mode", [(), ("--no-head-wb",)],
                                ids=["head-wb", "done-polling"])
MAC0 = "02:00:00:00:0b:00"
MAC1 = "02:00:00:00:0b:01"


def pf_guest(emu, *args):
    """svnic-guest on the PF itself (net_svnic); @return its "key value" lines."""
    prefix = "svnic-flush-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    vdev = "net_svnic0,vfio_user=%s,mgmt=none" % emu.sock("pf")
    cmd = [guest_tool()] + eal_args(vdev, prefix, plugin(), mem=256)[1:] + ["--"] + list(args)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    p.prefix = prefix
    try:
        return finish_tool(p)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
        remove_runtime_dir(prefix)


def uplink_out(emu):
    """Frames the switch has sent out of the uplink, from the SIGUSR1 report."""
    seen = emu.output().count("uplink: rx")
    emu.proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: emu.output().count("uplink: rx") > seen, what="the emulator's statistics")
    return int(re.findall(r"uplink: rx (\d+)", emu.output())[-1])


def settled(count, want, seconds=1.0):
    """@count() once it reached @want, or after @seconds: the device switches
    a burst just after it completed it."""
    end = time.monotonic() + seconds
    n = count()
    while n < want and time.monotonic() < end:
        time.sleep(0.05)
        n = count()
    return n


@MODES
def test_pf_port_stopped_right_after_a_burst_sends_it_all(mode):
    emu = Emu(["--uplink", "null", "--tx-lag-us", str(LAG_US)] + list(mode))
    res = pf_guest(emu, "--tx", str(FRAMES))
    out = res["_out"]
    assert res["tx_sent"] == str(FRAMES) and res["stop_ret"] == "0", out
    assert settled(lambda: uplink_out(emu), FRAMES) == FRAMES, out
    # the stop's wait saw the device finish: it did not run out
    assert "did not send" not in out, out
    assert res["xstat_tx_stop_dropped_descriptors"] == "0", out


@MODES
def test_vf_port_and_queue_stopped_right_after_a_burst_send_it_all(mode):
    """The VF driver's two ways in: its port stop (VF 0), which waits on every
    queue before one DISABLE_QUEUES, and a queue's own stop (VF 1)."""
    w = VfWorld(uplink="null", emu_args=("--tx-lag-us", str(LAG_US)) + mode)
    try:
        assert w.alloc("queues", "1", "mac", MAC0) == 0
        assert w.alloc("queues", "1", "mac", MAC1) == 1
        port = w.guest_tool(0, "--tx", str(FRAMES))
        queue = w.guest_tool(1, "--tx", str(FRAMES), "--txq-stop")
        for vf, res, key in ((0, port, "stop_ret"), (1, queue, "txq_stop_ret")):
            out = res["_out"]
            assert res["tx_sent"] == str(FRAMES) and res[key] == "0", out
            assert settled(lambda: w.vf(vf)["tx"], FRAMES) == FRAMES, (vf, out)
            assert "did not send" not in out, out
            assert res["xstat_tx_stop_dropped_descriptors"] == "0", out
    finally:
        w.close()


@MODES
def test_stop_gives_up_after_the_bound_and_says_what_it_dropped(mode):
    """A device that does not read the ring in time (here 400 ms late) cannot
    hold the stop: it returns after the driver's 100 ms, having logged what it
    gives up on; the device, when it looks, finds the queue disabled."""
    lag_us = 4 * BOUND_US
    emu = Emu(["--uplink", "null", "--tx-lag-us", str(lag_us)] + list(mode))
    res = pf_guest(emu, "--tx", str(FRAMES))
    out = res["_out"]
    assert res["tx_sent"] == str(FRAMES) and res["stop_ret"] == "0", out
    assert BOUND_US <= int(res["stop_us"]) < lag_us, out
    # exact with the device's head; "up to" when only DONE bits tell
    up_to = "up to " if "--no-head-wb" in mode else ""
    assert re.search(r"port 0 TX queue 0: the device did not send %s%d descriptors within "
                     r"%d us" % (up_to, FRAMES, BOUND_US), out), out
    # and counts them where an application can see them
    assert res["xstat_tx_stop_dropped_descriptors"] == str(FRAMES), out
    time.sleep(lag_us / 1e6)        # the device's look comes and goes
    assert uplink_out(emu) == 0, emu.output()
