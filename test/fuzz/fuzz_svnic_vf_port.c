/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guest's byte stream against the PF's VF port (svnic_vf_port.c): each
 * input is written into a socket connected to the port's listening socket,
 * the write side shut, and the port served until the guest is gone. Behind
 * the port a fake device over memory (a memfd as BAR0, eventfd copies kept
 * like a real device keeps them) and a fake PF driver. The port is opened per
 * input; afterwards no fd may be left open, the device connection must be
 * closed and every guest that came must have gone.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz_fds.h"
#include "svnic_mbx.h"
#include "svnic_pci.h"
#include "svnic_vf_port.h"

#define FUZZ_BAR0	(64u * 1024u)
#define FUZZ_BAR2	(16u * 1024u)
#define FUZZ_VECTORS	8u
#define FUZZ_MAX_INPUT	(64u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_fake {
	int bar0_fd;
	uint8_t bar2[FUZZ_BAR2];
	bool dev_open;
	int irq_fds[FUZZ_VECTORS];
	unsigned int comes, gones;
	struct svnic_vf_port *port;	/* for the mailbox hooks */
};

static struct fuzz_fake fz;

static int
fuzz_open(void *dctx, uint16_t vf_id, void **dev)
{
	(void)dctx;
	(void)vf_id;
	if (fz.dev_open)
		__builtin_trap();	/* one device connection at a time */
	fz.dev_open = true;
	*dev = &fz;
	return 0;
}

static void
fuzz_close(void *dev)
{
	unsigned int i;

	(void)dev;
	fz.dev_open = false;
	for (i = 0; i < FUZZ_VECTORS; i++) {
		if (fz.irq_fds[i] >= 0)
			close(fz.irq_fds[i]);
		fz.irq_fds[i] = -1;
	}
}

static int
fuzz_region_info(void *dev, uint32_t index, struct vfio_user_client_region *r)
{
	(void)dev;
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		__builtin_trap();	/* config space is the port's own */
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->info.index = index;
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		r->info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				VFIO_REGION_INFO_FLAG_MMAP;
		r->info.size = FUZZ_BAR0;
		r->fd = dup(fz.bar0_fd);
		r->nr_sparse = 1;
		r->sparse[0].offset = 4096;
		r->sparse[0].size = FUZZ_BAR0 - 4096;
	} else if (index == VFIO_PCI_BAR2_REGION_INDEX) {
		r->info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		r->info.size = FUZZ_BAR2;
	}
	return 0;
}

/* The server checked the access against the region: trap if it did not. */
static int
fuzz_region_rw(uint32_t index, uint64_t off, void *rbuf, const void *wbuf, uint32_t len)
{
	ssize_t n;

	if (len == 0)
		__builtin_trap();
	/*
	 * Of config space, the port passes on only MSI-X Enable and Function
	 * Mask, as one 16-bit write of the capability's flags.
	 */
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		if (wbuf == NULL || off != SVNIC_VF_CFG_MSIX_CAP + PCI_MSIX_FLAGS || len != 2)
			__builtin_trap();
		return 0;
	}
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		if (off > FUZZ_BAR0 || len > FUZZ_BAR0 - off)
			__builtin_trap();
		n = wbuf != NULL ? pwrite(fz.bar0_fd, wbuf, len, (off_t)off) :
		    pread(fz.bar0_fd, rbuf, len, (off_t)off);
		return n == (ssize_t)len ? 0 : -EIO;
	}
	if (index != VFIO_PCI_BAR2_REGION_INDEX || off > FUZZ_BAR2 || len > FUZZ_BAR2 - off)
		__builtin_trap();
	if (wbuf != NULL)
		memcpy(fz.bar2 + off, wbuf, len);
	else
		memcpy(rbuf, fz.bar2 + off, len);
	return 0;
}

static int
fuzz_region_read(void *dev, uint32_t index, uint64_t off, void *buf, uint32_t len)
{
	(void)dev;
	return fuzz_region_rw(index, off, buf, NULL, len);
}

static int
fuzz_region_write(void *dev, uint32_t index, uint64_t off, const void *buf, uint32_t len)
{
	(void)dev;
	return fuzz_region_rw(index, off, NULL, buf, len);
}

