/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vfio-user client byte stream against the server. Each input is written
 * into one end of a socketpair whose other end the server serves (attached,
 * as an inherited --fd would be); the write side is then shut, and the server
 * handles messages until it drops the client at the end of the stream. The
 * fake device behind it has a plain BAR, a mappable BAR with sparse areas,
 * MSI-X, and a doorbell that makes it DMA through DMA_READ/DMA_WRITE, so the
 * input can also carry the replies to those. Server and device are created
 * per input; no fd may survive an input.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_fds.h"
#include "vfio_user_server.h"

#define FUZZ_BAR0	256u
#define FUZZ_BAR1	8192u
#define FUZZ_DOORBELL	0x80u
#define FUZZ_MAX_INPUT	(64u * 1024u)
#define FUZZ_TOKEN	"0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_dev {
	uint8_t bar0[FUZZ_BAR0];
	int bar1_fd;
	struct vfio_user_server *srv;
};

static int
fuzz_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = 3;
	info->num_irqs = 2;
	return 0;
}

static int
fuzz_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *d)
{
	struct fuzz_dev *f = ctx;

	if (index == 0) {
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		d->size = FUZZ_BAR0;
	} else if (index == 1) {
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			VFIO_REGION_INFO_FLAG_MMAP;
		d->size = FUZZ_BAR1;
		d->fd = f->bar1_fd;
		d->nr_sparse = 1;
		d->sparse[0].offset = 0x1000;
		d->sparse[0].size = 0x1000;
	}
	return 0;
}

static int
fuzz_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	(void)ctx;
	info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE;
	info->count = index == 0 ? 1 : 16;
	return 0;
}

static int
fuzz_region_access(void *ctx, uint32_t index, uint64_t off, void *buf, uint32_t count,
		bool is_write)
{
	struct fuzz_dev *f = ctx;
	uint8_t tmp[64];
	uint64_t iova;

	/* The server checked bounds and flags; trap if it did not. */
	if (index > 1 || count == 0)
		__builtin_trap();
	if (index == 1) {
		/* Mappable, yet reachable by messages too (spec "Read and Write Operations"). */
		if (off > FUZZ_BAR1 || count > FUZZ_BAR1 - off)
			__builtin_trap();
		ssize_t n = is_write ? pwrite(f->bar1_fd, buf, count, (off_t)off) :
			pread(f->bar1_fd, buf, count, (off_t)off);

		return n == (ssize_t)count ? 0 : -EIO;
	}
	if (off > FUZZ_BAR0 || count > FUZZ_BAR0 - off)
		__builtin_trap();
	if (!is_write) {
		memcpy(buf, f->bar0 + off, count);
		return 0;
	}
	memcpy(f->bar0 + off, buf, count);
	if (off == FUZZ_DOORBELL && count == sizeof(iova)) {
		memcpy(&iova, buf, sizeof(iova));
		if (vfio_user_server_dma_read(f->srv, iova, tmp, sizeof(tmp)) == 0)
			vfio_user_server_dma_write(f->srv, iova, tmp, sizeof(tmp) / 2);
	}
	return 0;
}

static int
fuzz_set_irqs(void *ctx, uint32_t index, uint32_t flags, uint32_t start, uint32_t count,
		const int *fds, const uint8_t *bools)
{
	uint32_t i, sum = 0;

	(void)ctx;
	(void)flags;
	if (index > 1 || (count != 0 && start + count > (index == 0 ? 1u : 16u)))
		__builtin_trap();
	for (i = 0; i < count; i++)
		sum += (fds != NULL ? (uint32_t)fds[i] : 0) + (bools != NULL ? bools[i] : 0);
	return sum == 7 ? -EINVAL : 0;	/* sometimes the device refuses */
}

static int
fuzz_check_token(void *ctx, const char *token)
{
	(void)ctx;
	return token == NULL || strcmp(token, FUZZ_TOKEN) == 0 ? 0 : -EPERM;
}

static int
fuzz_reset(void *ctx)
{
	struct fuzz_dev *f = ctx;

	memset(f->bar0, 0, sizeof(f->bar0));
	return 0;
}

/* A device with one gettable test feature and the settable VF token. */
static int
fuzz_device_feature(void *ctx, uint32_t flags, const void *data, uint32_t len, void *out,
		    uint32_t out_cap, uint32_t *out_len)
{
	(void)ctx;
	if (len > 0 && data == NULL)
		__builtin_trap();
	if ((flags & 0xffff) == 0) {
		if (flags & (1u << 17)) {	/* SET of the token */
			return len == 16 ? 0 : -EINVAL;
		}
		return flags & (1u << 16) ? -EINVAL : 0;
	}
	if ((flags & 0xffff) == 7 && (flags & (1u << 16)) && out != NULL) {
		uint32_t n = out_cap < 4 ? out_cap : 4;

		memset(out, 0x5a, n);
		*out_len = n;
		return 0;
	}
	return -ENOTTY;
}

static const struct vfio_user_server_ops fuzz_ops = {
	.device_feature = fuzz_device_feature,
	.device_info = fuzz_device_info,
	.region_info = fuzz_region_info,
	.irq_info = fuzz_irq_info,
	.region_access = fuzz_region_access,
	.set_irqs = fuzz_set_irqs,
	.reset = fuzz_reset,
	.check_token = fuzz_check_token,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 20, .max_msg_fds = 4 };
	static struct fuzz_dev dev;
	int sp[2], before;
	unsigned int i;
	size_t off = 0;
	ssize_t n;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	before = fuzz_open_fds();
	memset(&dev, 0, sizeof(dev));
	dev.bar1_fd = memfd_create("fuzz-bar1", MFD_CLOEXEC);
	if (dev.bar1_fd < 0 || ftruncate(dev.bar1_fd, FUZZ_BAR1) < 0)
		__builtin_trap();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		__builtin_trap();
	if (vfio_user_server_create(&cfg, &fuzz_ops, &dev, &dev.srv) < 0 ||
	    vfio_user_server_attach(dev.srv, sp[1]) < 0)
		__builtin_trap();
	while (off < size) {
		n = send(sp[0], data + off, size - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(sp[0], SHUT_WR);
	for (i = 0; i < 100000 && vfio_user_server_connected(dev.srv); i++) {
		/* as a busy-polling owner does: most looks read the client alone */
		if (i % 4 != 3)
			(void)vfio_user_server_poll_client(dev.srv);
		else
			vfio_user_server_handle(dev.srv);
		fuzz_drain(sp[0]);
	}
	/* The end of the stream always ends the session. */
	if (vfio_user_server_connected(dev.srv))
		__builtin_trap();
	if (vfio_user_dma_count(vfio_user_server_dma(dev.srv)) != 0)
		__builtin_trap();
	vfio_user_server_destroy(dev.srv);
	close(sp[0]);
	close(dev.bar1_fd);
	if (fuzz_open_fds() != before)
		__builtin_trap();
	return 0;
}
