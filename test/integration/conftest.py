# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures for the multi-process tests: svnic-emu as a real process, each in a
directory of its own, always reaped."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SVNIC_BUILD", os.path.join(TOP, "build"))
TOKEN = "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f"


def tool(name, build=None):
    sub = {"svnic-emu": "app/svnic-emu", "svnic-ctl": "app/svnic-ctl"}[name]
    path = os.path.join(build or BUILD, sub, name)
    if not os.access(path, os.X_OK):
        pytest.fail("%s is not built at %s" % (name, path))
    return path


def wait_for(pred, timeout=5.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for %s" % what)


class Emu:
    made = []          # every instance, so the autouse fixture can clean up after it

    def __init__(self, args=(), build=None, token=TOKEN):
        self.dir = tempfile.mkdtemp(prefix="svnic-emu-")
        Emu.made.append(self)
        self.log = open(os.path.join(self.dir, "emu.log"), "w+")
        cmd = [tool("svnic-emu", build), "--dir", self.dir]
        if token:
            cmd += ["--vf-token", token]
        self.proc = subprocess.Popen(cmd + list(args), stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(self.sock("pf")) or self.proc.poll() is not None,
                 what="pf.sock")
        if self.proc.poll() is not None:
            raise AssertionError("svnic-emu exited: %s" % self.output())

    def sock(self, fn):
        return os.path.join(self.dir, fn + ".sock")

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(autouse=True)
def reap_emulators():
    """Whatever a test did, its emulators are stopped and their folders go."""
    yield
    while Emu.made:
        e = Emu.made.pop()
        e.stop()
        e.log.close()
        shutil.rmtree(e.dir, ignore_errors=True)


@pytest.fixture
def emu():
    e = Emu(["--vfs-max", "8"])
    yield e
    e.stop()
