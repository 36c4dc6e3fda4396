# SPDX-License-Identifier: BSD-3-Clause
"""A small vfio-user server for tests: a PCI function whose config space and
BAR0 are whatever the test says, so a client can be shown devices svnic-emu
never is (another vendor's function, a VF that does not ask for a token...).

Wire format: QEMU docs/interop/vfio-user.rst, protocol 0.1, as
lib/vfio_user/vfio_user_server.c speaks it. One client at a time, served by
one thread. The server records what it was asked, so that a test can check
that a client left nothing behind: every command seen, the DMA windows still
mapped when it left, and whether it closed its connection.

    fake = FakeVfioUser(path, config=pci_config(0x1af4, 0x1041),
                        bar0={0x000: b"virt"})
    ... run the client ...
    assert fake.wait_disconnect() and not any(fake.dma_left)
    fake.close()
"""
import errno
import json
import mmap
import os
import socket
import struct
import threading

VERSION, DMA_MAP, DMA_UNMAP, DEVICE_GET_INFO, DEVICE_GET_REGION_INFO = 1, 2, 3, 4, 5
DEVICE_GET_IRQ_INFO, DEVICE_SET_IRQS, REGION_READ, REGION_WRITE = 7, 8, 9, 10
DEVICE_RESET = 13
NAMES = {VERSION: "VERSION", DMA_MAP: "DMA_MAP", DMA_UNMAP: "DMA_UNMAP",
         DEVICE_GET_INFO: "DEVICE_GET_INFO", DEVICE_GET_REGION_INFO: "DEVICE_GET_REGION_INFO",
         DEVICE_GET_IRQ_INFO: "DEVICE_GET_IRQ_INFO", DEVICE_SET_IRQS: "DEVICE_SET_IRQS",
         REGION_READ: "REGION_READ", REGION_WRITE: "REGION_WRITE",
         DEVICE_RESET: "DEVICE_RESET"}

F_TYPE_MASK, F_REPLY, F_NO_REPLY, F_ERROR = 0xF, 0x1, 0x10, 0x20
HDR = struct.Struct("<HHIII")           # msg_id, command, msg_size, flags, error
ACCESS = struct.Struct("<QII")          # REGION_READ/WRITE: offset, region, count
DMA_MAP_S = struct.Struct("<IIQQQ")     # argsz, flags, offset, addr, size
DMA_UNMAP_S = struct.Struct("<IIQQ")    # argsz, flags, addr, size
REGION_INFO = struct.Struct("<IIIIQQ")  # argsz, flags, index, cap_offset, size, offset
IRQ_INFO = struct.Struct("<IIII")       # argsz, flags, index, count
MSG_MAX = HDR.size + ACCESS.size + (1 << 20)

# <linux/vfio.h>
BAR0, CONFIG, NUM_REGIONS = 0, 7, 9
INTX, MSI, MSIX, ERR, REQ, NUM_IRQS = 0, 1, 2, 3, 4, 5
DEVICE_FLAGS_RESET, DEVICE_FLAGS_PCI = 1 << 0, 1 << 1
REGION_READ_F, REGION_WRITE_F, REGION_MMAP_F, REGION_CAPS_F = 1, 2, 4, 8
CAP_SPARSE_MMAP = 1
IRQ_INFO_EVENTFD, IRQ_INFO_MASKABLE, IRQ_INFO_NORESIZE = 1, 2, 8
DMA_UNMAP_FLAG_ALL = 1 << 1

CONFIG_SIZE = 4096


def pci_config(vendor, device, class_code=0x020000, revision=0, subsys=(0, 0)):
    """A type 0 config space header, no capabilities, an empty extended list."""
    cfg = bytearray(CONFIG_SIZE)
    struct.pack_into("<HH", cfg, 0x00, vendor, device)
    struct.pack_into("<I", cfg, 0x08, (class_code & 0xFFFFFF) << 8 | revision)
    struct.pack_into("<HH", cfg, 0x2C, *subsys)
    return cfg