static int
fuzz_irq_info(void *dev, uint32_t index, struct vfio_irq_info *info)
{
	(void)dev;
	memset(info, 0, sizeof(*info));
	info->index = index;
	if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = FUZZ_VECTORS;
	}
	return 0;
}

static int
fuzz_set_irq_eventfds(void *dev, uint32_t index, uint32_t start, uint32_t count,
		      const int *fds)
{
	uint32_t i;

	(void)dev;
	if (index != VFIO_PCI_MSIX_IRQ_INDEX || count == 0 || start + count > FUZZ_VECTORS)
		__builtin_trap();
	for (i = 0; i < count; i++) {
		if (fz.irq_fds[start + i] >= 0)
			close(fz.irq_fds[start + i]);
		fz.irq_fds[start + i] = fds[i] >= 0 ? dup(fds[i]) : -1;
	}
	return 0;
}

static int
fuzz_set_irqs(void *dev, uint32_t index, uint32_t action, uint32_t start, uint32_t count,
	      const uint8_t *bools)
{
	(void)dev;
	(void)bools;
	/* Only MSI-X has vectors; count 0 (disable the type) may name any type. */
	if (index >= VFIO_PCI_NUM_IRQS || __builtin_popcount(action) != 1 ||
	    (count != 0 && (index != VFIO_PCI_MSIX_IRQ_INDEX ||
			    start + (uint64_t)count > FUZZ_VECTORS)))
		__builtin_trap();
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? 0 : -EINVAL;
}

static int
fuzz_dma_map(void *dev, uint64_t iova, uint64_t len, uint32_t prot, int fd, uint64_t offset)
{
	struct stat st;

	(void)dev;
	(void)offset;
	if (fd < 0 || fstat(fd, &st) < 0 || len == 0 || iova + len - 1 < iova ||
	    (prot & ~(VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG)) != 0)
		__builtin_trap();
	return (iova & 0xfff) == 0x123 ? -ENOSPC : 0;	/* sometimes the device refuses */
}

static int
fuzz_dma_unmap(void *dev, uint64_t iova, uint64_t len)
{
	(void)dev;
	(void)iova;
	(void)len;
	return 0;
}

static const struct svnic_vf_port_dev_ops fuzz_dev_ops = {
	.open = fuzz_open,
	.close = fuzz_close,
	.region_info = fuzz_region_info,
	.region_read = fuzz_region_read,
	.region_write = fuzz_region_write,
	.region_write_posted = fuzz_region_write,	/* a guest's posted write */
	.irq_info = fuzz_irq_info,
	.set_irq_eventfds = fuzz_set_irq_eventfds,
	.set_irqs = fuzz_set_irqs,
	.dma_map = fuzz_dma_map,
	.dma_unmap = fuzz_dma_unmap,
};

static int
fuzz_cfg_read(void *ctx, uint16_t vf_id, uint16_t off, uint8_t len, uint32_t *val)
{
	(void)ctx;
	(void)vf_id;
	if (off >= SVNIC_VF_CFG_SIZE || len == 0 || len > 4)
		__builtin_trap();
	*val = len == 4 ? 0x12345678u : 0x12345678u & ((1u << (8 * len)) - 1);
	return (off & 0xff) == 0x52 ? -EIO : 0;
}

static int
fuzz_reset(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	(void)vf_id;
	return 0;
}

static void
fuzz_guest_come(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	(void)vf_id;
	fz.comes++;
}

static void
fuzz_guest_gone(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	(void)vf_id;
	fz.gones++;
}

/*
 * The PF's mailbox hooks, as net_svnic's: at a doorbell the shared-TX window
 * is read through the port's mapping (whose words and bytes the input wrote
 * through BAR0) and judged; at a shared acknowledgement an answer is written.
 */
static bool
fuzz_doorbell(void *ctx, uint16_t vf_id)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	int n;

	(void)ctx;
	(void)vf_id;
	n = svnic_vf_port_shtx_read(fz.port, 0, msg, sizeof(msg));
	if (n > (int)sizeof(msg))
		__builtin_trap();
	if (n > 0)
		(void)svnic_mbx_validate_request(msg, (size_t)n);
	return n > 0;
}

