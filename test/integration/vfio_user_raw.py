# SPDX-License-Identifier: BSD-3-Clause
"""A deliberately small vfio-user client for tests: it speaks the wire format
directly (QEMU docs/interop/vfio-user.rst) so tests can also send what a good
client never would."""
import json
import os
import socket
import struct
import time

VERSION, DMA_MAP, DMA_UNMAP, DEVICE_GET_INFO, DEVICE_GET_REGION_INFO = 1, 2, 3, 4, 5
DEVICE_GET_IRQ_INFO, DEVICE_SET_IRQS, REGION_READ, REGION_WRITE = 7, 8, 9, 10
DEVICE_RESET = 13
F_REPLY, F_NO_REPLY, F_ERROR = 0x1, 0x10, 0x20
CONFIG, BAR0, BAR2 = 7, 0, 2
HDR = struct.Struct("<HHIII")


class ServerError(OSError):
    pass


class Client:
    """busy_retry: a server notices that its previous client left on its next
    poll, and refuses a new one with EBUSY until then; retry for that long."""

    def __init__(self, path, token=None, caps=True, timeout=5.0, busy_retry=3.0):
        end = time.monotonic() + busy_retry
        while True:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(timeout)
            self.s.connect(path)
            self.msg_id = 0
            self.caps = None
            if caps is None:
                return
            try:
                self.version(token, caps)
                return
            except ServerError as e:
                self.s.close()
                if e.errno != 16 or time.monotonic() >= end:
                    raise
                time.sleep(0.01)

    def close(self):
        self.s.close()

    def version(self, token=None, caps=True):
        payload = struct.pack("<HH", 0, 1)
        if caps:
            c = {"capabilities": {"max_msg_fds": 8}}
            if token:
                c["capabilities"]["svnic"] = {"vf_token": token}
            payload += json.dumps(c).encode() + b"\0"
        body = self.request(VERSION, payload)
        text = body[4:].rstrip(b"\0")
        self.caps = json.loads(text) if text else {}
        return self.caps

    def send_raw(self, data, fds=()):
        if fds:
            socket.send_fds(self.s, [data], list(fds))
        else:
            self.s.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("server closed the connection")
            buf += chunk
        return buf

    def request(self, cmd, payload=b"", fds=()):
        self.msg_id = (self.msg_id + 1) & 0xFFFF
        self.send_raw(HDR.pack(self.msg_id, cmd, HDR.size + len(payload), 0, 0) + payload, fds)
        mid, rcmd, size, flags, err = HDR.unpack(self.recv_exact(HDR.size))
        body = self.recv_exact(size - HDR.size)
        if mid != self.msg_id or rcmd != cmd or not flags & F_REPLY:
            raise AssertionError("bad reply header %r" % ((mid, rcmd, size, flags),))
        if flags & F_ERROR:
            raise ServerError(err, "server error %d (%s) for command %d"
                              % (err, os.strerror(err), cmd))
        return body

    def region_read(self, region, offset, count):
        body = self.request(REGION_READ, struct.pack("<QII", offset, region, count))
        return body[16:]

    def region_write(self, region, offset, data):
        self.request(REGION_WRITE, struct.pack("<QII", offset, region, len(data)) + data)

    def cfg_read(self, offset, size):
        return int.from_bytes(self.region_read(CONFIG, offset, size), "little")

    def cfg_write(self, offset, size, value):
        self.region_write(CONFIG, offset, value.to_bytes(size, "little"))

    def reg_read(self, offset):
        return struct.unpack("<I", self.region_read(BAR0, offset, 4))[0]

    def reg_write(self, offset, value):
        self.region_write(BAR0, offset, struct.pack("<I", value))

    def dma_map(self, iova, size, fd=None, offset=0, prot=3):
        # struct vfio_user_dma_map: argsz, flags (prot), offset, addr, size
        payload = struct.pack("<IIQQQ", 32, prot, offset, iova, size)
        return self.request(DMA_MAP, payload, fds=(fd,) if fd is not None else ())

    def dma_unmap(self, iova, size):
        return self.request(DMA_UNMAP, struct.pack("<IIQQ", 24, 0, iova, size))

    def reset(self):
        return self.request(DEVICE_RESET)

    def device_info(self):
        body = self.request(DEVICE_GET_INFO, struct.pack("<IIII", 16, 0, 0, 0))
        return struct.unpack("<IIII", body[:16])


# The svnic PF's SR-IOV capability (doc/device-spec.rst)
SRIOV = 0x140
SRIOV_CTRL, SRIOV_NUM_VF = SRIOV + 0x08, SRIOV + 0x10
CTRL_VFE, CTRL_MSE = 0x1, 0x8


def enable_vfs(pf, n):
    pf.cfg_write(SRIOV_CTRL, 2, 0)
    pf.cfg_write(SRIOV_NUM_VF, 2, n)
    if n:
        pf.cfg_write(SRIOV_CTRL, 2, CTRL_VFE | CTRL_MSE)


DEVICE_FEATURE = 16
FEATURE_SET, FEATURE_PROBE, FEATURE_PCI_VF_TOKEN = 1 << 17, 1 << 18, 0


def set_vf_token(pf, token):
    """What a PF driver does (vfio-pci's VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)."""
    import uuid
    data = uuid.UUID(token).bytes
    pf.request(DEVICE_FEATURE, struct.pack("<II", 8 + len(data),
                                           FEATURE_SET | FEATURE_PCI_VF_TOKEN) + data)