class FakeVfioUser:
    """config: 4 KiB (shorter is padded with zeros); bar0: bytes, or a dict
    {offset: bytes or 32-bit int} laid on zeros; bar0_size: the region's size.
    bar0_mmap: report BAR0 mmap-able, backed by a memfd sent with the reply,
    with one sparse area [0x1000, bar0_size) (as svnic-emu does); otherwise
    BAR0 is trapped only (no MMAP flag, no capability, no fd).
    version_errno: answer VERSION with this error (a server that refuses the
    client, as svnic-emu refuses a VF client without the PF's token).
    on_write(fake, region, offset, data): called after each REGION_WRITE."""

    def __init__(self, path, config=None, bar0=None, bar0_size=0x20000, bar0_mmap=False,
                 msix_vectors=16, version_errno=0, on_write=None):
        self.path = path
        self.config = bytearray(config if config is not None else pci_config(0, 0))
        self.config += bytes(CONFIG_SIZE - len(self.config))
        self.bar0_size = bar0_size
        self.memfd = -1
        if bar0_mmap:
            # the trapped accesses and the client's mapping see the same bytes
            self.memfd = os.memfd_create("fake-vfio-user-bar0")
            os.ftruncate(self.memfd, bar0_size)
            self.bar0 = mmap.mmap(self.memfd, bar0_size)
        else:
            self.bar0 = bytearray(bar0_size)
        if isinstance(bar0, dict):
            for off, val in bar0.items():
                data = struct.pack("<I", val) if isinstance(val, int) else bytes(val)
                self.bar0[off:off + len(data)] = data
        elif bar0 is not None:
            self.bar0[:len(bar0)] = bar0
        self.msix_vectors = msix_vectors
        self.version_errno = version_errno
        self.on_write = on_write

        self.lock = threading.Lock()
        self.commands = []          # names (or numbers) of every command received
        self.client_caps = None     # the client's VERSION JSON, parsed
        self.dma = {}               # iova -> (size, had an fd): windows mapped now
        self.dma_left = []          # per client gone, the windows it left mapped
        self.irqs_set = []          # (index, flags, start, count, nfds) of SET_IRQS
        self.writes = []            # (position in commands, region, offset, data)
        self.connections = 0
        self.disconnects = 0
        self.errors = []            # exceptions the serving thread met
        self._gone = threading.Condition(self.lock)
        self._conn = None
        self._stop = False

        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.sock.settimeout(0.05)
        self.thread = threading.Thread(target=self._serve, name="fake-vfio-user", daemon=True)
        self.thread.start()

    # --- what a test looks at --------------------------------------------

    def seen(self, name):
        with self.lock:
            return name in self.commands

    def wait_disconnect(self, timeout=5.0):
        """True once every client that connected has closed its connection."""
        with self._gone:
            return self._gone.wait_for(
                lambda: self.connections > 0 and self.disconnects == self.connections,
                timeout)

    def reg(self, off):
        return struct.unpack_from("<I", self.bar0, off)[0]

    def reg_writes(self, off):
        """[(position in commands, value)] of every 32-bit BAR0 write to @off."""
        with self.lock:
            return [(pos, struct.unpack("<I", data)[0]) for pos, index, o, data in self.writes
                    if index == BAR0 and o == off and len(data) == 4]

    def close(self):
        self._stop = True
        self.thread.join(timeout=10)
        conn = self._conn
        if conn is not None:
            conn.close()
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        if self.memfd >= 0:
            self.bar0.close()
            os.close(self.memfd)
            self.memfd = -1
        if self.errors:
            raise AssertionError("fake vfio-user server failed: %r" % self.errors)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- the server --------------------------------------------------------

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(0.05)
            with self.lock:
                self.connections += 1
                self._conn = conn
            try:
                self._session(conn)
            except Exception as e:      # noqa: BLE001 - reported by close()
                if not self._stop:      # close() while a client is still connected
                    self.errors.append(e)
            finally:
                conn.close()
                with self._gone:
                    self._conn = None
                    # what a server drops when its client leaves (spec "DMA_MAP")
                    self.dma_left.append(dict(self.dma))
                    self.dma.clear()
                    self.disconnects += 1
                    self._gone.notify_all()

    def _recv(self, conn, n, fds):
        """Exactly n bytes (b"" on EOF at a message boundary); fds appended."""
        buf = b""
        while len(buf) < n:
            try:
                data, got, _flags, _addr = socket.recv_fds(conn, n - len(buf), 16)
            except socket.timeout:
                if self._stop:
                    raise EOFError("server stopped")
                continue
            fds.extend(got)
            if not data:
                if buf:
                    raise EOFError("client closed the connection mid-message")
                return b""
            buf += data
        return buf

    def _session(self, conn):
        while True:
            fds = []
            try:
                raw = self._recv(conn, HDR.size, fds)
                if not raw:
                    return
                msg_id, cmd, size, flags, _err = HDR.unpack(raw)
                if size < HDR.size or size > MSG_MAX or flags & F_TYPE_MASK:
                    raise ValueError("bad header %r" % ((msg_id, cmd, size, flags),))
                body = self._recv(conn, size - HDR.size, fds)
                if len(body) != size - HDR.size:
                    raise EOFError("client closed the connection mid-message")
                with self.lock:
                    self.commands.append(NAMES.get(cmd, cmd))
                try:
                    payload, out_fds = self._handle(cmd, body, fds)
                    err = 0
                except OSError as e:
                    payload, out_fds, err = b"", [], e.errno
                except struct.error:
                    payload, out_fds, err = b"", [], errno.EINVAL
                if not flags & F_NO_REPLY:
                    rflags = F_REPLY | (F_ERROR if err else 0)
                    msg = HDR.pack(msg_id, cmd, HDR.size + len(payload), rflags, err) + payload
                    if out_fds:
                        socket.send_fds(conn, [msg], out_fds)
                    else:
                        conn.sendall(msg)
                if cmd == VERSION and err:
                    return          # a failed negotiation ends the connection
            finally:
                for fd in fds:      # nothing we are given is kept
                    os.close(fd)

    @staticmethod
    def _fail(code):
        raise OSError(code, os.strerror(code))

    def _region(self, index):
        if index == CONFIG:
            return self.config
        if index == BAR0:
            return self.bar0
        self._fail(errno.EINVAL)

    def _handle(self, cmd, body, fds):
        if cmd == VERSION:
            major, minor = struct.unpack_from("<HH", body)
            text = body[4:].rstrip(b"\0")
            with self.lock:
                self.client_caps = json.loads(text) if text else {}
            if self.version_errno:
                self._fail(self.version_errno)
            if major != 0:
                self._fail(errno.ENOTSUP)
            caps = {"capabilities": {"max_msg_fds": 8, "max_data_xfer_size": 1 << 20,
                                     "pgsizes": 4096, "max_dma_maps": 65535}}
            return struct.pack("<HH", 0, min(minor, 1)) + json.dumps(caps).encode() + b"\0", []
        if cmd == DMA_MAP:
            argsz, prot, _off, iova, size = DMA_MAP_S.unpack_from(body)
            if argsz < DMA_MAP_S.size or prot & ~3 or size == 0 or len(fds) > 1:
                self._fail(errno.EINVAL)
            with self.lock:
                if any(iova < a + s and a < iova + size for a, (s, _) in self.dma.items()):
                    self._fail(errno.EEXIST)
                self.dma[iova] = (size, bool(fds))
            return b"", []
        if cmd == DMA_UNMAP:
            argsz, uflags, iova, size = DMA_UNMAP_S.unpack_from(body)
            if argsz < DMA_UNMAP_S.size:
                self._fail(errno.EINVAL)
            with self.lock:
                if uflags == DMA_UNMAP_FLAG_ALL:
                    self.dma.clear()
                elif uflags or self.dma.get(iova, (None,))[0] != size:
                    self._fail(errno.ENOENT if not uflags else errno.EINVAL)
                else:
                    del self.dma[iova]
            return DMA_UNMAP_S.pack(DMA_UNMAP_S.size, uflags, iova, size), []
        if cmd == DEVICE_GET_INFO:
            if struct.unpack_from("<I", body)[0] < 16:
                self._fail(errno.EINVAL)
            return struct.pack("<IIII", 16, DEVICE_FLAGS_PCI | DEVICE_FLAGS_RESET,
                               NUM_REGIONS, NUM_IRQS), []
        if cmd == DEVICE_GET_REGION_INFO:
            return self._region_info(body)
        if cmd == DEVICE_GET_IRQ_INFO:
            argsz, _f, index, _c = IRQ_INFO.unpack_from(body)
            if argsz < IRQ_INFO.size or index >= NUM_IRQS:
                self._fail(errno.EINVAL)
            count = {INTX: 0, MSI: 0, MSIX: self.msix_vectors, ERR: 1, REQ: 1}[index]
            iflags = IRQ_INFO_EVENTFD | (IRQ_INFO_NORESIZE if index == MSIX else 0)
            return IRQ_INFO.pack(IRQ_INFO.size, iflags, index, count), []
        if cmd == DEVICE_SET_IRQS:
            argsz, sflags, index, start, count = struct.unpack_from("<IIIII", body)
            if argsz < 20 or index >= NUM_IRQS:
                self._fail(errno.EINVAL)
            with self.lock:
                self.irqs_set.append((index, sflags, start, count, len(fds)))
            return b"", []
        if cmd in (REGION_READ, REGION_WRITE):
            off, index, count = ACCESS.unpack_from(body)
            img = self._region(index)
            if count == 0 or off + count > len(img):
                self._fail(errno.EINVAL)
            if cmd == REGION_READ:
                with self.lock:
                    data = bytes(img[off:off + count])
                return ACCESS.pack(off, index, count) + data, []
            data = body[ACCESS.size:]
            if len(data) != count:
                self._fail(errno.EINVAL)
            with self.lock:
                img[off:off + count] = data
                self.writes.append((len(self.commands) - 1, index, off, bytes(data)))
            if self.on_write is not None:
                self.on_write(self, index, off, data)
            return ACCESS.pack(off, index, count), []
        if cmd == DEVICE_RESET:
            return b"", []
        self._fail(errno.ENOSYS)

    def _region_info(self, body):
        argsz, _f, index, _co, _s, _o = REGION_INFO.unpack_from(body)
        if argsz < REGION_INFO.size or index >= NUM_REGIONS:
            self._fail(errno.EINVAL)
        size, rflags, caps = 0, 0, b""
        if index == CONFIG:
            size, rflags = CONFIG_SIZE, REGION_READ_F | REGION_WRITE_F
        elif index == BAR0:
            size, rflags = self.bar0_size, REGION_READ_F | REGION_WRITE_F
            if self.memfd >= 0:
                rflags |= REGION_MMAP_F | REGION_CAPS_F
                # vfio_region_info_cap_sparse_mmap: header {id, version, next},
                # nr_areas, reserved; then the areas {offset, size}
                caps = struct.pack("<HHIII", CAP_SPARSE_MMAP, 1, 0, 1, 0)
                caps += struct.pack("<QQ", 0x1000, self.bar0_size - 0x1000)
        need = REGION_INFO.size + len(caps)
        if argsz < need:        # the client asks again with argsz = need
            caps = b""
        info = REGION_INFO.pack(need, rflags, index, REGION_INFO.size if caps else 0,
                                size, 0)
        out_fds = [self.memfd] if rflags & REGION_MMAP_F else []
        return info + caps, out_fds