static bool
fuzz_ack(void *ctx, uint16_t vf_id)
{
	uint8_t msg[32];
	size_t n;

	(void)ctx;
	(void)vf_id;
	n = svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, SVNIC_MBX_F_REPLY, 1,
			    EPERM, NULL, 0);
	if (n == 0)
		__builtin_trap();
	(void)svnic_vf_port_shrx_write(fz.port, msg, n);
	return true;
}

static const struct svnic_vf_port_ops fuzz_pf_ops = {
	.cfg_read = fuzz_cfg_read,
	.reset = fuzz_reset,
	.guest_come = fuzz_guest_come,
	.guest_gone = fuzz_guest_gone,
	.mbx_doorbell = fuzz_doorbell,
	.mbx_ack = fuzz_ack,
};

/* Listening socket plus anything connected: more than one fd to poll. */
static bool
fuzz_port_busy(const struct svnic_vf_port *port)
{
	struct pollfd pfd[8];

	return svnic_vf_port_pollfds(port, pfd, 8) > 1;
}

static char fuzz_path[96];
static char fuzz_dir[64];

/* The port removes its socket file on close; the directory goes at exit. */
static void
fuzz_cleanup(void)
{
	rmdir(fuzz_dir);
}

static void
fuzz_setup(void)
{
	unsigned int i;

	strcpy(fuzz_dir, "/tmp/fuzz-vf-port-XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		__builtin_trap();
	atexit(fuzz_cleanup);
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/vf0.sock", fuzz_dir);
	fz.bar0_fd = memfd_create("fuzz-vf-bar0", MFD_CLOEXEC);
	if (fz.bar0_fd < 0 || ftruncate(fz.bar0_fd, FUZZ_BAR0) < 0)
		__builtin_trap();
	for (i = 0; i < FUZZ_VECTORS; i++)
		fz.irq_fds[i] = -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct svnic_vf_port_cfg cfg = {
		.path = fuzz_path,
		.vf_id = 0,
		.desc = {
			.vendor_id = SVNIC_PCI_VENDOR_ID,
			.vf_device_id = SVNIC_PCI_DEVICE_ID_VF,
			.class_code = SVNIC_PCI_CLASS_CODE,
			.bars = { [0] = { .size = FUZZ_BAR0, .is_64 = true },
				  [2] = { .size = FUZZ_BAR2, .is_64 = true } },
			.msix_vectors = FUZZ_VECTORS,
			.ari = true,
		},
		.ops = &fuzz_pf_ops,
		.dev_ops = &fuzz_dev_ops,
	};
	struct svnic_vf_port *port;
	int fd, before;
	unsigned int i;
	size_t off = 0;
	ssize_t n;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (fuzz_path[0] == '\0')
		fuzz_setup();
	before = fuzz_open_fds();
	fz.comes = fz.gones = 0;
	if (svnic_vf_port_open(&cfg, &port) < 0)
		__builtin_trap();
	fz.port = port;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, fuzz_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		__builtin_trap();
	/* Serve while sending, so a large input cannot fill the socket for good. */
	for (i = 0; i < 100000 && off < size; i++) {
		n = send(fd, data + off, size - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EAGAIN)
			break;
		svnic_vf_port_handle(port);
		fuzz_drain(fd);
	}
	shutdown(fd, SHUT_WR);
	svnic_vf_port_handle(port);	/* the guest is accepted even when it sent nothing */
	for (i = 0; i < 100000 && fuzz_port_busy(port); i++) {
		svnic_vf_port_handle(port);
		fuzz_drain(fd);
	}
	/* The end of the stream ends the guest; nothing of it may stay. */
	if (fuzz_port_busy(port) || svnic_vf_port_guest_connected(port) || fz.dev_open ||
	    fz.comes != fz.gones)
		__builtin_trap();
	svnic_vf_port_close(port);
	close(fd);
	if (fz.dev_open || fuzz_open_fds() != before)
		__builtin_trap();
	return 0;
}
